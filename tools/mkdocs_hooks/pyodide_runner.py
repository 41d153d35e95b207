"""MkDocs hook: run the book's examples in the reader's browser, offline.

Every block Sybil runs, a plain ```` ```python ```` fence (an example when its
first line is a `>>>` prompt, else a listing such as a first attempt the package
does not keep), and every listing marked runnable (```` ``` {.python .runnable} ````,
which Sybil runs too; with a `file=`, Entangled also writes it to that file, as
chapter 7's bench/naive.py) gets a Run button and an editable
code area on the page.  The code runs in Pyodide (CPython compiled to WebAssembly)
inside a Web Worker that the page starts on the first Run.  This hook

* copies Pyodide's core files from node_modules/pyodide (pinned by
  package-lock.json) into the site under assets/pyodide/;
* zips the tangled `micrograd/` package into assets/runner/micrograd.zip,
  which the worker unpacks next to the interpreter;
* wraps each runnable block in `<div class="runner">` with a `<textarea>`
  that holds the code to run: an example with its prompts stripped and its
  expected output dropped.  Examples that need NumPy, matplotlib or graphviz,
  which Pyodide's core does not have, get a note instead (also when they take
  a function from the package that imports one of them when called).  So does every block
  after the first one on a page that imports a module needing NumPy (numpy
  itself, matplotlib, or a module of the package that imports them, such as
  micrograd.tensor): the later blocks use the names it defines;
* writes a Jupyter notebook per chapter (notebooks/NN-name.ipynb, with
  nbformat) and links it under the chapter's title.

The browser side is docs/assets/runner/ (runner.js, worker.js, bookrunner.py).
Run as a script, this file prints the runnable blocks of the given Markdown
files as JSON: tools/check_runnable.mjs runs them in Pyodide under Node with
the same rule for what runs and what is skipped.
"""

from __future__ import annotations

import ast
import doctest
import html
import io
import json
import logging
import re
import sys
import zipfile
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.pyodide_runner")

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "micrograd"
PYODIDE = ROOT / "node_modules" / "pyodide"
# The core: the loader, the interpreter (JS glue and WebAssembly), the standard
# library, and the lock file that loadPyodide reads on start.
PYODIDE_FILES = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json"]
PYODIDE_SITE = "assets/pyodide"
ZIP_SITE = "assets/runner/micrograd.zip"
NOTEBOOKS = "notebooks"

# Modules an example may import that Pyodide's core (the npm package) lacks.
UNAVAILABLE = {"numpy": "NumPy", "matplotlib": "matplotlib", "torch": "PyTorch",
               "graphviz": "the graphviz package"}
# Importing one of these makes a page's later blocks unavailable too: they build on it.
NEEDS_NUMPY = {"numpy", "matplotlib"}
IMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+(?:\s*,\s*[\w.]+)*))", re.M)
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*?)[ \t]*$")
HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$")
# A python block as pymdownx.highlight renders it; Entangled blocks carry an id first,
# and their title holds a link.
HTML_BLOCK = re.compile(r'<div (?:id="[^"]*" )?class="language-python(?P<classes>[^"]*)">'
                        r'(?:<span class="filename">.*?</span>)?'
                        r'<pre><span></span><code>(?P<code>.*?)</code></pre></div>', re.S)


@dataclass
class Runnable:
    """One block the reader can run: an example, or a listing marked runnable."""

    kind: str  # "example" (>>> lines, run statement by statement) or "listing" (a script)
    text: str  # the block as the book shows it
    line: int  # 1-based line of the opening fence in the Markdown file
    heading: str  # the section it sits in
    code: str = ""  # what runs: prompts stripped, expected output dropped
    want: str = ""  # an example's expected output, all of it, in order
    needs: str = ""  # what the page's Python lacks for it ("NumPy"), or ""
    inherited: bool = False  # it lacks that only because an earlier block on the page does
    # Notebook cells: the statements up to and including each one the book shows output for.
    cells: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.kind == "example":
            examples = doctest.DocTestParser().get_examples(self.text)
            self.code = "".join(e.source for e in examples)
            self.want = "".join(e.want for e in examples)
            code = ""
            for example in examples:
                code += example.source
                if example.want:
                    self.cells.append((code, example.want))
                    code = ""
            if code:
                self.cells.append((code, ""))
        else:
            self.code = self.text
            self.cells = [(self.text, "")]
        missing = []
        for module, names in imports_of(self.code):
            if module.split(".")[0] in UNAVAILABLE:
                missing.append(UNAVAILABLE[module.split(".")[0]])
            if module in package_needing_numpy():
                missing.append("NumPy")
            for name in names:  # a function of the package that imports graphviz, say, when called
                needs = package_functions_needing().get((module, name), ())
                missing += [UNAVAILABLE[m] for m in needs]
        self.needs = " and ".join(dict.fromkeys(missing))


def is_fragment(words: list[str]) -> bool:
    """A named fragment (`#name`, no `file=`): part of a file, never run on its own.

    The entangled_blocks hook gives every Entangled block an `#anchor`, so a
    `#` alone does not tell; a `file=` block is a whole file and can run."""
    return any(w.startswith("#") for w in words) and not any(w.startswith("file=") for w in words)


def imports_of(code: str) -> list[tuple[str, tuple[str, ...]]]:
    """(module, the names taken from it) for each import in `code`; () for `import module`."""
    try:
        tree = ast.parse(code)
    except SyntaxError:  # not Python as a whole: read the import lines alone
        return [(m.strip(), ()) for source, modules in IMPORT.findall(code)
                for m in ([source] if source else modules.split(","))]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, tuple(alias.name for alias in node.names)))
    return found


@cache
def package_functions_needing(package: Path = PACKAGE) -> dict[tuple[str, str], tuple[str, ...]]:
    """(module, function or class) of the package -> what it imports, when called, that the
    page lacks: `draw_dot` imports graphviz only when it runs."""
    needing = {}
    for path in sorted(package.glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names = {alias.name.split(".")[0] for inner in ast.walk(node)
                         if isinstance(inner, (ast.Import, ast.ImportFrom))
                         for alias in (inner.names if isinstance(inner, ast.Import)
                                       else [ast.alias(inner.module or "")])}
                if unavailable := tuple(sorted(names & UNAVAILABLE.keys())):
                    needing[(f"{package.name}.{path.stem}", node.name)] = unavailable
    return needing


@cache
def package_needing_numpy(package: Path = PACKAGE) -> frozenset[str]:
    """The package's modules whose import needs NumPy or matplotlib, directly or not.

    A module-level import counts (one inside a `try:` too); one inside a function
    does not, since it runs only when the function is called.
    """
    imports = {}
    for path in sorted(package.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names, todo = set(), list(tree.body)
        while todo:
            node = todo.pop()
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
            elif isinstance(node, (ast.Try, ast.If)):
                todo += [*node.body, *node.orelse, *getattr(node, "finalbody", []),
                         *(h for handler in getattr(node, "handlers", []) for h in handler.body)]
        imports[f"{package.name}.{path.stem}"] = names
    needing = set(NEEDS_NUMPY)
    while True:  # modules that import a module that needs NumPy, until nothing changes
        more = {m for m, names in imports.items()
                if m not in needing and any(n.split(".")[0] in NEEDS_NUMPY or n in needing
                                            for n in names)}
        if not more:
            return frozenset(needing - NEEDS_NUMPY)
        needing |= more


def mark_dependent_blocks(blocks: list[Runnable]) -> list[Runnable]:
    """From the first block that imports something needing NumPy on, no block can run.

    The blocks of a page share their names, like a notebook's cells, so a block
    after such an import uses what it defined (an array, a Tensor) even when it
    imports nothing itself.
    """
    cause = ""
    for block in blocks:
        modules = {m for m, _ in imports_of(block.code)}
        needs_numpy = bool(modules & package_needing_numpy()) or any(
            m.split(".")[0] in NEEDS_NUMPY for m in modules)
        if not cause and needs_numpy:
            cause = block.needs or "NumPy"
        elif cause and not block.needs:
            block.needs, block.inherited = cause, True
    return blocks


def runnable_blocks(markdown: str) -> list[Runnable]:
    """The runnable blocks of a page, in order, wherever they sit (admonitions, tabs)."""
    lines, found, heading, i = markdown.splitlines(), [], "", 0
    while i < len(lines):
        if not (opened := FENCE.match(lines[i])):
            if m := HEADING.match(lines[i]):
                heading = m[2]
            i += 1
            continue
        indent, fence, info = opened["indent"], opened["fence"], opened["info"]
        body, j = [], i + 1
        while j < len(lines):
            closed = FENCE.match(lines[j])
            if (closed and not closed["info"] and closed["fence"][0] == fence[0]
                    and len(closed["fence"]) >= len(fence)
                    and len(closed["indent"]) <= len(indent)):
                break
            line = lines[j]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            j += 1
        text = "\n".join(body) + "\n"
        words = info.strip("{} ").split()
        if fence.startswith("`") and info.split(" ")[0] == "python":  # Sybil runs these too
            kind = "example" if text.lstrip().startswith(">>>") else "listing"
            found.append(Runnable(kind, text, i + 1, heading))
        elif (fence.startswith("`") and info.startswith("{") and ".python" in words
              and ".runnable" in words and not is_fragment(words)):
            found.append(Runnable("listing", text, i + 1, heading))
        i = j + 1
    return mark_dependent_blocks(found)


# --- the site -----------------------------------------------------------------------------

try:  # The script mode below needs only the standard library.
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page
    from mkdocs.utils import get_relative_url
except ImportError:  # pragma: no cover - only when run as a script outside the venv
    pass

pages: dict[str, tuple[str, list[Runnable]]] = {}  # src_uri -> (title, blocks)


def package_zip() -> bytes:
    """The tangled package as a zip, byte for byte the same for the same files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(PACKAGE.glob("*.py")):
            info = zipfile.ZipInfo(f"micrograd/{path.name}", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add Pyodide's core and the zipped package to the site."""
    missing = [name for name in PYODIDE_FILES if not (PYODIDE / name).is_file()]
    if missing:
        raise PluginError(f"Pyodide is missing from {PYODIDE} ({', '.join(missing)}). Run `npm ci` "
                          "at the top of the repository (`make` does); package-lock.json pins it.")
    if not (PACKAGE / "__init__.py").is_file():
        raise PluginError(f"{PACKAGE} has no __init__.py: run `make tangle` first.")
    for name in PYODIDE_FILES:
        files.append(File.generated(config, f"{PYODIDE_SITE}/{name}",
                                    abs_src_path=str(PYODIDE / name)))
    files.append(File.generated(config, ZIP_SITE, content=package_zip()))
    pages.clear()
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Note the page's runnable blocks (after the placeholders hook filled in numbers)."""
    blocks = runnable_blocks(markdown)
    if blocks:
        pages[page.file.src_uri] = (page.title or page.file.name, blocks)
    return markdown


def code_text(highlighted: str) -> str:
    """The plain text of a highlighted code block."""
    return html.unescape(re.sub(r"<[^>]+>", "", highlighted))


def wrap(block: Runnable, rendered: str) -> str:
    """A rendered block with its editable code, or with a note on why it cannot run here."""
    if block.needs:
        what = (f"builds on the examples above it, and they need {block.needs}" if block.inherited
                else f"needs {block.needs}")
        return (f'<div class="runner runner-unavailable">{rendered}'
                f'<p class="runner-note">This example {what}, which the Python in this page '
                f"does not have. Run it on your own machine: the chapter's notebook (link under "
                f"the title) has it.</p></div>")
    label = "example" if block.kind == "example" else "listing"
    return (f'<div class="runner" data-runner-kind="{block.kind}">{rendered}'
            f'<textarea class="runner-code" spellcheck="false" autocapitalize="off" '
            f'aria-label="Editable code of this {label}" hidden>'
            f'{html.escape(block.code)}</textarea>'
            f"</div>")


def runs_here(blocks: list[Runnable]) -> str:
    """What the header under the title says about running this page's blocks in the page."""
    missing = " and ".join(dict.fromkeys(b.needs for b in blocks if b.needs))
    if all(b.needs for b in blocks):
        return (f"The examples on this page need {missing}, which the Python in this page does "
                f"not have: run them from the notebook, on your own machine.")
    if missing:
        return (f"The examples on this page also run right here: press <em>Run</em> under one, "
                f"or <em>Edit</em> it first (except those that need {missing}, which say so).")
    return ("The examples on this page also run right here: press <em>Run</em> under one, "
            "or <em>Edit</em> it first.")


def notebook_name(src_uri: str) -> str:
    return f"{NOTEBOOKS}/{Path(src_uri).stem}.ipynb"


def on_page_content(html_text: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Wrap each runnable block; link the chapter's notebook under its title."""
    title, blocks = pages.get(page.file.src_uri, ("", []))
    if not blocks:
        return html_text
    rendered = [m for m in HTML_BLOCK.finditer(html_text)
                if "entangled" not in m["classes"] or "runnable" in m["classes"]]
    pieces, position, k = [], 0, 0
    for block in blocks:
        # A block not found leaves k where it was, so the next block is looked for from the
        # last match on, not from the end.
        found = next((i for i in range(k, len(rendered))
                      if code_text(rendered[i]["code"]).rstrip() == block.text.rstrip()), None)
        if found is None:
            log.warning(f"Doc file '{page.file.src_uri}': the runnable block at line {block.line} "
                        "matches no rendered python block after the previous runnable one, so it "
                        "gets no Run button (the page's other blocks keep theirs). Check that its "
                        "fence is not inside something that is not Markdown, and that no hook "
                        "changes its text.")
            continue
        match = rendered[found]
        pieces += [html_text[position:match.start()], wrap(block, match[0])]
        position, k = match.end(), found + 1
    pieces.append(html_text[position:])
    html_text = "".join(pieces)
    href = get_relative_url(notebook_name(page.file.src_uri), page.file.url)
    link = (f'<p class="runner-notebook"><a href="{href}" download>Download this chapter\'s code '
            f"as a Jupyter notebook</a>. {runs_here(blocks)}</p>")
    heading = re.search(r"</h1>", html_text)
    at = heading.end() if heading else 0
    return html_text[:at] + link + html_text[at:]


def notebook(src_uri: str, title: str, blocks: list[Runnable]) -> str:
    """The chapter's runnable code as a notebook: a cell per block, under its section's title."""
    import nbformat  # the dev extra pins it
    from nbformat import v4

    cells = [v4.new_markdown_cell(
        f"# {title}\n\nThe code of the chapter `{src_uri}` of *micrograd — the book that builds "
        "an autodiff engine*: its examples and runnable listings, in the chapter's order, each "
        "`>>>` example cut into cells that end where the book shows output. The cells import the "
        "book's `micrograd` package: in a clone of the book's repository, `pip install .` "
        "installs it (it needs only the standard library).", id="title")]
    section, n = None, 0
    for block in blocks:
        if block.heading and block.heading != section:
            section = block.heading
            cells.append(v4.new_markdown_cell(f"## {section}", id=f"section-{len(cells)}"))
        for code, want in block.cells:
            n += 1
            source = code.rstrip("\n")
            metadata = {}
            if want:
                shown = "\n".join(f"# {line}".rstrip() for line in want.rstrip("\n").split("\n"))
                source += "\n# The book shows:\n" + shown
                if want.startswith("Traceback (most recent call last)"):
                    metadata = {"tags": ["raises-exception"]}  # "Run all" goes on past it
            cells.append(v4.new_code_cell(source, id=f"cell-{n}", metadata=metadata))
    book = v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    nbformat.validate(book)
    return nbformat.writes(book) + "\n"


def on_post_build(config: MkDocsConfig) -> None:
    """Write each chapter's notebook into the site."""
    out = Path(config.site_dir) / NOTEBOOKS
    out.mkdir(parents=True, exist_ok=True)
    for src_uri, (title, blocks) in sorted(pages.items()):
        (Path(config.site_dir) / notebook_name(src_uri)).write_text(
            notebook(src_uri, title, blocks), encoding="utf-8")


# --- the check's side ---------------------------------------------------------------------

def main(argv: list[str]) -> int:
    """Print the runnable blocks of the given Markdown files as JSON, for check_runnable.mjs."""
    if not argv:
        print("usage: pyodide_runner.py docs/01-value.md ... "
              "(prints their runnable blocks as JSON)", file=sys.stderr)
        return 2
    out = []
    for name in argv:
        blocks = runnable_blocks(Path(name).read_text(encoding="utf-8"))
        out.append({"page": name, "blocks": [asdict(b) for b in blocks]})
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
