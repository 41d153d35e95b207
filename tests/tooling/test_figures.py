"""The lab's graph figures (experiments/graphs.py), drawn by Viz.js.

Not tangled from the book: these check the build, not the engine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments import graphs

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    if not (ROOT / "node_modules" / "@viz-js" / "viz").is_dir():
        pytest.fail("Viz.js is not installed: "
                    "run `npm ci` at the top of the repository (make does).")
    return graphs.render({name: build() for name, build in graphs.FIGURES.items()})


def test_every_figure_renders_to_a_clean_svg(rendered: dict[str, str]) -> None:
    assert set(rendered) == set(graphs.FIGURES)
    for name, svg in rendered.items():
        assert svg.startswith("<svg "), name
        assert "<?xml" not in svg and "DOCTYPE" not in svg and "<title>" not in svg, name
        assert 'stroke="black"' not in svg and 'fill="white"' not in svg, name
        assert 'class="node"' in svg, name


def test_rendering_is_reproducible(rendered: dict[str, str]) -> None:
    again = graphs.render({name: build() for name, build in graphs.FIGURES.items()})
    assert again == rendered


def test_an_svg_that_refers_outside_the_page_is_refused() -> None:
    with pytest.raises(ValueError, match="outside the page"):
        graphs.clean_svg('<svg xmlns="http://www.w3.org/2000/svg"><image href="http://x/y.png"/></svg>')


def test_without_node_the_build_stops_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(SystemExit, match="`node` is not installed"):
        graphs.render({"x": "digraph { a }"})


def test_a_broken_figure_stops_the_build_naming_it() -> None:
    with pytest.raises(SystemExit, match="figure broken"):
        graphs.render({"broken": "digraph { a -> }"})


def test_the_backward_table_ends_with_the_leaf_gradients() -> None:
    table = graphs.backward_steps()
    assert table.count("\n| ") == 10  # the header's rule and nine edges
    assert "`x1` -1.5, `x2` 0.5, `w1` 1, `w2` 0, `b` 0.5" in table
