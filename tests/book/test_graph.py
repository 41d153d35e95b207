# ~/~ begin <<docs/01-value.md#tests/book/test_graph.py>>[init]
"""Tests for chapter 1's drawings of a graph (generated from docs/01-value.md)."""
import os
import re
import shutil
import subprocess
import sys

import pytest
from hypothesis import given, strategies as st

from micrograd import Value
from micrograd.graph import ascii_graph, draw_dot, to_dot

reals = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
NODE = re.compile(r'^  (v\d+(?:op)?) \[shape="(record|oval)", label="(.*)"\];$', re.M)
EDGE = re.compile(r'^  (v\d+(?:op)?) -> (v\d+(?:op)?)(?: \[label="(.*)"\])?;$', re.M)

# A graph with sharing at two levels, built the same way in every process.
SHARED_GRAPH = """
from micrograd import Value
from micrograd.graph import to_dot
a, b = Value(2.0), Value(-3.0)
c = a * b
d = (c + a) * (c - b)
L = (d * d + c).tanh() + a
L.backward()
print(to_dot(L), end="")
"""


def shared_graph() -> str:
    namespace: dict = {}
    code = SHARED_GRAPH.replace('print(to_dot(L), end="")', "text = to_dot(L)")
    exec(code, namespace)
    return namespace["text"]


def all_values(root):
    seen, stack = [], [root]
    while stack:
        node = stack.pop()
        if not any(node is s for s in seen):
            seen.append(node)
            stack.extend(node._prev)
    return seen


def test_the_same_graph_gives_the_same_text_in_one_process():
    assert shared_graph() == shared_graph()


def test_the_same_graph_gives_the_same_text_across_processes_and_hash_seeds():
    outputs = set()
    for seed in ("0", "1", "12345", "random"):
        run = subprocess.run([sys.executable, "-c", SHARED_GRAPH], capture_output=True,
                             text=True, env=dict(os.environ, PYTHONHASHSEED=seed), check=True)
        outputs.add(run.stdout)
    assert outputs == {shared_graph()}


@given(reals, reals, reals)
def test_one_box_per_value_one_oval_per_operation_one_arrow_per_parent_link(x, y, z):
    a, b, c = Value(x), Value(y), Value(z)
    L = (a * b + c) * a + b * b
    text = to_dot(L)
    values = all_values(L)
    nodes = NODE.findall(text)
    edges = EDGE.findall(text)
    assert len(nodes) == len(set(name for name, _, _ in nodes))
    assert sum(shape == "record" for _, shape, _ in nodes) == len(values)
    operations = [v for v in values if v._prev]
    assert sum(shape == "oval" for _, shape, _ in nodes) == len(operations)
    assert len(edges) == len(operations) + sum(len(v._prev) for v in operations)


@given(reals, reals)
def test_each_arrow_carries_the_local_derivative_the_node_stores(x, y):
    a, b = Value(x), Value(y)
    p = a * b
    text = to_dot(p)
    labels = {tail: label for tail, head, label in EDGE.findall(text) if head == "v0op"}
    # v1 is a, v2 is b: the walk meets the parents in their stored order.
    assert labels == {"v1": f"{y:.4g}", "v2": f"{x:.4g}"}


def test_a_value_used_twice_is_one_box_with_two_arrows():
    a = Value(3.0)
    text = to_dot(a * a)
    assert len(NODE.findall(text)) == 3  # a, the product, its oval
    assert EDGE.findall(text).count(("v1", "v0op", "3")) == 2


def test_a_relu_that_is_off_shows_local_derivative_zero():
    x = Value(-1.0)
    text = to_dot(x.relu())
    assert ("v1", "v0op", "0") in EDGE.findall(text)


def test_options_hide_grads_and_local_derivatives_and_turn_the_layout():
    a = Value(2.0)
    L = a * a
    L.backward()
    assert "grad 4" in to_dot(L) and "grad" not in to_dot(L, show_grad=False)
    assert all(label == "" for *_, label in EDGE.findall(to_dot(L, show_local=False)))
    assert 'rankdir="TB"' in to_dot(L, rankdir="TB")
    assert 'label="{ data 4 | grad 1 }"' in to_dot(L)  # fields side by side in LR
    assert 'label="data 4 | grad 1"' in to_dot(L, rankdir="TB")  # and in TB


def test_names_are_printed_and_escaped():
    a = Value(1.0)
    text = to_dot(a + 1, names={a: 'w{1}|"x"'})
    assert r'label="{ w\{1\}\|\"x\" | data 1 | grad 0 }"' in text


def test_bad_arguments_are_refused_where_they_are_made():
    with pytest.raises(TypeError, match="the Value it ends in, got float"):
        to_dot(3.0)
    with pytest.raises(ValueError, match="rankdir must be 'LR'.*got 'RL'"):
        to_dot(Value(1.0), rankdir="RL")


def test_a_graph_of_a_hundred_thousand_nodes():
    x = Value(1.0)
    y = x
    for _ in range(50_000):
        y = y + x  # a deep chain: each step a sum and a reuse of x
    text = to_dot(y, show_grad=False)
    assert len(NODE.findall(text)) == 50_001 + 50_000
    assert len(EDGE.findall(text)) == 50_000 * 3


def test_draw_dot_holds_the_same_nodes_and_edges_as_to_dot():
    a, b = Value(2.0), Value(3.0)
    L = (a + b) * a
    L.backward()
    source = draw_dot(L).source
    assert sorted(re.findall(r"^\t(v\d+(?:op)?) \[", source, re.M)) == sorted(
        name for name, _, _ in NODE.findall(to_dot(L)))
    assert len(re.findall(r"->", source)) == len(EDGE.findall(to_dot(L)))


def test_draw_dot_exports_a_png_in_one_call(tmp_path):
    if shutil.which("dot") is None:
        pytest.fail("the Graphviz program `dot` is missing: apt-get install graphviz "
                    "(`make test` installs it)")
    a = Value(2.0)
    out = draw_dot(a * a).render(tmp_path / "graph", format="png")
    with open(out, "rb") as png:
        assert png.read(8) == b"\x89PNG\r\n\x1a\n"


def test_draw_dot_without_the_graphviz_package_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # makes `import graphviz` fail
    with pytest.raises(ImportError, match=r"pip install 'micrograd-book\[viz\]'.*Graphviz"):
        draw_dot(Value(1.0))


def test_ascii_graph_marks_every_node_met_twice_leaves_included():
    a = Value(3.0)
    b = a * a
    assert ascii_graph(b + a).splitlines() == [
        "+ 12", "├── * 9", "│   ├── 3", "│   └── 3 (see above)", "└── 3 (see above)"]
# ~/~ end
