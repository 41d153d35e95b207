"""Run the lab's steps (experiments/steps.py) whose code or data changed.

    python tools/lab.py [--keep-existing] [--list] [STEP...]

Each step is a command that writes files into docs/generated/. A step runs
again when the *content* of what it reads changed: its command line, the
Python files it imports (found by following its imports from its module, so
no list is kept by hand), the files of other steps it reads (`needs`), and
its other inputs (`files`). Content, not file times: a `git pull` or
`git checkout` gives every file it touches a new time, and make would then
retrain and remeasure everything. The hash of a step's inputs is kept in
docs/generated/.stamps/STEP; when it matches and every output exists, the
step is skipped.

Naming steps runs them and the steps that write what they need; a step
always runs after those. With --keep-existing (`make serve` uses it), a step whose
outputs all exist is skipped even when its inputs changed, so that a
preview starts at once from the last results.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "docs" / "generated"
STAMPS = GENERATED / ".stamps"


def load_steps() -> list:
    sys.path.insert(0, str(ROOT))
    try:
        from experiments.steps import STEPS
    finally:
        sys.path.remove(str(ROOT))
    names = [s.name for s in STEPS]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        sys.exit(f"lab: step names must be unique, {', '.join(repeated)} appear twice")
    return list(STEPS)


def _module_file(name: str, roots: Iterable[Path]) -> Path | None:
    """The file of module `name` under one of `roots`, or None (stdlib, site-packages)."""
    parts = name.split(".")
    for root in roots:
        for candidate in (root.joinpath(*parts).with_suffix(".py"),
                          root.joinpath(*parts, "__init__.py")):
            if candidate.is_file():
                return candidate
    return None


def _package_inits(path: Path) -> list[Path]:
    """The __init__.py of every package above `path`: importing a module runs them."""
    inits, folder = [], path.parent
    while folder != ROOT and (folder / "__init__.py").is_file():
        inits.append(folder / "__init__.py")
        folder = folder.parent
    return inits


def imported_files(entry: Path) -> set[Path]:
    """`entry` and every file of the repository it imports, directly or not.

    Imports are read from the source, all of them, also those inside functions
    and under `if TYPE_CHECKING`: a file that might be imported counts.
    """
    roots = (entry.parent, ROOT)  # a script imports its neighbours, a module the repository
    seen: set[Path] = set()
    todo = [entry]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        todo += _package_inits(path)
        package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the package this file is in
                    up = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                # `from a import b` imports a, and a.b when b is a module
                names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            for name in names:
                found = _module_file(name, roots) if name else None
                if found is not None and ".venv" not in found.parts:
                    todo.append(found)
    return seen


def entry_file(step) -> Path:
    if step.module.endswith(".py"):
        return ROOT / step.module
    found = _module_file(step.module, [ROOT])
    if found is None:
        sys.exit(f"lab: step {step.name} runs module {step.module}, which is not in the repository")
    return found


def command(step) -> list[str]:
    runner = [step.module] if step.module.endswith(".py") else ["-m", step.module]
    return [sys.executable, *runner, *step.args, "--out", str(GENERATED.relative_to(ROOT))]


def inputs(step) -> list[Path]:
    """Every file whose content decides what the step writes."""
    files = set(imported_files(entry_file(step)))
    for pattern in step.files:
        matches = sorted(ROOT.glob(pattern))
        if not matches:
            sys.exit(f"lab: step {step.name} reads {pattern}, which matches no file")
        files.update(m for m in matches if m.is_file())
    files.update(GENERATED / need for need in step.needs)
    return sorted(files)


def digest(step) -> str:
    """A hash of the step's command line and of every input's path and bytes."""
    h = hashlib.sha256("\0".join(command(step)[1:]).encode())
    for path in inputs(step):
        if not path.is_file():
            sys.exit(f"lab: step {step.name} needs {path.relative_to(ROOT)}, which does not exist")
        h.update(b"\0" + str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def in_order(steps: list, wanted: list[str] | None = None) -> list:
    """The steps named (default: all) and those that write what they need.

    A step comes after the steps whose outputs it needs, otherwise in the
    registry's order.
    """
    by_name = {s.name: s for s in steps}
    unknown = [n for n in wanted or [] if n not in by_name]
    if unknown:
        sys.exit(f"lab: no step called {', '.join(unknown)}; the steps are {', '.join(by_name)}")
    writer = {out: s.name for s in steps for out in s.outputs}
    ordered: list = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in visiting:
            sys.exit(f"lab: step {name} needs, through other steps, its own outputs")
        if any(s.name == name for s in ordered):
            return
        visiting.add(name)
        for need in by_name[name].needs:
            if need in writer:
                visit(writer[need])
        visiting.discard(name)
        ordered.append(by_name[name])

    for name in wanted or by_name:
        visit(name)
    return ordered


def run(step, keep_existing: bool = False) -> None:
    stamp = STAMPS / step.name
    outputs_exist = all((GENERATED / out).exists() for out in step.outputs)
    if outputs_exist and keep_existing:
        print(f"lab: {step.name}: showing the last results, whether or not its inputs changed")
        return
    wanted = digest(step)
    if outputs_exist and stamp.is_file() and stamp.read_text().strip() == wanted:
        print(f"lab: {step.name}: up to date")
        return
    print(f"lab: {step.name}: running {' '.join(command(step)[1:])}", flush=True)
    stamp.unlink(missing_ok=True)  # a failed run must not look finished
    GENERATED.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(command(step), cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"lab: step {step.name} failed (exit status {result.returncode})")
    missing = [out for out in step.outputs if not (GENERATED / out).exists()]
    if missing:
        sys.exit(f"lab: step {step.name} finished but did not write {', '.join(missing)}")
    STAMPS.mkdir(parents=True, exist_ok=True)
    stamp.write_text(wanted + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="tools/lab.py", description=__doc__.split("\n")[0])
    parser.add_argument("steps", nargs="*", help="steps to run (default: all)")
    parser.add_argument("--keep-existing", action="store_true",
                        help="skip a step whose outputs exist, even if its inputs changed")
    parser.add_argument("--list", action="store_true",
                        help="print each step with the files it reads, and stop")
    args = parser.parse_args(argv)
    steps = load_steps()
    chosen = in_order(steps, args.steps)
    if args.list:
        for step in chosen:
            print(f"{step.name}: {' '.join(command(step)[1:])}")
            for path in inputs(step):
                print(f"    {path.relative_to(ROOT)}")
        return
    for step in chosen:
        run(step, args.keep_existing)


if __name__ == "__main__":
    main()
