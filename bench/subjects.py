"""The subjects of the benchmark: every engine and floor it measures, in one registry.

Each subject is a small class: its name (a key of bench.json), its label (in
every table and the figure), which measurements it takes part in, and how to
run one training step of bench/problem.py. `SUBJECTS` lists them in the
order of the figure: Karpathy's engine, the ladder from the naive engine to
ours, then the floors and the tensor engine. Everything else in bench/
reads this list.

This module imports only the standard library and bench/ at the top: each
engine is imported when its subject is created, inside its worker process
(bench/worker.py), and Karpathy's from his own environment.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import floors
import ladder
import problem

REPO = Path(__file__).resolve().parents[1]


def check_imported_from(module, folder: Path) -> None:
    """Stop unless `module` was loaded from a file under `folder`: the engine we mean."""
    path = Path(module.__file__).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise SystemExit(f"bench: {module.__name__} was imported from {path}, "
                         f"expected a file under {folder}")


def set_weights(model, weights: problem.Weights):
    """Start `model` from the weights every subject shares; returns the model."""
    params, flat = model.parameters(), problem.flatten(weights)
    if len(params) != len(flat):
        raise SystemExit(f"bench: the model has {len(params)} parameters, expected {len(flat)}")
    for p, w in zip(params, flat):
        p.data = w
    return model


class Subject:
    """One way to compute the sine-fit step. Subclasses set the class attributes."""

    name = ""
    label = ""
    karpathy_env = False  # runs in Karpathy's environment (import name `micrograd` too)
    main = False  # a row of the step table and a target's subject
    rung = False  # a row of the ladder, in registry order
    rung_label = ""  # its label in the ladder, when not `label`
    graph = False  # builds a graph of Values: graph size, collector, memory
    closure_cycles = False  # every node is in a reference cycle: also timed with the GC off
    recursive_sort = False  # backward() recurses once per node of a chain
    profiled = False
    chain_label = ""  # runs the chain benchmark, under this label ("" = no)
    chain_once = False  # too slow to repeat the chain

    def __init__(self, weights: problem.Weights) -> None:
        raise NotImplementedError

    def step(self) -> tuple[float, float, float]:
        """(forward, backward, free) seconds: build the loss, backward, drop the graph."""
        raise NotImplementedError

    def loss_and_gradient(self) -> tuple[float, list[float]]:
        """The loss and its gradient, in the order of the scalar engine's parameters()."""
        raise NotImplementedError


# --- engines that build a graph of Values ----------------------------------------------


class GraphSubject(Subject):
    graph = True
    Value: type  # the engine's node class
    model = None

    def loss(self):
        """The loss, one sample at a time, as a user of any engine writes it."""
        return problem.sine_loss(self.model)

    def step(self) -> tuple[float, float, float]:
        clock = time.perf_counter
        t0 = clock()
        loss = self.loss()
        t1 = clock()
        self.model.zero_grad()
        loss.backward()
        t2 = clock()
        del loss
        return t1 - t0, t2 - t1, clock() - t2

    def loss_and_gradient(self) -> tuple[float, list[float]]:
        loss = self.loss()
        self.model.zero_grad()
        loss.backward()
        return loss.data, [float(p.grad) for p in self.model.parameters()]


class Karpathy(GraphSubject):
    name, label = "karpathy", "Karpathy's micrograd 0.1.0"
    karpathy_env = main = closure_cycles = recursive_sort = profiled = chain_once = True
    chain_label = label

    def __init__(self, weights: problem.Weights) -> None:
        import micrograd  # Karpathy's: its environment's interpreter runs this worker
        from micrograd.engine import Value
        from micrograd.nn import MLP
        check_imported_from(micrograd, Path(sys.prefix))
        self.Value = Value
        self.model = set_weights(MLP(problem.SIZES[0], list(problem.SIZES[1:])), weights)


class Rung(GraphSubject):
    """An engine of bench/ladder.py, with the neuron its rung builds."""

    rung = True
    neuron = staticmethod(ladder.binary_neuron)

    def __init__(self, weights: problem.Weights) -> None:
        self.model = ladder.Network(self.Value, weights, self.neuron)


class Closures(Rung):
    name, label = "closures", "closures (the naive listing)"
    Value = ladder.ClosureValue
    closure_cycles = recursive_sort = profiled = True


class Slots(Rung):
    name, label = "slots", "+ `__slots__`"
    Value = ladder.SlotsValue
    closure_cycles = recursive_sort = True


class Local(Rung):
    name, label = "local", "+ local derivatives, no closures"
    Value = ladder.LocalValue
    recursive_sort = True


class Loop(Rung):
    name, label = "loop", "+ sort as a loop"
    Value = ladder.LoopValue
    chain_label = "the ladder's loop engine (no input checks, no reset pass)"


class Fused(Rung):
    name, label = "fused", "+ fused neuron node"
    Value = ladder.LoopValue
    neuron = staticmethod(ladder.fused_neuron_for(ladder.LoopValue))


class Leaves(Rung):
    name, label = "leaves", "+ leaves stay out of the sort"
    Value = ladder.LeavesValue
    neuron = staticmethod(ladder.fused_neuron_for(ladder.LeavesValue))
    chain_label = "the same, leaves out of the sort"


class Zeros(Rung):
    name, label = "zeros", "+ off ReLUs pass nothing back"
    Value = ladder.LeavesValue
    neuron = staticmethod(ladder.fused_neuron_for(ladder.LeavesValue, off_stores_nothing=True))


class OursPlain(GraphSubject):
    """The package's network as chapter 5 builds it: each layer neuron by neuron,
    every local derivative stored; the loss written one sample at a time."""

    name, label = "ours_plain", "our engine as chapters 5-6 leave it"
    rung = True

    def __init__(self, weights: problem.Weights) -> None:
        if str(REPO) not in sys.path:
            sys.path.insert(0, str(REPO))
        import micrograd
        check_imported_from(micrograd, REPO / "micrograd")
        from micrograd.nn import _as_inputs
        self.Value, self.as_inputs = micrograd.Value, _as_inputs
        self.model = set_weights(micrograd.MLP(problem.SIZES[0], list(problem.SIZES[1:]),
                                               activation="relu"), weights)

    def network(self, x):
        """What MLP.__call__ does, with every layer run neuron by neuron."""
        out = self.as_inputs(x, problem.SIZES[0])
        for layer in self.model.layers:
            out = layer._neuron_by_neuron(out)
        return out[0]

    def loss(self):
        return problem.sine_loss(self.network)


class OursPerSample(OursPlain):
    """The package as a user calls it in their own loop: the loss written one sample
    at a time, each layer run by the one-sample kernel."""

    name, label = "ours_per_sample", "our engine, one sample at a time"
    rung_label = "+ the kernel, one sample at a time"
    main = True

    def loss(self):
        return problem.sine_loss(self.model)


class OursBatch(OursPlain):
    name, label = "ours_batch", "+ `model.batch`: weights read once per batch"

    def loss(self):
        return problem.batch_loss(self.model)


class Ours(OursPlain):
    """The package as chapter 7 leaves it, trained as chapter 6 trains: the loss is one node."""

    name, label = "ours", "our engine"
    rung_label = "+ the loss as one node: our engine"
    main = profiled = True
    chain_label = label

    def loss(self):
        from micrograd.train import mse
        return mse(self.model.batch(problem.BATCH), problem.YS)

    def fit(self, epochs: int) -> float:
        """Seconds of the full training run, as the lab's sine experiment runs it."""
        from experiments.sine import fit
        return fit(problem.SEED, epochs=epochs, progress=False)["wall_time_s"]


# --- no graph: the floors, and the tensor engine ------------------------------------------


class Floor(Subject):
    """The step with hand-derived gradients (bench/floors.py): no graph at all."""

    main = True

    def loss_and_gradient(self) -> tuple[float, list[float]]:
        loss, tape = self.forward()
        return loss, problem.flatten(self.backward(tape))

    def step(self) -> tuple[float, float, float]:
        clock = time.perf_counter
        t0 = clock()
        _, tape = self.forward()
        t1 = clock()
        grads = self.backward(tape)
        t2 = clock()
        del tape, grads
        return t1 - t0, t2 - t1, clock() - t2


class PythonFloor(Floor):
    name, label = "python_floor", "pure-Python floor"

    def __init__(self, weights: problem.Weights) -> None:
        self.weights = weights

    def forward(self):
        return floors.python_forward(self.weights, problem.XS, problem.YS)

    def backward(self, tape):
        return floors.python_backward(self.weights, tape)


class NumpyFloor(Floor):
    name, label = "numpy_floor", "NumPy floor"

    def __init__(self, weights: problem.Weights) -> None:
        import numpy as np
        self.arrays = floors.numpy_arrays(weights)
        self.X = np.array(problem.XS).reshape(-1, 1)
        self.Y = np.array(problem.YS).reshape(-1, 1)

    def forward(self):
        return floors.numpy_forward(self.arrays, self.X, self.Y)

    def backward(self, tape):
        return floors.numpy_backward(self.arrays, tape)

    def loss_and_gradient(self) -> tuple[float, list[float]]:
        loss, tape = self.forward()
        grads = self.backward(tape)
        return loss, problem.flatten([(dW.tolist(), db.tolist()) for dW, db in grads])


class Tensor(GraphSubject):
    """Chapter 9's tensor MLP on the same weights; the loss as its users write it."""

    name, label = "tensor", "our tensor engine (chapter 9)"
    main = True
    graph = False  # a graph of a few arrays, not of Values

    def __init__(self, weights: problem.Weights) -> None:
        import numpy as np
        if str(REPO) not in sys.path:
            sys.path.insert(0, str(REPO))
        import micrograd.tensor
        check_imported_from(micrograd.tensor, REPO / "micrograd")
        self.model = micrograd.tensor.MLP(problem.SIZES[0], list(problem.SIZES[1:]))
        for layer, (rows, biases) in zip(self.model.layers, weights):
            layer.w.data = np.array(rows, dtype=float).T.copy()  # w is (nin, nout)
            layer.b.data = np.array(biases, dtype=float)
        self.X = np.array(problem.XS).reshape(-1, 1)
        self.Y = np.array(problem.YS).reshape(-1, 1)

    def loss(self):
        return ((self.model(self.X) - self.Y) ** 2).mean()

    def loss_and_gradient(self) -> tuple[float, list[float]]:
        loss = self.loss()
        self.model.zero_grad()
        loss.backward()
        grads = [(layer.w.grad.T.tolist(), layer.b.grad.tolist()) for layer in self.model.layers]
        return float(loss.data), problem.flatten(grads)

    def fit(self, epochs: int) -> float:
        """Seconds of chapter 9's full training run on tensors."""
        from experiments.tensor import fit_sine
        return fit_sine(problem.SEED, epochs=epochs)["wall_time_s"]


SUBJECTS: dict[str, type[Subject]] = {s.name: s for s in (
    Karpathy, Closures, Slots, Local, Loop, Fused, Leaves, Zeros, OursPlain, OursPerSample,
    OursBatch, Ours, PythonFloor, NumpyFloor, Tensor)}
