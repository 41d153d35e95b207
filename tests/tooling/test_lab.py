"""tools/lab.py and the lab's registry: a step reruns when what it reads changes, and only then.

Not tangled from the book: it checks the build, not the engine.
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pytest

from experiments.steps import STEPS, Step

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("lab", ROOT / "tools" / "lab.py")
lab = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lab)

# A step that counts its runs in runs-NAME.txt and writes NAME.txt into --out.
RUN = """\
import sys
from pathlib import Path

from {package} import helper  # noqa: F401

name, out = sys.argv[1], Path(sys.argv[sys.argv.index("--out") + 1])
counter = Path(f"runs-{{name}}.txt")
counter.write_text(str(int(counter.read_text()) + 1) if counter.exists() else "1")
out.mkdir(parents=True, exist_ok=True)
(out / f"{{name}}.txt").write_text("done")
"""


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with two step modules: pkg.run imports pkg.helper, other.run does not."""
    for package in ("pkg", "other"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
        (tmp_path / package / "helper.py").write_text("import json\nfrom . import deep\n")
        (tmp_path / package / "deep.py").write_text("VALUE = 1\n")
        (tmp_path / package / "run.py").write_text(RUN.format(package=package))
    (tmp_path / "data.txt").write_text("one")
    monkeypatch.setattr(lab, "ROOT", tmp_path)
    monkeypatch.setattr(lab, "GENERATED", tmp_path / "gen")
    monkeypatch.setattr(lab, "STAMPS", tmp_path / "gen" / ".stamps")
    return tmp_path


STEP = Step("a", "pkg.run", ("a",), outputs=("a.txt",), files=("data.txt",))
OTHER = Step("b", "other.run", ("b",), outputs=("b.txt",))


def runs(tree: Path, name: str = "a") -> int:
    counter = tree / f"runs-{name}.txt"
    return int(counter.read_text()) if counter.exists() else 0


def test_the_import_walk_finds_every_file_of_the_repository_a_step_imports(tree: Path) -> None:
    found = {p.relative_to(tree).as_posix() for p in lab.imported_files(tree / "pkg" / "run.py")}
    assert found == {"pkg/run.py", "pkg/__init__.py", "pkg/helper.py", "pkg/deep.py"}


def test_a_step_runs_once_then_only_when_what_it_reads_changes(tree: Path) -> None:
    lab.run(STEP)
    lab.run(STEP)
    assert runs(tree) == 1
    for path in tree.rglob("*"):  # a checkout: new times, the same bytes
        os.utime(path, (0, 0))
    lab.run(STEP)
    assert runs(tree) == 1
    (tree / "pkg" / "deep.py").write_text("VALUE = 2\n")  # imported, two imports away
    lab.run(STEP)
    assert runs(tree) == 2
    (tree / "data.txt").write_text("two")  # a file it names
    lab.run(STEP)
    assert runs(tree) == 3


def test_a_change_reruns_only_the_steps_that_import_it(tree: Path) -> None:
    lab.run(STEP)
    lab.run(OTHER)
    (tree / "other" / "deep.py").write_text("VALUE = 2\n")
    lab.run(STEP)
    lab.run(OTHER)
    assert (runs(tree, "a"), runs(tree, "b")) == (1, 2)


def test_a_missing_output_is_made_again(tree: Path) -> None:
    lab.run(STEP)
    (tree / "gen" / "a.txt").unlink()
    lab.run(STEP)
    assert runs(tree) == 2


def test_keep_existing_shows_the_last_results_until_asked(tree: Path) -> None:
    lab.run(STEP)
    (tree / "data.txt").write_text("two")
    lab.run(STEP, keep_existing=True)
    assert runs(tree) == 1
    lab.run(STEP)
    assert runs(tree) == 2


def test_a_failed_step_stops_the_build_naming_it_and_leaves_no_stamp(tree: Path) -> None:
    (tree / "pkg" / "run.py").write_text("raise SystemExit(3)\n")
    with pytest.raises(SystemExit, match="step a failed"):
        lab.run(STEP)
    assert not (tree / "gen" / ".stamps" / "a").exists()


def test_a_step_that_does_not_write_its_outputs_is_an_error(tree: Path) -> None:
    step = Step("a", "pkg.run", ("a",), outputs=("a.txt", "missing.png"))
    with pytest.raises(SystemExit, match="did not write missing.png"):
        lab.run(step)


def test_a_step_runs_after_the_steps_whose_outputs_it_needs() -> None:
    first = Step("first", "pkg.run", outputs=("one.json",))
    second = Step("second", "pkg.run", needs=("one.json",))
    alone = Step("alone", "pkg.run")
    assert [s.name for s in lab.in_order([second, alone, first])] == ["first", "second", "alone"]
    assert [s.name for s in lab.in_order([second, alone, first], ["second"])] == [
        "first", "second"]
    with pytest.raises(SystemExit, match="no step called third"):
        lab.in_order([first], ["third"])


# The real registry -----------------------------------------------------------

def test_every_step_of_the_registry_can_run() -> None:
    names = [s.name for s in STEPS]
    assert len(names) == len(set(names))
    outputs = [out for s in STEPS for out in s.outputs]
    assert len(outputs) == len(set(outputs)), "two steps write the same file"
    for step in STEPS:
        assert lab.entry_file(step).is_file(), step.name
        assert all(need in outputs for need in step.needs), step.name
        lab.inputs(step)  # every file it names exists


GENERATED_REFERENCE = re.compile(
    r"generated/([\w./-]+\.(?:png|svg|md))"           # images and snippets
    r"|\{\{\s*([a-z_]+)\.")                            # placeholders: {{ sine.key }} is sine.json


def test_every_figure_and_number_the_book_shows_is_an_output_of_a_step() -> None:
    outputs = {out for s in STEPS for out in s.outputs}
    wanted = set()
    for page in (ROOT / "docs").glob("*.md"):
        if page.name == "authoring.md":  # its examples name files that do not exist
            continue
        for image, data in GENERATED_REFERENCE.findall(page.read_text(encoding="utf-8")):
            wanted.add(image or f"{data}.json")
    graphs = {w for w in wanted if w.startswith("graphs/")}
    assert "graphs" in outputs or not graphs
    missing = sorted(w for w in wanted - graphs if w not in outputs)
    assert not missing, f"no step of experiments/steps.py writes {missing}"

