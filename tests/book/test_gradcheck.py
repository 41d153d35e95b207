# ~/~ begin <<docs/03-gradcheck.md#tests/book/test_gradcheck.py>>[init]
"""Tests for chapter 3, checking gradients (generated from docs/03-gradcheck.md)."""
import math

import pytest
from hypothesis import given, strategies as st

from micrograd import Value, gradcheck
from micrograd.gradcheck import GradcheckError, numerical_gradient, step_size

reals = st.floats(min_value=-100, max_value=100, allow_nan=False)


@given(reals, reals, reals)
def test_add_and_mul_pass_gradcheck(x, y, z):
    assert gradcheck(lambda a, b, c: (a + b) * c + a * a, [x, y, z])


@given(reals)
def test_central_differences_are_accurate_for_a_cubic(x):
    # x*x*x: the error is h**2 (f''' = 6 gives h**2/6 * 6) plus round-off
    (estimate,) = numerical_gradient(lambda v: v * v * v, [x])
    h = step_size(x)
    assert abs(estimate - 3 * x * x) <= 2 * h * h + 1e-9 * max(1.0, x * x)


def wrong_square(x):
    return Value(x.data * x.data, (x,), (x.data,), "wrong-square")


def wrong_sign(a, b):
    return Value(a.data - b.data, (a, b), (1.0, 1.0), "wrong-minus")


@given(st.floats(min_value=0.1, max_value=100))
def test_gradcheck_catches_a_wrong_factor(x):
    with pytest.raises(GradcheckError, match="input 0"):
        gradcheck(wrong_square, [x])


@given(reals, reals)
def test_gradcheck_catches_a_wrong_sign_and_names_the_input(x, y):
    with pytest.raises(GradcheckError) as caught:
        gradcheck(wrong_sign, [x, y])
    assert "input 1" in str(caught.value) and "input 0" not in str(caught.value)


def test_gradcheck_needs_a_function_returning_a_value():
    with pytest.raises(TypeError, match="must return a Value, got float"):
        gradcheck(lambda a: a.data, [1.0])


def test_step_size_scales_with_x():
    assert step_size(0.5) == step_size(1.0)
    assert math.isclose(step_size(1e4), 1e4 * step_size(1.0))
# ~/~ end
