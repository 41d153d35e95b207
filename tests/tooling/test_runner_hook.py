"""The Run buttons' hook (tools/mkdocs_hooks/pyodide_runner.py), on small inputs.

Which blocks a reader can run, what runs, what cannot run in the page, and the
package zip. Not tangled from the book: these check the build, not the engine.
The blocks really running in Pyodide are checked by `make runnable`
(tools/check_runnable.mjs), and in a browser by tests/test_site.py.
"""

from __future__ import annotations

import html
import importlib.util
import io
import logging
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("hook_pyodide_runner",
                                              ROOT / "tools" / "mkdocs_hooks" / "pyodide_runner.py")
runner = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = runner  # dataclasses look their module up there, as under MkDocs
spec.loader.exec_module(runner)

PAGE = '''\
# A chapter

## Examples

```python
>>> x = 2
>>> x * 3
6
>>> int("a")
Traceback (most recent call last):
...
ValueError: invalid literal for int() with base 10: 'a'
```

??? tip "Solution"
    ```python
    >>> print("indented")
    indented
    ```

``` {.python #fragment}
def not_run(): ...
```

``` {.python file=micrograd/x.py}
also_not_run = 1
```

~~~markdown
```python
>>> "an example of Markdown, not an example"
```
~~~

## Listings

``` {.python .runnable}
from micrograd import Value
Value(1.0)
```

```python
class Attempt:
    pass
```

```python
>>> import numpy as np
>>> np.zeros(1)
array([0.])
```

``` {.python file=bench/whole.py .runnable}
whole_file_runs = 1
```

``` {.python #part .runnable}
a_fragment_does_not_run = 1
```
'''


def test_finds_examples_and_runnable_listings_only() -> None:
    blocks = runner.runnable_blocks(PAGE)
    assert [(b.kind, b.line, b.heading) for b in blocks] == [
        ("example", 5, "Examples"), ("example", 16, "Examples"),
        ("listing", 37, "Listings"), ("listing", 42, "Listings"), ("example", 47, "Listings"),
        ("listing", 53, "Listings")]


def test_an_example_runs_without_prompts_or_output() -> None:
    first, indented = runner.runnable_blocks(PAGE)[:2]
    assert first.code == 'x = 2\nx * 3\nint("a")\n'
    assert first.want.startswith("6\nTraceback (most recent call last):\n")
    assert first.cells == [('x = 2\nx * 3\n', "6\n"), ('int("a")\n', first.want[2:])]
    assert indented.code == 'print("indented")\n' and indented.want == "indented\n"


def test_what_the_page_cannot_run_is_named() -> None:
    blocks = runner.runnable_blocks(PAGE)
    # The whole file after the NumPy example inherits its need: it may use what it made.
    assert [b.needs for b in blocks] == ["", "", "", "", "NumPy", "NumPy"]
    note = runner.wrap(blocks[-2], "<div>code</div>")
    assert "runner-unavailable" in note and "needs NumPy" in note and "<textarea" not in note
    wrapped = runner.wrap(blocks[0], "<div>code</div>")
    assert '<textarea class="runner-code"' in wrapped and "int(&quot;a&quot;)" in wrapped


NUMPY_PAGE = '''\
```python
>>> x = 2
```

```python
>>> from micrograd.tensor import Tensor
>>> t = Tensor([1.0])
```

```python
>>> t.shape
(1,)
```

```python
>>> print("needs nothing, but comes after")
needs nothing, but comes after
```
'''


def test_blocks_after_an_import_that_needs_numpy_are_unavailable_too() -> None:
    first, tensor, uses_t, later = runner.runnable_blocks(NUMPY_PAGE)
    assert first.needs == "" and not first.inherited
    assert tensor.needs == "NumPy" and not tensor.inherited
    assert (uses_t.needs, uses_t.inherited) == ("NumPy", True)
    assert (later.needs, later.inherited) == ("NumPy", True)
    note = runner.wrap(uses_t, "<div></div>")
    assert "builds on the examples above it, and they need NumPy" in note


def test_the_header_says_whether_the_page_runs_here() -> None:
    plain = runner.runnable_blocks(PAGE[:PAGE.index("## Listings")])
    assert "also run right here" in runner.runs_here(plain)
    mixed = runner.runs_here(runner.runnable_blocks(NUMPY_PAGE))
    assert "also run right here" in mixed and "except those that need NumPy" in mixed
    numpy_only = runner.runnable_blocks(NUMPY_PAGE[NUMPY_PAGE.index("```python\n>>> from"):])
    assert all(b.needs for b in numpy_only)
    header = runner.runs_here(numpy_only)
    assert "need NumPy" in header and "run right here" not in header


def test_package_modules_that_import_numpy_are_found_through_their_imports(tmp_path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "plain.py").write_text("import math\n\ndef plot():\n    import matplotlib\n")
    (package / "arrays.py").write_text(
        "try:\n    import numpy as np\nexcept ImportError:\n    raise\n")
    (package / "uses.py").write_text("from pkg.arrays import thing\n")
    (package / "further.py").write_text("import pkg.uses\n")
    assert runner.package_needing_numpy(package) == {"pkg.arrays", "pkg.uses", "pkg.further"}
    assert "micrograd.tensor" in runner.package_needing_numpy()
    # NumPy or matplotlib only inside the function that needs it: the rest runs in the page
    assert not {"micrograd.datasets", "micrograd.losses", "micrograd.surfaces", "micrograd.sine",
                "micrograd.optim"} & \
        runner.package_needing_numpy()
    assert runner.package_functions_needing()[("micrograd.datasets", "spiral")] == ("numpy",)
    assert runner.package_functions_needing(package) == {("pkg.plain", "plot"): ("matplotlib",)}


def test_a_function_of_the_package_that_imports_graphviz_when_called_is_named() -> None:
    (listing,) = runner.runnable_blocks("```python\nfrom micrograd.graph import draw_dot\n"
                                        "draw_dot(x)\n```\n")
    assert listing.needs == "the graphviz package" and not listing.inherited
    (example,) = runner.runnable_blocks("```python\n>>> from micrograd.graph import to_dot\n```\n")
    assert example.needs == ""  # to_dot writes DOT text with the standard library alone


def test_the_package_zip_is_the_tangled_package_and_reproducible() -> None:
    data = runner.package_zip()
    assert data == runner.package_zip()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "micrograd/__init__.py" in names and "micrograd/engine.py" in names
    assert sorted(names) == sorted(f"micrograd/{p.name}" for p in (ROOT / "micrograd").glob("*.py"))


# --- matching the blocks to the rendered page ---------------------------------------------

THREE_BLOCKS = '''\
# Three blocks

```python
>>> first = 1
```

```python
>>> second = first + 1
```

```python
>>> first + 1
2
```
'''


def highlighted(code: str) -> str:
    """A python block as pymdownx.highlight renders it (without the colour spans)."""
    return (f'<div class="language-python highlight"><pre><span></span><code>{html.escape(code)}'
            "</code></pre></div>")


def test_a_block_not_rendered_loses_only_its_run_button(monkeypatch, caplog, tmp_path) -> None:
    monkeypatch.setattr(runner, "pages", {})
    page = SimpleNamespace(title="Three blocks",
                           file=SimpleNamespace(src_uri="01-x.md", url="01-x/", name="01-x"))
    runner.on_page_markdown(THREE_BLOCKS, page, None, None)
    first, second, third = runner.pages["01-x.md"][1]
    # The second block reaches the page as something other than a highlighted python block.
    unmatched = "<pre><code>&gt;&gt;&gt; second = first + 1\n</code></pre>"
    rendered = (f"<h1>Three blocks</h1>\n{highlighted(first.text)}\n{unmatched}\n"
                f"{highlighted(third.text)}\n")
    with caplog.at_level(logging.WARNING, logger=runner.log.name):
        out = runner.on_page_content(rendered, page, None, None)
    assert runner.wrap(first, highlighted(first.text)) in out
    assert runner.wrap(third, highlighted(third.text)) in out  # matched after the miss
    assert out.count('<div class="runner"') == 2 and f"\n{unmatched}\n" in out
    assert out.count('class="runner-notebook"') == 1
    assert '<a href="../notebooks/01-x.ipynb" download>' in out
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "'01-x.md'" in warning and f"line {second.line}" in warning
    # The notebook keeps the block: it is the chapter's code, and later cells may use its names.
    runner.on_post_build(SimpleNamespace(site_dir=str(tmp_path)))
    notebook = (tmp_path / "notebooks" / "01-x.ipynb").read_text()
    assert all(code in notebook for code in ("first = 1", "second = first + 1", "first + 1"))
