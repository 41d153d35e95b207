"""The two floors: the sine-fit step with no graph at all.

Benchmark subjects, not part of the package. Both compute the loss of
bench/problem.py and its gradient with respect to every parameter, with the
derivatives worked out by hand (chapter "Making it fast" shows them):

    s_j = b_j + sum_i w_ji a_i,   a_j = relu(s_j) (the last layer: a_j = s_j)
    dL/ds_j = dL/da_j * [s_j > 0],  dL/dw_ji = dL/ds_j a_i,  dL/db_j = dL/ds_j,
    dL/da_i = sum_j dL/ds_j w_ji.

`python_*` uses plain floats and lists: the forward pass one sample at a
time, the backward pass as dot products over the samples with `sum(map(mul,
...))`, the fastest plain Python we know for this network. It is the floor
for any pure-Python engine: an engine does this work and then some.
`numpy_*` is the same step on arrays, all 121 samples at once: the floor
for a tensor engine.
"""
from __future__ import annotations

from operator import mul

from problem import Weights

# --- plain Python ---------------------------------------------------------------


def python_forward(weights: Weights, xs: list[float], ys: list[float]):
    """The loss, and what backward needs: each sample's input to every layer, its error."""
    *hidden, (out_rows, out_biases) = weights
    inputs = []  # inputs[n][k]: the input of layer k for sample n
    errors = []
    loss = 0.0
    for x, y in zip(xs, ys):
        a = [x]
        seen = [a]
        for rows, biases in hidden:
            a = [s if (s := b + sum(map(mul, row, a))) > 0.0 else 0.0
                 for row, b in zip(rows, biases)]
            seen.append(a)
        error = out_biases[0] + sum(map(mul, out_rows[0], a)) - y
        loss += error * error
        inputs.append(seen)
        errors.append(error)
    return loss / len(xs), (inputs, errors)


def python_backward(weights: Weights, tape) -> Weights:
    """Gradients in the shape of `weights`, summed over the samples of the tape."""
    inputs, errors = tape
    scale = 2.0 / len(errors)
    deltas = [[scale * e] for e in errors]  # deltas[n][j]: dL/ds_j of sample n
    grads = [None] * len(weights)
    for k in range(len(weights) - 1, -1, -1):
        a = [seen[k] for seen in inputs]
        # dL/dw_ji = sum over samples of delta_j a_i: one dot product per weight
        delta_columns, a_columns = list(zip(*deltas)), list(zip(*a))
        grads[k] = ([[sum(map(mul, d, ai)) for ai in a_columns] for d in delta_columns],
                    [sum(d) for d in delta_columns])
        if k:  # dL/ds of the layer below: back through the weights and its ReLU
            weight_columns = list(zip(*weights[k][0]))
            deltas = [[sum(map(mul, d, w)) if ai > 0.0 else 0.0
                       for w, ai in zip(weight_columns, an)]
                      for d, an in zip(deltas, a)]
    return [([list(row) for row in rows], biases) for rows, biases in grads]


# --- NumPy, all samples at once -----------------------------------------------


def numpy_arrays(weights: Weights):
    """The weights as NumPy arrays: [(W of shape (nout, nin), b of shape (nout,)), ...]."""
    import numpy as np
    return [(np.array(rows, dtype=float), np.array(biases, dtype=float))
            for rows, biases in weights]


def numpy_forward(arrays, X, Y):
    """X, Y of shape (N, 1). The loss and the activations of every layer."""
    last = len(arrays) - 1
    acts = [X]
    a = X
    for k, (W, b) in enumerate(arrays):
        s = a @ W.T + b
        a = s if k == last else s * (s > 0.0)
        acts.append(a)
    error = a - Y
    return float((error * error).mean()), (acts, error)


def numpy_backward(arrays, tape):
    """Gradients [(dW, db), ...] in the shape of `arrays`."""
    acts, error = tape
    delta = error * (2.0 / len(error))  # (N, 1): dL/ds of the output layer
    grads = [None] * len(arrays)
    for k in range(len(arrays) - 1, -1, -1):
        W, _ = arrays[k]
        a = acts[k]
        grads[k] = (delta.T @ a, delta.sum(axis=0))
        if k:
            delta = (delta @ W) * (a > 0.0)
    return grads
