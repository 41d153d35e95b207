"""The benchmark problem: one training step of the book's sine fit.

Every subject of the benchmark (bench/subjects.py) computes exactly this:
chapter 6's network, a 1-16-16-1 ReLU network with a linear output, applied
to its points, the mean squared error against sin(x), and the gradient of
that loss with respect to every weight and bias. The settings and the data
are the package's own (micrograd/sine.py).

This module needs nothing but the standard library, so that it runs under
any interpreter, including the one that holds Karpathy's package: it runs
micrograd/sine.py by path, since `import micrograd` there finds Karpathy's.
"""
from __future__ import annotations

import math
import random
import runpy
from pathlib import Path

_SINE = runpy.run_path(str(Path(__file__).resolve().parents[1] / "micrograd" / "sine.py"))
SIZES = (1, *_SINE["SIZES"])
EPOCHS = _SINE["EPOCHS"]
XS, YS = _SINE["generate_data"]()
BATCH = [[x] for x in XS]  # the inputs as a batch: one list of inputs per sample
SEED = 0

# A list of layers; a layer is (rows of weights, one row per neuron; biases).
Weights = list[tuple[list[list[float]], list[float]]]


def initial_weights(seed: int = SEED) -> Weights:
    """Weights uniform in +-1/sqrt(fan_in), biases zero: the book's initialisation."""
    rng = random.Random(seed)
    layers = []
    for nin, nout in zip(SIZES, SIZES[1:]):
        bound = 1.0 / math.sqrt(nin)
        rows = [[rng.uniform(-bound, bound) for _ in range(nin)] for _ in range(nout)]
        layers.append((rows, [0.0] * nout))
    return layers


def flatten(weights: Weights) -> list[float]:
    """Parameters in `model.parameters()` order: per neuron, its weights, then its bias."""
    return [p for rows, biases in weights for row, b in zip(rows, biases) for p in (*row, b)]


def sine_loss(model):
    """The loss of one step, written the way a user writes it, for any engine."""
    return sum((model([x]) - y) ** 2 for x, y in zip(XS, YS)) / len(XS)


def batch_loss(model):
    """The same loss, with the network run on all samples by one `model.batch` call."""
    return sum((p - y) ** 2 for p, y in zip(model.batch(BATCH), YS)) / len(XS)


def walk(root):
    """Every node of the graph behind `root` once, for any engine with `_prev`."""
    seen = {id(root)}
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        for parent in node._prev:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)


def graph_size(root) -> tuple[int, int]:
    """(nodes, edges) of the graph behind `root`."""
    nodes = list(walk(root))
    return len(nodes), sum(len(node._prev) for node in nodes)
