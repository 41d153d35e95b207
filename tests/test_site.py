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

ROOT = Path(__file__).resolve().parents[1]
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
RAW_TEX = re.compile(r"\$\$|\\\(|\\\[|\\(?:frac|partial|bar|begin|end|sum|cdot|mathrm|text|sqrt|left|right)\b"
                     r"|\$[^\s$][^$\n]{0,200}\$")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib's name
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built from the current docs/ exactly as `make` builds it."""
    if not (ROOT / "node_modules" / "katex").is_dir():
        pytest.fail("KaTeX is not installed: run `npm ci` at the top of the repository (`make` does).")
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
            page.locator("figure.graph").first.scroll_into_view_if_needed()
            page.wait_for_timeout(400)  # let the header's scroll animation finish
            page.screenshot(path=SCREENSHOTS / "graph-light.png")
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
            page.locator("figure.graph").first.scroll_into_view_if_needed()
            page.wait_for_timeout(400)  # let the header's scroll animation finish
            page.screenshot(path=SCREENSHOTS / "graph-dark.png")
    finally:
        page.close()

    if seen["typeset"] < seen["formulas"]:
        problems.append(f"{seen['formulas'] - seen['typeset']} of {seen['formulas']} formulas not typeset")
    if seen["katexErrors"]:
        problems.append(f"{seen['katexErrors']} KaTeX error(s) on the page")
    if name in MATH_PAGES and not seen["typeset"]:
        problems.append("a derivation chapter with no typeset formula")
    problems += [f"raw TeX in the text: {m.group()!r}" for m in RAW_TEX.finditer(seen["text"])]
    problems += [f"image did not load: {src}" for src in seen["brokenImages"]]
    problems += [f"image without alt text: {src}" for src in seen["imagesWithoutAlt"]]
    problems += [f"id used more than once on the page: {i}" for i in sorted(set(seen["duplicateIds"]))]
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
    markers = {m.group(1) for path in [*ROOT.glob("micrograd/*.py"), *ROOT.glob("tests/*.py")]
               for m in re.finditer(r"~/~ begin (<<[^>]+>>\[\w+\])", path.read_text(encoding="utf-8"))}
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
        target = attributes.get("href" if tag in ("a", "link") else "src" if tag in ("img", "script") else "")
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
            base = site if path.startswith("/") else html_file.parent  # 404.html links from the root
            resolved = (base / unquote(path).lstrip("/")).resolve() if path else html_file
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.exists():
                broken.append(f"{html_file.relative_to(site)}: {target} (no such file)")
            elif anchor and resolved.suffix == ".html" and unquote(anchor) not in parsed[resolved].ids:
                broken.append(f"{html_file.relative_to(site)}: {target} (no such anchor)")
    assert not broken, "broken links:\n  " + "\n  ".join(sorted(set(broken)))
