"""Run a build step only when the *content* of its inputs changed.

    python tools/stamp.py NAME --deps FILE... --outputs FILE... -- COMMAND...

Make compares file times, and a `git pull` or `git checkout` gives every
file it touches a new time, so make would retrain the sine fits and rerun
the benchmarks after every pull, even when no input changed. This wrapper
hashes the inputs (the files' bytes and the command line) instead, and
keeps the hash in docs/generated/.stamps/NAME. When the hash matches and
every output exists, the step is skipped.

With --keep-existing (`make serve` uses it), a step whose outputs all exist
is skipped even if its inputs changed, with a note saying so: the preview
starts at once from the last results, and `make figures` refreshes them.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAMPS = ROOT / "docs" / "generated" / ".stamps"


def digest(deps: list[str], command: list[str]) -> str:
    """A hash of the command and of every input file's path and bytes."""
    h = hashlib.sha256("\0".join(command).encode())
    for dep in sorted(set(deps)):
        path = ROOT / dep
        if not path.is_file():
            sys.exit(f"stamp: the input {dep} does not exist")
        h.update(b"\0" + dep.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--" not in argv:
        sys.exit("stamp: usage: stamp.py NAME --deps FILE... --outputs FILE... -- COMMAND...")
    split = argv.index("--")
    parser = argparse.ArgumentParser(prog="stamp.py")
    parser.add_argument("name")
    parser.add_argument("--deps", nargs="+", required=True)
    parser.add_argument("--outputs", nargs="+", required=True)
    parser.add_argument("--keep-existing", action="store_true")
    args = parser.parse_args(argv[:split])
    command = argv[split + 1:]
    if not command:
        sys.exit("stamp: no command after --")
    stamp = STAMPS / args.name
    wanted = digest(args.deps, command)
    outputs_exist = all((ROOT / out).exists() for out in args.outputs)
    if outputs_exist and stamp.is_file() and stamp.read_text().strip() == wanted:
        print(f"{args.name}: up to date (inputs unchanged)")
        return 0
    if outputs_exist and args.keep_existing:
        print(f"{args.name}: inputs changed; showing the last results "
              "(`make figures` refreshes them)")
        return 0
    stamp.unlink(missing_ok=True)  # a failed run must not look finished
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode != 0:
        return result.returncode
    missing = [out for out in args.outputs if not (ROOT / out).exists()]
    if missing:
        sys.exit(f"stamp: {args.name} finished but did not write {', '.join(missing)}")
    STAMPS.mkdir(parents=True, exist_ok=True)
    stamp.write_text(wanted + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
