"""The figures of chapters 5 and 6 that the experiment script does not draw.

    .venv/bin/python tools/figures/learning.py --out docs/generated

init_rms.png         chapter 5: the RMS of each layer's outputs, 20 seeds, both
                     initialisations, with the variance argument's prediction
lr_schedule.png      chapter 6: the learning rate of every epoch
loss_valley.png      chapter 6: gradient steps down a valley of one weight,
                     large, small and decaying
training_losses.png  chapter 6: the loss of every run in sine.json and
                     sine_unit.json (written by `python -m micrograd.sine`)

Each figure is cheap (a few seconds in all), has a white face so that it
reads on a dark page too, and carries no timestamp, so the same inputs give
the same bytes. See docs/appendix-experiment.md.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import statistics
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from micrograd import MLP, Value
from micrograd.sine import EPOCHS, LR_END, LR_START, SIZES
from micrograd.sine import generate_data
from micrograd.train import linear_decay

SEEDS = range(20)
INITS = {"unit": ("Karpathy's, [-1, 1]", "C3"), "fan-in": ("fan-in, [-1/√n, 1/√n]", "C0")}


def save(fig, path: Path) -> None:
    fig.patch.set_facecolor("white")
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None}, facecolor="white")
    plt.close(fig)


def rms_per_layer(model: MLP, xs: list[float]) -> list[float]:
    """The root-mean-square of each layer's outputs over all of xs (as in chapter 5)."""
    rms, batch = [], [[x] for x in xs]
    for layer in model.layers:
        batch = layer.batch(batch)
        rms.append(math.sqrt(statistics.fmean(v.data ** 2 for out in batch for v in out)))
    return rms


def predicted_rms(init: str, xs: list[float]) -> list[float]:
    """What the variance argument predicts: each layer multiplies the mean square
    by n a^2 / 3, and a ReLU halves it."""
    mean_square = statistics.fmean(x * x for x in xs)
    fan_ins = [1, *SIZES[:-1]]  # each layer's number of inputs
    out = []
    for k, nin in enumerate(fan_ins):
        a = 1.0 if init == "unit" else 1.0 / math.sqrt(nin)
        mean_square *= nin * a * a / 3
        if k < len(SIZES) - 1:  # hidden layers: ReLU
            mean_square /= 2
        out.append(math.sqrt(mean_square))
    return out


def init_rms(path: Path) -> None:
    xs, _ = generate_data()
    layers = range(1, len(SIZES) + 1)
    fig, ax = plt.subplots(figsize=(9, 4), dpi=100)
    for offset, (init, (label, color)) in zip((-0.12, 0.12), INITS.items()):
        runs = [rms_per_layer(MLP(1, SIZES, init=init, rng=random.Random(s)), xs) for s in SEEDS]
        for k in layers:
            values = [r[k - 1] for r in runs]
            ax.scatter([k + offset] * len(values), values, s=12, color=color, alpha=0.45,
                       label=f"{label}: one seed" if k == 1 else None)
            ax.plot([k + offset - 0.08, k + offset + 0.08], [statistics.median(values)] * 2,
                    color=color, linewidth=2.5, label=f"{label}: median" if k == 1 else None)
        ax.plot([k + offset for k in layers], predicted_rms(init, xs), "x--", color=color,
                markersize=9, linewidth=1, label=f"{label}: predicted")
    ax.set_yscale("log")
    ax.set_xticks(list(layers), ["layer 1 (ReLU)", "layer 2 (ReLU)", "layer 3 (linear)"])
    ax.set(ylabel="RMS of the layer's outputs",
           title="MLP(1, [16, 16, 1]) before training, 20 seeds")
    ax.grid(True, axis="y", which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))  # beside the dots
    save(fig, path)


def lr_schedule(path: Path, start: float = LR_START, end: float = LR_END,
                epochs: int = EPOCHS) -> None:
    rate = linear_decay(start, end, epochs)
    fig, ax = plt.subplots(figsize=(6, 3), dpi=100)
    ax.plot(range(epochs), [rate(e) for e in range(epochs)], color="C0", linewidth=2)
    ax.set(xlabel="epoch", ylabel="learning rate",
           title=f"linear_decay({start}, {end}, {epochs})")
    ax.grid(True, alpha=0.3)
    save(fig, path)


def valley_path(start: float, rates: list[float]) -> list[float]:
    """Gradient descent on L(w) = sqrt(1 + w^2) - 1, the gradient from backward()."""
    path = [start]
    for rate in rates:
        w = Value(path[-1])
        loss = (1 + w * w) ** 0.5 - 1
        loss.backward()
        path.append(w.data - rate * w.grad)
    return path


def loss_valley(path: Path, start: float = 4.0, steps: int = 12) -> None:
    """The same valley three times: steps too large, too small, and decaying."""
    runs = [("large steps, η = 2.5", [2.5] * steps),
            ("small steps, η = 0.3", [0.3] * steps),
            ("decaying, η from 2.5 to 0.1",
             [linear_decay(2.5, 0.1, steps)(e) for e in range(steps)])]
    grid = [-4.5 + 9 * i / 400 for i in range(401)]
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), dpi=100, sharey=True)
    for ax, (title, rates) in zip(axes, runs):
        ws = valley_path(start, rates)
        ls = [math.sqrt(1 + w * w) - 1 for w in ws]
        ax.plot(grid, [math.sqrt(1 + w * w) - 1 for w in grid], color="0.6", linewidth=1.5)
        for (w0, l0), (w1, l1) in zip(zip(ws, ls), zip(ws[1:], ls[1:])):
            ax.annotate("", xy=(w1, l1), xytext=(w0, l0),
                        arrowprops={"arrowstyle": "->", "color": "C0", "linewidth": 1})
        ax.plot(ws, ls, "o", color="C0", markersize=4)
        ax.plot([ws[-1]], [ls[-1]], "o", color="C3", markersize=7,
                label=f"after {steps} steps: w = {ws[-1]:.2f}")
        ax.set(title=title, xlabel="weight w")
        ax.legend(fontsize=8, loc="upper center")
    axes[0].set_ylabel("loss  L(w) = √(1 + w²) − 1")
    save(fig, path)


def training_losses(fan_in: Path, unit: Path, path: Path) -> None:
    panels = [(json.loads(fan_in.read_text()), "fan-in initialisation"),
              (json.loads(unit.read_text()), "Karpathy's initialisation")]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), dpi=100)
    for ax, (summary, title) in zip(axes, panels):
        for i, (seed, run) in enumerate(summary["runs"].items()):
            shown = [x for x in run["losses"] if x is not None]
            color = f"C{i}"
            ax.semilogy(range(1, len(shown) + 1), shown, linewidth=1.5, color=color,
                        label=f"seed {seed}: {run['outcome'].split(':')[0]}")
            if run["diverged_at"] is not None:  # the next loss overflowed to infinity
                ax.semilogy([run["diverged_at"]], [shown[-1]], "x", color=color, markersize=10,
                            markeredgewidth=2, label=f"seed {seed}: the loss overflows")
        ax.axhline(summary["zero_mse"], color="0.5", linestyle=":", linewidth=1,
                   label="loss of predicting 0")
        ax.set(xlabel="epoch", ylabel="mean squared error", title=title)
        top = max(run["max_loss"] for run in summary["runs"].values())
        if top > 1e10:  # losses near overflow: ticks every 50 decades, up to 1e300
            ax.set_ylim(1e-2, 1e300)
            ax.set_yticks([10.0 ** k for k in range(0, 301, 50)])
            ax.minorticks_off()
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=8, loc="upper right")
    save(fig, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/generated"))
    parser.add_argument("figures", nargs="*",
                        default=["init_rms", "lr_schedule", "loss_valley", "training_losses"])
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.figures:
        if name == "init_rms":
            init_rms(args.out / "init_rms.png")
        elif name == "lr_schedule":
            lr_schedule(args.out / "lr_schedule.png")
        elif name == "loss_valley":
            loss_valley(args.out / "loss_valley.png")
        elif name == "training_losses":
            training_losses(args.out / "sine.json", args.out / "sine_unit.json",
                            args.out / "training_losses.png")
        else:
            raise SystemExit(f"figures.py: unknown figure {name!r}; expected init_rms, "
                             "lr_schedule, loss_valley or training_losses")


if __name__ == "__main__":
    main()
