# ~/~ begin <<docs/02-backward.md#tests/book/test_backward.py>>[init]
"""Tests for chapter 2, backward (generated from docs/02-backward.md)."""
import math
import sys

from hypothesis import given, strategies as st

from micrograd import Value
from micrograd.engine import topological_order

reals = st.floats(min_value=-100, max_value=100, allow_nan=False)


@given(reals, reals, reals)
def test_backward_through_add_and_mul(x, y, z):
    a, b, c = Value(x), Value(y), Value(z)
    L = (a + b) * c
    L.backward()
    assert (a.grad, b.grad, c.grad) == (z, z, x + y)
    assert L.grad == 1.0


@given(reals)
def test_a_reused_value_collects_from_every_path(x):
    a = Value(x)
    b = a * a
    L = b + b  # 2 x**2
    L.backward()
    assert math.isclose(a.grad, 4 * x, rel_tol=1e-12, abs_tol=1e-12)


def test_topological_order_puts_every_node_after_its_parents():
    a, b = Value(1.0), Value(2.0)
    shared = a * b
    L = (shared + a) * (shared + b) + shared
    order = topological_order(L)
    position = {node: i for i, node in enumerate(order)}
    assert len(order) == len(position) == 5  # every node but the two leaves
    for node in order:
        assert all(position[p] < position[node] for p in node._prev if p._prev)
    assert order[-1] is L
    assert topological_order(a) == [a]


@given(reals)
def test_a_second_backward_accumulates_leaves_and_recomputes_the_rest(x):
    v = Value(x)
    y = v * v
    L = y + y
    L.backward()
    L.backward()
    assert math.isclose(v.grad, 2 * (4 * x), rel_tol=1e-12, abs_tol=1e-12)
    assert y.grad == 2.0 and L.grad == 1.0


@given(reals, reals)
def test_backward_on_two_outputs_that_share_a_graph(x, w):
    # L1 = (x*w)*3 and L2 = (x*w) + x share the node x*w.
    xv, wv = Value(x), Value(w)
    shared = xv * wv
    L1 = shared * 3
    L2 = shared + xv
    L1.backward()
    L2.backward()
    # leaves hold dL1 + dL2; the shared node holds dL2/dshared only
    assert math.isclose(xv.grad, 3 * w + (w + 1), rel_tol=1e-12, abs_tol=1e-12)
    assert math.isclose(wv.grad, 3 * x + x, rel_tol=1e-12, abs_tol=1e-12)
    assert shared.grad == 1.0


def test_backward_on_a_leaf_accumulates_one():
    v = Value(5.0)
    v.backward()
    v.backward()
    assert v.grad == 2.0


def test_backward_through_a_chain_of_a_million_nodes():
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0  # each step: one product node and one constant leaf
    y.backward()
    assert x.grad == 1.0
    assert len(topological_order(y)) == 1_000_000  # the products; leaves stay out


def test_backward_through_python_sum_of_a_hundred_thousand_values():
    xs = [Value(float(i)) for i in range(100_000)]
    total = sum(x * x for x in xs)  # sum() starts from 0, one + per term
    total.backward()
    assert all(x.grad == 2 * x.data for x in xs)
    assert sys.getrecursionlimit() < 100_000  # the depth really exceeds it
# ~/~ end
