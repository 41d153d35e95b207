# ~/~ begin <<docs/01-value.md#tests/book/test_value.py>>[init]
"""Tests for chapter 1, the value and its graph (generated from docs/01-value.md)."""
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from micrograd import Value
from micrograd.engine import Value as EngineValue
from micrograd.graph import ascii_graph

reals = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


def test_both_import_paths_give_the_same_class():
    assert Value is EngineValue


@pytest.mark.parametrize("number", [3, -2.5, Fraction(1, 4), 10**20])
def test_a_value_holds_a_float(number):
    v = Value(number)
    assert type(v.data) is float and v.data == float(number)
    assert v.grad == 0.0 and v._prev == () and v._op == ""


@pytest.mark.parametrize("bad, shown", [
    ("abc", "'abc' (str)"), (None, "None (NoneType)"), ([1], "[1] (list)"),
    (True, "True (bool)"), (1 + 2j, "(1+2j) (complex)"),
])
def test_a_value_refuses_anything_but_a_real_number(bad, shown):
    with pytest.raises(TypeError, match="needs a real number") as caught:
        Value(bad)
    assert shown in str(caught.value)


@given(reals, reals)
def test_add_and_mul_record_parents_and_local_derivatives(x, y):
    a, b = Value(x), Value(y)
    s, p = a + b, a * b
    assert s.data == x + y and s._prev == (a, b) and s._local == (1.0, 1.0)
    assert p.data == x * y and p._prev == (a, b) and p._local == (y, x)
    assert (s._op, p._op) == ("+", "*")


@given(reals, st.integers(-1000, 1000))
def test_a_plain_number_takes_part_as_a_constant_leaf(x, n):
    v = Value(x) * n
    constant = v._prev[1]
    assert v.data == x * n and constant.data == n and constant._prev == ()


@pytest.mark.parametrize("other", ["2", [2], None, {2: 2}])
def test_an_unsupported_operand_is_left_to_python(other):
    assert Value(1.0).__add__(other) is NotImplemented
    assert Value(1.0).__mul__(other) is NotImplemented
    with pytest.raises(TypeError, match="unsupported operand"):
        Value(1.0) + other


def test_ascii_graph_draws_a_shared_node_once():
    a = Value(3.0)
    b = a * a
    text = ascii_graph(b + b)
    assert text.splitlines() == [
        "+ 18", "├── * 9", "│   ├── 3", "│   └── 3 (see above)", "└── * 9 (see above)"]
# ~/~ end
