# ~/~ begin <<docs/07-fast.md#tests/book/test_kernels.py>>[init]
"""Tests for chapter 7's additions: dense, batch, the one-node loss
(generated from docs/07-fast.md)."""
import math
import random

import pytest
from hypothesis import given, strategies as st
from test_sine import BAD_MSE_ARGUMENTS  # chapter 6's cases, for both losses

from micrograd import MLP, Layer, Value, gradcheck
from micrograd.nn import dense, neuron
from micrograd.train import mse, mse_from_operations, mse_one_node

small = st.floats(min_value=-3, max_value=3, allow_nan=False)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", None])
@given(st.lists(small, min_size=2 * 3 + 2, max_size=2 * 3 + 2),
       st.lists(st.lists(small, min_size=3, max_size=3), min_size=1, max_size=4))
def test_dense_builds_what_neuron_builds_one_at_a_time(activation, parameters, batch):
    def network(values):  # 2 neurons with 3 weights each, then their biases
        w = [values[0:3], values[3:6]]
        return w, values[6:8]

    w, b = network([Value(p) for p in parameters])
    xs = [[Value(x) for x in sample] for sample in batch]
    outputs = dense(w, b, xs, activation)
    w1, b1 = network([Value(p) for p in parameters])
    xs1 = [[Value(x) for x in sample] for sample in batch]
    one_by_one = [[neuron(wj, bj, x, activation) for wj, bj in zip(w1, b1)] for x in xs1]
    assert [[z.data for z in row] for row in outputs] == \
        [[z.data for z in row] for row in one_by_one]
    for row, row1 in zip(outputs, one_by_one):
        for z, z1 in zip(row, row1):
            assert len(z._prev) == len(z1._prev) and z._op == z1._op
    sum(z for row in outputs for z in row).backward()
    sum(z for row in one_by_one for z in row).backward()
    for a, c in zip([*w[0], *w[1], *b, *sum(xs, [])], [*w1[0], *w1[1], *b1, *sum(xs1, [])]):
        assert math.isclose(a.grad, c.grad, rel_tol=1e-12, abs_tol=1e-12)


def test_a_relu_that_is_off_keeps_its_parents_and_passes_nothing_back():
    a = Value(3.0)
    h = a * 2.0                  # an intermediate node, an input of the neuron
    (h * 1.0).backward()         # leaves a gradient in h from another graph
    a.grad = 0.0
    w, b = [Value(-1.0)], Value(0.5)
    (z,), = dense([w], [b], [[h]], "relu")  # relu(0.5 - 6) = 0: off
    assert z.data == 0.0 and z._prev == (w[0], b, h) and z._local == ()
    z.backward()
    assert (w[0].grad, b.grad, h.grad, a.grad) == (0.0, 0.0, 0.0, 0.0)


@pytest.mark.parametrize("make, message", [
    (lambda: dense([[Value(1.0)]], [], []), "one bias per neuron"),
    (lambda: dense([[Value(1.0)], []], [Value(0.0)] * 2, []), "the same number of weights"),
    (lambda: dense([[Value(1.0)]], [Value(0.0)], [[Value(1.0)], []]),
     "neurons with 1 weights need 1 inputs, got 0 in sample 1"),
    (lambda: MLP(2, [3]).batch([[1.0, 2.0], [1.0]]), "expected 2 inputs in sample 1, got 1"),
])
def test_dense_and_batch_check_their_shapes(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_a_bad_sample_in_a_batch_is_named():
    with pytest.raises(TypeError, match=r"expected a list of 2 inputs in sample 1, got 0\.5"):
        MLP(2, [2, 1]).batch([[0.1, 0.2], 0.5])


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", None])
@pytest.mark.parametrize("sizes", [[3, 1], [4, 2], [1, 3, 1]])
@given(st.lists(st.lists(small, min_size=2, max_size=2), min_size=1, max_size=5),
       st.integers(0, 2**32 - 1))
def test_a_batch_gives_what_one_sample_at_a_time_gives(activation, sizes, xs, seed):
    batched = MLP(2, sizes, activation, rng=random.Random(seed))
    single = MLP(2, sizes, activation, rng=random.Random(seed))
    outputs, one_by_one = batched.batch(xs), [single(x) for x in xs]

    def flat(out):
        return out if isinstance(out, list) else [out]

    assert [[v.data for v in flat(o)] for o in outputs] == \
        [[v.data for v in flat(o)] for o in one_by_one]
    sum(v for o in outputs for v in flat(o)).backward()
    sum(v for o in one_by_one for v in flat(o)).backward()
    for a, b in zip(batched.parameters(), single.parameters()):
        assert math.isclose(a.grad, b.grad, rel_tol=1e-12, abs_tol=1e-12)
# ~/~ end
# ~/~ begin <<docs/07-fast.md#tests/book/test_kernels.py>>[1]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", None])
@given(st.lists(small, min_size=3, max_size=3), st.integers(0, 2**32 - 1))
def test_a_layer_on_one_sample_builds_what_its_neurons_build(activation, x, seed):
    layer = Layer(3, 4, activation, rng=random.Random(seed))
    kernel, by_neuron = layer(x), layer._neuron_by_neuron([Value(v) for v in x])
    assert [z.data for z in kernel] == [z.data for z in by_neuron]
    for z, z1 in zip(kernel, by_neuron):
        assert z._prev[:-3] == z1._prev[:-3] and len(z._prev) == len(z1._prev)
    sum(kernel).backward()
    grads = [p.grad for p in layer.parameters()]
    layer.zero_grad()
    sum(by_neuron).backward()
    assert grads == pytest.approx([p.grad for p in layer.parameters()], rel=1e-12, abs=1e-12)
    with pytest.raises(ValueError, match="expected 3 inputs, got 2"):
        layer(x[:2])
# ~/~ end
# ~/~ begin <<docs/07-fast.md#tests/book/test_kernels.py>>[2]


@given(st.lists(st.tuples(small, small), min_size=1, max_size=20))
def test_the_one_node_mse_matches_the_loss_from_operations(pairs):
    predictions, targets = [p for p, _ in pairs], [t for _, t in pairs]
    fused = [Value(p) for p in predictions]
    spelled = [Value(p) for p in predictions]
    loss = mse_one_node(fused, targets)
    reference = mse_from_operations(spelled, targets)
    loss.backward()
    reference.backward()
    assert math.isclose(loss.data, reference.data, rel_tol=1e-12, abs_tol=1e-12)
    for a, b in zip(fused, spelled):
        assert math.isclose(a.grad, b.grad, rel_tol=1e-12, abs_tol=1e-12)
    assert len(loss._prev) == len(pairs)
    assert gradcheck(lambda *p: mse_one_node(p, targets), predictions)


def test_training_uses_the_one_node_loss():
    assert mse is mse_one_node
    assert mse([Value(1.0)], [0.0])._op == "mse"


@pytest.mark.parametrize("loss", [mse_from_operations, mse_one_node])
@pytest.mark.parametrize("predictions, targets, error, message", BAD_MSE_ARGUMENTS)
def test_both_losses_say_what_is_wrong_with_their_arguments(
        loss, predictions, targets, error, message):
    with pytest.raises(error, match=message):
        loss(predictions, targets)


def test_a_diverging_loss_is_infinite_not_an_error():
    assert mse_one_node([Value(1e200)], [0.0]).data == math.inf
# ~/~ end
