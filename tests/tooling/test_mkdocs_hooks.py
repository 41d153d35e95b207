"""The website's MkDocs hooks (tools/mkdocs_hooks/), on small inputs.

Not tangled from the book: these check the build, not the engine.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
HOOKS = ROOT / "tools" / "mkdocs_hooks"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"hook_{name}", HOOKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there, as under MkDocs
    spec.loader.exec_module(module)
    return module


placeholders = load("placeholders")
entangled = load("entangled_blocks")


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    (tmp_path / "sine.json").write_text(json.dumps(
        {"final_loss": 0.000123456, "seeds": [{"loss": 0.5}, {"loss": 0.25}], "epochs": 2000}))
    return tmp_path


def fill(markdown: str, generated: Path) -> str:
    return placeholders.outside_code(
        markdown, lambda text: placeholders.substitute(text, generated, "06-training.md"))


def test_placeholders_are_filled_and_formatted(generated: Path) -> None:
    text = ("Loss {{ sine.final_loss:.2e }} after {{sine.epochs}} epochs; "
            "seed 1: {{ sine.seeds.1.loss:.2f }}.")
    assert fill(text, generated) == "Loss 1.23e-04 after 2000 epochs; seed 1: 0.25."


def test_placeholders_in_code_are_left_alone(generated: Path) -> None:
    text = textwrap.dedent("""\
        Write `{{ sine.final_loss:.4f }}` to get {{ sine.final_loss:.4f }}.

        ```text
        {{ sine.nothing }}
        ```

        ~~~~markdown
        ```
        {{ sine.nothing }}
        ```
        ~~~~
        """)
    assert fill(text, generated) == text.replace("get {{ sine.final_loss:.4f }}", "get 0.0001")


@pytest.mark.parametrize(("placeholder", "problem"), [
    ("{{ bench.seconds }}", "bench.json does not exist"),
    ("{{ sine.final_los }}", "no key 'final_los'"),
    ("{{ sine.seeds.7.loss }}", "no key '7'"),
    ("{{ sine.seeds:.3f }}", "cannot format"),
    ("{{ sine }}", "is not a placeholder"),
])
def test_bad_placeholders_name_page_and_placeholder(generated: Path, placeholder: str,
                                                    problem: str) -> None:
    with pytest.raises(PluginError) as error:
        fill(f"The loss is {placeholder}.", generated)
    assert "06-training.md" in str(error.value)
    assert placeholder in str(error.value)
    assert problem in str(error.value)


CHAPTER = textwrap.dedent("""\
    # 1. Test

    ``` {.python file=pkg/engine.py}
    class Value:
        <<value-core>>
    ```

    ~~~markdown
    ``` {.python #not-a-block}
    ```
    ~~~

    ``` {.python #value-core}
    x = 1 << 2
    ```

    ```python
    >>> 1
    1
    ```

    ``` {.python #value-core}
    y = 2
    ```
    """)


def test_blocks_are_read_as_entangled_reads_them() -> None:
    blocks = entangled.read_blocks("01-test.md", CHAPTER)
    assert [(b.name, b.file, b.references) for b in blocks] == [
        ("pkg/engine.py", "pkg/engine.py", ["value-core"]),
        ("value-core", None, []),
        ("value-core", None, []),
    ]


def build(tmp_path: Path, chapter: str) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of a one-chapter book that uses the project's hooks."""
    (tmp_path / "docs").mkdir(parents=True)
    (tmp_path / "docs" / "01-test.md").write_text(chapter)
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    (tmp_path / "mkdocs.yml").write_text(textwrap.dedent(f"""\
        site_name: test
        hooks: [{HOOKS}/placeholders.py, {HOOKS}/entangled_blocks.py, {HOOKS}/katex_math.py]
        markdown_extensions:
          [attr_list, pymdownx.superfences, {{pymdownx.arithmatex: {{generic: true}}}}]
        """))
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tmp_path,
                          capture_output=True, text=True,
                          env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))


@pytest.fixture
def katex() -> None:
    if not (ROOT / "node_modules" / "katex").is_dir():
        pytest.fail("KaTeX is not installed: "
                    "run `npm ci` at the top of the repository (`make` does).")


needs_katex = pytest.mark.usefixtures("katex")


@needs_katex
def test_blocks_get_titles_anchors_and_links(tmp_path: Path) -> None:
    assert build(tmp_path, CHAPTER).returncode == 0
    page = (tmp_path / "site" / "01-test" / "index.html").read_text()
    for anchor in ("file-pkg-engine-py", "frag-value-core", "frag-value-core-2"):
        assert f'id="{anchor}"' in page
    assert '<a href="../code-map/#pkg-engine-py"' in page  # file title -> code map
    assert ">«value-core»</a>" in page and ">«value-core» +=</a>" in page  # titles link to the user
    # <<value-core>> links to its definition
    assert '<a class="entangled-ref" href="#frag-value-core"' in page
    code_map = (tmp_path / "site" / "code-map" / "index.html").read_text()
    assert "&lt;&lt;docs/01-test.md#value-core&gt;&gt;[1]" in code_map


@needs_katex
def test_math_is_typeset_and_bad_math_fails_the_build(tmp_path: Path) -> None:
    good = build(tmp_path / "good",
                 "# Math\n\nInline $\\bar{x}$ and\n\n$$\n\\frac{\\partial L}{\\partial x}\n$$\n")
    assert good.returncode == 0, good.stderr
    page = (tmp_path / "good" / "site" / "01-test" / "index.html").read_text()
    assert page.count('class="katex"') == 2 and "\\(" not in page
    bad = build(tmp_path / "bad", "# Math\n\n$\\frac{1}{\\nosuchmacro}$\n")
    assert bad.returncode != 0
    assert "01-test.md" in bad.stderr and "nosuchmacro" in bad.stderr


@needs_katex
def test_missing_placeholder_fails_the_build(tmp_path: Path) -> None:
    result = build(tmp_path, "# Results\n\nThe loss is {{ sine.final_loss:.4f }}.\n")
    assert result.returncode != 0
    assert "01-test.md" in result.stderr and "{{ sine.final_loss:.4f }}" in result.stderr


# --- figures.py: graph figures inlined, alt text required -----------------------

figures = load("figures")
SVG = ('<svg width="10pt" height="10pt" viewBox="0 0 10 10" xmlns="http://www.w3.org/2000/svg">\n'
       '<g id="graph0" class="graph"><g id="node1" class="node"><path id="p" d="M0 0"/>'
       '<use href="#p"/><rect clip-path="url(#p)"/></g></g></svg>\n')


class FakePage:
    def __init__(self, src_uri: str) -> None:
        self.file = type("F", (), {"src_uri": src_uri})()


def inline(html_text: str, docs: Path) -> str:
    return figures.on_page_content(html_text, FakePage("01-x.md"), {"docs_dir": str(docs)}, None)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    (tmp_path / "generated" / "graphs").mkdir(parents=True)
    (tmp_path / "generated" / "graphs" / "g.svg").write_text(SVG)
    return tmp_path


def test_a_graph_image_becomes_an_inline_svg_named_by_its_alt_text(docs: Path) -> None:
    out = inline('<p><img alt="a &amp; b" src="generated/graphs/g.svg" /></p>', docs)
    assert out.startswith('<figure class="graph"><svg role="img" aria-label="a &amp; b" ')
    assert "<img" not in out and "<p>" not in out


def test_two_copies_of_a_figure_share_no_id_and_keep_their_references(docs: Path) -> None:
    img = '<p><img alt="g" src="generated/graphs/g.svg" /></p>'
    out = inline(img + img, docs)
    ids = re.findall(r'id="([^"]+)"', out)
    assert len(ids) == 6 and len(set(ids)) == 6
    for reference in re.findall(r'(?:href="#|url\(#)([^")]+)', out):
        assert reference in ids


def test_an_image_without_alt_text_stops_the_build(docs: Path) -> None:
    with pytest.raises(PluginError, match="has no alt text"):
        inline('<p><img alt="" src="generated/sine_fit.png" /></p>', docs)


def test_a_missing_graph_figure_stops_the_build(docs: Path) -> None:
    with pytest.raises(PluginError, match="was not drawn.*make graphs"):
        inline('<p><img alt="x" src="generated/graphs/nothing.svg" /></p>', docs)


def test_other_images_are_left_alone(docs: Path) -> None:
    img = '<p><img alt="the fit" src="generated/sine_fit.png" /></p>'
    assert inline(img, docs) == img


# --- entangled_blocks.py: test blocks fold ----------------------------------------

def test_a_test_block_folds_under_a_summary_naming_its_tests() -> None:
    lines = ["Intro.\n", "\n", "``` {.python file=tests/test_x.py}\n", "def test_one_thing():\n",
             "\n", "    pass\n", "def test_another():\n", "    pass\n", "```\n", "After.\n"]
    out = entangled.fold(lines, 2)
    assert out[2] == '??? example "Checks: one thing; another"\n\n'
    assert out[3:] == ["    ``` {.python file=tests/test_x.py}\n", "    def test_one_thing():\n",
                       "\n", "        pass\n", "    def test_another():\n", "        pass\n",
                       "    ```\n", "After.\n"]


def test_a_test_block_after_the_open_check_marker_stays_open() -> None:
    lines = ["<!-- open check -->\n", "``` {.python file=tests/book/test_x.py}\n",
             "def test_one():\n", "    pass\n", "```\n"]
    assert entangled.fold(lines, 1)[1] == '???+ example "Checks: one"\n\n'


# --- entangled_blocks.py: the note that a file is generated stays in the file ----

def test_the_generated_note_is_not_on_the_page_but_the_rest_of_the_docstring_is() -> None:
    page = textwrap.dedent('''\
        Generated by Entangled: prose may say it.

        ``` {.python file=x.py .entangled #file-x}
        """What x holds.

        Generated by Entangled from docs/01-x.md and docs/02-y.md. Do not
        edit by hand.
        Run `python -m x` for the options.
        """
        ```

        ```python
        # Generated by Entangled, in an example: not ours to remove
        ```
        ''')
    out = "".join(entangled.without_generated_notes(page.splitlines(keepends=True)))
    assert out.count("Generated by Entangled") == 2 and "by hand" not in out
    assert '"""What x holds.\nRun `python -m x` for the options.\n"""' in out
