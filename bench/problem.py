"""The benchmark problem: one training step of the book's sine fit.

Every subject of the benchmark (our engine, Karpathy's micrograd, the
variants in bench/ladder.py, the two floors) computes exactly this: a
1-16-16-1 ReLU network (linear output) applied to 121 points evenly spaced
in [-3, 3], the mean squared error against sin(x), and the gradient of that
loss with respect to every weight and bias.

This module imports nothing but the standard library, so that it runs under
any interpreter, including the separate one that holds Karpathy's package.
"""
from __future__ import annotations

import math
import random

SIZES = (1, 16, 16, 1)
N_POINTS = 121
XS = [-3.0 + 6.0 * i / (N_POINTS - 1) for i in range(N_POINTS)]
YS = [math.sin(x) for x in XS]

EPOCHS = 2000
LR_START, LR_END = 0.2, 0.0005
SEED = 0

# A list of layers; a layer is (rows of weights, one row per neuron; biases).
Weights = list[tuple[list[list[float]], list[float]]]


def learning_rate(epoch: int, epochs: int = EPOCHS) -> float:
    """The rate falls linearly from LR_START at the first epoch to LR_END at the last."""
    return LR_START + (LR_END - LR_START) * epoch / (epochs - 1)


def initial_weights(sizes: tuple[int, ...] = SIZES, seed: int = SEED) -> Weights:
    """Weights uniform in +-1/sqrt(fan_in), biases zero: the book's initialisation."""
    rng = random.Random(seed)
    layers = []
    for nin, nout in zip(sizes, sizes[1:]):
        bound = 1.0 / math.sqrt(nin)
        rows = [[rng.uniform(-bound, bound) for _ in range(nin)] for _ in range(nout)]
        layers.append((rows, [0.0] * nout))
    return layers


def flatten(weights: Weights) -> list[float]:
    """Parameters in `model.parameters()` order: per neuron, its weights, then its bias."""
    return [p for rows, biases in weights for row, b in zip(rows, biases) for p in (*row, b)]


def unflatten(flat: list[float], sizes: tuple[int, ...] = SIZES) -> Weights:
    """The inverse of flatten()."""
    layers, i = [], 0
    for nin, nout in zip(sizes, sizes[1:]):
        rows, biases = [], []
        for _ in range(nout):
            rows.append(list(flat[i:i + nin]))
            biases.append(flat[i + nin])
            i += nin + 1
        layers.append((rows, biases))
    if i != len(flat):
        raise ValueError(f"{len(flat)} parameters do not fit sizes {sizes} ({i} expected)")
    return layers


BATCH = [[x] for x in XS]  # the inputs as a batch: one list of inputs per sample


def sine_loss(model, xs: list[float] = XS, ys: list[float] = YS):
    """The loss of one step, written the way a user writes it, for any engine."""
    return sum((model([x]) - y) ** 2 for x, y in zip(xs, ys)) / len(xs)


def batch_loss(model, xs: list[float] = XS, ys: list[float] = YS):
    """The same loss, with the network run on all samples by one `model.batch` call."""
    outputs = model.batch([[x] for x in xs])
    return sum((p - y) ** 2 for p, y in zip(outputs, ys)) / len(xs)


def stored_local_derivatives(root) -> int:
    """How many local derivatives the graph behind `root` stores (engines with `_local`)."""
    seen = {id(root)}
    stack = [root]
    count = 0
    while stack:
        node = stack.pop()
        count += len(node._local)
        for parent in node._prev:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return count


def graph_size(root) -> tuple[int, int]:
    """(nodes, edges) of the graph behind `root`, for any engine with `_prev`."""
    seen = {id(root)}
    stack = [root]
    edges = 0
    while stack:
        node = stack.pop()
        for parent in node._prev:
            edges += 1
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return len(seen), edges
