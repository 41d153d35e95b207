"""The book's graph figures, drawn from graphs the package really builds.

Each function below builds a small graph with `micrograd` (or, for chapter
7, inspects real Python objects) and returns its Graphviz DOT text. `main`
renders them all to SVG with Viz.js (render_dot.mjs, pinned by
package-lock.json) and writes docs/generated/graphs/<name>.svg, ready for
the MkDocs hook tools/mkdocs_hooks/figures.py to inline into the page.

It also writes docs/generated/backward_steps.md, the table of chapter 2's
backward pass by hand. Run by `make graphs` (part of `make`).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from micrograd import Value
from micrograd.engine import topological_order
from micrograd.graph import to_dot

ROOT = Path(__file__).resolve().parents[2]
RENDER = Path(__file__).with_name("render_dot.mjs")

FIGURES: dict[str, Callable[[], str]] = {}


def figure(build: Callable[[], str]) -> Callable[[], str]:
    """Register a figure under its function's name, with hyphens (first_expression is
    first-expression)."""
    FIGURES[build.__name__.replace("_", "-")] = build
    return build


# Chapter 1 -------------------------------------------------------------------

@figure
def first_expression() -> str:
    a, b, c = Value(2.0), Value(3.0), Value(4.0)
    d = a + b
    L = d * c
    return to_dot(L, show_grad=False, names={a: "a", b: "b", c: "c", d: "d", L: "L"})


@figure
def used_twice() -> str:
    a = Value(3.0)
    p = a * a
    L = p + a
    return to_dot(L, show_grad=False, names={a: "a", L: "L"})


# Chapter 2 -------------------------------------------------------------------

def neuron() -> tuple[Value, dict[Value, str]]:
    """A neuron with two inputs and tanh, the example of Karpathy's lecture."""
    x1, x2 = Value(2.0), Value(0.0)
    w1, w2 = Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)  # makes n = 0.8814, where tanh(n) = 1/sqrt(2)
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    s = x1w1 + x2w2
    n = s + b
    o = n.tanh()
    names = {x1: "x1", x2: "x2", w1: "w1", w2: "w2", b: "b", x1w1: "x1w1",
             x2w2: "x2w2", s: "s", n: "n", o: "o"}
    return o, names


def compact(dot: str) -> str:
    """A tall graph drawn with less space between its layers and nodes."""
    tight = 'graph [rankdir="TB", ranksep="0.2", nodesep="0.15",'
    return dot.replace('graph [rankdir="TB",', tight, 1)


@figure
def neuron_forward() -> str:
    o, names = neuron()
    return compact(to_dot(o, rankdir="TB", show_grad=False, names=names))


@figure
def neuron_backward() -> str:
    o, names = neuron()
    o.backward()
    return compact(to_dot(o, rankdir="TB", names=names))


@figure
def used_twice_backward() -> str:
    a = Value(3.0)
    p = a * a
    L = p + a
    L.backward()
    return to_dot(L, names={a: "a", L: "L"})


@figure
def diamond() -> str:
    a = Value(2.0)
    b = a * a
    L = b + b
    return to_dot(L, show_grad=False, names={a: "a", b: "b", L: "L"})


def backward_steps() -> str:
    """Chapter 2's table: the backward pass over the neuron, one edge at a time."""
    o, names = neuron()
    o.backward()
    rows = ["| step | node | its grad | parent | local derivative | adds to the parent's grad |",
            "| ---: | --- | ---: | --- | ---: | ---: |"]
    step = 0
    for node in reversed(topological_order(o)):
        for parent, local in zip(node._prev, node._local):
            step += 1
            rows.append(f"| {step} | `{names[node]}` ({node._op}) | {node.grad:.4g} | "
                        f"`{names[parent]}` | {local:.4g} | "
                        f"{node.grad:.4g} × {local:.4g} = {node.grad * local:.4g} |")
    leaves = [v for v in names if not v._prev]
    final = ", ".join(f"`{names[v]}` {v.grad:.4g}" for v in leaves)
    return "\n".join(rows) + f"\n\nThe leaves end with these gradients: {final}.\n"


# Chapter 5 -------------------------------------------------------------------

@figure
def neuron_plain_and_fused() -> str:
    """Chapter 5's neuron twice, after backward: 2n + 1 small nodes, and one fused node."""
    from micrograd.graph import _attributes, _graph_parts
    from micrograd.nn import neuron as fused_neuron

    def build() -> tuple[list[Value], Value, list[Value]]:
        return [Value(0.5), Value(-1.0)], Value(0.25), [Value(2.0), Value(1.0)]

    w, b, x = build()
    plain = sum((wi * xi for wi, xi in zip(w, x)), b).relu()
    plain.backward()
    names = {w[0]: "w1", w[1]: "w2", b: "b", x[0]: "x1", x[1]: "x2", plain: "z"}
    w2, b2, x2 = build()
    fused = fused_neuron(w2, b2, x2, "relu")
    fused.backward()
    names2 = {w2[0]: "w1", w2[1]: "w2", b2: "b", x2[0]: "x1", x2[1]: "x2", fused: "z"}
    lines = ["digraph {", '  graph [rankdir="LR", bgcolor="transparent", newrank="true"];',
             '  node [fontname="Helvetica", fontsize="11"];',
             '  edge [fontname="Helvetica", fontsize="10"];']
    titles = (("plain", "from the operations: 2n + 1 = 5 operation nodes", plain, names),
              ("fused", "one fused node with 2n + 1 = 5 parents", fused, names2))
    for prefix, title, root, labels in titles:
        _, nodes, edges = _graph_parts(root, names=labels)
        lines.append(f"  subgraph cluster_{prefix} {{")
        lines.append(f'    label="{title}"; fontname="Helvetica"; fontsize="11"; style="dashed";')
        lines += [f"    {prefix}_{name} [{_attributes(attrs)}];" for name, attrs in nodes]
        lines += [f"    {prefix}_{tail} -> {prefix}_{head}"
                  + (f" [{_attributes(attrs)}]" if attrs else "") + ";"
                  for tail, head, attrs in edges]
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


@figure
def mlp_architecture() -> str:
    """MLP(1, [16, 16, 1]) as circles and lines: the layer sizes read from a real network."""
    import random

    from micrograd import MLP

    model = MLP(1, [16, 16, 1], rng=random.Random(0))
    columns = [("input", model.layers[0].nin, "the number x")]
    for k, layer in enumerate(model.layers, start=1):
        n = len(layer.neurons)
        kind = {"relu": "ReLU", None: "linear"}.get(layer.activation, layer.activation)
        role = ": the output y" if k == len(model.layers) else ""
        columns.append((f"layer {k}", n, f"{n} {kind} neuron{'s' if n > 1 else ''}{role}"))
    lines = ["digraph {",
             '  graph [rankdir="LR", bgcolor="transparent", nodesep="0.06", ranksep="1.1", '
             'splines="line"];',
             '  node [shape="circle", label="", width="0.17", fixedsize="true"];',
             '  edge [arrowhead="none", penwidth="0.35"];']
    for c, (name, n, label) in enumerate(columns):
        lines.append(f"  subgraph cluster_{c} {{")
        lines.append(f'    label="{name}\\n{label}"; fontname="Helvetica"; fontsize="11"; '
                     'peripheries="0"; labelloc="b";')
        lines += [f"    c{c}_{i};" for i in range(n)]
        lines.append("  }")
    for c in range(len(columns) - 1):
        lines += [f"  c{c}_{i} -> c{c + 1}_{j};"
                  for i in range(columns[c][1]) for j in range(columns[c + 1][1])]
    lines.append("}")
    return "\n".join(lines) + "\n"


# Chapter 7 -------------------------------------------------------------------

@figure
def closure_cycle() -> str:
    """The objects a closure-based node keeps alive, found by inspecting them."""

    class Node:  # the shape of a node in Karpathy's micrograd
        def __init__(self, data: float, children: tuple = ()) -> None:
            self.data, self.grad = data, 0.0
            self._prev = set(children)
            self._backward: Callable[[], None] = lambda: None

        def __mul__(self, other: Node) -> Node:
            out = Node(self.data * other.data, (self, other))

            def _backward() -> None:
                self.grad += other.data * out.grad
                other.grad += self.data * out.grad
            out._backward = _backward
            return out

    a, b = Node(2.0), Node(3.0)
    out = a * b
    names = {id(a): "a", id(b): "b", id(out): "out"}
    values = {"a": a, "b": b, "out": out}
    function = out._backward
    cells = function.__closure__ or ()
    lines = ["digraph {", '  graph [rankdir="LR", bgcolor="transparent"];',
             '  node [fontname="Helvetica", fontsize="11"];',
             '  edge [fontname="Helvetica", fontsize="10"];']
    for name, node in values.items():
        lines.append(f'  {name} [shape="record", label="{{ node {name} | data {node.data:g} }}"];')
    lines.append(f'  fn [shape="oval", label="function {function.__name__}"];')
    lines.append(f'  closure [shape="box", label="tuple of {len(cells)} cells"];')
    lines.append('  out -> fn [label="._backward"];')
    lines.append('  fn -> closure [label=".__closure__"];')
    for i, (free, cell) in enumerate(zip(function.__code__.co_freevars, cells)):
        target = names[id(cell.cell_contents)]
        lines.append(f'  cell{i} [shape="box", style="rounded", label="cell: {free}"];')
        lines.append(f'  closure -> cell{i} [label="[{i}]"];')
        lines.append(f'  cell{i} -> {target} [label="cell_contents"'
                     + (', style="bold"' if target == "out" else "") + "];")
    lines.append("}")
    return "\n".join(lines) + "\n"


# Rendering -------------------------------------------------------------------

PROLOG = re.compile(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->", re.S)
TITLE = re.compile(r"<title>.*?</title>\n?", re.S)
BACKGROUND = re.compile(r'<polygon fill="(?:white|transparent)" stroke="none"[^>]*/>\n?')


def clean_svg(svg: str) -> str:
    """Graphviz's SVG, ready to inline: no prolog, no tooltips, no background, theme colours.

    Black strokes and fills become `currentColor`, so the page's CSS decides
    the colour in light and dark mode; text gets its colour from CSS too.
    """
    svg = PROLOG.sub("", svg)
    svg = TITLE.sub("", svg)
    svg = BACKGROUND.sub("", svg, count=1)
    svg = svg.replace('stroke="black"', 'stroke="currentColor"')
    svg = svg.replace('fill="black"', 'fill="currentColor"')
    if "http" in svg.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
            'xmlns:xlink="http://www.w3.org/1999/xlink"', ""):
        raise ValueError("an SVG figure refers to something outside the page")
    return "\n".join(line for line in svg.strip().splitlines() if line.strip()) + "\n"


def render(sources: dict[str, str]) -> dict[str, str]:
    """SVG for each DOT source, by Viz.js under Node; fails loudly if it cannot."""
    try:
        run = subprocess.run(["node", str(RENDER)], input=json.dumps(sources),
                             capture_output=True, text=True, cwd=ROOT)
    except FileNotFoundError:
        sys.exit("graphs: `node` is not installed; the book's graphs need Node.js and "
                 "`npm ci` (make does it)")
    if run.returncode != 0:
        sys.exit(f"graphs: rendering with Viz.js failed (run `npm ci`?):\n{run.stderr}")
    return {name: clean_svg(svg) for name, svg in json.loads(run.stdout)["svg"].items()}


def write_if_changed(path: Path, text: str) -> None:
    """Leave an unchanged file alone, so that `mkdocs serve` does not rebuild for nothing."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "generated")
    args = parser.parse_args(argv)
    graphs = args.out / "graphs"
    graphs.mkdir(parents=True, exist_ok=True)
    sources = {name: build() for name, build in FIGURES.items()}
    for name, svg in render(sources).items():
        write_if_changed(graphs / f"{name}.dot", sources[name])
        write_if_changed(graphs / f"{name}.svg", svg)
    write_if_changed(args.out / "backward_steps.md", backward_steps())
    where = graphs.relative_to(ROOT) if graphs.is_relative_to(ROOT) else graphs
    print(f"graphs: {len(sources)} figures in {where}")


if __name__ == "__main__":
    main()
