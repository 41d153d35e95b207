# ~/~ begin <<docs/09-tensor.md#tests/book/test_tensor.py>>[init]
"""Tests for chapter 9, the tensor engine (generated from docs/09-tensor.md)."""
import importlib
import math
import random
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from experiments.tensor import fit_sine, main
from micrograd.datasets import spiral
from micrograd.gradcheck import GradcheckError
from micrograd.tensor import MLP, Linear, Tensor, cross_entropy, gradcheck, sum_to

checks = settings(max_examples=60, deadline=None)


def arrays(shape, low=-2.0, high=2.0):
    return hnp.arrays(np.float64, shape, elements=st.floats(low, high))


def away_from_zero(shape, low=0.2, high=2.0):
    """Entries with low <= |x| <= high, either sign."""
    sizes = arrays(shape, low, high)
    signs = hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 1.0]))
    return st.tuples(sizes, signs).map(lambda pair: pair[0] * pair[1])


shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)


def test_gradcheck_catches_a_wrong_rule_even_on_square_matrices():
    def bad_square(a):  # claims x-bar = z-bar * x instead of z-bar * 2x
        return Tensor(a.data ** 2, (a,), lambda g: (g * a.data,), "bad")

    def bad_matmul(a, b):  # forgets the transpose in A-bar = C-bar B^T
        return Tensor(a.data @ b.data, (a, b), lambda g: (g @ b.data, a.data.T @ g), "bad")

    rng = np.random.default_rng(0)
    with pytest.raises(GradcheckError, match=r"input 0, entry \(1,\)"):
        gradcheck(bad_square, [1.0, 2.0])
    with pytest.raises(GradcheckError, match="input 0"):
        gradcheck(bad_matmul, rng.normal(size=(3, 3)), rng.normal(size=(3, 3)))
    assert gradcheck(lambda a, b: a @ b, rng.normal(size=(3, 3)), rng.normal(size=(3, 3)))
# ~/~ end
# ~/~ begin <<docs/09-tensor.md#tests/book/test_tensor.py>>[1]


@checks
@given(st.data(), shapes)
def test_elementwise_functions_have_the_derived_gradients(data, shape):
    x = data.draw(arrays(shape))
    for f in (Tensor.exp, Tensor.tanh, Tensor.sigmoid):
        assert gradcheck(f, x)
    assert gradcheck(Tensor.log, np.abs(x) + 0.1)
    assert gradcheck(Tensor.relu, data.draw(away_from_zero(shape, low=0.01)))


def test_elementwise_functions_refuse_their_domain_errors():
    with pytest.raises(ValueError, match=r"log needs positive numbers, got 2 entries <= 0 "
                                         r"\(the smallest is -1.0\)"):
        Tensor([1.0, 0.0, -1.0]).log()
    with pytest.raises(OverflowError, match="exp overflows a float for 1 entries"):
        Tensor([1.0, 800.0]).exp()


def test_the_sigmoid_is_finite_and_correct_far_from_zero():
    s = Tensor([-800.0, 0.0, 800.0]).sigmoid().data
    assert s.tolist() == [0.0, 0.5, 1.0]
# ~/~ end
# ~/~ begin <<docs/09-tensor.md#tests/book/test_tensor.py>>[2]


two_shapes = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3,
                                               max_side=4)


@checks
@given(st.data(), two_shapes)
@example(None, hnp.BroadcastableShapes(((4, 1, 3), (2, 1)), (4, 2, 3)))
def test_arithmetic_sums_the_gradient_back_over_broadcast_axes(data, shapes):
    a_shape, b_shape = shapes.input_shapes
    if data is None:  # the explicit example
        rng = np.random.default_rng(0)
        x, y = rng.uniform(-2, 2, a_shape), rng.uniform(0.5, 2, b_shape)
    else:
        x, y = data.draw(arrays(a_shape)), data.draw(away_from_zero(b_shape))
    assert gradcheck(lambda a, b: a + b, x, y)
    assert gradcheck(lambda a, b: a - b, x, y)
    assert gradcheck(lambda a, b: a * b, x, y)
    assert gradcheck(lambda a, b: a / b, x, y)
    assert gradcheck(lambda a: 2.0 - a / 3.0, x)
    assert gradcheck(lambda b: 1.0 / b - -b, y)


@checks
@given(st.data(), shapes, st.sampled_from([2, 3, 0.5, -1, -1.5, 0]))
def test_power_with_a_number(data, shape, n):
    x = data.draw(arrays(shape, 0.2, 3.0))
    assert gradcheck(lambda a: a ** n, x)
    assert gradcheck(lambda a: a ** 2, -x)


def test_sum_to_sums_over_added_and_stretched_axes():
    g = np.arange(24.0).reshape(2, 3, 4)
    assert sum_to(g, (2, 3, 4)) is g
    assert np.array_equal(sum_to(g, (4,)), g.sum(axis=(0, 1)))
    assert np.array_equal(sum_to(g, (3, 1)), g.sum(axis=(0, 2)).reshape(3, 1))
    assert np.array_equal(sum_to(g, (1, 1, 1)), np.full((1, 1, 1), g.sum()))
    assert sum_to(g, ()).shape == ()


def test_numbers_and_arrays_on_either_side_give_tensors():
    t = Tensor([1.0, 2.0])
    a = np.array([10.0, 20.0])
    for result, expected in [(t + a, [11, 22]), (a + t, [11, 22]), (a - t, [9, 18]),
                             (t - a, [-9, -18]), (a * t, [10, 40]), (a / t, [10, 10]),
                             (t / a, [0.1, 0.1]), (3 - t, [2, 1]), (2 / t, [2, 1]),
                             (np.float64(2.0) * t, [2, 4]), (-t, [-1, -2])]:
        assert isinstance(result, Tensor)
        assert np.allclose(result.data, expected)


def test_shapes_that_do_not_broadcast_are_named_at_the_operation():
    for op in ("+", "-", "*", "/"):
        with pytest.raises(ValueError, match=r"shapes \(2, 3\) and \(4,\) do not broadcast "
                                             rf"together for \{op}"):
            eval(f"x {op} y", {"x": Tensor(np.ones((2, 3))), "y": np.ones(4)})


def test_bad_operands_and_powers_are_refused():
    t = Tensor([1.0, -1.0])
    with pytest.raises(TypeError):
        t + "1"
    with pytest.raises(TypeError):
        t ** t
    with pytest.raises(ValueError, match="no real non-integer power"):
        t ** 0.5
    with pytest.raises(ZeroDivisionError, match="1 zero entries"):
        t / np.array([1.0, 0.0])
    with pytest.raises(ZeroDivisionError, match="infinite"):
        Tensor([0.0]) ** -1
# ~/~ end
# ~/~ begin <<docs/09-tensor.md#tests/book/test_tensor.py>>[3]


@st.composite
def shape_and_axis(draw):
    shape = draw(shapes)
    ndim = len(shape)
    kind = draw(st.sampled_from(["none", "int", "tuple"] if ndim else ["none", "tuple"]))
    if kind == "none":
        axis = None
    elif kind == "int":
        axis = draw(st.integers(-ndim, ndim - 1))
    else:
        chosen = []
        if ndim:
            chosen = draw(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim))
        axis = tuple(a - ndim if draw(st.booleans()) else a for a in chosen)
    return shape, axis, draw(st.booleans())


@checks
@given(st.data(), shape_and_axis())
def test_reductions_broadcast_the_gradient_back(data, shape_axis_keepdims):
    shape, axis, keepdims = shape_axis_keepdims
    x = data.draw(arrays(shape))
    assert gradcheck(lambda a: a.sum(axis, keepdims), x)
    assert gradcheck(lambda a: a.mean(axis=axis, keepdims=keepdims), x)
    distinct = data.draw(hnp.arrays(np.float64, shape, unique=True,
                                    elements=st.integers(-500, 500).map(lambda k: k / 100)))
    assert gradcheck(lambda a: a.max(axis, keepdims=keepdims), distinct)
    assert Tensor(x).sum(axis, keepdims).shape == x.sum(axis=axis, keepdims=keepdims).shape
    assert np.allclose(Tensor(x).mean(axis, keepdims).data, x.mean(axis=axis, keepdims=keepdims))
    assert np.array_equal(Tensor(distinct).max(axis, keepdims).data,
                          distinct.max(axis=axis, keepdims=keepdims))


def test_bad_axes_are_named():
    t = Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"sum: axis 2 does not fit a tensor of shape "
                                         r"\(2, 3\); axes are whole numbers from -2 to 1"):
        t.sum(axis=2)
    with pytest.raises(ValueError, match=r"mean: axis \(0, -2\) names an axis twice"):
        t.mean(axis=(0, -2))
    with pytest.raises(ValueError, match="max: axis 1.0 does not fit"):
        t.max(axis=1.0)
# ~/~ end
# ~/~ begin <<docs/09-tensor.md#tests/book/test_tensor.py>>[4]


matmul_shapes = hnp.mutually_broadcastable_shapes(signature=np.matmul.signature,
                                                  max_dims=2, max_side=4)


@checks
@given(st.data(), matmul_shapes)
@example(None, hnp.BroadcastableShapes(((4, 1, 3, 5), (2, 5, 6)), (4, 2, 3, 6)))
@example(None, hnp.BroadcastableShapes(((2, 3), (3, 4)), (2, 4)))
@example(None, hnp.BroadcastableShapes(((3,), (3, 4)), (4,)))
@example(None, hnp.BroadcastableShapes(((2, 3), (3,)), (2,)))
@example(None, hnp.BroadcastableShapes(((3,), (3,)), ()))
def test_matmul_has_the_derived_gradient(data, shapes):
    a_shape, b_shape = shapes.input_shapes
    if data is None:
        rng = np.random.default_rng(1)
        a, b = rng.uniform(-2, 2, a_shape), rng.uniform(-2, 2, b_shape)
    else:
        a, b = data.draw(arrays(a_shape)), data.draw(arrays(b_shape))
    assert (Tensor(a) @ b).shape == shapes.result_shape == (a @ b).shape
    assert gradcheck(lambda x, y: x @ y, a, b)
    assert gradcheck(lambda y: a @ y, b)  # an array on the left


def test_shapes_that_do_not_fit_matmul_are_named():
    for a, b in [((2, 3), (4, 5)), ((3,), (4,)), ((2, 2, 3), (3, 3, 4)), ((), (3,))]:
        message = rf"shapes {re_shape(a)} and {re_shape(b)} do not fit @"
        with pytest.raises(ValueError, match=message):
            Tensor(np.ones(a)) @ Tensor(np.ones(b))


def re_shape(shape):
    return str(shape).replace("(", r"\(").replace(")", r"\)")
# ~/~ end
# ~/~ begin <<docs/09-tensor.md#tests/book/test_tensor.py>>[5]


@checks
@given(st.data(), shapes)
def test_reshape_and_transpose_move_the_gradient_back(data, shape):
    x = data.draw(arrays(shape))
    axes = tuple(data.draw(st.permutations(range(len(shape)))))
    assert gradcheck(lambda a: a.transpose(axes), x)
    assert gradcheck(lambda a: a.T, x)
    assert gradcheck(lambda a: a.reshape(-1), x)
    assert gradcheck(lambda a: a.reshape((x.size, 1)).T, x)
    assert np.array_equal(Tensor(x).T.data, x.T)
    assert np.array_equal(Tensor(x).transpose(*axes).data, x.transpose(axes))


def test_bad_shapes_are_named():
    with pytest.raises(ValueError, match=r"cannot reshape a tensor of shape \(2, 3\) "
                                         r"\(6 entries\) to \(4,\)"):
        Tensor(np.ones((2, 3))).reshape(4)
    with pytest.raises(ValueError, match=r"transpose\(0, 0\) is not an order"):
        Tensor(np.ones((2, 3))).transpose(0, 0)
# ~/~ end
# ~/~ begin <<docs/09-tensor.md#tests/book/test_tensor.py>>[6]


@checks
@given(st.data(), hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
def test_indexing_sends_the_gradient_to_the_picked_entries(data, shape):
    x = data.draw(arrays(shape))
    basic = data.draw(hnp.basic_indices(shape, allow_ellipsis=True))
    fancy = data.draw(hnp.integer_array_indices(shape))
    assert gradcheck(lambda a: a[basic], x)
    assert gradcheck(lambda a: a[fancy], x)
    assert np.array_equal(Tensor(x)[fancy].data, x[fancy])


def test_repeated_indices_accumulate():
    x = Tensor(np.arange(12.0).reshape(3, 4))
    rows, cols = np.array([0, 2, 0, 0]), np.array([1, 3, 1, 1])
    x[rows, cols].backward(np.array([1.0, 2.0, 3.0, 4.0]))
    expected = np.zeros((3, 4))
    expected[0, 1], expected[2, 3] = 1.0 + 3.0 + 4.0, 2.0
    assert np.array_equal(x.grad, expected)
    with pytest.raises(TypeError, match="cannot index a Tensor"):
        x[Tensor([0])]
# ~/~ end
# ~/~ begin <<docs/09-tensor.md#tests/book/test_tensor.py>>[7]


def test_backward_has_the_semantics_of_value():
    x = Tensor([[1.0, -2.0, 3.0]])
    y = (x * x).sum(axis=1)                 # one entry, shape (1,)
    y.backward()
    assert np.array_equal(x.grad, [[2.0, -4.0, 6.0]])
    y.backward()                            # a leaf accumulates
    assert np.array_equal(x.grad, [[4.0, -8.0, 12.0]])
    assert np.array_equal(y.grad, [1.0])    # an intermediate starts afresh
    z = x.exp()
    with pytest.raises(ValueError, match=r"shape \(1, 3\): call backward\(grad\)"):
        z.backward()
    with pytest.raises(ValueError, match=r"needs grad of the tensor's shape \(1, 3\), "
                                         r"got shape \(3,\)"):
        z.backward(np.ones(3))


def test_backward_on_a_leaf_accumulates():
    x = Tensor(2.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_backward_needs_no_recursion():
    x = Tensor(np.ones(3))
    y = x
    for _ in range(3 * sys.getrecursionlimit()):
        y = y * 1.0
    y.sum().backward()
    assert np.array_equal(x.grad, np.ones(3))


def test_a_gradient_handed_out_does_not_change_later():
    w = Tensor([1.0, 2.0])
    (w * w).sum().backward()
    first = w.grad
    (w * w).sum().backward()  # no zero_grad: w.grad accumulates, in a new array
    assert np.array_equal(first, [2.0, 4.0]) and np.array_equal(w.grad, [4.0, 8.0])
    from micrograd.optim import SGD
    optimizer = SGD([w], lr=0.1, momentum=0.9)
    optimizer.step()
    buffer = optimizer.state[0]["momentum_buffer"].copy()
    (w * w).sum().backward()
    assert np.array_equal(optimizer.state[0]["momentum_buffer"], buffer)
# ~/~ end
# ~/~ begin <<docs/09-tensor.md#tests/book/test_tensor.py>>[8]


def test_parameters_can_be_updated_in_place_and_zeroed_either_way():
    w = Tensor([1.0, 2.0])
    for zero in (lambda p: np.zeros_like(p.data), lambda p: 0.0):
        w.grad = zero(w)
        (w * w).sum().backward()
        assert np.array_equal(w.grad, [2.0, 4.0])
    data = w.data
    w.data -= 0.5 * w.grad
    assert w.data is data and np.array_equal(w.data, [0.0, 0.0])


@pytest.mark.parametrize("make", [
    lambda ps: __import__("micrograd.optim").optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
    lambda ps: __import__("micrograd.optim").optim.RMSprop(ps, centered=True, momentum=0.5),
    lambda ps: __import__("micrograd.optim").optim.Adam(ps, lr=0.05, amsgrad=True),
    lambda ps: __import__("micrograd.optim").optim.AdamW(ps, lr=0.05, weight_decay=0.1),
])
@given(st.lists(st.floats(-3, 3), min_size=6, max_size=6))
def test_every_optimizer_moves_a_tensor_as_it_moves_the_same_values(make, numbers):
    from micrograd import Value
    w = Tensor(np.array(numbers).reshape(3, 2))
    values = [Value(x) for x in numbers]
    on_tensor, on_values = make([w]), make(values)
    for _ in range(3):
        on_tensor.zero_grad()
        on_values.zero_grad()
        assert w.grad.shape == (3, 2) and not w.grad.any()
        ((w * w * w).sum() + w.sum()).backward()
        sum(v * v * v + v for v in values).backward()
        on_tensor.step()
        on_values.step()
    assert np.allclose(w.data.ravel(), [v.data for v in values], rtol=1e-12, atol=1e-12)


def test_construction_copies_converts_and_says_what_was_wrong():
    source = np.array([1, 2, 3])
    t = Tensor(source)
    source[0] = 100
    assert t.data.dtype == np.float64 and t.data.tolist() == [1.0, 2.0, 3.0]
    assert Tensor(2).shape == () and np.array_equal(Tensor(2).grad, np.zeros(()))
    assert Tensor(np.float32(1.5)).data.dtype == np.float64
    for bad, error, message in [([[1, 2], [3]], ValueError, "same length"),
                                ("abc", TypeError, "real numbers, got 'abc' \\(str\\)"),
                                (None, TypeError, "got None \\(NoneType\\)"),
                                (True, TypeError, "got True \\(bool\\)"),
                                ([1, "a"], TypeError, "real numbers"),
                                (1 + 2j, TypeError, "complex128")]:
        with pytest.raises(error, match=message):
            Tensor(bad)


def test_the_tensor_module_explains_a_missing_numpy(monkeypatch):
    monkeypatch.setitem(sys.modules, "numpy", None)  # `import numpy` now fails
    monkeypatch.delitem(sys.modules, "micrograd.tensor")
    with pytest.raises(ImportError, match=r"needs NumPy.*micrograd-book\[tensor\]"):
        importlib.import_module("micrograd.tensor")


def test_the_scalar_engine_does_not_import_numpy():
    code = ("import sys, micrograd, micrograd.engine, micrograd.nn, micrograd.train, "
            "micrograd.datasets; sys.exit('numpy' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
# ~/~ end
# ~/~ begin <<docs/09-tensor.md#tests/book/test_tensor.py>>[9]


def test_the_tensor_network_starts_from_chapter_5s_weights():
    from micrograd import MLP as ScalarMLP
    scalar = ScalarMLP(1, [16, 16, 1], rng=random.Random(7))
    tensor = MLP(1, [16, 16, 1], rng=random.Random(7))
    for layer, s_layer in zip(tensor.layers, scalar.layers):
        for j, neuron in enumerate(s_layer.neurons):
            assert layer.w.data[:, j].tolist() == [w.data for w in neuron.w]
            assert layer.b.data[j] == neuron.b.data


def test_the_tensor_sine_fit_follows_the_scalar_engine():
    from experiments.sine import fit
    tensor = fit_sine(seed=2, epochs=15)["losses"]
    scalar = fit(seed=2, epochs=15, progress=False)["losses"]
    assert np.allclose(tensor, scalar, rtol=1e-10, atol=0), (tensor, scalar)


def test_linear_and_mlp_check_their_arguments():
    with pytest.raises(ValueError, match="nin must be a whole number >= 1, got 0"):
        Linear(0, 3)
    with pytest.raises(ValueError, match="activation must be"):
        MLP(2, [3], activation="gelu")
    with pytest.raises(ValueError, match="sizes must be a non-empty list"):
        MLP(2, [])
    layer = Linear(3, 2, rng=random.Random(0))
    assert layer(np.ones((5, 3))).shape == (5, 2)
    assert gradcheck(lambda x, w, b: x @ w + b, np.ones((5, 3)), layer.w.data, layer.b.data)
# ~/~ end
# ~/~ begin <<docs/09-tensor.md#tests/book/test_tensor.py>>[10]


@checks
@given(st.data(), hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
def test_log_softmax_has_the_derived_gradient(data, shape):
    x = data.draw(arrays(shape, -5.0, 5.0))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    assert gradcheck(lambda a: a.log_softmax(axis), x)
    p = Tensor(x).softmax(axis).data
    assert np.allclose(p.sum(axis=axis), 1.0)
    assert np.allclose(p, np.exp(x) / np.exp(x).sum(axis=axis, keepdims=True))


@checks
@given(st.data(), st.integers(1, 5), st.integers(2, 4))
def test_cross_entropy_gradient_is_softmax_minus_one_hot(data, n, classes):
    x = data.draw(arrays((n, classes), -5.0, 5.0))
    labels = np.array(data.draw(st.lists(st.integers(0, classes - 1), min_size=n, max_size=n)))
    assert gradcheck(lambda a: cross_entropy(a, labels), x)
    logits = Tensor(x)
    cross_entropy(logits, labels).backward()
    p = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    assert np.allclose(logits.grad, (p - np.eye(classes)[labels]) / n)


def test_cross_entropy_is_finite_for_huge_logits_and_checks_its_labels():
    loss = cross_entropy(Tensor([[1e4, 0.0], [0.0, -1e4]]), [1, 1])
    assert math.isclose(float(loss.data), (1e4 + 1e4) / 2)
    with pytest.raises(ValueError, match="whole numbers from 0 to 1, got \\[0, 2\\]"):
        cross_entropy(Tensor(np.zeros((2, 2))), [0, 2])
    with pytest.raises(ValueError, match=r"shapes \(2, 2\) and \(3,\)"):
        cross_entropy(Tensor(np.zeros((2, 2))), [0, 1, 1])
# ~/~ end
# ~/~ begin <<docs/09-tensor.md#tests/book/test_tensor.py>>[11]


def test_the_spiral_is_learned_and_the_command_line_writes_its_results(tmp_path):
    X, y = spiral(seed=3)
    assert X.shape == (300, 2) and np.bincount(y).tolist() == [100, 100, 100]
    assert np.array_equal(spiral(seed=3)[0], X)
    summary = main(["--out", str(tmp_path), "--seeds", "0", "--epochs", "50",
                    "--spiral-epochs", "200"])
    assert summary["spiral"]["train_accuracy"] > 0.8  # chance is 1/3
    assert summary["sine"]["runs"]["0"]["final_mse"] < summary["sine"]["max_mse"] + 1e-12
    assert (tmp_path / "tensor.json").exists()
    for name in ("spiral.png", "broadcast.png", "matmul.png"):
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")


def test_the_command_line_compares_the_runs_with_the_scalar_engines(tmp_path):
    from experiments.sine import main as scalar_main
    scalar_main(["--seeds", "0", "--epochs", "20", "--out", str(tmp_path), "--no-plot",
                 "--quiet"])
    args = ["--out", str(tmp_path), "--epochs", "20", "--spiral-epochs", "5", "--no-plot",
            "--scalar", str(tmp_path / "sine.json")]
    same = main([*args, "--seeds", "0"])["sine"]
    assert same["loss_gap"] < 1e-9 and same["scalar_over_tensor"] > 0
    assert main([*args, "--seeds", "0", "1"])["sine"]["loss_gap"] is None  # no scalar seed 1
# ~/~ end
