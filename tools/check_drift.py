"""Check that the committed tangled code is exactly what the book tangles to.

The book writes micrograd/, experiments/, tests/book/ and one file of the benchmarks,
bench/naive.py (chapter 7's naive engine, which the benchmark measures).

1. Copy docs/ and entangled.toml to a scratch folder and tangle there from
   scratch (no .entangled/ state file, so nothing is remembered).
2. Every file that tangle writes must exist here, byte for byte the same.
3. No file may be left over from a block that no longer exists: everything in
   micrograd/, experiments/ and tests/book/ is generated; tests/tooling/ and the rest of
   bench/ are written by hand.
4. The book writes nowhere else: a tangled file outside those folders and
   files is refused, so the split between book and hand-written files stays
   by path.

Exit status 1, with a list of what differs, when any of this fails.
"""

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTANGLED = Path(sys.executable).with_name("entangled")
GENERATED_DIRS = ("micrograd", "experiments", "tests/book")  # every file comes from the book
GENERATED_FILES = ("bench/naive.py",)  # single tangled files among hand-written ones


def tangle_from_scratch(scratch: Path) -> set:
    shutil.copytree(ROOT / "docs", scratch / "docs",
                    ignore=shutil.ignore_patterns("generated", "__pycache__"))
    shutil.copy(ROOT / "entangled.toml", scratch / "entangled.toml")
    result = subprocess.run([str(ENTANGLED), "tangle"], cwd=scratch,
                            capture_output=True, text=True,
                            env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    output = result.stdout + result.stderr
    if result.returncode != 0 or "ERROR" in output:
        sys.exit(f"drift: tangling from scratch failed:\n{output}")
    db = json.loads((scratch / ".entangled" / "filedb.json").read_text())
    return set(db["targets"])


def tracked_files() -> list:
    out = subprocess.run(["git", "ls-files", "--", *GENERATED_DIRS, *GENERATED_FILES], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line]


def is_generated(path: str) -> bool:
    """Whether the book owns `path`: a file in a generated folder, or a generated file."""
    return path in GENERATED_FILES or path.startswith(tuple(d + "/" for d in GENERATED_DIRS))


def main() -> int:
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        targets = tangle_from_scratch(scratch)
        for target in sorted(targets):
            if not is_generated(target):
                problems.append(f"{target}: the book tangles it outside "
                                f"{', '.join(GENERATED_DIRS + GENERATED_FILES)}")
            here = ROOT / target
            if not here.exists():
                problems.append(f"{target}: the book generates it, but it is not in the repository")
            elif here.read_bytes() != (scratch / target).read_bytes():
                problems.append(f"{target}: differs from what the book tangles to")
    for path in tracked_files():
        if path not in targets:
            problems.append(f"{path}: committed, but no block in the book generates it any more")
    if problems:
        print("drift: the committed code is not what the book says:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        print("Edit the chapter and run `make tangle`, or carry code edits back with "
              "`make stitch`; delete left-over files.", file=sys.stderr)
        return 1
    print(f"drift: ok, {len(targets)} tangled files match the book byte for byte")
    return 0


if __name__ == "__main__":
    sys.exit(main())
