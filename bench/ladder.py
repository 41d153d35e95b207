"""The engines between the naive one and ours, one change at a time.

Not part of the package. bench/subjects.py pairs these engines with a way
of building a neuron, one change per rung of the ladder:

    ClosureValue    bench/naive.py: a closure per node, recursive sort
    SlotsValue      the same source, with __slots__
    LocalValue      no closures: local derivatives and one loop
    LoopValue       the topological sort as a loop instead of recursion
    LeavesValue     leaves stay out of the topological order

`Network` builds the same MLP on any of them, its neurons either from
binary + and * (`binary_neuron`) or as one fused node each
(`fused_neuron_for`), which may also store nothing for a ReLU that is off.
"""
from __future__ import annotations

from pathlib import Path

import naive
from problem import Weights

# --- closures + __slots__: the naive source with one line added -------------

_SLOTS_LINE = '    __slots__ = ("data", "grad", "_prev", "_op", "_backward")\n'


def _slotted_naive():
    source = Path(naive.__file__).read_text(encoding="utf-8")
    marker = "class Value:\n"
    if source.count(marker) != 1:
        raise RuntimeError(f"{naive.__file__}: expected one '{marker.strip()}' line")
    namespace = {"__name__": "naive_slots"}
    exec(compile(source.replace(marker, marker + _SLOTS_LINE), "naive_slots", "exec"),
         namespace)
    return namespace["Value"]


# --- local derivatives instead of closures ----------------------------------

def _recursive_order(root):
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            for parent in node._prev:
                visit(parent)
            order.append(node)
    visit(root)
    return order


def _loop_order(root):
    order, seen, stack = [], set(), [root]
    while stack:
        node = stack.pop()
        if node is None:  # marker: every parent of the node below is done
            order.append(stack.pop())
        elif node not in seen:
            seen.add(node)
            stack.append(node)
            stack.append(None)
            stack.extend(node._prev)
    return order


def _loop_order_without_leaves(root):
    """_loop_order without the leaves: they only receive, so need no place."""
    order, seen, stack = [], set(), [root]
    while stack:
        node = stack.pop()
        if node is None:
            order.append(stack.pop())
        elif node not in seen:
            seen.add(node)
            stack.append(node)
            stack.append(None)
            for parent in node._prev:
                if parent._prev and parent not in seen:
                    stack.append(parent)
    return order


def _local_engine(order_of):
    class Value:
        """A node that stores d(self)/d(parent) for each parent, no closure."""

        __slots__ = ("data", "grad", "_prev", "_local", "_op")

        def __init__(self, data, _prev=(), _local=(), _op=""):
            self.data = data
            self.grad = 0.0
            self._prev = _prev
            self._local = _local
            self._op = _op

        def __add__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            return Value(self.data + other.data, (self, other), (1.0, 1.0), "+")

        def __mul__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            return Value(self.data * other.data, (self, other),
                         (other.data, self.data), "*")

        def __pow__(self, n):
            return Value(self.data ** n, (self,), (n * self.data ** (n - 1),), f"**{n}")

        def relu(self):
            x = self.data
            return Value(x if x > 0 else 0.0, (self,), (1.0 if x > 0 else 0.0,), "relu")

        def __neg__(self):
            return self * -1.0

        def __sub__(self, other):
            return self + -other

        def __truediv__(self, other):
            return self * (1.0 / other)

        __radd__ = __add__
        __rmul__ = __mul__

        def backward(self):
            order = order_of(self)
            self.grad = 1.0
            for node in reversed(order):
                grad = node.grad
                for parent, local in zip(node._prev, node._local):
                    parent.grad += local * grad

    return Value


# --- the network, for every engine ------------------------------------------

def binary_neuron(w, b, x, relu):
    """b + w1*x1 + w2*x2 + ...: 2n binary nodes, and one more for the ReLU."""
    s = sum((wi * xi for wi, xi in zip(w, x)), b)
    return s.relu() if relu else s


def fused_neuron_for(Value, off_stores_nothing=False):
    def fused_neuron(w, b, x, relu):
        """One node: phi(b + sum w_i x_i), with 2n+1 parents and local derivatives."""
        x = [xi if isinstance(xi, Value) else Value(xi) for xi in x]
        s = b.data
        for wi, xi in zip(w, x):
            s += wi.data * xi.data
        if relu:
            out, slope = (s, 1.0) if s > 0 else (0.0, 0.0)
        else:
            out, slope = s, 1.0
        if slope == 0.0 and off_stores_nothing:  # zip() in backward() passes nothing back
            return Value(out, (*w, *x, b), (), "relu")
        local = [slope * xi.data for xi in x]   # d out / d w_i
        local += [slope * wi.data for wi in w]  # d out / d x_i
        local.append(slope)                     # d out / d b
        return Value(out, (*w, *x, b), tuple(local), "relu" if relu else "linear")
    return fused_neuron


class Network:
    """An MLP over any engine: `Network(Value, weights, neuron)([x])` is a Value."""

    def __init__(self, Value, weights: Weights, neuron=binary_neuron):
        self.layers = [([[Value(w) for w in row] for row in rows], [Value(b) for b in biases])
                       for rows, biases in weights]
        self.neuron = neuron

    def __call__(self, x):
        last = len(self.layers) - 1
        for i, (rows, biases) in enumerate(self.layers):
            x = [self.neuron(w, b, x, i != last) for w, b in zip(rows, biases)]
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for rows, biases in self.layers
                for w, b in zip(rows, biases) for p in (*w, b)]

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0


ClosureValue = naive.Value
SlotsValue = _slotted_naive()
LocalValue = _local_engine(_recursive_order)
LoopValue = _local_engine(_loop_order)
LeavesValue = _local_engine(_loop_order_without_leaves)
