# ~/~ begin <<docs/05-nn.md#tests/book/test_nn.py>>[init]
"""Tests for chapter 5, neurons, layers, MLP (generated from docs/05-nn.md)."""
import math
import random

import pytest
from hypothesis import assume, given, strategies as st

from micrograd import MLP, Layer, Neuron, Value, gradcheck
from micrograd.nn import Module, neuron

small = st.floats(min_value=-3, max_value=3, allow_nan=False)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", None])
@given(st.lists(small, min_size=7, max_size=7))
def test_a_fused_neuron_matches_the_same_neuron_built_from_operations(activation, numbers):
    w, x, b = numbers[:3], numbers[3:6], numbers[6]
    s = b + sum(wi * xi for wi, xi in zip(w, x))
    # relu has no slope at 0, and gradcheck's steps must not cross the kink
    assume(activation != "relu" or abs(s) > 1e-3)

    def fused(*v):
        return neuron(v[:3], v[6], v[3:6], activation)

    def spelled_out(*v):
        total = v[6] + sum(wi * xi for wi, xi in zip(v[:3], v[3:6]))
        return total if activation is None else getattr(total, activation)()

    fv, sv = [Value(n) for n in numbers], [Value(n) for n in numbers]
    out_fused, out_spelled = fused(*fv), spelled_out(*sv)
    out_fused.backward()
    out_spelled.backward()
    assert math.isclose(out_fused.data, out_spelled.data, rel_tol=1e-12, abs_tol=1e-12)
    for a, c in zip(fv, sv):
        assert math.isclose(a.grad, c.grad, rel_tol=1e-9, abs_tol=1e-12)
    assert gradcheck(fused, numbers)


def test_a_neuron_checks_its_inputs_match_its_weights():
    with pytest.raises(ValueError, match="a neuron with 1 weights needs 1 inputs, got 0"):
        neuron([Value(1.0)], Value(0.0), [])
# ~/~ end
# ~/~ begin <<docs/05-nn.md#tests/book/test_nn.py>>[1]


def test_parameter_counts():
    assert len(Neuron(3).parameters()) == 4
    assert len(Layer(3, 5).parameters()) == 5 * 4
    assert len(MLP(1, [16, 16, 1]).parameters()) == (16 + 16) + (256 + 16) + (16 + 1)
    assert isinstance(MLP(2, [2]), Module)


def test_output_shapes():
    assert isinstance(MLP(3, [4, 1])([1.0, 2.0, 3.0]), Value)
    out = MLP(3, [4, 2])([1.0, 2.0, 3.0])
    assert isinstance(out, list) and len(out) == 2
    assert len(Layer(2, 1)([1.0, 2.0])) == 1  # a layer always returns a list


def test_a_layer_is_its_neurons_on_the_same_inputs():
    layer = Layer(2, 3, "tanh", rng=random.Random(2))
    assert [v.data for v in layer([0.5, -1.0])] == \
        [n([0.5, -1.0]).data for n in layer.neurons]


def test_a_one_neuron_hidden_layer_works():
    model = MLP(2, [1, 3, 1], rng=random.Random(1))
    y = model([0.5, -0.5])
    y.backward()
    assert isinstance(y, Value)
    assert any(p.grad != 0.0 for p in model.parameters())


def test_the_last_layer_is_linear_and_the_hidden_ones_use_the_activation():
    for activation in ["relu", "tanh", "sigmoid", None]:
        model = MLP(2, [3, 3, 1], activation=activation)
        kinds = [[n.activation for n in layer.neurons] for layer in model.layers]
        assert kinds == [[activation] * 3, [activation] * 3, [None]]
        assert model([1.0, -1.0])._op == "linear"


@given(small)
def test_a_sigmoid_network_computes_what_the_formula_says(x):
    model = MLP(1, [2, 1], activation="sigmoid", rng=random.Random(0))
    hidden, (out,) = model.layers[0].neurons, model.layers[1].neurons
    expected = out.b.data + sum(
        w.data / (1 + math.exp(-(n.b.data + n.w[0].data * x)))
        for w, n in zip(out.w, hidden))
    assert math.isclose(model([x]).data, expected, rel_tol=1e-12, abs_tol=1e-12)


def test_zero_grad_clears_every_parameter():
    model = MLP(2, [4, 1], rng=random.Random(0))
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_initial_weights_lie_in_the_fan_in_range():
    for nin in [1, 4, 100]:
        bound = 1 / math.sqrt(nin)
        weights = [w.data for w in Layer(nin, 50, rng=random.Random(nin)).parameters()]
        assert all(-bound <= w <= bound for w in weights)
        assert max(weights) > 0.8 * bound and min(weights) < -0.8 * bound


def test_a_seed_makes_the_network_repeatable():
    a = MLP(1, [8, 1], rng=random.Random(7))
    b = MLP(1, [8, 1], rng=random.Random(7))
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]


@pytest.mark.parametrize("make, message", [
    (lambda: MLP(0, []), "nin must be a whole number >= 1, got 0"),
    (lambda: MLP(1, []), "sizes must be a non-empty list"),
    (lambda: MLP(1, [4, 0]), "nout must be a whole number >= 1, got 0"),
    (lambda: MLP(2.5, [1]), "nin must be a whole number >= 1, got 2.5"),
    (lambda: MLP(1, [1], activation="softmax"), "activation must be 'relu'"),
    (lambda: Neuron(3, init="zeros"), "init must be one of"),
    (lambda: MLP(2, [3, 1])([1.0, 2.0, 3.0]), "expected 2 inputs, got 3"),
    (lambda: Neuron(2)([1.0]), "expected 2 inputs, got 1"),
    (lambda: Layer(2, 3)([1.0, 2.0, 3.0]), "expected 2 inputs, got 3"),
])
def test_bad_arguments_say_what_was_expected(make, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        make()


def test_one_input_may_come_without_its_list():
    model = MLP(1, [2, 1], rng=random.Random(3))
    assert model(0.5).data == model([0.5]).data == model(Value(0.5)).data
    assert [v.data for v in model.batch([0.5, -1.0])] == [model(0.5).data, model(-1.0).data]


def test_a_bare_number_is_not_a_list_of_several_inputs():
    with pytest.raises(TypeError, match=r"expected a list of 2 inputs, got 0\.5 \(float\)"):
        MLP(2, [2, 1])(0.5)
    with pytest.raises(TypeError, match=r"expected a list of 1 inputs, got True \(bool\)"):
        MLP(1, [2, 1])(True)
    with pytest.raises(TypeError, match=r"expected a list of samples, .*got 0\.5 \(float\)"):
        MLP(1, [2, 1]).batch(0.5)


def test_a_neuron_runs_a_batch_one_sample_at_a_time():
    n = Neuron(2, rng=random.Random(0))
    assert [v.data for v in n.batch([[1.0, 2.0], [3.0, -1.0]])] == \
        [n([1.0, 2.0]).data, n([3.0, -1.0]).data]
# ~/~ end
