"""Facts the benchmarks of "Making it fast" (docs/07-fast.md) rely on.

No timings here: only that every benchmark subject computes the same
gradients as the engine, and the structural claims the chapter makes (a
dropped graph leaves no work for the cyclic garbage collector).
"""
from __future__ import annotations

import gc
import math
import sys
from pathlib import Path

import pytest

from micrograd import MLP, Value
from micrograd.train import mse

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

import problem  # noqa: E402  (bench/, not a package)
from subjects import SUBJECTS  # noqa: E402

SEEDS = (0, 1, 2)


def engine_loss_and_gradient(weights, loss_of=problem.sine_loss):
    """Loss and gradient of the sine-fit step through our engine, in parameters() order."""
    model = MLP(problem.SIZES[0], list(problem.SIZES[1:]), activation="relu")
    params = model.parameters()
    flat = problem.flatten(weights)
    assert len(params) == len(flat)
    for p, w in zip(params, flat):
        p.data = w
    loss = loss_of(model)
    model.zero_grad()
    loss.backward()
    return loss.data, [p.grad for p in params]


def assert_close(got, expected, what):
    assert len(got) == len(expected), what
    worst = max(abs(g - e) for g, e in zip(got, expected))
    assert worst <= 1e-9, f"{what}: gradients differ by up to {worst:.3g}"


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", [n for n, s in SUBJECTS.items() if not s.karpathy_env])
def test_every_subject_has_the_engines_gradient(name, seed):
    if name in ("numpy_floor", "tensor"):
        pytest.importorskip("numpy")
    weights = problem.initial_weights(seed=seed)
    loss, gradient = engine_loss_and_gradient(weights)
    their_loss, their_gradient = SUBJECTS[name](weights).loss_and_gradient()
    assert math.isclose(their_loss, loss, rel_tol=1e-12, abs_tol=1e-12)
    assert_close(their_gradient, gradient, name)


def ours_loss(model):
    """The loss as chapter 6 and the subject "ours" (bench/subjects.py) write it."""
    return mse(model.batch(problem.BATCH), problem.YS)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("loss_of", [problem.batch_loss, ours_loss])
def test_our_engine_gives_the_same_gradient_whichever_way_the_loss_is_written(seed, loss_of):
    weights = problem.initial_weights(seed=seed)
    loss, gradient = engine_loss_and_gradient(weights)
    their_loss, their_gradient = engine_loss_and_gradient(weights, loss_of)
    assert math.isclose(their_loss, loss, rel_tol=1e-12, abs_tol=1e-12)
    assert_close(their_gradient, gradient, loss_of.__name__)
    assert cyclic_garbage_after(lambda: engine_loss_and_gradient(weights, loss_of)) == 0


def test_the_batched_loss_has_fewer_nodes_and_edges():
    weights = problem.initial_weights()
    model = MLP(problem.SIZES[0], list(problem.SIZES[1:]), activation="relu")
    for p, w in zip(model.parameters(), problem.flatten(weights)):
        p.data = w
    per_sample = problem.graph_size(problem.sine_loss(model))
    batch = problem.graph_size(problem.batch_loss(model))
    fused = problem.graph_size(ours_loss(model))
    # The batch builds the same graph. The loss written by hand adds, per sample,
    # a constant for y and a -, a ** and a + node; then the sum's starting 0, the
    # / and its constant: 4 N + 3 nodes, where the fused loss is one.
    assert per_sample == batch
    assert fused[0] == batch[0] - (4 * len(problem.XS) + 3) + 1


def test_the_benchmark_fits_the_books_sine_data():
    from micrograd.sine import EPOCHS, SIZES, generate_data
    xs, ys = generate_data()
    assert (xs, ys) == (problem.XS, problem.YS)
    assert list(problem.SIZES) == [1, *SIZES] and problem.EPOCHS == EPOCHS


def cyclic_garbage_after(build) -> int:
    """Objects the cyclic collector frees once the graph that `build` returns is dropped."""
    gc.collect()
    gc.disable()
    try:
        graph = build()
        del graph
        return gc.collect()
    finally:
        gc.enable()


def a_training_step(model):
    loss = problem.sine_loss(model)
    model.zero_grad()
    loss.backward()
    return loss


def test_a_dropped_graph_of_our_engine_leaves_nothing_for_the_collector():
    weights = problem.initial_weights()

    def build():
        model = MLP(problem.SIZES[0], list(problem.SIZES[1:]), activation="relu")
        for p, w in zip(model.parameters(), problem.flatten(weights)):
            p.data = w
        return model, a_training_step(model)

    assert cyclic_garbage_after(build) == 0


def test_a_dropped_chain_of_our_engine_leaves_nothing_for_the_collector():
    def build():
        y = Value(1.0)
        for _ in range(10_000):
            y = y.tanh() * 1.0
        y.backward()
        return y

    assert cyclic_garbage_after(build) == 0


@pytest.mark.parametrize("name, cycles", [
    ("closures", True), ("slots", True), ("local", True), ("loop", False), ("fused", False),
    ("leaves", False), ("zeros", False)])
def test_which_engines_of_the_ladder_leave_cycles(name, cycles):
    # closures: every node and its _backward closure refer to each other;
    # local: no closures, but the recursive sort's nested function refers to
    # itself and keeps the whole graph alive until the collector runs.
    weights = problem.initial_weights()

    def build():
        network = SUBJECTS[name](weights).model
        return network, a_training_step(network)

    assert (cyclic_garbage_after(build) > 0) is cycles

