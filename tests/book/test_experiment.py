# ~/~ begin <<docs/appendix-lab.md#tests/book/test_experiment.py>>[init]
"""Tests for the sine experiment (generated from docs/appendix-lab.md)."""
import json
import math
import random
import statistics

import pytest

from experiments.sine import fit, main, outcome
from micrograd import MLP
from micrograd.sine import generate_data, plot_results


def test_fit_is_deterministic_for_a_seed():
    a = fit(seed=3, epochs=20, progress=False)
    b = fit(seed=3, epochs=20, progress=False)
    assert a["losses"] == b["losses"] and a["final_mse"] == b["final_mse"]
    assert fit(seed=4, epochs=20, progress=False)["losses"] != a["losses"]


def test_karpathys_initialisation_diverges_in_fit():
    result = fit(seed=0, epochs=50, init="unit", progress=False)
    assert result["diverged_at"] is not None and result["diverged_at"] <= 50
    assert math.isnan(result["final_mse"]) and outcome(result).startswith("diverged")


def test_a_stuck_network_is_reported_as_such():
    run = {"diverged_at": None, "stuck_at": 0.0123, "final_mse": 0.52}
    assert outcome(run) == "stuck: the same output, 0.0123, for every x; final MSE 0.520000"


def test_a_diverged_run_is_reported_as_such(tmp_path):
    summary = main(["--init", "unit", "--seeds", "0", "--epochs", "50", "--out",
                    str(tmp_path), "--no-plot", "--quiet"])
    run = summary["runs"]["0"]
    assert run["final_mse"] is None and run["outcome"].startswith("diverged")
    assert run["losses"][-1] is None and len(run["losses"]) == run["diverged_at"]
    assert summary["diverged"] == 1 and summary["median_mse"] is None

    def refuse(constant):
        raise AssertionError(f"{constant} in sine.json: not strict JSON")
    json.loads((tmp_path / "sine.json").read_text(), parse_constant=refuse)


def test_the_command_line_writes_results_and_a_repeatable_figure(tmp_path):
    for out in ("a", "b"):
        main(["--seeds", "0", "1", "--epochs", "3", "--out", str(tmp_path / out),
              "--jobs", "1", "--quiet"])
    summary = json.loads((tmp_path / "a" / "sine.json").read_text())
    assert summary["seeds"] == [0, 1] and summary["experiment"]["epochs"] == 3
    assert math.isclose(summary["zero_mse"],
                        statistics.fmean(math.sin(x) ** 2 for x in generate_data()[0]))
    assert set(summary["runs"]) == {"0", "1"}
    assert all(len(run["losses"]) == 3 for run in summary["runs"].values())
    png = (tmp_path / "a" / "sine_fit.png").read_bytes()
    assert png.startswith(b"\x89PNG") and png == (tmp_path / "b" / "sine_fit.png").read_bytes()


def test_plot_results_saves_a_repeatable_figure(tmp_path):
    xs, ys = generate_data()
    model = MLP(1, [4, 1], rng=random.Random(0))
    plot_results(model, xs, ys, tmp_path / "a.png")
    plot_results(model, xs, ys, tmp_path / "b.png")
    png = (tmp_path / "a.png").read_bytes()
    assert png.startswith(b"\x89PNG") and png == (tmp_path / "b.png").read_bytes()


def test_the_command_line_refuses_zero_epochs(capsys):
    with pytest.raises(SystemExit):
        main(["--epochs", "0"])
    assert "--epochs must be at least 1, got 0" in capsys.readouterr().err
# ~/~ end
