"""tools/stamp.py: a build step reruns when its inputs' content changes, not their times.

Not tangled from the book: it checks the build, not the engine.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("stamp", ROOT / "tools" / "stamp.py")
stamp = importlib.util.module_from_spec(spec)
spec.loader.exec_module(stamp)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(stamp, "ROOT", tmp_path)
    monkeypatch.setattr(stamp, "STAMPS", tmp_path / ".stamps")
    (tmp_path / "input.txt").write_text("one")
    return tmp_path


def step(tree: Path, *extra: str) -> int:
    """A step that counts its runs in runs.txt and writes out.txt."""
    script = ("import pathlib; p = pathlib.Path('runs.txt'); "
              "p.write_text(str(int(p.read_text()) + 1) if p.exists() else '1'); "
              "pathlib.Path('out.txt').write_text('done')")
    return stamp.main(["demo", *extra, "--deps", "input.txt", "--outputs", "out.txt",
                       "--", sys.executable, "-c", script])


def runs(tree: Path) -> int:
    return int((tree / "runs.txt").read_text())


def test_a_step_runs_once_then_only_when_its_inputs_change(tree: Path) -> None:
    assert step(tree) == 0 and runs(tree) == 1
    assert step(tree) == 0 and runs(tree) == 1
    os.utime(tree / "input.txt", (0, 0))  # what a checkout does: a new time, the same bytes
    assert step(tree) == 0 and runs(tree) == 1
    (tree / "input.txt").write_text("two")
    assert step(tree) == 0 and runs(tree) == 2


def test_a_missing_output_is_rebuilt(tree: Path) -> None:
    step(tree)
    (tree / "out.txt").unlink()
    step(tree)
    assert runs(tree) == 2


def test_keep_existing_shows_the_last_results_until_asked(tree: Path) -> None:
    step(tree)
    (tree / "input.txt").write_text("two")
    step(tree, "--keep-existing")
    assert runs(tree) == 1
    step(tree)
    assert runs(tree) == 2


def test_a_failed_step_leaves_no_stamp(tree: Path) -> None:
    code = stamp.main(["demo", "--deps", "input.txt", "--outputs", "out.txt", "--",
                       sys.executable, "-c", "raise SystemExit(3)"])
    assert code == 3 and not (tree / ".stamps" / "demo").exists()


def test_a_missing_input_is_an_error(tree: Path) -> None:
    with pytest.raises(SystemExit, match="the input nothing.txt does not exist"):
        stamp.main(["demo", "--deps", "nothing.txt", "--outputs", "out.txt", "--", "true"])
