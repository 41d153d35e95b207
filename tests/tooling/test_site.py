"""The book's website, as a reader's browser sees it.

Builds the site with `mkdocs build --strict` into a temporary directory, serves
it on 127.0.0.1 with the standard library, and opens every page in headless
Chromium (Debian's `chromium`, driven by Playwright). A page passes when it
makes no request that fails or leaves the local server, logs no console
error, shows its math typeset (no raw TeX left), every image on it loaded and
has alt text, no id is used twice, and every inline graph figure drew and is
legible in both the light and the dark colour scheme. A full-page screenshot of
each page goes to .artifacts/screenshots/, with a graph figure in light and dark
(graph-light.png, graph-dark.png).

Needs: `npm ci` (KaTeX, Viz.js) and the generated figures (`make figures`);
`make` does both. Not tangled from the book: it checks the build, not the engine.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SCREENSHOTS = ROOT / ".artifacts" / "screenshots"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Keep Chromium from phoning home, so that every request we see is the page's own.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Derivation chapters: a page among these with no typeset formula lost its math.
MATH_PAGES = {"02-backward.html", "03-gradcheck.html", "04-operations.html", "09-tensor.html"}
FIGURE = "generated/sine_fit.png"
# Chapters whose graph figures must be on the page; the first has its screenshots taken
# in light and dark (.artifacts/screenshots/graph-light.png, graph-dark.png).
GRAPH_PAGE = "01-value.html"
GRAPH_PAGES = {GRAPH_PAGE, "02-backward.html", "05-nn.html", "07-fast.html"}

# Pages the site must have: one per chapter, plus the generated ones.
PAGES = sorted({p.relative_to(DOCS).with_suffix(".html").as_posix()
                for p in DOCS.rglob("*.md") if "generated" not in p.relative_to(DOCS).parts}
               | {"code-map.html", "404.html"})

pytestmark = pytest.mark.slow  # builds the site and starts a browser: `make quick` skips it

# Runs in the page: what a reader would see of the math, and of the images.
INSPECT_PAGE = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll("pre, code, .katex, script, style, noscript, textarea, input")
      .forEach(e => e.remove());
  return {
    text: body.textContent,
    formulas: document.querySelectorAll(".arithmatex").length,
    typeset: document.querySelectorAll(".arithmatex .katex").length,
    katexErrors: document.querySelectorAll(".katex-error").length,
    brokenImages: Array.from(document.images)
        .filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src),
    images: Array.from(document.images).map(img => img.getAttribute("src")),
    imagesWithoutAlt: Array.from(document.images)
        .filter(img => !(img.getAttribute("alt") || "").trim()).map(img => img.src),
    duplicateIds: (() => {
      const ids = Array.from(document.querySelectorAll("[id]"), e => e.id);
      return ids.filter((id, i) => ids.indexOf(id) !== i);
    })(),
    graphs: Array.from(document.querySelectorAll("figure.graph svg"), svg => {
      const box = svg.getBoundingClientRect();
      const text = svg.querySelector("text");
      return {
        label: svg.getAttribute("aria-label") || "",
        width: box.width, height: box.height,
        nodes: svg.querySelectorAll("g.node").length,
        textColour: text ? getComputedStyle(text).fill : "",
        strokeColour: getComputedStyle(svg).color,
        background: getComputedStyle(document.body).backgroundColor,
      };
    }),
  };
}"""


def luminance(css_colour: str) -> float:
    """Relative brightness, 0 (black) to 1 (white), of a CSS rgb()/rgba() colour."""
    r, g, b = (int(x) for x in re.findall(r"\d+", css_colour)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def figure_problems(graphs: list[dict], scheme: str) -> list[str]:
    """What is wrong with the page's inline graph figures in one colour scheme."""
    problems = []
    for i, graph in enumerate(graphs, 1):
        where = f"graph figure {i} ({scheme})"
        if not graph["label"].strip():
            problems.append(f"{where} has no alt text (aria-label)")
        if graph["width"] < 50 or graph["height"] < 20 or not graph["nodes"]:
            problems.append(f"{where} did not draw: {graph}")
        contrast = abs(luminance(graph["textColour"]) - luminance(graph["background"]))
        if contrast < 0.5:
            problems.append(f"{where}: text {graph['textColour']} on {graph['background']} "
                            f"is not legible")
    return problems
RAW_TEX = re.compile(r"\$\$|\\\(|\\\["
                     r"|\\(?:frac|partial|bar|begin|end|sum|cdot|mathrm|text|sqrt|left|right)\b"
                     r"|\$[^\s$][^$\n]{0,200}\$")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # `format`: the stdlib's name
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built from the current docs/ exactly as `make` builds it."""
    if not (ROOT / "node_modules" / "katex").is_dir():
        pytest.fail("KaTeX is not installed: "
                    "run `npm ci` at the top of the repository (`make` does).")
    if not (DOCS / FIGURE).is_file():
        pytest.fail(f"docs/{FIGURE} is missing: run `make figures` (or `make`) first.")
    out = tmp_path_factory.mktemp("site")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    assert build.returncode == 0, f"mkdocs build --strict failed:\n{build.stderr}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):  # no stale picture of a page that is gone
        old.unlink()
    return out


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """Base URL of the built site, served from a thread on a free port."""
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"Chromium not found at {CHROMIUM}. Install Debian's package: "
                    "`apt-get update && apt-get install -y chromium` "
                    "(or set CHROMIUM=/path/to/chromium). Do not run `playwright install`.")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: `pip install -e '.[dev]'` (make does).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_every_page_is_built(site: Path) -> None:
    built = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert built == PAGES


def screenshot_first_graph(page, scheme: str) -> None:
    """A screenshot of the page's first graph figure, for a person to look at."""
    page.locator("figure.graph").first.scroll_into_view_if_needed()
    page.wait_for_timeout(400)  # let the header's scroll animation finish
    page.screenshot(path=SCREENSHOTS / f"graph-{scheme}.png")


@pytest.mark.parametrize("name", PAGES)
def test_page_in_browser(name: str, site: Path, server: str, browser: Browser) -> None:
    problems: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    own = server + "/"
    page.on("request", lambda r: r.url.startswith((own, "data:", "blob:", "about:"))
            or problems.append(f"request outside the site: {r.url}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
    page.on("console", lambda m: m.type == "error"
            and problems.append(f"console error: {m.text} at {m.location.get('url')}"))
    page.on("pageerror", lambda e: problems.append(f"JavaScript error: {e}"))
    try:
        page.goto(own + name, wait_until="networkidle")
        page.evaluate("document.fonts.ready.then(() => true)")  # KaTeX fonts, before the picture
        seen = page.evaluate(INSPECT_PAGE)
        page.screenshot(path=SCREENSHOTS / name.replace(".html", ".png"), full_page=True)
        if name == GRAPH_PAGE:
            screenshot_first_graph(page, "light")
    finally:
        page.close()
    # The page again in the dark scheme. Material picks its palette from the
    # system's preference when a page first loads, so this is a new page
    # (and a new browser context, with no remembered palette).
    page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    page.on("console", lambda m: m.type == "error"
            and problems.append(f"console error (dark): {m.text} at {m.location.get('url')}"))
    try:
        page.goto(own + name, wait_until="networkidle")
        dark = page.evaluate(INSPECT_PAGE)
        scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        if scheme != "slate":
            problems.append(f"the dark pass shows Material's {scheme!r} scheme, not 'slate'")
        if name == GRAPH_PAGE:
            screenshot_first_graph(page, "dark")
    finally:
        page.close()

    if seen["typeset"] < seen["formulas"]:
        missing = seen["formulas"] - seen["typeset"]
        problems.append(f"{missing} of {seen['formulas']} formulas not typeset")
    if seen["katexErrors"]:
        problems.append(f"{seen['katexErrors']} KaTeX error(s) on the page")
    if name in MATH_PAGES and not seen["typeset"]:
        problems.append("a derivation chapter with no typeset formula")
    problems += [f"raw TeX in the text: {m.group()!r}" for m in RAW_TEX.finditer(seen["text"])]
    problems += [f"image did not load: {src}" for src in seen["brokenImages"]]
    problems += [f"image without alt text: {src}" for src in seen["imagesWithoutAlt"]]
    problems += [f"id used more than once on the page: {i}"
                 for i in sorted(set(seen["duplicateIds"]))]
    problems += figure_problems(seen["graphs"], "light") + figure_problems(dark["graphs"], "dark")
    problems += [f"image did not load in the dark scheme: {src}" for src in dark["brokenImages"]]
    if name in GRAPH_PAGES and not seen["graphs"]:
        problems.append("a chapter that draws graphs shows none")
    if name == "index.html" and FIGURE not in seen["images"]:
        problems.append(f"the landing page does not show {FIGURE}")
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)


def test_code_map_lists_every_marker(site: Path) -> None:
    """Each `# ~/~ begin <<...>>[...]` marker in a tangled file leads back to the book."""
    code_map = (site / "code-map.html").read_text(encoding="utf-8")
    code_map = re.sub(r"<[^>]+>", "", code_map).replace("&lt;", "<").replace("&gt;", ">")
    tangled = [*ROOT.glob("micrograd/*.py"), *ROOT.glob("tests/book/*.py")]
    markers = {m.group(1) for path in tangled
               for m in re.finditer(r"~/~ begin (<<[^>]+>>\[\w+\])",
                                    path.read_text(encoding="utf-8"))}
    missing = sorted(marker for marker in markers if marker not in code_map)
    assert not missing, "markers not on the code map page:\n  " + "\n  ".join(missing)


class Links(HTMLParser):
    """Collects ids and the targets of links and images of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("name"):
            self.ids.add(attributes["name"])
        key = "href" if tag in ("a", "link") else "src" if tag in ("img", "script") else ""
        target = attributes.get(key)
        if target:
            self.targets.append(target)


def test_internal_links_resolve(site: Path) -> None:
    """Every relative link, including those the hooks write into code, finds its page and anchor."""
    parsed: dict[Path, Links] = {}
    for html_file in site.rglob("*.html"):
        parsed[html_file] = Links()
        parsed[html_file].feed(html_file.read_text(encoding="utf-8"))
    broken = []
    for html_file, links in parsed.items():
        for target in links.targets:
            if urlsplit(target).scheme or target.startswith("//"):
                continue  # external links are for the reader to follow, not for the site to load
            path, anchor = urldefrag(target)
            # 404.html links from the root
            base = site if path.startswith("/") else html_file.parent
            resolved = (base / unquote(path).lstrip("/")).resolve() if path else html_file
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.exists():
                broken.append(f"{html_file.relative_to(site)}: {target} (no such file)")
            elif (anchor and resolved.suffix == ".html"
                  and unquote(anchor) not in parsed[resolved].ids):
                broken.append(f"{html_file.relative_to(site)}: {target} (no such anchor)")
    assert not broken, "broken links:\n  " + "\n  ".join(sorted(set(broken)))


# --- Running the examples in the page (docs/assets/runner/, tools/mkdocs_hooks/pyodide_runner.py)

RUN_PAGE = "01-value.html"  # a chapter whose first runnable block is a >>> example
TIMING = ROOT / ".artifacts" / "runner-timing.json"
# A training loop that prints as it goes, for a few seconds, with the package's Value only.
TRAINING = """\
import time
from micrograd import Value
w = Value(0.0)
for step in range(1, 41):
    loss = (w * 2.0 - 3.0) ** 2
    w.grad = 0.0
    loss.backward()
    w.data -= 0.02 * w.grad
    print(f"step {step} loss {loss.data:.4f}")
    start = time.perf_counter()
    while time.perf_counter() - start < 0.05:
        pass
round(w.data, 2)
"""


def watch(page, server: str, problems: list[str], where: str) -> list[str]:
    """Record what a page requests, and what goes wrong on it, as test_page_in_browser does."""
    requested: list[str] = []
    own = server + "/"

    def request(r) -> None:
        requested.append(r.url)
        if not r.url.startswith((own, "data:", "blob:", "about:")):
            problems.append(f"{where}: request outside the site: {r.url}")

    page.on("request", request)
    page.on("requestfailed",
            lambda r: problems.append(f"{where}: request failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400
            and problems.append(f"{where}: HTTP {r.status}: {r.url}"))
    page.on("console", lambda m: m.type == "error"
            and problems.append(f"{where}: console error: {m.text} at {m.location.get('url')}"))
    page.on("pageerror", lambda e: problems.append(f"{where}: JavaScript error: {e}"))
    return requested


def contrast(foreground: str, background: str) -> float:
    """WCAG's contrast ratio of two CSS rgb() colours: 1 (none) to 21 (black on white)."""
    def relative(colour: str) -> float:
        channels = [int(x) / 255 for x in re.findall(r"\d+", colour)[:3]]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    light, dark = sorted((relative(foreground), relative(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def output_colour_problems(page, block, scheme: str) -> list[str]:
    """Print to stdout and stderr and show a value in a block: each must be legible."""
    edit(block, "import sys\nprint('out')\nprint('err', file=sys.stderr)\n6 * 7")
    run_block(page, block)
    colours = page.evaluate("""el => {
        const out = el.querySelector('.runner-output');
        const bg = getComputedStyle(out).backgroundColor;
        return Array.from(out.querySelectorAll('span'),
                          s => [s.className, getComputedStyle(s).color, bg]);
    }""", block.element_handle())
    kinds = {kind for kind, _, _ in colours}
    problems = [f"output of kind {kind} missing ({scheme})"
                for kind in ("runner-stdout", "runner-stderr", "runner-value") if kind not in kinds]
    problems += [f"{kind} text {colour} on {background} is not legible in the {scheme} scheme "
                 f"(contrast {contrast(colour, background):.1f}, want at least 4.5)"
                 for kind, colour, background in colours if contrast(colour, background) < 4.5]
    return problems


def run_block(page, block, timeout_s: float = 60) -> str:
    """Press Run under a block, wait until it finishes, and return what it printed."""
    block.locator(".runner-run").click()
    page.wait_for_function("el => ['done', 'error', 'stopped'].includes(el.dataset.runnerState)",
                           arg=block.element_handle(), timeout=timeout_s * 1000)
    return block.locator(".runner-output").inner_text()


def edit(block, code: str) -> None:
    """Open the block's code area (if closed) and replace its code."""
    if block.locator("textarea.runner-code").is_hidden():
        block.locator(".runner-edit").click()
    block.locator("textarea.runner-code").fill(code)


def test_examples_run_in_the_page(server: str, browser: Browser) -> None:
    """Run, streamed output, Stop, Reset, timing; all from 127.0.0.1, with no console error."""
    import doctest
    import json
    import time

    problems: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requested = watch(page, server, problems, RUN_PAGE)
    try:
        page.goto(f"{server}/{RUN_PAGE}", wait_until="networkidle")
        assert not [u for u in requested if "/assets/pyodide/" in u], \
            "Pyodide was loaded before the first Run: it must load lazily"
        blocks = page.locator("div.runner[data-runner-kind]")
        assert blocks.count() > 0, f"{RUN_PAGE} has no runnable block"
        assert page.locator(".runner-notebook a[download]").count() == 1, \
            "no notebook link under the title"

        # The first example: its output agrees with the book's, as doctest judges it.
        example = page.locator("div.runner[data-runner-kind=example]").first
        book_text = example.locator(".highlight code").inner_text()
        want = "".join(e.want for e in doctest.DocTestParser().get_examples(book_text))
        clicked = time.perf_counter()
        got = run_block(page, example)
        first_run_s = time.perf_counter() - clicked
        ready_ms = page.evaluate("window.bookRunner.readyMs")
        flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
        assert doctest.OutputChecker().check_output(want, got + "\n", flags), \
            f"the page's output differs from the book's:\n--- book\n{want}--- page\n{got}"
        assert example.get_attribute("data-runner-state") in ("done", "error")

        # A training loop streams its progress: lines appear while it still runs.
        block = blocks.first
        edit(block, TRAINING)
        block.locator(".runner-run").click()
        seen_while_running = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = block.get_attribute("data-runner-state")
            text = block.locator(".runner-output").inner_text() if state == "running" else ""
            if "step 1 " in text and "step 40 " not in text:
                seen_while_running.append(text.count("\n"))
            if state in ("done", "error"):
                break
            time.sleep(0.1)
        out = block.locator(".runner-output").inner_text()
        assert block.get_attribute("data-runner-state") == "done", out
        assert "step 40 loss" in out and out.rstrip().endswith("1.5"), out
        assert len(set(seen_while_running)) >= 2, \
            f"progress did not stream: saw line counts {seen_while_running} while it ran"

        # State is shared across the page; Reset forgets it.
        edit(block, "secret = 42")
        run_block(page, block)
        second = blocks.nth(1) if blocks.count() > 1 else block
        edit(second, "secret + 1")
        assert run_block(page, second).strip() == "43"
        block.locator(".runner-reset").click()
        edit(block, "secret")
        assert "NameError" in run_block(page, block)

        # Stop ends a run that would never end, and Run starts Python again.
        edit(block, "while True:\n    pass")
        block.locator(".runner-run").click()
        page.wait_for_function("el => el.dataset.runnerState === 'running'",
                               arg=block.element_handle(), timeout=30_000)
        block.locator(".runner-stop").click()
        assert block.get_attribute("data-runner-state") == "stopped"
        assert "Stopped" in block.locator(".runner-output").inner_text()
        edit(block, "print('back')")
        assert run_block(page, block).strip() == "back"
        problems += output_colour_problems(page, block, "light")
        page.wait_for_timeout(300)  # let any late console message arrive
    finally:
        page.close()
    TIMING.parent.mkdir(parents=True, exist_ok=True)
    TIMING.write_text(json.dumps({
        "page": RUN_PAGE,
        "worker_ready_ms": ready_ms,  # worker start to Python and the package loaded
        "first_run_seconds": round(first_run_s, 2),  # click on Run to the example's output
    }, indent=2) + "\n", encoding="utf-8")
    print(f"first Run: Python ready in {ready_ms} ms, output after {first_run_s:.1f} s")
    assert not problems, "\n  ".join(["problems while running examples:", *problems])
    assert first_run_s < 30, \
        f"the first Run took {first_run_s:.1f} s (budget: a few seconds on a laptop)"


def test_runner_in_dark_mode_and_from_disk(site: Path, server: str, browser: Browser) -> None:
    """Output is legible on the dark scheme; a page opened from disk says it needs http."""
    problems: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    watch(page, server, problems, f"{RUN_PAGE} (dark)")
    try:
        page.goto(f"{server}/{RUN_PAGE}", wait_until="networkidle")
        block = page.locator("div.runner[data-runner-kind]").first
        edit(block, "import sys\nprint('out')\nprint('err', file=sys.stderr)\n6 * 7")
        run_block(page, block)
        problems += output_colour_problems(page, block, "dark")
    finally:
        page.close()
    page = browser.new_page()
    try:
        page.goto((site / RUN_PAGE).as_uri())
        block = page.locator("div.runner[data-runner-kind]").first
        block.locator(".runner-run").click()
        note = block.locator(".runner-output").inner_text()
        assert "served over http" in note and "make serve" in note, note
    finally:
        page.close()
    assert not problems, "\n  ".join(problems)


def test_chapter_notebooks(site: Path) -> None:
    """Every page with runnable blocks links a valid notebook with at least a cell per block."""
    import nbformat

    linked = 0
    for html_file in sorted(site.glob("*.html")):
        text = html_file.read_text(encoding="utf-8")
        blocks = len(re.findall(r'<div class="runner[" ]', text))
        link = re.search(r'<p class="runner-notebook"><a href="([^"]+)" download>', text)
        if not blocks:
            assert not link, f"{html_file.name} links a notebook but has no runnable block"
            continue
        assert link, f"{html_file.name} has runnable blocks but no notebook link"
        notebook = nbformat.read(html_file.parent / link[1], as_version=4)
        nbformat.validate(notebook)
        cells = [c for c in notebook.cells if c.cell_type == "code"]
        assert len(cells) >= blocks, f"{link[1]}: {len(cells)} code cells for {blocks} blocks"
        linked += 1
    assert linked >= 5, f"only {linked} pages link a notebook"
