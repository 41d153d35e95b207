# ~/~ begin <<docs/06-training.md#tests/book/test_sine.py>>[init]
"""Tests for chapter 6, training (generated from docs/06-training.md)."""
import math
import random
import re
import statistics
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from experiments.claims import REFERENCE_MSE
from micrograd import MLP, Value, gradcheck
from micrograd.sine import generate_data
from micrograd.train import linear_decay, mse, train

small = st.floats(min_value=-3, max_value=3, allow_nan=False)
CHAPTER = Path(__file__).resolve().parents[2] / "docs" / "06-training.md"


def test_the_data_is_121_points_of_sin_on_minus_3_to_3():
    xs, ys = generate_data()
    assert len(xs) == 121 and xs[0] == -3.0 and xs[-1] == 3.0 and xs[60] == 0.0
    assert ys == [math.sin(x) for x in xs]


@given(st.lists(st.tuples(small, small), min_size=1, max_size=20))
def test_the_gradient_of_mse_is_2_over_n_times_the_error(pairs):
    predictions, targets = [p for p, _ in pairs], [t for _, t in pairs]
    values = [Value(p) for p in predictions]
    loss = mse(values, targets)
    loss.backward()
    n = len(pairs)
    assert math.isclose(loss.data, sum((p - t) ** 2 for p, t in pairs) / n,
                        rel_tol=1e-12, abs_tol=1e-12)
    for v, (p, t) in zip(values, pairs):
        assert math.isclose(v.grad, 2 * (p - t) / n, rel_tol=1e-9, abs_tol=1e-12)
    assert gradcheck(lambda *p: mse(p, targets), predictions)


BAD_MSE_ARGUMENTS = [
    ([Value(1.0)], [0.0, 1.0], ValueError, "as many predictions as targets"),
    ([], [], ValueError, "at least one"),
    ([1.0], [0.0], TypeError, r"Values as predictions, got 1\.0 \(float\) at position 0"),
    ([Value(1.0)] * 2, [0.0, Value(1.0)], TypeError,
     r"plain numbers as targets, got Value\(.*\) \(Value\) at position 1"),
]


@pytest.mark.parametrize("predictions, targets, error, message", BAD_MSE_ARGUMENTS)
def test_mse_says_what_is_wrong_with_its_arguments(predictions, targets, error, message):
    with pytest.raises(error, match=message):
        mse(predictions, targets)


def test_the_learning_rate_decays_linearly_from_start_to_end():
    lr = linear_decay(0.2, 0.0005, 2000)
    assert lr(0) == 0.2 and math.isclose(lr(1999), 0.0005)
    assert math.isclose(lr(1000) - lr(999), lr(1) - lr(0))
    with pytest.raises(ValueError, match="epochs must be at least 1, got 0"):
        linear_decay(0.2, 0.0005, 0)


def train_for(epochs, seed=0, init="fan-in"):
    xs, ys = generate_data()
    model = MLP(1, [16, 16, 1], init=init, rng=random.Random(seed))
    losses = train(model, xs, ys, epochs=epochs, lr_start=0.2, lr_end=0.0005)
    return model, losses


def test_a_short_fit_learns_the_sine():
    xs, ys = generate_data()
    zero_loss = statistics.fmean(y * y for y in ys)
    model, losses = train_for(300)
    final = mse(model.batch(xs), ys).data
    assert zero_loss > 0.4
    assert final < 0.02, final
    assert losses[-1] < losses[0] / 10


def test_training_is_deterministic_for_a_seed():
    assert train_for(20, seed=3)[1] == train_for(20, seed=3)[1]
    assert train_for(20, seed=4)[1] != train_for(20, seed=3)[1]


def test_karpathys_initialisation_diverges_at_this_learning_rate():
    _, losses = train_for(50, seed=0, init="unit")
    assert len(losses) < 50 and not math.isfinite(losses[-1])


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_karpathys_initialisation_trains_at_a_quarter_of_the_learning_rate(seed):
    xs, ys = generate_data()
    model = MLP(1, [16, 16, 1], init="unit", rng=random.Random(seed))
    train(model, xs, ys, epochs=500, lr_start=0.05, lr_end=0.000125)
    zero_loss = statistics.fmean(y * y for y in ys)
    assert mse(model.batch(xs), ys).data < zero_loss / 10


def test_train_prints_the_loss_when_asked(capsys):
    model = MLP(1, [2, 1], rng=random.Random(0))
    losses = train(model, [0.0, 1.0], [0.0, 1.0], epochs=4, lr_start=0.1, lr_end=0.1,
                   print_every=2)
    assert capsys.readouterr().out == \
        f"epoch    2  loss {losses[1]:.4f}\nepoch    4  loss {losses[3]:.4f}\n"
# ~/~ end
# ~/~ begin <<docs/06-training.md#tests/book/test_sine.py>>[1]


@pytest.mark.slow
def test_the_reference_example_runs_as_written(tmp_path, monkeypatch):
    blocks = re.findall(r"^```py\n(.*?)^```$", CHAPTER.read_text(encoding="utf-8"),
                        re.S | re.M)
    assert len(blocks) == 1, "docs/06-training.md should have one ```py block"
    monkeypatch.chdir(tmp_path)
    random.seed(0)
    namespace = {}
    exec(compile(blocks[0], str(CHAPTER), "exec"), namespace)
    xs, ys, mlp = namespace["xs"], namespace["ys"], namespace["mlp"]
    assert len(xs) == 121 and (xs[0], xs[-1]) == (-3.0, 3.0)
    assert mse(mlp.batch(xs), ys).data <= REFERENCE_MSE
    assert (tmp_path / "sine_fit.png").read_bytes().startswith(b"\x89PNG")

# ~/~ end
