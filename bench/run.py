"""Run the benchmarks of the chapter "Making it fast" and write their results.

    .venv/bin/python bench/run.py --out docs/generated

Measures every subject of bench/subjects.py (bench/measure.py), checks the
chapter's claims about the numbers (bench/claims.py), then writes bench.json
(every number, for `{{ bench.key }}` placeholders), the Markdown tables
bench_*.md (bench/tables.py); the lab draws the figure from bench.json.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import problem
from claims import check_claims, targets
from measure import BENCH, log, measure
from subjects import SUBJECTS
from tables import tables


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=BENCH.parent / "docs" / "generated")
    parser.add_argument("--karpathy-python",
                        default=str(BENCH / ".venv-karpathy" / "bin" / "python"),
                        help="the interpreter of the environment that holds micrograd==0.1.0")
    parser.add_argument("--quick", action="store_true",
                        help="try the pipeline: fewer rounds, small chains, 20 epochs")
    optional = [n for n in SUBJECTS if n not in ("ours", "python_floor", "numpy_floor")]
    parser.add_argument("--skip", nargs="*", default=[], choices=optional,
                        help="subjects to leave out")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--slice", type=float, default=0.4,
                        help="seconds of steps per subject per round (at least one step)")
    parser.add_argument("--min-steps", type=int, default=2)
    parser.add_argument("--max-steps", type=int, default=50)
    parser.add_argument("--gc-steps", type=int, default=3)
    parser.add_argument("--chain", type=int, default=1_000_000)
    parser.add_argument("--chain-repeat", type=int, default=3)
    parser.add_argument("--memory-chain", type=int, default=100_000)
    parser.add_argument("--epochs", type=int, default=problem.EPOCHS)
    parser.add_argument("--profile-rows", type=int, default=10)
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.slice, args.gc_steps, args.min_steps = 2, 0.1, 1, 1
        args.chain, args.chain_repeat, args.memory_chain, args.epochs = 100_000, 1, 10_000, 20
    if "karpathy" not in args.skip and not Path(args.karpathy_python).exists():
        parser.error(f"no interpreter at {args.karpathy_python}; `make bench` creates that "
                     "environment with micrograd==0.1.0 in it (or pass --skip karpathy)")
    return args


def main() -> None:
    args = arguments()
    result = measure(args)
    result["targets"] = targets(result)
    # The labels the tables use, for the lab's figure, which does not import bench/.
    result["labels"] = {name: (SUBJECTS[name].rung_label or SUBJECTS[name].label).replace("`", "")
                        for name in result["subjects"]}
    args.out.mkdir(parents=True, exist_ok=True)
    check_claims(result, args.out)
    (args.out / "bench.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    markdown = tables(result)
    for name, text in markdown.items():
        (args.out / f"bench_{name}.md").write_text(text, encoding="utf-8")
    log(f"wrote {args.out}/bench.json and bench_*.md "
        f"in {result['meta']['wall_seconds']:.0f} s")
    print(markdown["targets"], end="")


if __name__ == "__main__":
    main()
