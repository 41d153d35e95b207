"""One benchmark subject in its own process, driven by bench/measure.py.

    python bench/worker.py SUBJECT

reads one JSON command per line on stdin and answers each with one JSON line
on stdout. A process per subject keeps their heaps, and so the work of the
garbage collector, apart; and it lets Karpathy's micrograd, whose import name
is also `micrograd`, run from its own virtual environment. The runner starts
this file with that environment's interpreter; since the script's folder
(bench/) comes first on sys.path, and the repository root is never put on
it, `import micrograd` then finds Karpathy's package. Each subject checks
where its engine was imported from (bench/subjects.py).
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import sys
import time
import tracemalloc
from pathlib import Path

import problem
from subjects import SUBJECTS, Subject


def info(s: Subject) -> dict:
    """What the runner checks before it times anything: the same loss and gradient."""
    loss, gradient = s.loss_and_gradient()
    out = {"python": sys.version.split()[0], "gc_threshold": list(gc.get_threshold()),
           "loss": loss, "gradient": gradient}
    if s.graph:
        root = s.loss()
        out["nodes"], out["edges"] = problem.graph_size(root)
        if hasattr(root, "_local"):
            out["local_derivatives"] = sum(len(node._local) for node in problem.walk(root))
    return out


def steps(s: Subject, n: int, gc_on: bool = True) -> list:
    """n timed steps. With gc_on false the collector is off during each step and
    the garbage is collected between steps, outside the timing."""
    times = []
    for _ in range(n):
        if not gc_on:
            gc.collect()
            gc.disable()
        try:
            times.append(s.step())
        finally:
            gc.enable()
    if not gc_on:
        gc.collect()
    return times


def gc_time(s: Subject, n: int) -> list:
    """n steps with the collector on, timing every collection it makes."""
    started: list[float] = []
    spent = [0.0]
    count = [0, 0, 0]
    collected = [0]

    def on_gc(phase, info):
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            spent[0] += time.perf_counter() - started.pop()
            count[info["generation"]] += 1
            collected[0] += info.get("collected", 0)

    runs = []
    gc.callbacks.append(on_gc)
    try:
        for _ in range(n):
            spent[0], count[:], collected[0] = 0.0, [0, 0, 0], 0
            t0 = time.perf_counter()
            s.step()
            runs.append({"step": time.perf_counter() - t0, "gc": spent[0],
                         "collections_by_generation": list(count),
                         "objects_collected": collected[0]})
    finally:
        gc.callbacks.remove(on_gc)
    return runs


def profile(s: Subject, top: int) -> dict:
    """One step under cProfile with the collector off: where the rest of the time goes."""
    gc.collect()
    gc.disable()
    profiler = cProfile.Profile()
    try:
        profiler.enable()
        s.step()
        profiler.disable()
    finally:
        gc.enable()
        gc.collect()
    rows = [{"function": function, "file": Path(filename).name if filename != "~" else "built-in",
             "calls": ncalls, "seconds": tottime}
            for (filename, _, function), (_, ncalls, tottime, _, _)
            in pstats.Stats(profiler).stats.items()]
    rows.sort(key=lambda r: r["seconds"], reverse=True)
    return {"total": sum(r["seconds"] for r in rows), "rows": rows[:top]}


def build_chain(Value, n: int):
    """y = x * 1.0 * 1.0 * ... (n products): 2n + 1 nodes, each product with a constant leaf."""
    x = Value(1.0)
    y = x
    for _ in range(n):
        y = y * 1.0
    return x, y


def chain(s: Subject, n: int) -> dict:
    """Build a chain of n products, backward through it, drop it: seconds for each."""
    gc.collect()
    t0 = time.perf_counter()
    x, y = build_chain(s.Value, n)
    t1 = time.perf_counter()
    try:
        y.backward()
    except RecursionError:
        return {"error": "RecursionError"}
    t2 = time.perf_counter()
    if x.grad != 1.0:
        raise ValueError(f"the chain's gradient is {x.grad}, not 1.0")
    del x, y
    t3 = time.perf_counter()
    gc.collect()  # the chain's cycles, if any, are not part of the next run
    return {"build": t1 - t0, "backward": t2 - t1, "free": t3 - t2}


def memory(s: Subject, n: int) -> dict:
    """Bytes the live graph holds, per node: a chain of n products and one sine-fit step."""
    gc.collect()
    gc.disable()  # nothing freed behind our back while we count
    try:
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        x, y = build_chain(s.Value, n)
        chain_bytes = tracemalloc.get_traced_memory()[0] - before
        del x, y
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        loss = s.loss()
        step_bytes = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        nodes, _ = problem.graph_size(loss)
        del loss
    finally:
        gc.enable()
        gc.collect()
    return {"chain": {"bytes_per_node": chain_bytes / (2 * n + 1)},
            "step": {"nodes": nodes, "mib": step_bytes / 2**20,
                     "bytes_per_node": step_bytes / nodes}}


def fit(s: Subject, epochs: int) -> float:
    return s.fit(epochs)


COMMANDS = {f.__name__: f for f in (info, steps, gc_time, profile, chain, memory, fit)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("subject", choices=SUBJECTS)
    args = parser.parse_args()
    protocol = sys.stdout
    sys.stdout = sys.stderr  # a stray print() must not break the protocol
    subject = SUBJECTS[args.subject](problem.initial_weights())
    if subject.recursive_sort:
        # Its backward() recurses once per node of a chain: let it (plain Python
        # recursion, which since 3.11 needs no C stack).
        sys.setrecursionlimit(10_000_000)
    print(json.dumps({"ready": subject.name}), file=protocol, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        command = request.pop("cmd")
        if command == "quit":
            break
        try:
            reply = {"ok": COMMANDS[command](subject, **request)}
        except Exception as err:  # report, do not die: the runner decides
            reply = {"error": f"{type(err).__name__}: {err}"}
        print(json.dumps(reply), file=protocol, flush=True)


if __name__ == "__main__":
    main()
