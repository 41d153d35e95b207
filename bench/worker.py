"""One benchmark subject in its own process, driven by bench/run.py.

    python bench/worker.py SUBJECT --repo REPO_ROOT [--expect-under DIR]

reads one JSON command per line on stdin and answers each with one JSON line
on stdout. A process per subject keeps their heaps, and so the work of the
garbage collector, apart; and it lets Karpathy's micrograd, whose import name
is also `micrograd`, run from its own virtual environment. The runner starts
this file with that environment's interpreter; since the script's folder
(bench/) comes first on sys.path, and the repository root is never put on
it, `import micrograd` then finds Karpathy's package. `info` reports which
file was imported and `--expect-under` makes a wrong one a hard error.

Subjects: ours, karpathy, the engines of bench/ladder.py (closures, slots,
local, loop, fused, leaves, zeros), our engine with the loss written by hand
one sample at a time (ours_per_sample) and over one batch (ours_batch),
python_floor, numpy_floor, and the tensor engine of chapter 9 (tensor).
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import sys
import time
import tracemalloc
from pathlib import Path

import problem

OURS = ("ours", "ours_per_sample", "ours_batch")  # our engine, its loss written three ways
GRAPH_SUBJECTS = OURS + ("karpathy", "closures", "slots", "local", "loop", "fused",
                         "leaves", "zeros")
RECURSIVE_SORT = ("karpathy", "closures", "slots", "local")  # need a deep recursion limit


class Subject:
    """The model of one subject, and how to run one step of it."""

    def __init__(self, name: str, repo: Path, expect_under: Path | None) -> None:
        self.name = name
        self.module_file = None
        self.loss = problem.sine_loss  # one sample at a time, as a user of any engine writes it
        weights = problem.initial_weights()
        self.n_parameters = len(problem.flatten(weights))
        if name in OURS + ("karpathy",):
            if name != "karpathy":
                sys.path.insert(0, str(repo))
            import micrograd
            self.module_file = str(Path(micrograd.__file__).resolve())
            if expect_under is not None and not Path(self.module_file).is_relative_to(
                    expect_under.resolve()):
                raise SystemExit(f"worker {name}: imported micrograd from {self.module_file}, "
                                 f"expected a file under {expect_under}")
            if name != "karpathy":
                import random

                from micrograd import MLP, Value
                from micrograd.train import mse
                if name == "ours":  # as chapter 6 trains: one batch, the loss one node
                    self.loss = lambda model: mse(model.batch(problem.BATCH), problem.YS)
                elif name == "ours_batch":
                    self.loss = problem.batch_loss
                self.model = MLP(problem.SIZES[0], list(problem.SIZES[1:]), activation="relu",
                                 rng=random.Random(problem.SEED))
            else:
                from micrograd.engine import Value
                from micrograd.nn import MLP
                self.model = MLP(problem.SIZES[0], list(problem.SIZES[1:]))
            params = self.model.parameters()
            flat = problem.flatten(weights)
            if len(params) != len(flat):
                raise SystemExit(f"worker {name}: {len(params)} parameters, expected {len(flat)}")
            for p, w in zip(params, flat):  # every subject starts from the same weights
                p.data = w
            self.Value = Value
        elif name == "tensor":
            sys.path.insert(0, str(repo))
            import micrograd.tensor

            import tensor_subject
            self.module_file = str(Path(micrograd.tensor.__file__).resolve())
            if expect_under is not None and not Path(self.module_file).is_relative_to(
                    expect_under.resolve()):
                raise SystemExit(f"worker {name}: imported micrograd.tensor from "
                                 f"{self.module_file}, expected a file under {expect_under}")
            self.model = tensor_subject.model(weights)
            self.loss = tensor_subject.loss_function()
        elif name in GRAPH_SUBJECTS:
            import ladder
            self.module_file = str(Path(ladder.__file__).resolve())
            self.model = ladder.ladder_network(name, weights)
            self.Value = ladder.LADDER[name][1]
        elif name == "python_floor":
            import floors
            self.weights = weights
            # (forward, backward, the floor's own arguments) for step()
            self.floor = (floors.python_forward, floors.python_backward,
                          (weights, problem.XS, problem.YS))
        elif name == "numpy_floor":
            import numpy as np

            import floors
            self.module_file = str(Path(np.__file__).resolve())
            self.arrays = floors.numpy_arrays(weights)
            self.X = np.array(problem.XS).reshape(-1, 1)
            self.Y = np.array(problem.YS).reshape(-1, 1)
            self.floor = (floors.numpy_forward, floors.numpy_backward,
                          (self.arrays, self.X, self.Y))
        else:
            raise SystemExit(f"worker: unknown subject {name!r}")
        if name in RECURSIVE_SORT:
            # Their backward() recurses once per node of a chain: let it (this is
            # plain Python recursion, which since 3.11 needs no C stack).
            sys.setrecursionlimit(10_000_000)

    # --- one step, in three timed phases -------------------------------------

    def step(self) -> tuple[float, float, float]:
        """(forward, backward, free) seconds: build the loss, backward, drop the graph."""
        clock = time.perf_counter
        if self.name in ("python_floor", "numpy_floor"):
            forward, backward, (params, xs, ys) = self.floor
            t0 = clock()
            loss, tape = forward(params, xs, ys)
            t1 = clock()
            grads = backward(params, tape)
            t2 = clock()
            del tape, grads
            t3 = clock()
            return t1 - t0, t2 - t1, t3 - t2
        model = self.model
        t0 = clock()
        loss = self.loss(model)
        t1 = clock()
        model.zero_grad()
        loss.backward()
        t2 = clock()
        del loss
        t3 = clock()
        return t1 - t0, t2 - t1, t3 - t2

    def loss_and_gradient(self) -> tuple[float, list[float]]:
        if self.name == "python_floor":
            import floors
            loss, grads = floors.python_step(self.weights, problem.XS, problem.YS)
            return loss, problem.flatten(grads)
        if self.name == "numpy_floor":
            import floors
            loss, grads = floors.numpy_step(self.arrays, self.X, self.Y)
            return loss, problem.flatten([(g.tolist(), b.tolist()) for g, b in grads])
        if self.name == "tensor":
            import tensor_subject
            return tensor_subject.loss_and_gradient(self.model)
        loss = self.loss(self.model)
        self.model.zero_grad()
        loss.backward()
        return loss.data, [float(p.grad) for p in self.model.parameters()]


# --- commands -----------------------------------------------------------------


def cmd_info(s: Subject) -> dict:
    loss, gradient = s.loss_and_gradient()
    out = {"subject": s.name, "python": sys.version.split()[0], "executable": sys.executable,
           "module_file": s.module_file, "gc_threshold": list(gc.get_threshold()),
           "loss": loss, "gradient": gradient}
    if s.name in GRAPH_SUBJECTS:
        loss = s.loss(s.model)
        nodes, edges = problem.graph_size(loss)
        out.update(nodes=nodes, edges=edges)
        if hasattr(loss, "_local"):
            out["local_derivatives"] = problem.stored_local_derivatives(loss)
    return out


def cmd_steps(s: Subject, n: int, gc_on: bool = True) -> dict:
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
            if not gc_on:
                gc.enable()
    if not gc_on:
        gc.collect()
    return {"times": times}


def cmd_gc_time(s: Subject, n: int) -> dict:
    """n steps with the collector on, timing every collection it makes."""
    started = []
    spent = {0: 0.0, 1: 0.0, 2: 0.0}
    count = {0: 0, 1: 0, 2: 0}
    collected = [0]

    def on_gc(phase, info):
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            spent[info["generation"]] += time.perf_counter() - started.pop()
            count[info["generation"]] += 1
            collected[0] += info.get("collected", 0)

    results = []
    gc.callbacks.append(on_gc)
    try:
        for _ in range(n):
            for g in spent:
                spent[g], count[g] = 0.0, 0
            collected[0] = 0
            t0 = time.perf_counter()
            s.step()
            total = time.perf_counter() - t0
            results.append({"step": total, "gc": sum(spent.values()),
                            "seconds_by_generation": [spent[g] for g in (0, 1, 2)],
                            "collections_by_generation": [count[g] for g in (0, 1, 2)],
                            "objects_collected": collected[0]})
    finally:
        gc.callbacks.remove(on_gc)
    return {"steps": results}


def cmd_profile(s: Subject, top: int = 12) -> dict:
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
    stats = pstats.Stats(profiler).stats
    rows = []
    for (filename, line, function), (_, ncalls, tottime, _, _) in stats.items():
        where = Path(filename).name if filename != "~" else "built-in"
        rows.append({"function": function, "file": where, "line": line,
                     "calls": ncalls, "seconds": tottime})
    rows.sort(key=lambda r: r["seconds"], reverse=True)
    total = sum(r["seconds"] for r in rows)
    return {"total": total, "rows": rows[:top]}


def build_chain(Value, n: int):
    """y = x * 1.0 * 1.0 * ... (n products): 2n + 1 nodes, each product with a constant leaf."""
    x = Value(1.0)
    y = x
    for _ in range(n):
        y = y * 1.0
    return x, y


def cmd_chain(s: Subject, n: int, repeat: int) -> dict:
    """Build a chain of n products, backward through it, drop it: seconds for each."""
    runs = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        x, y = build_chain(s.Value, n)
        t1 = time.perf_counter()
        try:
            y.backward()
        except RecursionError:
            runs.append({"build": t1 - t0, "error": "RecursionError"})
            del x, y
            continue
        t2 = time.perf_counter()
        ok = x.grad == 1.0
        del x, y
        t3 = time.perf_counter()
        gc.collect()  # the chain's cycles, if any, are not part of the next run
        runs.append({"build": t1 - t0, "backward": t2 - t1, "free": t3 - t2, "grad_ok": ok})
    return {"n": n, "nodes": 2 * n + 1, "runs": runs}


def cmd_memory(s: Subject, n: int) -> dict:
    """Bytes the live graph holds, per node: a chain of n products and one sine-fit step."""
    out = {}
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
        loss = s.loss(s.model)
        step_bytes = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        nodes, edges = problem.graph_size(loss)
        del loss
    finally:
        gc.enable()
        gc.collect()
    out["chain"] = {"n": n, "nodes": 2 * n + 1, "bytes": chain_bytes,
                    "bytes_per_node": chain_bytes / (2 * n + 1)}
    out["step"] = {"nodes": nodes, "edges": edges, "bytes": step_bytes, "mib": step_bytes / 2**20,
                   "bytes_per_node": step_bytes / nodes, "bytes_per_edge": step_bytes / edges}
    return out


def cmd_fit(s: Subject, epochs: int) -> dict:
    """The full training run of chapter 6, as `python -m micrograd.sine` runs it (ours),
    or as chapter 9 runs it on tensors (tensor)."""
    if s.name == "tensor":
        from micrograd.tensor_fit import fit_sine
        run = fit_sine(problem.SEED, epochs=epochs)
        return {"epochs": epochs, "seconds": run["wall_time_s"], "final_mse": run["final_mse"]}
    if s.name != "ours":
        raise ValueError("the full fit runs on our engines only")
    from micrograd.sine import fit
    run = fit(problem.SEED, epochs=epochs, progress=False)
    return {"epochs": epochs, "seconds": run["wall_time_s"], "final_mse": run["final_mse"]}


COMMANDS = {"info": cmd_info, "steps": cmd_steps, "gc_time": cmd_gc_time,
            "profile": cmd_profile, "chain": cmd_chain, "memory": cmd_memory, "fit": cmd_fit}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("subject")
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--expect-under", type=Path)
    args = parser.parse_args()
    protocol = sys.stdout
    sys.stdout = sys.stderr  # a stray print() must not break the protocol
    subject = Subject(args.subject, args.repo, args.expect_under)
    print(json.dumps({"ready": subject.name, "pid": os.getpid()}), file=protocol, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        name = request.pop("cmd")
        if name == "quit":
            break
        try:
            reply = {"ok": COMMANDS[name](subject, **request)}
        except Exception as err:  # report, do not die: the runner decides
            reply = {"error": f"{type(err).__name__}: {err}"}
        print(json.dumps(reply, allow_nan=True), file=protocol, flush=True)


if __name__ == "__main__":
    main()
