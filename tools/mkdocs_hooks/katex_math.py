"""MkDocs hook: typeset the book's math with KaTeX at build time.

`pymdownx.arithmatex` (generic mode) wraps every `$...$` in
`<span class="arithmatex">\\(...\\)</span>` and every `$$...$$` in
`<div class="arithmatex">\\[...\\]</div>`.  This hook hands those formulas to
KaTeX (run by node, from the copy that `npm ci` puts in node_modules/) and
puts the finished HTML in their place.  The pages then need KaTeX's CSS and
fonts, which this hook adds to the site, but no JavaScript and no network.
A formula KaTeX cannot typeset is a build warning, so `--strict` fails on it.
"""

from __future__ import annotations

import html
import json
import logging
import re
import shutil
import subprocess
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.katex_math")

RENDERER = Path(__file__).with_name("katex_render.cjs")
SITE_DIR = "assets/katex"  # where KaTeX's CSS and fonts go in the built site
MATH = re.compile(r'<(?P<tag>span|div) class="arithmatex">(?P<tex>.*?)</(?P=tag)>', re.S)


def katex_dir(config: MkDocsConfig) -> Path:
    """node_modules/katex next to mkdocs.yml, or an error that says how to get it."""
    path = Path(config.config_file_path).resolve().parent / "node_modules" / "katex"
    if not (path / "dist" / "katex.min.css").is_file():
        raise PluginError(
            f"KaTeX is missing ({path}). Run `npm ci` at the top of the repository "
            "(`make` does); it installs the version pinned in package-lock.json.")
    return path


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Copy KaTeX's stylesheet and fonts into the site, as if they were in docs/."""
    dist = katex_dir(config) / "dist"
    for source in [dist / "katex.min.css", *sorted((dist / "fonts").iterdir())]:
        uri = f"{SITE_DIR}/{source.relative_to(dist).as_posix()}"
        files.append(File.generated(config, uri, abs_src_path=str(source)))
    return files


def strip_delimiters(tex: str) -> tuple[str, bool]:
    """The TeX inside arithmatex's `\\(...\\)` / `\\[...\\]`, and whether it is display math."""
    tex = tex.strip()
    if tex.startswith("\\(") and tex.endswith("\\)"):
        return tex[2:-2], False
    if tex.startswith("\\[") and tex.endswith("\\]"):
        return tex[2:-2], True
    return tex, True  # a bare \begin{align}...\end{align} block


def typeset(formulas: list[tuple[str, bool]], config: MkDocsConfig) -> list[dict]:
    """Run KaTeX on all formulas of one page in a single node process."""
    node = shutil.which("node")
    if node is None:
        raise PluginError("node is not on PATH; the book's math is typeset with KaTeX under node.")
    request = json.dumps([{"tex": tex, "display": display} for tex, display in formulas])
    result = subprocess.run([node, str(RENDERER), str(katex_dir(config))],
                            input=request, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise PluginError(f"KaTeX renderer failed:\n{result.stderr}")
    return json.loads(result.stdout)


def on_page_content(html_text: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Replace each arithmatex formula of the page by KaTeX's HTML."""
    formulas = [strip_delimiters(html.unescape(m["tex"])) for m in MATH.finditer(html_text)]
    if not formulas:
        return html_text
    results = iter(zip(formulas, typeset(formulas, config)))

    def replace(match: re.Match[str]) -> str:
        (tex, display), result = next(results)
        dollars = "$$" if display else "$"
        where = f"Doc file '{page.file.src_uri}': formula {dollars}{tex}{dollars}"
        for warning in result["warnings"]:
            log.warning(f"{where}: KaTeX warns: {warning}")
        if "error" in result:
            log.warning(f"{where} cannot be typeset: {result['error']}")
            return match[0]  # the raw TeX stays; the warning fails --strict
        return f'<{match["tag"]} class="arithmatex">{result["html"]}</{match["tag"]}>'

    return MATH.sub(replace, html_text)
