"""MkDocs hook: put numbers from generated result files into the prose.

`{{ sine.final_loss:.4f }}` in a chapter becomes the value at key `final_loss`
of docs/generated/sine.json, formatted with the Python format spec `.4f`.
Nested keys and list indices are dotted: `{{ bench.sizes.0.seconds:.2f }}`.
Without a spec the value is printed with `str()`.

Placeholders in fenced code blocks and inline code are left alone, so the book
can show the syntax.  A missing file, a missing key, a bad format spec, or a
`{{ ... }}` that is not a placeholder at all stops the build with the page and
the placeholder named: a number the book cannot back up must not be printed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

PLACEHOLDER = re.compile(
    r"\{\{\s*(?P<path>[A-Za-z_][\w-]*(?:\.[\w-]+)+)\s*(?::(?P<spec>[^{}]*?))?\s*\}\}")
# Anything else written like a placeholder ("{{ loss }}", "{{ a.b | c }}") is a mistake.
# Spaces inside the braces keep TeX such as `x^{{2}}` from counting.
SUSPICIOUS = re.compile(r"\{\{\s+[^{}]*?\s+\}\}")
FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)")


def lookup(data: Any, keys: list[str]) -> Any:
    """Follow dotted keys through nested dicts and lists; KeyError names the first bad key."""
    for key in keys:
        if isinstance(data, dict) and key in data:
            data = data[key]
        elif isinstance(data, list) and key.isdigit() and int(key) < len(data):
            data = data[int(key)]
        else:
            raise KeyError(key)
    return data


def substitute(text: str, generated: Path, page_name: str) -> str:
    """Replace every placeholder in `text` (Markdown outside code) by its formatted value."""

    def fail(match: re.Match[str], problem: str) -> PluginError:
        return PluginError(f"Doc file '{page_name}': placeholder '{match[0]}': {problem}")

    def replace(match: re.Match[str]) -> str:
        name, *keys = match["path"].split(".")
        source = generated / f"{name}.json"
        if not source.is_file():
            raise fail(match, f"{source} does not exist (does `make` generate it?)")
        try:
            value = lookup(json.loads(source.read_text(encoding="utf-8")), keys)
        except KeyError as err:
            raise fail(match, f"{source.name} has no key {err.args[0]!r} on that path") from None
        if match["spec"] is None:
            return str(value)
        try:
            return format(value, match["spec"].strip())
        except (TypeError, ValueError) as err:
            raise fail(match, f"cannot format {value!r} with {match['spec']!r}: {err}") from None

    text = PLACEHOLDER.sub(replace, text)
    if stray := SUSPICIOUS.search(text):
        raise PluginError(
            f"Doc file '{page_name}': '{stray[0]}' is not a placeholder; "
            "write {{ file.key }} or {{ file.key:.4f }} (file = a JSON file in docs/generated/)")
    return text


def outside_code(markdown: str, change: Callable[[str], str]) -> str:
    """Apply `change` to the Markdown text that is not inside fenced or inline code."""
    out: list[str] = []
    fence: str | None = None  # the fence that opened the current code block
    for line in markdown.splitlines(keepends=True):
        opener = FENCE.match(line)
        if fence is not None:
            if opener and opener["fence"][0] == fence[0] and len(opener["fence"]) >= len(fence) \
                    and not line.strip().lstrip(fence[0]):
                fence = None
            out.append(line)
        elif opener:
            fence = opener["fence"]
            out.append(line)
        else:
            parts = INLINE_CODE.split(line)
            # split() keeps the backtick run of each code span as a group: rebuild the spans.
            pieces, spans = [change(parts[0])], INLINE_CODE.finditer(line)
            for span, after in zip(spans, parts[2::2]):
                pieces += [span[0], change(after)]
            out.append("".join(pieces))
    return "".join(out)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    generated = Path(config.docs_dir) / "generated"
    return outside_code(markdown, lambda text: substitute(text, generated, page.file.src_uri))
