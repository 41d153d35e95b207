# ~/~ begin <<docs/04-operations.md#tests/book/test_ops.py>>[init]
"""Tests for chapter 4, every operation (generated from docs/04-operations.md)."""
import math

import pytest
from hypothesis import assume, given, strategies as st

from micrograd import Value, gradcheck


def floats(low, high):
    return st.floats(min_value=low, max_value=high, allow_nan=False)


reals = floats(-10, 10)
nonzero = reals.filter(lambda x: abs(x) > 0.1)
positive = floats(0.05, 100)
# ~/~ end
# ~/~ begin <<docs/04-operations.md#tests/book/test_ops.py>>[1]


@given(reals, reals)
def test_neg_and_sub(x, y):
    assert gradcheck(lambda a: -a, [x])
    assert gradcheck(lambda a, b: a - b, [x, y])
    assert (Value(x) - y).data == x - y
# ~/~ end
# ~/~ begin <<docs/04-operations.md#tests/book/test_ops.py>>[2]


@given(reals, nonzero)
def test_div(x, y):
    assert gradcheck(lambda a, b: a / b, [x, y])


def test_division_by_zero_names_the_operands():
    with pytest.raises(ZeroDivisionError, match=r"division by zero: 1\.0 / 0\.0"):
        Value(1.0) / 0
# ~/~ end
# ~/~ begin <<docs/04-operations.md#tests/book/test_ops.py>>[3]


@given(reals, st.integers(-3, 4))
def test_pow_by_an_integer(x, n):
    if n < 1 and abs(x) < 0.1:
        x = 0.5  # x**n with n < 1 is not defined at 0, tested below
    assert gradcheck(lambda a: a ** n, [x])


@given(positive, floats(-2.5, 2.5))
def test_pow_by_a_real_number(x, n):
    assert gradcheck(lambda a: a ** n, [x])


@given(floats(0.1, 10), floats(-3, 3))
def test_pow_of_two_values(x, y):
    assert gradcheck(lambda a, b: a ** b, [x, y])


@given(floats(0.1, 10), floats(-3, 3))
def test_a_constant_to_a_value_power(c, x):
    assert gradcheck(lambda a: c ** a, [x])


def test_power_rejects_what_has_no_real_derivative():
    with pytest.raises(ValueError, match="no real non-integer power"):
        Value(-8.0) ** 0.5
    with pytest.raises(ZeroDivisionError, match="infinite at x = 0"):
        Value(0.0) ** 0.5
    with pytest.raises(ValueError, match="base must be positive"):
        Value(-2.0) ** Value(2.0)
    with pytest.raises(ValueError, match="base must be positive"):
        0 ** Value(2.0)
    z = Value(0.0) ** 0
    z.backward()
    assert z.data == 1.0 and z._prev[0].grad == 0.0
# ~/~ end
# ~/~ begin <<docs/04-operations.md#tests/book/test_ops.py>>[4]


@given(floats(-20, 20))
def test_exp(x):
    assert gradcheck(lambda a: a.exp(), [x])


@given(positive)
def test_log(x):
    assert gradcheck(lambda a: a.log(), [x])


def test_exp_overflow_names_the_operation_and_the_input():
    with pytest.raises(OverflowError, match=r"exp\(1000\.0\) overflows"):
        Value(1000.0).exp()


@pytest.mark.parametrize("x", [0.0, -1.0])
def test_log_of_a_non_positive_number(x):
    with pytest.raises(ValueError, match=f"log needs a positive number, got {x}"):
        Value(x).log()
# ~/~ end
# ~/~ begin <<docs/04-operations.md#tests/book/test_ops.py>>[5]


@given(reals)
def test_tanh_and_sigmoid(x):
    assert gradcheck(lambda a: a.tanh(), [x])
    assert gradcheck(lambda a: a.sigmoid(), [x])


@given(reals.filter(lambda x: abs(x) > 1e-3))
def test_relu_away_from_the_kink(x):
    assert gradcheck(lambda a: a.relu(), [x])


def test_relu_at_zero_passes_no_gradient():
    x = Value(0.0)
    y = x.relu()
    y.backward()
    assert y.data == 0.0 and x.grad == 0.0


@pytest.mark.parametrize("x", [-1000.0, 1000.0])
@pytest.mark.parametrize("op", ["tanh", "sigmoid"])
def test_squashing_functions_stay_finite_far_out(op, x):
    v = Value(x)
    y = getattr(v, op)()
    y.backward()
    assert math.isfinite(y.data) and math.isfinite(v.grad)
    assert abs(y.data) == pytest.approx(1.0) or y.data == 0.0
    assert v.grad == 0.0
# ~/~ end
# ~/~ begin <<docs/04-operations.md#tests/book/test_ops.py>>[6]


@given(reals, nonzero)
def test_reverse_operators(c, x):
    assert gradcheck(lambda a: c + a, [x])
    assert gradcheck(lambda a: c * a, [x])
    assert gradcheck(lambda a: c - a, [x])
    assert gradcheck(lambda a: c / a, [x])
    assert (c - Value(x)).data == c - x and (c / Value(x)).data == c / x


OPERATORS = ["__add__", "__sub__", "__mul__", "__truediv__", "__pow__",
             "__radd__", "__rsub__", "__rmul__", "__rtruediv__", "__rpow__"]


@pytest.mark.parametrize("name", OPERATORS)
@pytest.mark.parametrize("other", ["2", None, [1.0], True])
def test_unsupported_operands_are_left_to_python(name, other):
    assert getattr(Value(2.0), name)(other) is NotImplemented


@given(floats(0.5, 3), floats(-2, 2), floats(-2, 2))
def test_a_composite_expression(x, y, z):
    assume(abs(y + z) > 1e-3)  # keep relu away from its kink
    def f(a, b, c):
        return ((a * b).tanh() + (c - a) ** 2 / a + (b * c).sigmoid() * a.log()
                - (a / 3).exp() + (b + c).relu() * 2)
    assert gradcheck(f, [x, y, z])
# ~/~ end
