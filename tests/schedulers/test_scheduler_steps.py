"""One and two update steps of every scheduler, against numbers worked by hand.

Each expected value is written out with plain arithmetic from the formula in
the scheduler's docstring; nothing here calls the code under test to get it.
"""

import math

import numpy as np
import pytest

from schedulers import (
    Adagrad,
    AdagradMomentum,
    AdagradMomentumState,
    AdagradState,
    Adam,
    AdamState,
    Constant,
    ConstantState,
    Momentum,
    MomentumState,
    RMSprop,
    RMSpropState,
    SCHEDULERS,
)

EPS = 1e-8
REL = 1e-12


def arr(*values):
    return np.array(values, dtype=np.float64)


def test_constant_two_steps():
    s = Constant(eta=0.1)
    change, state = s.update_change(arr(0.5, -2.0), s.init(np.zeros(2)))
    assert change == pytest.approx([0.05, -0.2], rel=REL)
    assert state == ConstantState()
    change, state = s.update_change(arr(1.0, 3.0), state)
    assert change == pytest.approx([0.1, 0.3], rel=REL)


def test_momentum_two_steps_from_preset_state():
    s = Momentum(eta=0.1, momentum=0.9)
    state = MomentumState(v=arr(1.0, -0.5))
    # v = 0.9 * [1, -0.5] + 0.1 * [0.5, -2] = [0.9 + 0.05, -0.45 - 0.2]
    change, state = s.update_change(arr(0.5, -2.0), state)
    assert change == pytest.approx([0.95, -0.65], rel=REL)
    assert state.v == pytest.approx([0.95, -0.65], rel=REL)
    # v = 0.9 * [0.95, -0.65] + 0.1 * [1, 0] = [0.855 + 0.1, -0.585]
    change, state = s.update_change(arr(1.0, 0.0), state)
    assert change == pytest.approx([0.955, -0.585], rel=REL)


def test_adagrad_two_steps_from_preset_state():
    s = Adagrad(eta=0.1, eps=EPS)
    state = AdagradState(G=arr(3.0, 12.0))
    # G = [3 + 1, 12 + 4] = [4, 16]; change = 0.1 * g / (sqrt(G) + eps)
    change, state = s.update_change(arr(1.0, -2.0), state)
    assert state.G == pytest.approx([4.0, 16.0], rel=REL)
    assert change == pytest.approx([0.1 * 1.0 / (2.0 + EPS), 0.1 * -2.0 / (4.0 + EPS)], rel=REL)
    # G = [4 + 0, 16 + 9] = [4, 25]
    change, state = s.update_change(arr(0.0, 3.0), state)
    assert state.G == pytest.approx([4.0, 25.0], rel=REL)
    assert change == pytest.approx([0.0, 0.1 * 3.0 / (5.0 + EPS)], rel=REL)


def test_adagrad_momentum_two_steps_from_preset_state():
    s = AdagradMomentum(eta=0.1, momentum=0.5, eps=EPS)
    state = AdagradMomentumState(G=arr(3.0, 12.0), v=arr(0.2, -0.1))
    # G = [4, 16]; v = 0.5 * [0.2, -0.1] + 0.1 * [1, -2] / ([2, 4] + eps)
    change, state = s.update_change(arr(1.0, -2.0), state)
    v1 = [0.1 + 0.1 / (2.0 + EPS), -0.05 - 0.2 / (4.0 + EPS)]  # about [0.15, -0.1]
    assert state.G == pytest.approx([4.0, 16.0], rel=REL)
    assert change == pytest.approx(v1, rel=REL)
    assert state.v == pytest.approx(v1, rel=REL)
    # G = [4, 25]; v = 0.5 * v1 + 0.1 * [0, 3] / ([2, 5] + eps)
    change, state = s.update_change(arr(0.0, 3.0), state)
    v2 = [0.5 * v1[0], 0.5 * v1[1] + 0.3 / (5.0 + EPS)]  # about [0.075, 0.01]
    assert state.G == pytest.approx([4.0, 25.0], rel=REL)
    assert change == pytest.approx(v2, rel=REL)


def test_rmsprop_two_steps_from_preset_state():
    s = RMSprop(eta=0.01, rho=0.5, eps=EPS)
    state = RMSpropState(s=arr(23.0, 4.0))
    # s = 0.5 * [23, 4] + 0.5 * [9, 4] = [16, 4]
    change, state = s.update_change(arr(3.0, -2.0), state)
    assert state.s == pytest.approx([16.0, 4.0], rel=REL)
    assert change == pytest.approx([0.03 / (4.0 + EPS), -0.02 / (2.0 + EPS)], rel=REL)
    # s = 0.5 * [16, 4] + 0.5 * [16, 0] = [16, 2]
    change, state = s.update_change(arr(4.0, 0.0), state)
    assert state.s == pytest.approx([16.0, 2.0], rel=REL)
    assert change == pytest.approx([0.04 / (4.0 + EPS), 0.0], rel=REL)


def test_adam_first_step_from_init_is_eta_times_sign():
    s = Adam(eta=1e-3, rho=0.9, rho2=0.999, eps=EPS)
    change, state = s.update_change(arr(0.5, -2.0), s.init(np.zeros(2)))
    # m = 0.1 * g = [0.05, -0.2]; v = 0.001 * g^2 = [0.00025, 0.004]
    # m_hat = m / 0.1 = g; v_hat = v / 0.001 = g^2; change = eta * g / (|g| + eps)
    assert state.t == 1
    assert state.m == pytest.approx([0.05, -0.2], rel=REL)
    assert state.v == pytest.approx([0.00025, 0.004], rel=REL)
    assert change == pytest.approx([1e-3 * 0.5 / (0.5 + EPS), -1e-3 * 2.0 / (2.0 + EPS)], rel=1e-9)


def test_adam_two_steps_from_preset_state():
    eta = 0.01
    s = Adam(eta=eta, rho=0.5, rho2=0.75, eps=EPS)
    state = AdamState(t=2, m=arr(0.1, -0.2), v=arr(0.01, 0.04))
    # t = 3; m = 0.5 m + 0.5 g; v = 0.75 v + 0.25 g^2
    change, state = s.update_change(arr(1.0, 0.5), state)
    m, v = [0.55, 0.15], [0.2575, 0.0925]
    c1, c2 = 1 - 0.5**3, 1 - 0.75**3  # 0.875, 0.578125
    assert state.t == 3
    assert state.m == pytest.approx(m, rel=REL)
    assert state.v == pytest.approx(v, rel=REL)
    expected = [eta * (m[i] / c1) / (math.sqrt(v[i] / c2) + EPS) for i in range(2)]
    assert change == pytest.approx(expected, rel=REL)
    # t = 4
    change, state = s.update_change(arr(-1.0, 0.0), state)
    m, v = [-0.225, 0.075], [0.443125, 0.069375]
    c1, c2 = 1 - 0.5**4, 1 - 0.75**4  # 0.9375, 0.68359375
    assert state.t == 4
    assert state.m == pytest.approx(m, rel=REL)
    assert state.v == pytest.approx(v, rel=REL)
    expected = [eta * (m[i] / c1) / (math.sqrt(v[i] / c2) + EPS) for i in range(2)]
    assert change == pytest.approx(expected, rel=REL)


def adam_reference(gradients, eta, rho, rho2, eps):
    """Scalar Adam written out step by step: the change after the last gradient."""
    m = v = 0.0
    for t, g in enumerate(gradients, start=1):
        m = rho * m + (1 - rho) * g
        v = rho2 * v + (1 - rho2) * g * g
    return eta * (m / (1 - rho**t)) / (math.sqrt(v / (1 - rho2**t)) + eps)


def test_adam_counts_steps_per_parameter():
    s = Adam(eta=0.01, rho=0.9, rho2=0.999)
    state_a = s.init(np.zeros(1))
    state_b = s.init(np.zeros(1))
    _, state_a = s.update_change(arr(1.0), state_a)
    for g in [1.0, 2.0, 3.0, 4.0, 5.0]:
        _, state_b = s.update_change(arr(g), state_b)
    assert (state_a.t, state_b.t) == (1, 5)
    # the same next gradient gets each parameter's own bias correction (t = 2 and t = 6)
    change_a, state_a = s.update_change(arr(-2.0), state_a)
    change_b, state_b = s.update_change(arr(-2.0), state_b)
    expected_a = adam_reference([1.0, -2.0], 0.01, 0.9, 0.999, EPS)
    expected_b = adam_reference([1.0, 2.0, 3.0, 4.0, 5.0, -2.0], 0.01, 0.9, 0.999, EPS)
    assert change_a == pytest.approx([expected_a], rel=1e-10)
    assert change_b == pytest.approx([expected_b], rel=1e-10)
    assert abs(expected_a - expected_b) > 1e-3


# the hand-worked tests above, by registered name: a new scheduler needs its own here
HAND_WORKED = {
    "constant": [test_constant_two_steps],
    "momentum": [test_momentum_two_steps_from_preset_state],
    "adagrad": [test_adagrad_two_steps_from_preset_state],
    "adagrad_momentum": [test_adagrad_momentum_two_steps_from_preset_state],
    "rmsprop": [test_rmsprop_two_steps_from_preset_state],
    "adam": [test_adam_first_step_from_init_is_eta_times_sign,
             test_adam_two_steps_from_preset_state],
}


def test_every_registered_scheduler_has_hand_worked_steps():
    assert set(HAND_WORKED) == set(SCHEDULERS)


@pytest.mark.parametrize("param_dtype, grad_dtype", [
    (np.float32, np.float32), (np.float64, np.float64),
    (np.float32, np.float64), (np.float64, np.float32),
])
def test_adam_is_its_formulas_bit_for_bit(param_dtype, grad_dtype):
    """Adam computes in place, but exactly the operations of Algorithm 1, in their dtype."""
    rng = np.random.default_rng(7)
    param = rng.normal(size=(4, 3)).astype(param_dtype)
    adam = Adam(eta=0.01, rho=0.8, rho2=0.99, eps=1e-6)
    state = adam.init(param)
    m, v = np.zeros_like(param), np.zeros_like(param)
    for t in range(1, 5):
        g = rng.normal(size=param.shape).astype(grad_dtype)
        change, state = adam.update_change(g, state)
        m_t = 0.8 * m + (1 - 0.8) * g  # as written in the docstring, dtype promotion included
        v_t = 0.99 * v + (1 - 0.99) * g * g
        expected = 0.01 * (m_t / (1 - 0.8**t)) / (np.sqrt(v_t / (1 - 0.99**t)) + 1e-6)
        m, v = m_t.astype(param_dtype), v_t.astype(param_dtype)
        assert change.dtype == grad_dtype and state.m.dtype == param_dtype
        np.testing.assert_array_equal(change, expected.astype(grad_dtype))
        np.testing.assert_array_equal(state.m, m)
        np.testing.assert_array_equal(state.v, v)
