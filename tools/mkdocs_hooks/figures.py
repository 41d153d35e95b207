"""MkDocs hook: inline the book's graph figures, and insist on alt text.

A chapter shows a graph as an ordinary Markdown image,
`![what it shows](generated/graphs/first-expression.svg)`. An `<img>` of an
SVG cannot take the page's colours, so this hook replaces it with the SVG
itself (written by tools/figures/graphs.py), inside `<figure class="graph">`:

* the alt text becomes the SVG's accessible name (`role="img"`, `aria-label`);
* every id in the SVG gets a prefix unique on the page, so several figures
  (or one figure twice) never share an id;
* strokes and text take `currentColor` (see docs/assets/book.css), so the
  figure follows Material's light and dark schemes.

Every image on every page must have alt text. A graph figure whose SVG is
missing stops the build: a figure is never silently dropped.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

IMG = re.compile(r"<img\b[^>]*>")
ATTRIBUTE = re.compile(r'(\w[\w-]*)="([^"]*)"')
GRAPH = re.compile(r"(?:^|/)generated/graphs/(?P<name>[\w-]+)\.svg$")
ID = re.compile(r'\bid="([^"]+)"')


def prefix_ids(svg: str, prefix: str) -> str:
    """Prefix every id in `svg`, and every reference to one (url(#id), href="#id")."""
    ids = set(ID.findall(svg))
    if not ids:
        return svg
    names = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    svg = re.sub(rf'\bid="({names})"', lambda m: f'id="{prefix}{m[1]}"', svg)
    svg = re.sub(rf"url\(#({names})\)", lambda m: f"url(#{prefix}{m[1]})", svg)
    return re.sub(rf'href="#({names})"', lambda m: f'href="#{prefix}{m[1]}"', svg)


def inline_figure(svg: str, alt: str, prefix: str) -> str:
    svg = prefix_ids(svg.strip(), prefix)
    label = html.escape(alt, quote=True)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    return f'<figure class="graph">{svg}</figure>'


def on_page_content(html_text: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    docs = Path(config["docs_dir"])
    page_dir = (docs / page.file.src_uri).parent
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        attributes = dict(ATTRIBUTE.findall(match[0]))
        src, alt = attributes.get("src", ""), html.unescape(attributes.get("alt", "")).strip()
        if not alt:
            raise PluginError(f"{page.file.src_uri}: the image {src} has no alt text; "
                              f"write what it shows: ![what it shows]({src})")
        graph = GRAPH.search(src)
        if not graph:
            return match[0]
        path = (page_dir / src).resolve()
        if not path.is_file():
            raise PluginError(f"{page.file.src_uri}: the graph figure {src} was not drawn "
                              f"({path} is missing); run `make graphs` (make does it)")
        count += 1
        return inline_figure(path.read_text(encoding="utf-8"), alt,
                             f"fig{count}-{graph['name']}-")

    html_text = IMG.sub(replace, html_text)
    # A figure alone in a paragraph: the <figure> replaces the paragraph.
    return re.sub(r"<p>\s*(<figure class=\"graph\">.*?</figure>)\s*</p>", r"\1", html_text,
                  flags=re.S)
