"""Measure every subject of bench/subjects.py, each in its own worker process.

All subjects run side by side in the same run, with the garbage collector on
as users run it. Steps are interleaved round by round, so that a burst of
load on a shared machine hits every subject alike; each reported time is the
median over all the steps measured, and each comparison is a ratio of two
medians from this run. `measure(args)` returns every number, as bench.json
holds them.
"""
from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

import problem
from subjects import SUBJECTS

BENCH = Path(__file__).resolve().parent


def log(*parts: object) -> None:
    print("bench:", *parts, file=sys.stderr, flush=True)


class Worker:
    """A subject's process; `ask` sends one command and waits for its answer."""

    def __init__(self, name: str, python: str) -> None:
        command = [python, str(BENCH / "worker.py"), name]
        env = dict(os.environ, PYTHONHASHSEED="0")
        env.pop("PYTHONPATH", None)  # nothing may put another micrograd on the path
        self.name = name
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, bufsize=1, cwd=BENCH, env=env)
        if not self.process.stdout.readline():
            raise SystemExit(f"bench: the worker for {name!r} did not start ({' '.join(command)})")

    def ask(self, cmd: str, **args: object):
        self.process.stdin.write(json.dumps({"cmd": cmd, **args}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"bench: the worker for {self.name!r} died during {cmd!r}")
        reply = json.loads(line)
        if "error" in reply:
            raise SystemExit(f"bench: {self.name} {cmd}: {reply['error']}")
        return reply["ok"]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.write('{"cmd": "quit"}\n')
            self.process.stdin.close()
            self.process.wait(timeout=60)


def measure(args) -> dict:
    """Start a worker per subject (bar `args.skip`), measure, and close them."""
    start = time.perf_counter()
    workers: dict[str, Worker] = {}
    try:
        for name, subject in SUBJECTS.items():
            if name not in args.skip:
                python = args.karpathy_python if subject.karpathy_env else sys.executable
                workers[name] = Worker(name, python)
        result = Run(args, workers).measure()
    finally:
        for w in workers.values():
            w.close()
    result["meta"]["wall_seconds"] = time.perf_counter() - start
    return result


class Run:
    """One measurement of every started worker, phase by phase, into `result`."""

    def __init__(self, args, workers: dict[str, Worker]) -> None:
        self.args, self.workers = args, workers
        self.result: dict = {"subjects": {}, "ratios": {}, "gc": {}, "profile": {},
                             "chain": {}, "memory": {}, "fit": {}}
        self.per_round: dict[str, int] = {}

    def measure(self) -> dict:
        args = self.args
        infos = self.agree()
        self.time_steps()
        self.ratios()
        self.time_collector()
        self.profiles()
        self.chains()
        self.memory()
        self.fits()
        reference = infos["python_floor"]
        self.result["meta"] = {
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "python": infos["ours"]["python"],
            "implementation": platform.python_implementation(),
            "machine": f"{platform.system()} {platform.machine()}",
            "cpus": os.cpu_count(),
            "gc_threshold": infos["ours"]["gc_threshold"],
            "rounds": args.rounds,
            "chain_n": args.chain,
            "epochs": args.epochs,
            "points": len(problem.XS),
            "parameters": len(reference["gradient"]),
            "quick": args.quick,
        }
        return self.result

    def having(self, role: str) -> list[str]:
        """The started subjects with `role` set, in registry order."""
        return [name for name in self.workers if getattr(SUBJECTS[name], role)]

    def agree(self) -> dict:
        """Stop unless every subject computes the pure-Python floor's loss and gradient."""
        log("checking that every subject computes the same loss and gradient")
        infos = {name: w.ask("info") for name, w in self.workers.items()}
        reference = infos["python_floor"]
        versions = {info["python"] for info in infos.values()}
        if len({v.rsplit(".", 1)[0] for v in versions}) != 1:
            raise SystemExit(f"bench: subjects run on different Pythons {sorted(versions)}: "
                             "not a fair comparison")
        for name, info in infos.items():
            diff = max(abs(a - b) for a, b in zip(info["gradient"], reference["gradient"]))
            if len(info["gradient"]) != len(reference["gradient"]) or diff > 1e-9 \
                    or abs(info["loss"] - reference["loss"]) > 1e-9:
                raise SystemExit(f"bench: {name} disagrees with the pure-Python floor (loss "
                                 f"{info['loss']} vs {reference['loss']}, gradient by {diff})")
            self.result["subjects"][name] = {key: info[key] for key in
                                             ("nodes", "edges", "local_derivatives") if key in info}
        return infos

    def time_steps(self) -> None:
        """Warm up, size each subject's share of a round to about `slice` seconds, and time."""
        args = self.args
        for name, w in self.workers.items():
            steps = int(args.slice / sum(w.ask("steps", n=1)[0]))
            self.per_round[name] = max(args.min_steps, min(args.max_steps, steps))
        log("steps per round:", self.per_round)
        runs: dict[str, list] = {name: [] for name in self.workers}
        runs_gc_off: dict[str, list] = {name: [] for name in self.having("closure_cycles")}
        for r in range(args.rounds):
            log(f"round {r + 1}/{args.rounds}")
            for name, w in self.workers.items():
                runs[name] += w.ask("steps", n=self.per_round[name])
                if name in runs_gc_off:
                    runs_gc_off[name] += w.ask("steps", n=1, gc_on=False)
        for name, times in runs.items():
            s = self.result["subjects"][name]
            s["steps_measured"] = len(times)
            for i, phase in enumerate(("forward_ms", "backward_ms", "free_ms")):
                s[phase] = 1e3 * median(t[i] for t in times)
            s["step_ms"] = 1e3 * median(sum(t) for t in times)
            if "nodes" in s:
                s["nodes_per_s"] = s["nodes"] / (s["step_ms"] / 1e3)
                s["edges_per_s"] = s["edges"] / (s["step_ms"] / 1e3)
                s["million_edges_per_s"] = s["edges_per_s"] / 1e6
            if name in runs_gc_off:
                s["step_ms_gc_off"] = 1e3 * median(sum(t) for t in runs_gc_off[name])
                s["speedup_gc_off"] = s["step_ms"] / s["step_ms_gc_off"]

    def ratios(self) -> None:
        subjects = self.result["subjects"]
        step = {name: s["step_ms"] for name, s in subjects.items()}
        for name, s in subjects.items():
            s["vs_ours"] = step[name] / step["ours"]
            if "closures" in step:
                s["vs_closures"] = step[name] / step["closures"]
        pairs = [("karpathy", "ours"), ("ours", "python_floor"), ("ours", "numpy_floor"),
                 ("python_floor", "numpy_floor"), ("tensor", "numpy_floor"), ("ours", "tensor"),
                 ("closures", "ours"), ("karpathy", "ours_per_sample"),
                 ("ours_per_sample", "python_floor")]
        for a, b in pairs:
            if a in step and b in step:
                self.result["ratios"][f"{a}_over_{b}"] = step[a] / step[b]
        rungs = self.having("rung")
        for previous, name in zip(rungs, rungs[1:]):
            subjects[name]["speedup_over_previous"] = step[previous] / step[name]

    def time_collector(self) -> None:
        log("time spent in the garbage collector")
        for name in self.having("graph"):
            slow = SUBJECTS[name].closure_cycles
            n = self.args.gc_steps if slow else max(3, self.per_round[name])
            runs = self.workers[name].ask("gc_time", n=n)
            self.result["gc"][name] = {
                "step_ms": 1e3 * median(r["step"] for r in runs),
                "gc_ms": 1e3 * median(r["gc"] for r in runs),
                "share": median(r["gc"] / r["step"] for r in runs),
                "collections_by_generation": [median(r["collections_by_generation"][g]
                                                     for r in runs) for g in range(3)],
                "objects_collected": median(r["objects_collected"] for r in runs),
            }

    def profiles(self) -> None:
        log("profiles (collector off)")
        for name in self.having("profiled"):
            prof = self.workers[name].ask("profile", top=self.args.profile_rows)
            prof["top"] = {"function": prof["rows"][0]["function"],
                           "share": prof["rows"][0]["seconds"] / prof["total"]}
            self.result["profile"][name] = prof

    def chains(self) -> None:
        """The chain, once per round for each engine, interleaved (Karpathy's only once)."""
        n = self.args.chain
        log(f"chains of {n:,} products")
        chained = self.having("chain_label")
        runs: dict[str, list] = {name: [] for name in chained}
        for r in range(self.args.chain_repeat):
            for name in chained:
                if not (r and SUBJECTS[name].chain_once):
                    runs[name].append(self.workers[name].ask("chain", n=n))
        for name in chained:
            entry = {"n": n, "nodes": 2 * n + 1, "runs": len(runs[name])}
            if "error" in runs[name][0]:
                entry["error"] = runs[name][0]["error"]
            else:
                for phase in ("build", "backward", "free"):
                    entry[f"{phase}_s"] = median(r[phase] for r in runs[name])
                entry["backward_nodes_per_s"] = entry["nodes"] / entry["backward_s"]
            self.result["chain"][name] = entry

    def memory(self) -> None:
        log(f"memory: chains of {self.args.memory_chain:,} products and one step's graph")
        for name in self.having("graph"):
            self.result["memory"][name] = self.workers[name].ask("memory",
                                                                 n=self.args.memory_chain)

    def fits(self) -> None:
        """The full fit, measured for the engines that have one, extrapolated for the rest."""
        epochs, fit = self.args.epochs, self.result["fit"]
        for name in self.workers:
            if hasattr(SUBJECTS[name], "fit"):
                log(f"the full fit, {epochs} epochs, {name}")
                seconds = self.workers[name].ask("fit", epochs=epochs)
                fit[name] = {"epochs": epochs, "seconds": seconds, "measured": True}
            else:
                seconds = epochs * self.result["subjects"][name]["step_ms"] / 1e3
                fit[name] = {"epochs": epochs, "seconds": seconds, "measured": False}
        fit["ours_extrapolated_seconds"] = epochs * self.result["subjects"]["ours"]["step_ms"] / 1e3
