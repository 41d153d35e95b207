"""Run the benchmarks of the chapter "Making it fast" and write their results.

    .venv/bin/python bench/run.py --out docs/generated

Every subject runs in its own process (bench/worker.py), all of them side by
side in the same run, with the garbage collector on as users run it. Steps
are interleaved round by round, so that a burst of load on a shared machine
hits every subject alike; each reported time is the median over all the
steps measured, and each comparison is a ratio of two medians from this run.

Writes bench.json (every number, for `{{ bench.key }}` placeholders) and the
Markdown tables bench_*.md that the chapter includes.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import problem  # noqa: E402

LABELS = {
    "karpathy": "Karpathy's micrograd 0.1.0",
    "ours": "our engine",
    "python_floor": "pure-Python floor",
    "numpy_floor": "NumPy floor",
    "closures": "closures (the naive listing)",
    "slots": "+ `__slots__`",
    "local": "+ local derivatives, no closures",
    "loop": "+ sort as a loop",
    "fused": "+ fused neuron node",
    "leaves": "+ leaves stay out of the sort",
    "zeros": "+ off ReLUs pass nothing back",
    "ours_per_sample": "our engine as chapters 5-6 leave it",
    "ours_batch": "+ `dense`: a batch kernel, off ReLUs pass nothing back",
    "tensor": "our tensor engine (chapter 9)",
}
OURS_LAST_RUNG = "+ the loss as one node: our engine"  # the "ours" row of the ladder
MAIN = ("karpathy", "ours", "python_floor", "numpy_floor", "tensor")
LADDER = ("closures", "slots", "local", "loop", "fused", "leaves", "zeros",
          "ours_per_sample", "ours_batch")  # then "ours"
OURS = ("ours", "ours_per_sample", "ours_batch")  # our engine, its loss written three ways
GRAPH = ("karpathy", "ours") + LADDER
CHAIN = ("karpathy", "ours", "loop", "leaves")  # the engines the chain benchmark runs
CHAIN_ONCE = ("karpathy",)  # too slow to repeat
CLOSURE_BASED = ("karpathy", "closures", "slots")  # reference cycles: measured with GC off too

TARGETS = {  # what issue 5 asks for
    "speedup_over_karpathy": 50.0,   # step: karpathy / ours, at least
    "ours_over_python_floor": 3.0,   # step: ours / python floor, at most
    "fit_seconds": 60.0,             # full 2000-epoch fit, at most
    "chain_backward_seconds": 3.0,   # backward through a chain of 10^6 products, at most
    "bytes_per_node": 250.0,         # live graph, at most
    "tensor_over_numpy_floor": 3.0,  # step: tensor engine / NumPy floor, at most
    "tensor_fit_seconds": 1.0,       # full 2000-epoch fit on tensors, at most
}


def log(*parts: object) -> None:
    print("bench:", *parts, file=sys.stderr, flush=True)


class Worker:
    """A subject's process; `ask` sends one command and waits for its answer."""

    def __init__(self, name: str, python: str, expect_under: Path | None = None) -> None:
        command = [python, str(BENCH / "worker.py"), name, "--repo", str(REPO)]
        if expect_under is not None:
            command += ["--expect-under", str(expect_under)]
        env = dict(os.environ, PYTHONHASHSEED="0")
        env.pop("PYTHONPATH", None)  # nothing may put another micrograd on the path
        self.name = name
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, bufsize=1, cwd=BENCH, env=env)
        hello = self.process.stdout.readline()
        if not hello:
            raise SystemExit(f"bench: the worker for {name!r} did not start ({' '.join(command)})")

    def ask(self, cmd: str, **args: object) -> dict:
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


def median(xs: list[float]) -> float:
    return statistics.median(xs)


# --- the measurements -------------------------------------------------------------


def measure(args: argparse.Namespace) -> dict:
    t_start = time.perf_counter()
    karpathy_venv = Path(os.path.abspath(args.karpathy_python)).parent.parent
    subjects = [s for s in MAIN + LADDER if s not in args.skip]
    workers = {}
    try:
        for name in subjects:
            if name == "karpathy":
                workers[name] = Worker(name, args.karpathy_python, expect_under=karpathy_venv)
            elif name in OURS or name == "tensor":
                workers[name] = Worker(name, sys.executable, expect_under=REPO / "micrograd")
            else:
                workers[name] = Worker(name, sys.executable)
        return run_all(args, workers, t_start)
    finally:
        for w in workers.values():
            w.close()


def run_all(args: argparse.Namespace, workers: dict[str, Worker], t_start: float) -> dict:
    result: dict = {"subjects": {}, "ratios": {}, "gc": {}, "profile": {}, "chain": {},
                    "memory": {}, "fit": {}, "targets": {}}
    subjects = result["subjects"]

    phases = {}
    clock = [time.perf_counter()]

    def phase_done(name: str) -> None:
        now = time.perf_counter()
        phases[name] = now - clock[0]
        clock[0] = now

    log("checking that every subject computes the same loss and gradient")
    infos = {name: w.ask("info") for name, w in workers.items()}
    reference = infos["python_floor"]
    versions = {infos[n]["python"] for n in infos}
    if len({v.rsplit(".", 1)[0] for v in versions}) != 1:
        raise SystemExit(f"bench: subjects run on different Pythons {sorted(versions)}: "
                         "not a fair comparison")
    for name, info in infos.items():
        diff = max(abs(a - b) for a, b in zip(info["gradient"], reference["gradient"]))
        if len(info["gradient"]) != len(reference["gradient"]) or diff > 1e-9 \
                or abs(info["loss"] - reference["loss"]) > 1e-9:
            raise SystemExit(f"bench: {name} disagrees with the pure-Python floor "
                             f"(loss {info['loss']} vs {reference['loss']}, gradient by {diff})")
        subjects[name] = {"label": LABELS[name], "module_file": info["module_file"],
                          "python": info["python"], "gradient_max_diff": diff}
        for key in ("nodes", "edges", "local_derivatives"):
            if key in info:
                subjects[name][key] = info[key]

    # Warm up, and size each subject's share of a round to about `args.slice` seconds.
    per_round = {}
    for name, w in workers.items():
        f, b, d = w.ask("steps", n=1)["times"][0]
        per_round[name] = max(args.min_steps, min(args.max_steps, int(args.slice / (f + b + d))))
    log("steps per round:", per_round)
    phase_done("start_and_warm_up")

    times: dict[str, list] = {name: [] for name in workers}
    times_gc_off: dict[str, list] = {name: [] for name in workers if name in CLOSURE_BASED}
    for r in range(args.rounds):
        log(f"round {r + 1}/{args.rounds}")
        for name, w in workers.items():
            times[name] += w.ask("steps", n=per_round[name])["times"]
            if name in times_gc_off:
                times_gc_off[name] += w.ask("steps", n=1, gc_on=False)["times"]

    phase_done("steps")
    for name, runs in times.items():
        s = subjects[name]
        s["steps_measured"] = len(runs)
        s["forward_ms"] = 1e3 * median([f for f, _, _ in runs])
        s["backward_ms"] = 1e3 * median([b for _, b, _ in runs])
        s["free_ms"] = 1e3 * median([d for _, _, d in runs])
        s["step_ms"] = 1e3 * median([f + b + d for f, b, d in runs])
        s["step_ms_min"] = 1e3 * min(f + b + d for f, b, d in runs)
        if "nodes" in s:
            s["nodes_per_s"] = s["nodes"] / (s["step_ms"] / 1e3)
            s["edges_per_s"] = s["edges"] / (s["step_ms"] / 1e3)
            s["million_edges_per_s"] = s["edges_per_s"] / 1e6
        if name in times_gc_off:
            off = times_gc_off[name]
            s["step_ms_gc_off"] = 1e3 * median([f + b + d for f, b, d in off])
            s["gc_share_by_switching_off"] = 1.0 - s["step_ms_gc_off"] / s["step_ms"]
            s["speedup_gc_off"] = s["step_ms"] / s["step_ms_gc_off"]
    step = {name: subjects[name]["step_ms"] for name in subjects}
    for name, s in subjects.items():
        for base in ("ours", "karpathy", "python_floor", "numpy_floor", "closures"):
            if base in step:
                s[f"vs_{base}"] = s["step_ms"] / step[base]
    ratios = result["ratios"]
    if "karpathy" in step:
        ratios["karpathy_over_ours"] = step["karpathy"] / step["ours"]
    ratios["ours_over_python_floor"] = step["ours"] / step["python_floor"]
    ratios["ours_over_numpy_floor"] = step["ours"] / step["numpy_floor"]
    ratios["python_floor_over_numpy_floor"] = step["python_floor"] / step["numpy_floor"]
    if "tensor" in step:
        ratios["tensor_over_numpy_floor"] = step["tensor"] / step["numpy_floor"]
        ratios["ours_over_tensor"] = step["ours"] / step["tensor"]
    if "closures" in step:
        ratios["closures_over_ours"] = step["closures"] / step["ours"]
        previous = None
        for name in LADDER + ("ours",):
            if name in step and previous is not None:
                subjects[name]["speedup_over_previous"] = step[previous] / step[name]
            previous = name if name in step else previous

    log("time spent in the garbage collector")
    for name in [n for n in GRAPH if n in workers]:
        n = args.gc_steps if name in CLOSURE_BASED else max(3, per_round[name])
        runs = workers[name].ask("gc_time", n=n)["steps"]
        result["gc"][name] = {
            "steps": len(runs),
            "step_ms": 1e3 * median([r["step"] for r in runs]),
            "gc_ms": 1e3 * median([r["gc"] for r in runs]),
            "share": median([r["gc"] / r["step"] for r in runs]),
            "collections_by_generation": [median([r["collections_by_generation"][g]
                                                  for r in runs]) for g in range(3)],
            "objects_collected": median([r["objects_collected"] for r in runs]),
        }

    phase_done("gc_time")
    log("profiles (collector off)")
    for name in ("closures", "karpathy", "ours"):
        if name in workers:
            prof = workers[name].ask("profile", top=args.profile_rows)
            prof["top"] = {"function": prof["rows"][0]["function"],
                           "share": prof["rows"][0]["seconds"] / prof["total"]}
            result["profile"][name] = prof
    phase_done("profile")

    log(f"chains of {args.chain:,} products")
    # The chain needs only an engine, not a network: "loop" and "fused" share one
    # engine, the ours_* subjects are ours, and "closures" to "local" are slow to build.
    # "loop" and "leaves" show what our engine's checks and reset pass cost. Karpathy's runs once,
    # the others once per round, interleaved.
    chained = [n for n in CHAIN if n in workers]
    chain_runs: dict[str, list] = {n: [] for n in chained}
    chain_nodes = {}
    for r in range(args.chain_repeat):
        for name in chained:
            if name in CHAIN_ONCE and r:
                continue
            reply = workers[name].ask("chain", n=args.chain, repeat=1)
            chain_runs[name] += reply["runs"]
            chain_nodes[name] = reply["nodes"]
    for name in chained:
        runs = [r for r in chain_runs[name] if "error" not in r]
        entry = {"n": args.chain, "nodes": chain_nodes[name], "runs": len(chain_runs[name])}
        if runs:
            entry.update(build_s=median([r["build"] for r in runs]),
                         backward_s=median([r["backward"] for r in runs]),
                         free_s=median([r["free"] for r in runs]),
                         grad_ok=all(r["grad_ok"] for r in runs))
            entry["build_nodes_per_s"] = entry["nodes"] / entry["build_s"]
            entry["backward_nodes_per_s"] = entry["nodes"] / entry["backward_s"]
        else:
            entry["error"] = chain_runs[name][0]["error"]
        result["chain"][name] = entry

    phase_done("chain")
    log(f"memory: chains of {args.memory_chain:,} products and one step's graph")
    for name in [n for n in GRAPH if n in workers]:
        result["memory"][name] = workers[name].ask("memory", n=args.memory_chain)

    phase_done("memory")
    log(f"the full fit, {args.epochs} epochs, ours")
    fit = workers["ours"].ask("fit", epochs=args.epochs)
    phase_done("fit")
    result["fit"]["ours"] = {**fit, "measured": True, "minutes": fit["seconds"] / 60}
    if "tensor" in workers:
        log(f"the full fit, {args.epochs} epochs, tensor engine")
        fit = workers["tensor"].ask("fit", epochs=args.epochs)
        result["fit"]["tensor"] = {**fit, "measured": True, "minutes": fit["seconds"] / 60}
        phase_done("fit_tensor")
    for name in subjects:
        if name not in result["fit"]:
            seconds = args.epochs * subjects[name]["step_ms"] / 1e3
            result["fit"][name] = {"epochs": args.epochs, "measured": False,
                                   "seconds": seconds, "minutes": seconds / 60}
    result["fit"]["ours_extrapolated_seconds"] = args.epochs * step["ours"] / 1e3

    result["targets"] = targets(result)
    result["meta"] = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "python": subjects["ours"]["python"],
        "implementation": platform.python_implementation(),
        "machine": f"{platform.system()} {platform.machine()}",
        "cpus": os.cpu_count(),
        "gc_threshold": infos["ours"]["gc_threshold"],
        "rounds": args.rounds,
        "steps_per_round": per_round,
        "chain_n": args.chain,
        "chain_op": "y = y * 1.0",
        "memory_chain_n": args.memory_chain,
        "epochs": args.epochs,
        "points": problem.N_POINTS,
        "sizes": list(problem.SIZES),
        "parameters": len(reference["gradient"]),
        "loss": reference["loss"],
        "quick": args.quick,
        "wall_seconds": time.perf_counter() - t_start,
        "phase_seconds": phases,
    }
    return result


def targets(result: dict) -> dict:
    s, chain, memory = result["subjects"], result["chain"], result["memory"]
    rows = {}

    def add(key, text, value, goal, at_least):
        met = value >= goal if at_least else value <= goal
        rows[key] = {"text": text, "value": value, "goal": goal, "met": met,
                     "at_least": at_least}

    if "karpathy" in s:
        add("speedup_over_karpathy", "step, speed-up over Karpathy's micrograd",
            result["ratios"]["karpathy_over_ours"], TARGETS["speedup_over_karpathy"], True)
    add("ours_over_python_floor", "step, time as a multiple of the pure-Python floor",
        result["ratios"]["ours_over_python_floor"], TARGETS["ours_over_python_floor"], False)
    add("fit_seconds", f"full fit of {result['fit']['ours']['epochs']} epochs, seconds",
        result["fit"]["ours"]["seconds"], TARGETS["fit_seconds"], False)
    if "backward_s" in chain.get("ours", {}):
        add("chain_backward_seconds",
            f"backward through a chain of {chain['ours']['n']:,} products, seconds",
            chain["ours"]["backward_s"], TARGETS["chain_backward_seconds"], False)
    add("bytes_per_node", "bytes per node of a live graph (the chain)",
        memory["ours"]["chain"]["bytes_per_node"], TARGETS["bytes_per_node"], False)
    if "tensor" in s:
        add("tensor_over_numpy_floor", "tensor engine: step, time as a multiple of the NumPy floor",
            result["ratios"]["tensor_over_numpy_floor"], TARGETS["tensor_over_numpy_floor"], False)
        add("tensor_fit_seconds",
            f"tensor engine: full fit of {result['fit']['tensor']['epochs']} epochs, seconds",
            result["fit"]["tensor"]["seconds"], TARGETS["tensor_fit_seconds"], False)
    return rows


# --- claims the chapter makes about these numbers -------------------------------------

def claims(result: dict) -> list[tuple[str, bool]]:
    """(sentence of docs/07-fast.md, whether this run bears it out), for every sentence
    that reads something into a measured number. A false one stops the build."""
    s, gc_, prof = result["subjects"], result["gc"], result["profile"]
    out = []
    if "closures" in prof:
        out.append(("the largest item of the naive engine's profile is the recursive sort, `visit`",
                    prof["closures"]["top"]["function"] == "visit"))
    if "karpathy" in prof:
        out.append(("Karpathy's profile looks the same: its sort, `build_topo`, is the largest item",
                    prof["karpathy"]["top"]["function"] == "build_topo"))
    if "ours" in prof:
        top = {row["function"] for row in prof["ours"]["rows"][:4]}
        out.append(("`dense`, `topological_order` and `backward` are among the top rows of our profile",
                    {"dense", "topological_order", "backward"} <= top))
    if "local" in s and "loop" in s:
        out.append(("dropping the 'local' graph frees nothing at `del` (a small fraction of 'loop')",
                    s["local"]["free_ms"] < 0.2 * s["loop"]["free_ms"]))
    if "fused" in gc_ and "loop" in gc_:
        out.append(("with fewer objects, the collector's share falls from 'loop' to 'fused'",
                    gc_["fused"]["share"] < gc_["loop"]["share"]))
    if "ours_batch" in s and "ours_per_sample" in s:
        out.append(("the batch kernel builds the same graph, node for node",
                    (s["ours_batch"]["nodes"], s["ours_batch"]["edges"])
                    == (s["ours_per_sample"]["nodes"], s["ours_per_sample"]["edges"])))
        out.append(("the batch kernel makes the forward pass faster",
                    s["ours_batch"]["forward_ms"] < s["ours_per_sample"]["forward_ms"]))
    if "fused" in s and "loop" in s:
        out.append(("a fused neuron makes the graph many times smaller",
                    s["loop"]["nodes"] >= 3 * s["fused"]["nodes"]))
    return out


def check_claims(result: dict, out: Path) -> None:
    wrong = [text for text, true in claims(result) if not true]
    result["claims"] = {text: true for text, true in claims(result)}
    if wrong and not result["meta"]["quick"]:
        rejected = out / "bench.rejected.json"
        rejected.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        raise SystemExit(f"bench: results in {rejected}, not published: "
                         "this run contradicts docs/07-fast.md, which says that\n  - ""bench: this run contradicts docs/07-fast.md, which says that\n  - "
                         + "\n  - ".join(wrong) + "\nChange the chapter (and claims() in bench/run.py).")
    for text in wrong:
        log(f"warning (--quick): the chapter says that {text}; this run does not bear it out")


# --- the tables ---------------------------------------------------------------------


def ms(x: float) -> str:
    """Milliseconds to three significant digits."""
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def times(x: float) -> str:
    """A ratio: 0.0042×, 1.23×, 12.3×, 123×."""
    if x < 0.1:
        return f"{x:.2g}×"
    return f"{x:.2f}×" if x < 10 else f"{x:.1f}×" if x < 100 else f"{x:,.0f}×"


def si(x: float) -> str:
    for unit, size in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if x >= size:
            return f"{x / size:.3g} {unit}"
    return f"{x:.3g}"


def pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def table(header: list[str], rows: list[list[str]], align: str) -> str:
    lines = ["| " + " | ".join(header) + " |",
             "| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def markdown(result: dict) -> dict[str, str]:
    s, meta = result["subjects"], result["meta"]
    out = {}

    rows = []
    for name in [n for n in MAIN if n in s]:
        e = s[name]
        rows.append([e["label"], ms(e["forward_ms"]), ms(e["backward_ms"]),
                     ms(e["free_ms"]), ms(e["step_ms"]), times(e["vs_ours"])])
    out["step"] = table(["subject", "forward (ms)", "backward (ms)", "freeing the graph (ms)",
                         "step (ms)", "time / ours"], rows, "lrrrrr")

    rows = []
    for name in [n for n in GRAPH if n in s]:
        e = s[name]
        rows.append([e["label"], f"{e['nodes']:,}", f"{e['edges']:,}", ms(e["step_ms"]),
                     si(e["nodes_per_s"]), si(e["edges_per_s"])])
    out["throughput"] = table(["engine", "nodes per step", "edges per step", "step (ms)",
                               "nodes/s", "edges/s"], rows, "lrrrrr")

    rows = []
    for name in [n for n in LADDER + ("ours",) if n in s]:
        e = s[name]
        label = OURS_LAST_RUNG if name == "ours" else e["label"]
        rows.append([label, ms(e["forward_ms"]), ms(e["backward_ms"]),
                     ms(e["free_ms"]), ms(e["step_ms"]),
                     ms(e["step_ms_gc_off"]) if "step_ms_gc_off" in e else "",
                     times(e["speedup_over_previous"]) if "speedup_over_previous" in e else "",
                     times(e["vs_closures"] ** -1) if "vs_closures" in e else ""])
    out["ladder"] = table(["engine", "forward (ms)", "backward (ms)", "freeing (ms)",
                           "step (ms)", "step, GC off (ms)", "speed-up over the row above",
                           "speed-up over the naive engine"], rows, "lrrrrrrr")

    rows = []
    for name, g in result["gc"].items():
        rows.append([s[name]["label"], ms(g["step_ms"]), ms(g["gc_ms"]), pct(g["share"]),
                     " / ".join(f"{c:g}" for c in g["collections_by_generation"]),
                     f"{g['objects_collected']:,.0f}"])
    out["gc"] = table(["engine", "step, timed with callbacks (ms)", "in the collector (ms)",
                       "share",
                       "collections per step (gen 0 / 1 / 2)", "objects it frees per step"],
                      rows, "lrrrrr")

    for name, prof in result["profile"].items():
        rows = []
        for r in prof["rows"]:
            function = r["function"].replace("<", "&lt;").replace(">", "&gt;")
            rows.append([f"`{function}`" if not function.startswith("&lt;") else function,
                         r["file"], f"{r['calls']:,}", ms(1e3 * r["seconds"]),
                         pct(r["seconds"] / prof["total"])])
        out[f"profile_{name}"] = table(["function", "file", "calls", "own time (ms)",
                                        "share"], rows, "llrrr")

    chain_labels = {"loop": "the ladder's loop engine (no input checks, no reset pass)",
                    "leaves": "the same, leaves out of the sort"}
    rows = []
    for name, c in result["chain"].items():
        label = chain_labels.get(name, s[name]["label"])
        if "error" in c:
            rows.append([label, "", c["error"], "", "", f"{c['runs']}"])
        else:
            rows.append([label, f"{c['build_s']:.2f}", f"{c['backward_s']:.2f}",
                         f"{c['free_s']:.2f}", si(c["backward_nodes_per_s"]), f"{c['runs']}"])
    out["chain"] = table(["engine", "build (s)", "backward (s)", "freeing (s)",
                          "backward, nodes/s", "runs"], rows, "lrrrrr")

    rows = []
    for name, m in result["memory"].items():
        rows.append([s[name]["label"], f"{m['chain']['bytes_per_node']:.0f}",
                     f"{m['step']['nodes']:,}", f"{m['step']['bytes'] / 2**20:.1f}",
                     f"{m['step']['bytes_per_node']:.0f}"])
    out["memory"] = table(["engine", "bytes per node (chain)", "nodes per step",
                           "one step's graph (MiB)", "bytes per node (step)"], rows, "lrrrr")

    rows = []
    for name in [n for n in MAIN + LADDER if n in result["fit"]]:
        f = result["fit"][name]
        how = "measured" if f["measured"] else "extrapolated: 2000 × the median step"
        rows.append([s[name]["label"], f"{f['seconds']:,.1f}", f"{f['seconds'] / 60:,.1f}",
                     how.replace("2000", f"{f['epochs']:,}")])
        if name == "ours":
            seconds = result["fit"]["ours_extrapolated_seconds"]
            rows.append([s[name]["label"], f"{seconds:,.1f}", f"{seconds / 60:,.1f}",
                         f"extrapolated: {f['epochs']:,} × the median step"])
    out["fit"] = table(["subject", "full fit (s)", "(min)", "how we know"], rows, "lrrl")

    rows = []
    for t in result["targets"].values():
        goal = ("≥ " if t["at_least"] else "≤ ") + f"{t['goal']:g}"
        rows.append([t["text"], goal, f"{t['value']:,.3g}", "met" if t["met"] else "missed"])
    out["targets"] = table(["target", "goal", "this run", ""], rows, "lrrl")

    quick = " **A quick run: not the numbers to publish.**" if meta["quick"] else ""
    out["env"] = (
        f"Measured on {meta['date']}: {meta['implementation']} {meta['python']} for every "
        f"subject, {meta['machine']}, {meta['cpus']} CPUs, garbage collector on with "
        f"thresholds {tuple(meta['gc_threshold'])} unless a column says otherwise. Times are "
        f"medians over {meta['rounds']} interleaved rounds "
        f"({s['karpathy']['steps_measured'] if 'karpathy' in s else 0} steps of Karpathy's "
        f"engine, {s['ours']['steps_measured']} of ours).{quick}\n")
    return out


def figure(result: dict, path: Path) -> bool:
    """Step time of every subject on a log scale; False if matplotlib is missing."""
    try:
        import matplotlib
    except ImportError:
        return False
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = result["subjects"]
    everyone = ("karpathy",) + LADDER + ("ours",) + ("python_floor", "numpy_floor", "tensor")
    order = [n for n in everyone if n in s]
    colours = {"karpathy": "0.55", "ours": "C0", "python_floor": "C2", "numpy_floor": "C2",
               "tensor": "C1"}
    labels = [(OURS_LAST_RUNG if n == "ours" else s[n]["label"]).replace("`", "") for n in order]
    values = [s[n]["step_ms"] for n in order]
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(order) + 1.2), dpi=100)
    bars = ax.barh(range(len(order)), values,
                   color=[colours.get(n, "C0" if n in OURS else "C9") for n in order])
    ax.set_xscale("log")
    ax.set_yticks(range(len(order)), labels)
    ax.invert_yaxis()
    ax.set_xlabel("one training step of the sine fit (ms, log scale; median)")
    for bar, v in zip(bars, values):
        ax.text(v * 1.08, bar.get_y() + bar.get_height() / 2, ms(v), va="center", fontsize=9)
    ax.set_xlim(min(values) / 2, max(values) * 4)
    ax.grid(True, axis="x", which="major", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "generated")
    parser.add_argument("--karpathy-python",
                        default=str(BENCH / ".venv-karpathy" / "bin" / "python"),
                        help="the interpreter of the environment that holds micrograd==0.1.0")
    parser.add_argument("--quick", action="store_true",
                        help="try the pipeline: fewer rounds, small chains, 20 epochs")
    parser.add_argument("--skip", nargs="*", default=[],
                        choices=["karpathy", "tensor", *LADDER], help="subjects to leave out")
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
        raise SystemExit(f"bench: no interpreter at {args.karpathy_python}; `make bench` creates "
                         "that environment with micrograd==0.1.0 in it (or pass --skip karpathy)")

    result = measure(args)
    args.out.mkdir(parents=True, exist_ok=True)
    check_claims(result, args.out)
    (args.out / "bench.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for name, text in markdown(result).items():
        (args.out / f"bench_{name}.md").write_text(text, encoding="utf-8")
    if not figure(result, args.out / "bench_ladder.png"):
        log("no matplotlib: bench_ladder.png not drawn")
    log(f"wrote {args.out}/bench.json and bench_*.md in {result['meta']['wall_seconds']:.0f} s")
    print(markdown(result)["targets"], end="")


if __name__ == "__main__":
    main()
