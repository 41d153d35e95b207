"""The tensor engine of chapter 9 (micrograd.tensor) as a benchmark subject.

Not part of the package. The network is chapter 9's `MLP(1, [16, 16, 1])`,
started from the weights every subject shares, and the loss is written as
a user of the tensor engine writes it: `((model(X) - Y) ** 2).mean()`.
Needs NumPy, and the repository's micrograd on sys.path.
"""
from __future__ import annotations

import problem
from problem import Weights


def model(weights: Weights):
    """A tensor MLP holding `weights`: layer k's w is rows.T, of shape (nin, nout)."""
    import numpy as np

    from micrograd.tensor import MLP
    net = MLP(problem.SIZES[0], list(problem.SIZES[1:]))
    if len(net.layers) != len(weights):
        raise ValueError(f"{len(weights)} layers of weights for {len(net.layers)} layers")
    for layer, (rows, biases) in zip(net.layers, weights):
        layer.w.data = np.array(rows, dtype=float).T.copy()
        layer.b.data = np.array(biases, dtype=float)
    return net


def loss_function():
    """The sine-fit loss of a tensor MLP, over all points at once."""
    import numpy as np
    X = np.array(problem.XS).reshape(-1, 1)
    Y = np.array(problem.YS).reshape(-1, 1)
    return lambda net: ((net(X) - Y) ** 2).mean()


def loss_and_gradient(net) -> tuple[float, list[float]]:
    """The loss and its gradient, flattened in the scalar engine's parameters() order."""
    loss = loss_function()(net)
    net.zero_grad()
    loss.backward()
    grads = [(layer.w.grad.T.tolist(), layer.b.grad.tolist()) for layer in net.layers]
    return float(loss.data), problem.flatten(grads)
