# ~/~ begin <<docs/08-optim.md#tests/book/test_optim.py>>[init]
"""Tests for chapter 8, optimizers (generated from docs/08-optim.md)."""
import cmath
import math
from functools import partial

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

from micrograd import MLP, Value, gradcheck
from micrograd.datasets import make_moons
from micrograd.losses import accuracy, hinge_loss, l2_penalty, log_sigmoid, logistic_loss
from micrograd.optim import SGD, Adam, AdamW, LinearLR, RMSprop
from micrograd.surfaces import largest_stable_lr, ravine

curvatures = st.floats(min_value=0.1, max_value=10.0)
starts = st.floats(min_value=-5.0, max_value=5.0).filter(lambda x: abs(x) > 1e-3)
rates = st.floats(min_value=1e-3, max_value=0.3)
decays = st.floats(min_value=0.0, max_value=0.95)


def run(make_optimizer, gradient, theta0, steps):
    """The path of a Value parameter whose gradient is gradient(theta)."""
    theta = Value(theta0)
    optimizer = make_optimizer([theta])
    path = [theta.data]
    for _ in range(steps):
        optimizer.zero_grad()
        theta.grad = gradient(theta.data)
        optimizer.step()
        path.append(theta.data)
    return path


def second_order(p, q, theta0, theta1, t):
    """theta_t for theta_{t+1} = p theta_t - q theta_{t-1}, from its characteristic roots."""
    root = cmath.sqrt(p * p - 4 * q)
    r1, r2 = (p + root) / 2, (p - root) / 2
    c1 = (theta1 - r2 * theta0) / (r1 - r2)
    return (c1 * r1 ** t + (theta0 - c1) * r2 ** t).real


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@given(curvatures, starts, rates, st.floats(0.0, 1.0))
def test_sgd_on_a_quadratic_follows_its_closed_form(a, theta0, lr, decay):
    path = run(lambda p: SGD(p, lr=lr, weight_decay=decay), lambda x: a * x, theta0, 20)
    for t, theta in enumerate(path):
        assert close(theta, (1 - lr * (a + decay)) ** t * theta0)


@given(curvatures, starts, rates, st.floats(0.05, 0.95), st.floats(0.0, 0.9), st.booleans())
def test_momentum_on_a_quadratic_follows_its_closed_form(a, theta0, lr, mu, tau, nesterov):
    if nesterov:
        tau = 0.0
        p, q = (1 + mu) * (1 - lr * a), mu * (1 - lr * a)
        theta1 = (1 - lr * a * (1 + mu)) * theta0
    else:
        p, q = 1 + mu - lr * (1 - tau) * a, mu
        theta1 = (1 - lr * a) * theta0  # the first step is not dampened
    assume(abs(p * p - 4 * q) > 1e-2)  # distinct roots, well separated
    path = run(lambda ps: SGD(ps, lr=lr, momentum=mu, dampening=tau, nesterov=nesterov),
               lambda x: a * x, theta0, 25)
    for t, theta in enumerate(path):
        assert close(theta, second_order(p, q, theta0, theta1, t)), t


# ~/~ begin <<docs/08-optim.md#test-adam-first-step>>[init]
@given(st.floats(-1e3, 1e3).filter(lambda g: abs(g) > 1e-3), rates)
def test_adams_first_step_is_lr_times_the_sign_of_the_gradient(g, lr):
    for make in (Adam, AdamW):
        path = run(partial(make, lr=lr, weight_decay=0.0), lambda x: g, 1.0, 1)
        step = path[0] - path[1]
        assert math.isclose(step, lr * g / (abs(g) + 1e-8), rel_tol=1e-12)
        # lr g / (|g| + eps) is lr sign(g), to within a relative eps / |g|
        assert math.isclose(step, lr * math.copysign(1, g), rel_tol=2e-8 / abs(g))
# ~/~ end


@given(st.floats(-100, 100).filter(lambda c: abs(c) > 1e-2), rates,
       st.floats(0.0, 0.5), st.booleans())
def test_adam_and_adamw_on_a_constant_gradient(c, lr, decay, amsgrad):
    s = lr * c / (abs(c) + 1e-8)  # every step: corrected moments are exact
    adam = run(lambda p: Adam(p, lr=lr, amsgrad=amsgrad), lambda x: c, 2.0, 30)
    adamw = run(lambda p: AdamW(p, lr=lr, weight_decay=decay, amsgrad=amsgrad),
                lambda x: c, 2.0, 30)
    rho = 1 - lr * decay
    for t in range(31):
        assert close(adam[t], 2.0 - t * s)
        geometric = sum(rho ** k for k in range(t))  # 1 + rho + ... + rho^(t-1)
        assert close(adamw[t], rho ** t * 2.0 - s * geometric)


@given(st.floats(-100, 100).filter(lambda c: abs(c) > 1e-2), rates,
       st.floats(0.5, 0.99), st.booleans())
def test_rmsprop_on_a_constant_gradient(c, lr, alpha, centered):
    path = run(lambda p: RMSprop(p, lr=lr, alpha=alpha, centered=centered),
               lambda x: c, 0.0, 12)
    theta = 0.0
    for t in range(1, 13):
        v = (1 - alpha ** t) * c * c  # the mean square: a geometric sum
        if centered:  # minus the squared mean, (1 - alpha^t) c
            v = alpha ** t * (1 - alpha ** t) * c * c
        theta -= lr * c / (math.sqrt(v) + 1e-8)
        assert math.isclose(path[t], theta, rel_tol=1e-6), t


def test_rmsprop_with_momentum_after_two_steps():
    c, lr, alpha, mu, eps = 2.0, 0.1, 0.9, 0.5, 1e-8
    path = run(lambda p: RMSprop(p, lr=lr, alpha=alpha, momentum=mu), lambda x: c, 0.0, 2)
    b1 = c / (math.sqrt(1 - alpha) * c + eps)  # the buffer starts at zero
    b2 = mu * b1 + c / (math.sqrt(1 - alpha ** 2) * c + eps)
    assert close(path[1], -lr * b1) and close(path[2], -lr * b1 - lr * b2)


def test_amsgrad_divides_by_the_largest_second_moment():
    g = iter([3.0, 0.0])
    lr, (b1, b2) = 0.1, (0.9, 0.999)
    path = run(lambda p: Adam(p, lr=lr, amsgrad=True), lambda x: next(g), 0.0, 2)
    v_max = (1 - b2) * 9.0  # v after step 1; step 2's v = b2 * v_max is smaller
    m2 = b1 * (1 - b1) * 3.0
    step2 = lr * (m2 / (1 - b1 ** 2)) / (math.sqrt(v_max / (1 - b2 ** 2)) + 1e-8)
    assert close(path[2], path[1] - step2)


@pytest.mark.parametrize("make", [
    lambda p: Adam(p, lr=0.05, eps=0.0),
    lambda p: RMSprop(p, lr=0.01, eps=0.0),
    lambda p: RMSprop(p, lr=0.01, eps=0.0, centered=True, momentum=0.5),
])
@given(curvatures, curvatures, starts)
def test_adaptive_paths_on_a_quadratic_do_not_depend_on_its_curvature(make, a, b, theta0):
    first = run(make, lambda x: a * x, theta0, 15)
    second = run(make, lambda x: b * x, theta0, 15)
    assert all(math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12) for x, y in zip(first, second))


def test_sgd_weight_decay_is_the_gradient_of_an_l2_term():
    data, labels = make_moons(20, seed=1)
    import random
    a, b = (MLP(2, [4, 1], rng=random.Random(0)) for _ in range(2))
    opt_a = SGD(a.parameters(), lr=0.1, weight_decay=2 * 0.01)
    opt_b = SGD(b.parameters(), lr=0.1)
    for _ in range(3):
        loss_a = hinge_loss(a.batch(data), labels)
        loss_b = hinge_loss(b.batch(data), labels) + l2_penalty(b.parameters(), 0.01)
        for opt, loss in ((opt_a, loss_a), (opt_b, loss_b)):
            opt.zero_grad()
            loss.backward()
            opt.step()
    for p, q in zip(a.parameters(), b.parameters()):
        assert math.isclose(p.data, q.data, rel_tol=1e-12, abs_tol=1e-15)


class ArrayParameter:
    """A stand-in for a tensor parameter: NumPy arrays in .data and .grad."""

    def __init__(self, data):
        self.data = np.array(data, dtype=float)
        self.grad = np.zeros_like(self.data)


SETTINGS = [
    (SGD, {"lr": 0.1}), (SGD, {"lr": 0.1, "momentum": 0.9, "dampening": 0.1}),
    (SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    (RMSprop, {}), (RMSprop, {"centered": True, "momentum": 0.9, "weight_decay": 0.1}),
    (Adam, {"lr": 0.1}), (Adam, {"amsgrad": True, "weight_decay": 0.1}),
    (AdamW, {"lr": 0.1}), (AdamW, {"amsgrad": True}),
]


@pytest.mark.parametrize("make, options", SETTINGS)
def test_an_array_parameter_moves_like_the_same_numbers_as_values(make, options):
    start, scale = [1.0, -2.0, 0.5], np.array([1.0, 30.0, -0.1])
    array = ArrayParameter(start)
    values = [Value(x) for x in start]
    opt_array, opt_values = make([array], **options), make(values, **options)
    for step in range(8):
        opt_array.zero_grad()
        opt_values.zero_grad()
        array.grad = scale * np.sin(array.data + step)  # leave out a step's gradient...
        if step == 3:
            array.grad = np.zeros(3)  # ...so that amsgrad's maximum matters
        for v, g in zip(values, array.grad):
            v.grad = float(g)
        grad_before = array.grad.copy()
        opt_array.step()
        opt_values.step()
        assert np.array_equal(array.grad, grad_before)  # step() leaves grad alone
        for v, x in zip(values, array.data):
            assert math.isclose(v.data, x, rel_tol=1e-12, abs_tol=1e-15)


def test_zero_grad_gives_floats_and_fresh_arrays_of_zeros():
    value, array = Value(1.0), ArrayParameter([[1.0, 2.0], [3.0, 4.0]])
    value.grad = math.nan
    shared = np.array([[math.inf, math.nan], [-math.inf, 5.0]])
    array.grad = shared
    SGD([value, array]).zero_grad()
    assert value.grad == 0.0 and type(value.grad) is float
    assert array.grad.shape == (2, 2) and np.array_equal(array.grad, np.zeros((2, 2)))
    assert array.grad is not shared and np.isinf(shared[0, 0])  # not changed in place


def test_the_momentum_buffer_does_not_share_the_gradients_array():
    array = ArrayParameter([1.0, 2.0])
    optimizer = SGD([array], lr=0.1, momentum=0.9)
    array.grad = np.array([2.0, 4.0])
    optimizer.step()
    array.grad += 1.0  # a caller changes grad in place, as a backward() may
    assert np.array_equal(optimizer.state[0]["momentum_buffer"], [2.0, 4.0])


finite_or_not = st.floats(allow_nan=True, allow_infinity=True)


@given(finite_or_not, finite_or_not)
def test_maximum_is_exact_for_infinities_and_spreads_nan(a, b):
    from micrograd.optim import _maximum
    got = _maximum(a, b)
    if math.isnan(a) or math.isnan(b):
        assert math.isnan(got)
    else:
        assert got == max(a, b)
    arrays = _maximum(np.array([a, b, a]), np.array([b, a, a]))
    assert np.array_equal(arrays, np.maximum([a, b, a], [b, a, a]), equal_nan=True)


def test_amsgrad_survives_an_infinite_second_moment():
    from micrograd.optim import _maximum
    assert _maximum(math.inf, math.inf) == math.inf  # a * (a >= b) + ... gave nan
    inf = np.array([math.inf, 1.0])
    assert np.array_equal(_maximum(inf, inf), inf)


def test_lr_is_writable_and_takes_effect_at_the_next_step():
    theta = Value(1.0)
    optimizer = SGD([theta], lr=0.5)
    theta.grad = 1.0
    optimizer.step()
    optimizer.lr = 0.25
    optimizer.step()
    assert theta.data == 1.0 - 0.5 - 0.25


def test_linear_lr_reproduces_chapter_6s_schedule():
    optimizer = SGD([Value(0.0)], lr=0.2)
    schedule = LinearLR(optimizer, 1.0, 0.0005 / 0.2, total_iters=1999)
    rates = []
    for _ in range(2000):
        rates.append(optimizer.lr)
        schedule.step()
    for e in (0, 1, 1000, 1999):
        assert math.isclose(rates[e], 0.2 + (0.0005 - 0.2) * e / 1999, rel_tol=1e-12)
    assert math.isclose(optimizer.lr, 0.0005)  # and stays at the end factor


@pytest.mark.parametrize("make, error, message", [
    (lambda p: SGD([]), ValueError, "empty parameter list"),
    (lambda p: SGD([p, 1.5]), TypeError,
     r"parameter 1 is 1\.5 \(float\); expected an object with \.data and \.grad"),
    (lambda p: SGD(p), TypeError, "got one Value; pass a list"),
    (lambda p: SGD(MLP(1, [1])), TypeError, r"got a MLP; pass model\.parameters\(\)"),
    (lambda p: SGD(3), TypeError, "iterable of parameters, got 3"),
    (lambda p: SGD([p, p]), ValueError, "parameter 1 is parameter 0 again"),
    (lambda p: SGD([p], lr=-0.1), ValueError, r"Invalid lr: -0\.1; expected lr >= 0"),
    (lambda p: SGD([p], lr="0.1"), TypeError, "lr must be a real number, got '0.1'"),
    (lambda p: SGD([p], momentum=-0.9), ValueError, "Invalid momentum"),
    (lambda p: SGD([p], weight_decay=-1), ValueError, "Invalid weight_decay"),
    (lambda p: SGD([p], nesterov=True), ValueError, "Nesterov momentum requires a momentum"),
    (lambda p: SGD([p], momentum=0.9, dampening=0.1, nesterov=True), ValueError,
     "zero dampening"),
    (lambda p: RMSprop([p], eps=-1e-8), ValueError, "Invalid eps"),
    (lambda p: RMSprop([p], alpha=1.0), ValueError,
     r"Invalid alpha: 1\.0; expected 0 <= alpha < 1"),
    (lambda p: Adam([p], betas=(0.9, 1.0)), ValueError, "Invalid beta2: 1.0"),
    (lambda p: Adam([p], betas=(-0.1, 0.999)), ValueError, "Invalid beta1"),
    (lambda p: Adam([p], betas=0.9), TypeError, r"betas must be a pair"),
    (lambda p: AdamW([p], lr=math.nan), ValueError, "Invalid lr: nan"),
    (lambda p: AdamW([p], weight_decay=-0.01), ValueError, "Invalid weight_decay"),
    (lambda p: LinearLR(SGD([p]), start_factor=0.0), ValueError, "Invalid start_factor"),
    (lambda p: LinearLR(SGD([p]), total_iters=0), ValueError, "Invalid total_iters"),
])
def test_bad_settings_say_what_is_wrong(make, error, message):
    with pytest.raises(error, match=message):
        make(Value(1.0))


@given(st.floats(-40, 40))
def test_log_sigmoid_has_the_right_value_and_gradient(z):
    expected = -math.log1p(math.exp(-z)) if z >= 0 else z - math.log1p(math.exp(z))
    assert math.isclose(log_sigmoid(Value(z)).data, expected, rel_tol=1e-12, abs_tol=1e-15)
    assert gradcheck(log_sigmoid, [z])


@settings(max_examples=50)
@given(st.lists(st.tuples(st.floats(-4, 4), st.sampled_from([-1, 1])), min_size=1, max_size=6))
def test_the_classification_losses_pass_the_gradient_check(pairs):
    scores, labels = [s for s, _ in pairs], [y for _, y in pairs]
    assume(all(abs(1 - y * s) > 1e-3 for s, y in pairs))  # not on the hinge's kink
    assert gradcheck(lambda *s: logistic_loss(s, labels), scores)
    assert gradcheck(lambda *s: hinge_loss(s, labels), scores)
    assert gradcheck(lambda *s: l2_penalty(s, 0.1), scores)


def test_the_moons_are_two_labelled_half_circles():
    points, labels = make_moons(100, noise=0.0, seed=0)
    assert len(points) == 100 and labels.count(-1) == labels.count(1) == 50
    for (x, y), label in zip(points, labels):
        cx, cy = (0.0, 0.0) if label == -1 else (1.0, 0.5)
        assert math.isclose(math.hypot(x - cx, y - cy), 1.0)
        assert (y >= -1e-12) if label == -1 else (y <= 0.5 + 1e-12)
    assert make_moons(100, seed=3) == make_moons(100, seed=3) != make_moons(100, seed=4)


@pytest.mark.parametrize("call, message", [
    (lambda: make_moons(3), "n >= 4"),
    (lambda: make_moons(10, noise=-0.1), "noise >= 0"),
    (lambda: hinge_loss([Value(1.0)], [0]), r"labels must be -1 or \+1, got 0 at position 0"),
    (lambda: logistic_loss([Value(1.0)], [1, -1]), "as many scores as labels"),
])
def test_the_moons_helpers_say_what_is_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@settings(deadline=None)  # 800 steps an example: slow on a cold start
@given(curvatures, st.floats(0.0, 0.95), st.booleans())
def test_sgd_converges_below_its_largest_stable_lr_and_diverges_above(a, mu, nesterov):
    nesterov = nesterov and mu > 0
    limit = largest_stable_lr(a, mu, nesterov)
    for factor, stable in ((0.95, True), (1.05, False)):
        path = run(partial(SGD, lr=factor * limit, momentum=mu, nesterov=nesterov),
                   lambda x: a * x, 1.0, 400)
        assert (abs(path[-1]) < 1e-3) == stable and (abs(path[-1]) > 1e3) != stable


def test_a_path_on_the_ravine_follows_its_closed_form():
    from micrograd.surfaces import path
    lr = 0.015
    points = path(partial(SGD, lr=lr), ravine, (-4.0, -3.0), 30)
    assert len(points) == 31 and points[0] == (-4.0, -3.0)
    for t, (x, y) in enumerate(points):  # x + y and x - y: the floor, and across it
        assert close(x + y, -7.0 * (1 - lr) ** t) and close(x - y, -(1 - 100 * lr) ** t)


def test_the_uncorrected_adam_step_on_a_constant_gradient_is_its_closed_form():
    from experiments.optim import bias_ratios
    corrected, raw = bias_ratios(300)
    for t, (c, r) in enumerate(zip(corrected, raw), start=1):
        assert math.isclose(c, 1.0, rel_tol=1e-7)
        assert math.isclose(r, (1 - 0.9 ** t) / math.sqrt(1 - 0.999 ** t), rel_tol=1e-6)


def test_a_run_of_the_race_is_repeatable_and_lowers_the_loss():
    from experiments.optim import race_one
    first, again = race_one("adam", seed=1, epochs=20), race_one("adam", seed=1, epochs=20)
    assert first == again and len(first["losses"]) == 20
    assert first["final_mse"] < first["losses"][0] / 2


def test_accuracy_counts_scores_with_the_labels_sign():
    assert accuracy([Value(2.0), Value(-1.0), Value(0.5)], [1, -1, -1]) == 2 / 3
# ~/~ end
