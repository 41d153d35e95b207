"""The book's plotted figures for chapters 3 and 4, computed with the package.

* finite_differences.png (chapter 3): the error of the forward and central
  differences of f(x) = x^3 at x = 0.7 against the step h, on log-log axes,
  with reference lines of slope 1 and 2.
* activations.png (chapter 4): tanh, ReLU and sigmoid with the derivative
  that `backward()` computes for each.

Run by `make plots` (part of `make`); written into docs/generated/.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from micrograd import Value

ROOT = Path(__file__).resolve().parents[2]
# A white face: the figure reads the same on the light and the dark page.
STYLE = {"figure.facecolor": "white", "axes.facecolor": "white", "savefig.facecolor": "white",
         "font.size": 10, "axes.spines.top": False, "axes.spines.right": False}


def save(fig: plt.Figure, path: Path) -> None:
    fig.savefig(path, dpi=150, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)


def finite_differences(path: Path) -> None:
    x = 0.7
    exact = 3 * x * x
    hs = np.logspace(-1, -14, 261)

    def f(t: float) -> float:
        return t * t * t

    forward = [abs((f(x + h) - f(x)) / h - exact) for h in hs]
    central = [abs((f(x + h) - f(x - h)) / (2 * h) - exact) for h in hs]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.4, 4.0))
        ax.loglog(hs, forward, ".", ms=3, color="tab:orange", label="forward difference")
        ax.loglog(hs, central, ".", ms=3, color="tab:blue", label="central difference")
        ref = np.array([1e-1, 1e-4])
        ax.loglog(ref, 8 * ref, "--", color="tab:orange", lw=1.5, zorder=3,
                  label="slope 1: error ∝ h")
        ax.loglog(ref, 8 * ref ** 2, "--", color="tab:blue", lw=1.5, zorder=3,
                  label="slope 2: error ∝ h²")
        eps = np.finfo(float).eps
        ax.loglog(hs, eps * f(x) / hs, ":", color="grey", lw=1, label="round-off: ε·f(x)/h")
        ax.axvline(eps ** (1 / 3), color="tab:blue", lw=0.6, alpha=0.5)
        ax.text(eps ** (1 / 3) * 0.7, 1e-13, r"$h \approx \varepsilon^{1/3}$", color="tab:blue",
                fontsize=8)
        ax.set_ylim(1e-14, 1)
        ax.set_xlabel("step h")
        ax.set_ylabel("error of the estimate of the derivative")
        ax.set_title("f(x) = x³ at x = 0.7")
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False)
        save(fig, path)


def activations(path: Path) -> None:
    xs = np.linspace(-4, 4, 401)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, 3, figsize=(9.6, 3.0))
        titles = {"tanh": "tanh", "relu": "ReLU", "sigmoid": "sigmoid"}
        for ax, name in zip(axes, titles):
            values, slopes = [], []
            for x in xs:
                v = Value(float(x))
                out = getattr(v, name)()
                out.backward()
                values.append(out.data)
                slopes.append(v.grad)
            ax.plot(xs, values, color="tab:blue", label="the function")
            ax.plot(xs, slopes, color="tab:orange", ls="--", label="derivative, from backward()")
            ax.axhline(0, color="grey", lw=0.5)
            ax.axvline(0, color="grey", lw=0.5)
            ax.set_title(f"{titles[name]}(x)")
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, ["the function", "its derivative, from backward()"],
                   loc="upper center", ncol=2, frameon=False, bbox_to_anchor=(0.5, -0.02))
        save(fig, path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "generated")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    finite_differences(args.out / "finite_differences.png")
    activations(args.out / "activations.png")
    print(f"plots: finite_differences.png and activations.png in {args.out}")


if __name__ == "__main__":
    main()
