"""A change our engine does not make, applied to it inside one process.

A benchmark subject, not part of the package. `install()` patches the
imported `micrograd.engine` (and `micrograd.nn`, which imported `neuron` by
name) and returns a function that undoes the patch; the benchmark calls it
in a worker process of its own, the tests undo it at once.

    prune    a ReLU that is off (slope 0) keeps no parents: all its local
             derivatives are 0, so no gradient would flow through them

`neuron` below is the engine's `neuron` of chapter 5 with the marked line
changed; tests/test_bench_facts.py checks that its gradients still match.
"""
from __future__ import annotations

import operator


def install(engine, nn):
    """Patch `engine` and `nn` (the micrograd modules); return the undo function."""
    Value, ACTIVATIONS = engine.Value, engine.ACTIVATIONS
    saved = (engine.neuron, nn.neuron)

    def neuron(weights, bias, inputs, activation=None, input_data=None):
        if len(weights) != len(inputs):
            raise ValueError(f"a neuron with {len(weights)} weights needs "
                             f"{len(weights)} inputs, got {len(inputs)}")
        wd = [w.data for w in weights]
        xd = [x.data for x in inputs] if input_data is None else input_data
        z, slope = ACTIVATIONS[activation](bias.data + sum(map(operator.mul, wd, xd)))
        if slope == 1.0:
            local = (*xd, 1.0, *wd)
        elif slope == 0.0:  # changed: no gradient flows back, so keep no parents
            return Value(z, (), (), activation or "linear")
        else:
            local = (*[slope * x for x in xd], slope, *[slope * w for w in wd])
        return Value(z, (*weights, bias, *inputs), local, activation or "linear")

    engine.neuron = nn.neuron = neuron

    def undo():
        engine.neuron, nn.neuron = saved

    return undo
