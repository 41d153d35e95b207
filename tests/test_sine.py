# ~/~ begin <<docs/06-training.md#tests/test_sine.py>>[init]
"""Tests for chapter 6, training (generated from docs/06-training.md)."""
import json
import math
import statistics

import pytest

from hypothesis import given, strategies as st

from micrograd import MLP, Value, gradcheck
from micrograd.sine import fit, main, sine_data
from micrograd.train import linear_decay, mse, train

small = st.floats(min_value=-3, max_value=3, allow_nan=False)


def test_the_data_is_121_points_of_sin_on_minus_3_to_3():
    xs, ys = sine_data()
    assert len(xs) == 121 and xs[0] == -3.0 and xs[-1] == 3.0 and xs[60] == 0.0
    assert ys == [math.sin(x) for x in xs]


@given(st.lists(st.tuples(small, small), min_size=1, max_size=20))
def test_the_fused_mse_matches_the_loss_spelled_out(pairs):
    predictions, targets = [p for p, _ in pairs], [t for _, t in pairs]
    fused = [Value(p) for p in predictions]
    spelled = [Value(p) for p in predictions]
    loss = mse(fused, targets)
    reference = sum((p - t) * (p - t) for p, t in zip(spelled, targets)) / len(pairs)
    loss.backward()
    reference.backward()
    assert math.isclose(loss.data, reference.data, rel_tol=1e-12, abs_tol=1e-12)
    for a, b in zip(fused, spelled):
        assert math.isclose(a.grad, b.grad, rel_tol=1e-12, abs_tol=1e-12)
    assert gradcheck(lambda *p: mse(p, targets), predictions)


@pytest.mark.parametrize("predictions, targets, error, message", [
    ([Value(1.0)], [0.0, 1.0], ValueError, "as many predictions as targets"),
    ([], [], ValueError, "at least one"),
    ([1.0], [0.0], TypeError, r"Values as predictions, got 1\.0 \(float\) at position 0"),
    ([Value(1.0)] * 2, [0.0, Value(1.0)], TypeError,
     r"plain numbers as targets, got Value\(.*\) \(Value\) at position 1"),
])
def test_mse_says_what_is_wrong_with_its_arguments(predictions, targets, error, message):
    with pytest.raises(error, match=message):
        mse(predictions, targets)


def test_the_learning_rate_decays_linearly_from_start_to_end():
    lr = linear_decay(0.2, 0.0005, 2000)
    assert lr(0) == 0.2 and math.isclose(lr(1999), 0.0005)
    assert math.isclose(lr(1000) - lr(999), lr(1) - lr(0))


def test_a_short_fit_learns_the_sine():
    xs, ys = sine_data()
    zero_loss = statistics.fmean(y * y for y in ys)
    result = fit(seed=0, epochs=300, progress=False)
    assert zero_loss > 0.4
    assert result["final_mse"] < 0.02, result["final_mse"]
    assert result["losses"][-1] < result["losses"][0] / 10


def test_training_is_deterministic_for_a_seed():
    a = fit(seed=3, epochs=20, progress=False)
    b = fit(seed=3, epochs=20, progress=False)
    assert a["losses"] == b["losses"] and a["final_mse"] == b["final_mse"]
    assert fit(seed=4, epochs=20, progress=False)["losses"] != a["losses"]


def test_karpathys_initialisation_diverges_at_this_learning_rate():
    result = fit(seed=0, epochs=50, init="unit", progress=False)
    assert result["diverged_at"] is not None and result["diverged_at"] <= 50
    assert math.isnan(result["final_mse"])


def test_a_diverged_run_is_reported_as_such(tmp_path):
    summary = main(["--init", "unit", "--seeds", "0", "--epochs", "50", "--out",
                    str(tmp_path), "--no-plot", "--quiet"])
    run = summary["runs"]["0"]
    assert run["final_mse"] is None and run["outcome"].startswith("diverged")
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
    assert math.isclose(summary["zero_mse"], statistics.fmean(math.sin(x) ** 2 for x in sine_data()[0]))
    assert set(summary["runs"]) == {"0", "1"}
    png = (tmp_path / "a" / "sine_fit.png").read_bytes()
    assert png.startswith(b"\x89PNG") and png == (tmp_path / "b" / "sine_fit.png").read_bytes()


def test_the_command_line_refuses_zero_epochs(capsys):
    with pytest.raises(SystemExit):
        main(["--epochs", "0"])
    assert "--epochs must be at least 1, got 0" in capsys.readouterr().err


@pytest.mark.slow
def test_the_full_experiment_beats_the_seed_document(tmp_path):
    summary = main(["--seeds", "0", "1", "2", "3", "4", "--out", str(tmp_path),
                    "--no-plot", "--quiet"])
    finals = [run["final_mse"] for run in summary["runs"].values()]
    assert len(finals) == 5 and summary["diverged"] == 0
    assert max(finals) <= 0.0006, finals
    assert statistics.median(finals) <= 0.0003, finals
# ~/~ end
