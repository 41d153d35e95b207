"""The chapter's figure: the step time of every subject, on a log scale."""
from __future__ import annotations

from pathlib import Path

from subjects import SUBJECTS
from tables import ms

COLOURS = {"karpathy": "0.55", "python_floor": "C2", "numpy_floor": "C2", "tensor": "C1"}


def figure(result: dict, path: Path) -> None:
    """Bars in the order of bench/subjects.py: Karpathy's, the ladder, the floors."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(result["subjects"])
    labels = [(SUBJECTS[n].rung_label or SUBJECTS[n].label).replace("`", "") for n in names]
    values = [result["subjects"][n]["step_ms"] for n in names]
    colours = [COLOURS.get(n, "C0" if n.startswith("ours") else "C9") for n in names]
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(names) + 1.2), dpi=100)
    fig.patch.set_facecolor("white")
    bars = ax.barh(range(len(names)), values, color=colours)
    ax.set_xscale("log")
    ax.set_yticks(range(len(names)), labels)
    ax.invert_yaxis()
    ax.set_xlabel("one training step of the sine fit (ms, log scale; median)")
    for bar, v in zip(bars, values):
        ax.text(v * 1.08, bar.get_y() + bar.get_height() / 2, ms(v), va="center", fontsize=9)
    ax.set_xlim(min(values) / 2, max(values) * 4)
    ax.grid(True, axis="x", which="major", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
