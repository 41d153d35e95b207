"""Run `entangled tangle` or `entangled stitch`, and fail loudly when it breaks off.

Entangled 2.5 logs "ERROR conflicts found, breaking off" and still exits 0,
so a Makefile that only calls it would report success.  This wrapper reads
what Entangled printed and turns any error or conflict into exit status 1.

One conflict is not real.  Entangled remembers (in .entangled/) the files as
it last wrote them, so after `git pull` or `git checkout` has updated a
chapter *and* its committed tangled files, it sees files "changed outside
its control".  When every such file is already byte for byte what the book
tangles to, nothing would be lost: the wrapper says so and tangles with
--force, which brings Entangled's record up to date.

Nor is a record that names a file the checkout deleted (a tangled file
moved or removed upstream): Entangled then crashes with FileNotFoundError.
The wrapper rebuilds the record (`entangled reset`, which writes no code)
and tangles again.

Usage: python tools/tangle.py {tangle|stitch} [--force]
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from check_drift import ROOT, tangle_from_scratch

ENTANGLED = Path(sys.executable).with_name("entangled")
FLAGGED = re.compile(r"`([^`]+)` (?:changed outside|not managed by)")
MISSING = re.compile(r"FileNotFoundError: (\S+)")


def run(action: str, *args: str) -> tuple[str, bool]:
    """Entangled's output, and whether it reported any problem."""
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1", TERM="dumb")
    result = subprocess.run([str(ENTANGLED), action, *args], cwd=ROOT,
                            capture_output=True, text=True, env=env)
    output = result.stdout + result.stderr
    failed = result.returncode != 0 or any(
        "ERROR" in line or ("conflict" in line.lower() and "continuing anyway" not in line)
        for line in output.splitlines())
    return output, failed


def only_stale_state(output: str) -> bool:
    """True if every file Entangled flagged already equals what the book tangles to."""
    flagged = set(FLAGGED.findall(output))
    if not flagged:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        targets = tangle_from_scratch(Path(tmp))
        return all(path in targets and (ROOT / path).is_file()
                   and (ROOT / path).read_bytes() == (Path(tmp) / path).read_bytes()
                   for path in flagged)


def main() -> int:
    action, *args = sys.argv[1:] or ["tangle"]
    output, failed = run(action, *args)
    sys.stdout.write(output)
    if failed and action == "tangle" and (gone := MISSING.search(output)):
        print(f"make tangle: Entangled's record names {gone[1]}, which is no longer here "
              "(a git checkout moved or removed it); rebuilding the record and tangling again.")
        run("reset")
        output, failed = run(action, *args)
        sys.stdout.write(output)
    if failed and action == "tangle" and only_stale_state(output):
        print("make tangle: the flagged files already match the book (Entangled's record "
              "was older than a git checkout); tangling with --force to update it.")
        output, failed = run("tangle", "--force")
        sys.stdout.write(output)
    if not failed:
        return 0
    print(f"\nmake {action}: Entangled did not write anything.", file=sys.stderr)
    for line in output.splitlines():
        if "ERROR" in line or FLAGGED.search(line):
            print(f"  {line.strip()}", file=sys.stderr)
    if action == "stitch":
        print("If a chapter 'changed outside the control of Entangled', its record is older\n"
              "than your checkout: put the code edit aside (git stash), run make tangle,\n"
              "bring the edit back (git stash pop), then make stitch again.", file=sys.stderr)
    elif "conflict" in output.lower():
        print("A tangled file (micrograd/, experiments/ or tests/book/) was edited by hand.\n"
              "  - To keep the edit, carry it back into its chapter: make stitch\n"
              "  - To discard it and rewrite the file from the book: make tangle FORCE=1",
              file=sys.stderr)
    else:
        print("Fix the chapter at the place named above, then run make tangle again.",
              file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
