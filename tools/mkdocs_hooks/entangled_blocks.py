"""MkDocs hook: make the book's Entangled code blocks navigable.

Entangled tangles ```` ``` {.python file=micrograd/engine.py} ```` blocks into files
and ```` ``` {.python #value-core} ```` blocks into named fragments that other blocks
pull in with a `<<value-core>>` line.  On the web page this hook

* titles each block: `file: micrograd/engine.py`, `«value-core»`, or
  `«value-core» +=` for a block that appends to a fragment begun earlier;
* gives each block an HTML id (`file-micrograd-engine-py`, `frag-value-core`,
  `frag-value-core-2`, ...) so that it can be linked to;
* turns every `<<name>>` line into a link to the first block of that name,
  on whichever page it is, and links each fragment's title to the block
  that uses it, and each file's title to the "Where the code lives" page;
* generates that page (code-map.md): for every tangled file, its blocks in
  tangle order, with chapter links and the marker comments Entangled writes.

It reads fences the way Entangled 2.5 does: exactly three backticks and a
`{...}` attribute list open a block, three backticks close it, and
`~~~markdown ... ~~~` hides examples from it.
"""

from __future__ import annotations

import html
import logging
import re
import shlex
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

log = logging.getLogger("mkdocs.hooks.entangled_blocks")

# Entangled 2.5's own patterns (entangled/config/markers.py, model/tangle.py).
OPEN = re.compile(r"^(?P<indent>\s*)```\s*\{(?P<props>[^{}]*)\}\s*$")
CLOSE = re.compile(r"^(?P<indent>\s*)```\s*$")
IGNORE_OPEN = re.compile(r"^\s*~~~markdown\s*$")
IGNORE_CLOSE = re.compile(r"^\s*~~~\s*$")
REFERENCE = re.compile(r"^(?P<indent>\s*)<<(?P<name>[\w:/_.-]+)>>\s*$")
# A rendered Entangled block: superfences' <div>, its title, its highlighted code.
BLOCK_HTML = re.compile(r'(?P<open><div id="(?P<id>[^"]+)" class="[^"]*\bentangled\b[^"]*">)'
                        r'(?:<span class="filename">(?P<title>.*?)</span>)?'
                        r'(?P<code>.*?</code>)', re.S)

CODE_MAP = "code-map.md"  # the generated "Where the code lives" page


@dataclass
class Block:
    """One Entangled code block, as the book's reader sees it."""

    page: str  # src_uri of the chapter, e.g. "01-value.md"
    name: str  # Entangled's reference name: the #id, else the file= path
    file: str | None  # the file= target, if any
    anchor: str = ""  # HTML id on the page
    first: bool = True  # the first block of this name in the book
    ordinal: int = 0  # Entangled's per-chapter count of blocks of this name
    references: list[str] = field(default_factory=list)  # names in <<...>> lines

    @property
    def title(self) -> str:
        if self.file and self.first:
            return f"file: {self.file}"
        if self.name == self.file:
            return f"file: {self.file} +="
        return f"«{self.name}»" + ("" if self.first else " +=")


@dataclass
class Book:
    """Every Entangled block of the book, in Entangled's reading order."""

    blocks: list[Block] = field(default_factory=list)
    by_page: dict[str, list[Block]] = field(default_factory=lambda: defaultdict(list))
    by_name: dict[str, list[Block]] = field(default_factory=lambda: defaultdict(list))
    used_in: dict[str, Block] = field(default_factory=dict)  # name -> first block referencing it
    titles: dict[str, str] = field(default_factory=dict)  # page -> its "# " heading
    docs_prefix: str = "docs"  # docs_dir relative to mkdocs.yml, as in Entangled's markers


book = Book()


def parse_props(props: str) -> tuple[str | None, str | None]:
    """The `#id` and `file=` value of an Entangled attribute list."""
    block_id = target = None
    try:
        tokens = shlex.split(props)  # honours quoted values: title="a b"
    except ValueError:  # an unbalanced quote: fall back to plain words
        tokens = props.split()
    for token in tokens:
        if token.startswith("#") and block_id is None:
            block_id = token[1:]
        elif token.startswith("file="):
            target = token[len("file="):]
    return block_id, target


def entangled_fences(markdown: str) -> list[tuple[int, re.Match[str]]]:
    """(line number, opening match) of each Entangled block, skipping ~~~markdown examples."""
    found, lines, i = [], markdown.splitlines(), 0
    while i < len(lines):
        if IGNORE_OPEN.match(lines[i]):
            i += 1
            while i < len(lines) and not IGNORE_CLOSE.match(lines[i]):
                i += 1
        elif opened := OPEN.match(lines[i]):
            found.append((i, opened))
            i += 1
            while i < len(lines) and not (
                    (closed := CLOSE.match(lines[i])) and closed["indent"] == opened["indent"]):
                i += 1
        i += 1
    return found


def read_blocks(page: str, markdown: str) -> list[Block]:
    """The Entangled blocks of one chapter, with the references each one makes."""
    lines, blocks = markdown.splitlines(), []
    fences = entangled_fences(markdown)
    for line_no, opened in fences:
        block_id, target = parse_props(opened["props"])
        if block_id is None and target is None:
            continue  # Entangled tangles it nowhere; a plain highlighted block
        block = Block(page=page, name=block_id or target, file=target)
        for line in lines[line_no + 1:]:
            if (closed := CLOSE.match(line)) and closed["indent"] == opened["indent"]:
                break
            if ref := REFERENCE.match(line):
                block.references.append(ref["name"])
        blocks.append(block)
    return blocks


def slug(text: str) -> str:
    """An HTML id made of text: letters, digits, hyphens (an `_` could turn bold in Markdown)."""
    return re.sub(r"[^A-Za-z0-9-]+", "-", text).strip("-").lower()


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Read every chapter's blocks before any page is rendered, and add the code map page."""
    global book
    book = Book()
    docs_dir = Path(config.docs_dir).resolve()
    root = Path(config.config_file_path).parent.resolve()
    book.docs_prefix = docs_dir.relative_to(root).as_posix()
    seen_anchors: dict[str, int] = defaultdict(int)
    per_chapter: dict[tuple[str, str], int] = defaultdict(int)
    # Entangled reads the chapters in sorted path order; so do we.
    for file in sorted(files.documentation_pages(), key=lambda f: f.src_uri):
        if file.generated_by or file.inclusion.is_excluded():
            continue
        source = file.content_string
        if heading := re.search(r"^#\s+(.+?)\s*$", source, re.M):
            book.titles[file.src_uri] = heading[1]
        for block in read_blocks(file.src_uri, source):
            block.first = not book.by_name[block.name]
            block.ordinal = per_chapter[block.page, block.name]
            per_chapter[block.page, block.name] += 1
            base = ("file-" if block.name == block.file else "frag-") + slug(block.name)
            seen_anchors[base] += 1
            block.anchor = base if seen_anchors[base] == 1 else f"{base}-{seen_anchors[base]}"
            book.blocks.append(block)
            book.by_page[block.page].append(block)
            book.by_name[block.name].append(block)
            for name in block.references:
                book.used_in.setdefault(name, block)
    files.append(File.generated(config, CODE_MAP, content=code_map()))
    return files


def marker(block: Block) -> str:
    """The comment Entangled writes in the tangled file where this block begins."""
    count = "init" if block.first else str(block.ordinal)
    return f"<<{book.docs_prefix}/{block.page}#{block.name}>>[{count}]"


def tangle_order(name: str, depth: int = 0, path: tuple[str, ...] = ()) -> list[tuple[int, Block]]:
    """The blocks that make up `name`, in the order Entangled writes them, with nesting depth."""
    order = []
    for block in book.by_name.get(name, []):
        order.append((depth, block))
        for ref in block.references:
            if ref not in path:  # Entangled rejects cycles; don't loop on them here
                order += tangle_order(ref, depth + 1, (*path, name))
    return order


def code_map() -> str:
    """Markdown of the "Where the code lives" page."""
    text = [
        "# Where the code lives\n",
        "Every file of the package and its book-taught tests is written by Entangled from "
        "the chapters. This page lists, for each file, the blocks it is made of, in the order "
        "they appear in the file, indented as they nest. The last column is the marker comment "
        "Entangled puts in the file where the block begins (`# ~/~ begin <<...>>[...]`): "
        "search this page for the one you see in the code to find its chapter.\n",
    ]
    targets = sorted({b.file for b in book.blocks if b.file and b.name == b.file})
    if not targets:
        text.append("No chapter tangles a file yet.\n")
    for target in targets:
        text += [f"## `{target}` {{ #{slug(target)} }}\n",
                 "| block | chapter | marker in the file |", "| --- | --- | --- |"]
        for depth, block in tangle_order(target):
            indent = "&emsp;" * 2 * depth
            chapter = book.titles.get(block.page, block.page)
            text.append(f"| {indent}[`{block.title}`]({block.page}#{block.anchor}) "
                        f"| [{chapter}]({block.page}) | `{marker(block)}` |")
        text.append("")
    return "\n".join(text)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Add a title, an id and a class to each Entangled fence; keep its other attributes."""
    blocks = book.by_page.get(page.file.src_uri, [])
    lines = markdown.splitlines(keepends=True)
    fences = [(n, m) for n, m in entangled_fences(markdown) if any(parse_props(m["props"]))]
    if len(fences) != len(blocks):
        log.warning(f"Doc file '{page.file.src_uri}': its Entangled blocks changed during the "
                    "build (another hook edits fences?); block titles may be wrong.")
    folds = []
    for (line_no, opened), block in zip(fences, blocks):
        # Our anchor replaces Entangled's #id: ids must be unique on a page, and a
        # fragment's name could clash with a heading's id.
        props = re.sub(r"(^|\s)#\S+", " ", opened["props"]).strip()
        if "title=" not in props:
            props += f' title="{block.title}"'
        ending = lines[line_no][len(lines[line_no].rstrip("\r\n")):]
        lines[line_no] = f'{opened["indent"]}``` {{{props} .entangled #{block.anchor}}}{ending}'
        if block.file and block.file.startswith("tests/") and not opened["indent"]:
            folds.append(line_no)
    for line_no in reversed(folds):  # from the end, so earlier line numbers stay valid
        lines = fold(lines, line_no)
    return "".join(without_generated_notes(lines))


GENERATED_NOTE = re.compile(r"^\s*Generated by Entangled\b")


def without_generated_notes(lines: list[str]) -> list[str]:
    """The lines, less each Entangled block's note that its file is generated.

    The note belongs in the tangled file, where someone might edit it; a reader
    of the page has nothing to edit. It runs from "Generated by Entangled" to the
    first line that says "by hand", inside the block, and takes the blank line
    before it along.
    """
    out: list[str] = []
    inside, k = False, 0
    while k < len(lines):
        line = lines[k]
        if OPEN.match(line) and ".entangled" in line:
            inside = True
        elif inside and CLOSE.match(line):
            inside = False
        elif inside and GENERATED_NOTE.match(line):
            end = k
            while end + 1 < len(lines) and "by hand" not in lines[end] \
                    and not CLOSE.match(lines[end + 1]):
                end += 1
            if "by hand" in lines[end]:
                if out and not out[-1].strip():
                    out.pop()
                k = end + 1
                continue
        out.append(line)
        k += 1
    return out


TEST_NAME = re.compile(r"^def test_(\w+)\(", re.M)
OPEN_CHECK = "<!-- open check -->"


def fold(lines: list[str], start: int) -> list[str]:
    """Put the test block opening at `start` into a collapsed admonition.

    Tests keep their strength but not the reader's attention: the summary
    names the tests the block holds, and a click opens it. A block right
    after a line `<!-- open check -->` is shown open: the one representative
    check a chapter keeps in view.
    """
    end = start + 1
    while end < len(lines) and not CLOSE.match(lines[end]):
        end += 1
    names = [name.replace("_", " ") for name in TEST_NAME.findall("".join(lines[start:end]))]
    what = "; ".join(names[:3]) + (f"; and {len(names) - 3} more" if len(names) > 3 else "")
    summary = f"Checks: {what}" if names else "The test file's imports and helpers"
    body = ["    " + line if line.strip() else line for line in lines[start:end + 1]]
    before = [line.strip() for line in lines[:start] if line.strip()]
    kind = "???+" if before and before[-1] == OPEN_CHECK else "???"
    return [*lines[:start], f'{kind} example "{summary.replace(chr(34), chr(39))}"\n\n',
            *body, *lines[end + 1:]]


def link(page: Page, files: Files, target: Block) -> str:
    """URL of `target`'s block, relative to `page`."""
    target_file = files.get_file_from_path(target.page)
    return get_relative_url(f"{target_file.url}#{target.anchor}", page.file.url)


def link_references(code: str, page: Page, files: Files) -> str:
    """Turn each `<<name>>` line of highlighted code into a link to its first definition."""
    lines = code.split("\n")
    for i, line in enumerate(lines):
        ref = REFERENCE.match(html.unescape(re.sub(r"<[^>]+>", "", line)))
        if not ref:
            continue
        name = ref["name"]
        if name not in book.by_name:
            log.warning(f"Doc file '{page.file.src_uri}': <<{name}>> refers to a fragment "
                        "that no block of the book defines.")
            continue
        # Pygments splits `<<a-b>>` into flat <span>s; swap the text from the first `<<`
        # to the last `>>` for one link, if that leaves the line's tags balanced.
        start, end = line.find("&lt;&lt;"), line.rfind("&gt;&gt;") + len("&gt;&gt;")
        inner = line[start:end]
        if inner.count("<span") != inner.count("</span>"):
            continue
        definition = book.by_name[name][0]
        where = book.titles.get(definition.page, definition.page)
        href = link(page, files, definition)
        lines[i] = (f'{line[:start]}<a class="entangled-ref" href="{href}" '
                    f'title="defined in {html.escape(where)}">&lt;&lt;{name}&gt;&gt;</a>'
                    f'{line[end:]}')
    return "\n".join(lines)


def title_target(block: Block, page: Page, files: Files) -> tuple[str, str] | None:
    """Where a block's title leads, and a tooltip that says so."""
    if block.name == block.file:
        code_map = files.get_file_from_path(CODE_MAP)
        url = get_relative_url(f"{code_map.url}#{slug(block.file)}", page.file.url)
        return url, "every block that makes this file"
    if user := book.used_in.get(block.name):
        chapter = book.titles.get(user.page, user.page)
        return link(page, files, user), f"used in {user.title} ({chapter})"
    return None  # a fragment no block uses (yet)


def on_page_content(html_text: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Link block titles and `<<name>>` lines, and tell MkDocs about the block anchors."""
    blocks = {block.anchor: block for block in book.by_page.get(page.file.src_uri, [])}
    done: set[str] = set()

    def rewrite(match: re.Match[str]) -> str:
        block = blocks.get(match["id"])
        if block is None:
            return match[0]
        done.add(block.anchor)
        title = match["title"]
        if title is not None and (target := title_target(block, page, files)):
            href, tip = target
            title = f'<a href="{href}" title="{html.escape(tip)}">{title}</a>'
        title_html = "" if title is None else f'<span class="filename">{title}</span>'
        return match["open"] + title_html + link_references(match["code"], page, files)

    html_text = BLOCK_HTML.sub(rewrite, html_text)
    for anchor in blocks.keys() - done:
        log.warning(f"Doc file '{page.file.src_uri}': no rendered block for {blocks[anchor].title}")
    # MkDocs validates links to anchors (validation.anchors) but cannot see ids inside
    # code blocks, which superfences stashes away from its scan: register them.
    if page.present_anchor_ids is not None:
        page.present_anchor_ids.update(done)
    return html_text
