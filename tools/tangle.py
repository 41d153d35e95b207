"""Run `entangled tangle` and fail loudly when it breaks off.

Entangled 2.5 logs "ERROR conflicts found, breaking off" and still exits 0,
so a Makefile that only calls it would report success.  This wrapper reads
what Entangled printed and turns any error or conflict into exit status 1.

Usage: python tools/tangle.py [--force]
"""

import os
import subprocess
import sys
from pathlib import Path

ENTANGLED = Path(sys.executable).with_name("entangled")


def main() -> int:
    command = [str(ENTANGLED), "tangle", *sys.argv[1:]]
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1", TERM="dumb")
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    output = result.stdout + result.stderr
    sys.stdout.write(output)
    problems = [line.strip() for line in output.splitlines()
                if "ERROR" in line or "conflict" in line.lower()
                or "changed outside" in line or "not managed by" in line]
    if result.returncode != 0 or problems:
        print("\nmake tangle: Entangled did not write the code.", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
        if any("conflict" in line.lower() for line in problems):
            print("A tangled file under micrograd/ or tests/ was edited by hand.\n"
                  "  - To keep the edit, carry it back into its chapter: make stitch\n"
                  "  - To discard it and rewrite the file from the book: make tangle FORCE=1",
                  file=sys.stderr)
        else:
            print("Fix the chapter at the place named above, then run make tangle again.",
                  file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
