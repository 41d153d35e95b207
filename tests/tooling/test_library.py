"""The library holds what a user imports, and nothing of the lab or the press.

Not tangled from the book: it checks where code lives, not what it computes.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = sorted((ROOT / "micrograd").glob("*.py"))
# What an experiment needs and a user of the engine does not.
LAB_ONLY = {"argparse", "multiprocessing", "matplotlib", "experiments", "json", "subprocess"}


def top_level_imports(path: Path) -> set[str]:
    """The modules a file imports when it is imported (not those inside functions)."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
def test_no_library_module_imports_what_only_the_lab_needs(path: Path) -> None:
    assert not top_level_imports(path) & LAB_ONLY, path.name


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
def test_the_library_never_ends_the_program(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    exits = [node.lineno for node in ast.walk(tree)
             if isinstance(node, ast.Name) and node.id in {"SystemExit", "exit"}
             or isinstance(node, ast.Attribute) and node.attr == "exit"]
    assert not exits, f"{path.name} exits the program at lines {exits}: raise an error instead"


def test_importing_every_module_of_the_library_loads_none_of_the_lab() -> None:
    """What `pip install .` installs, imported for real, in a fresh interpreter."""
    script = f"""
import importlib, sys
for name in {[p.stem for p in LIBRARY if p.stem != "__init__"]!r}:
    importlib.import_module("micrograd." + name)
print(" ".join(sorted(n for n in {sorted(LAB_ONLY)!r} if n in sys.modules)))
"""
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert run.stdout.split() == []


def test_the_package_ships_the_library_only() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'packages = ["micrograd"]' in text
    assert "[project.scripts]" not in text
