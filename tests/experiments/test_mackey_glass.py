"""Mackey-Glass: the project's integration against an independent one, and the quick study."""

import json

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from experiments import mackey_glass


def reference_series(t_end, tau=17.0, beta=0.2, gamma=0.1, history=1.2):
    """x(0), x(1), .., x(t_end) by the method of steps with scipy's DOP853 (tight tolerances).

    On each interval [k tau, (k+1) tau] the delayed term is the previous
    interval's dense output, so this shares no code and no step with the
    project's fixed-step RK4.
    """
    times = np.arange(t_end + 1.0)
    out = np.empty_like(times)
    past, start, x_start = (lambda s: history), 0.0, history
    while start < t_end:
        def slope(t, x, past=past):
            x_delayed = past(t - tau)
            return beta * x_delayed / (1 + x_delayed**10) - gamma * x
        piece = solve_ivp(slope, (start, start + tau), [x_start], method="DOP853",
                          rtol=1e-11, atol=1e-12, dense_output=True)
        inside = (times >= start) & (times <= start + tau)
        out[inside] = piece.sol(times[inside])[0]
        past, start, x_start = (lambda s, p=piece: p.sol(s)[0]), start + tau, piece.y[0, -1]
    return out


def test_integration_agrees_with_an_independent_solver():
    ours = mackey_glass.mackey_glass(301)
    reference = reference_series(300)
    # RK4 at dt = 0.1 with a linearly interpolated delay: O(dt**2), about 2e-4 here
    np.testing.assert_allclose(ours, reference, atol=1e-3, rtol=0)
    assert ours[0] == 1.2
    # the familiar tau = 17 attractor: values between about 0.4 and 1.35
    attractor = mackey_glass.mackey_glass(3000, discard=1000)
    assert 0.35 < attractor.min() < 0.5 and 1.25 < attractor.max() < 1.4
    assert attractor.mean() == pytest.approx(0.93, abs=0.03)


def test_halving_the_step_changes_little():
    coarse = mackey_glass.mackey_glass(200)
    fine = mackey_glass.mackey_glass(200, dt=0.05)
    assert np.max(np.abs(coarse - fine)) < 5e-4


def test_quick_run_beats_persistence(tmp_path):
    mackey_glass.run(out=tmp_path, quick=True, seed=0)
    written = json.loads((tmp_path / "metrics.json").read_text())
    assert written["persistence_nrmse"] == pytest.approx(0.14, abs=0.02)
    assert written["nrmse"]["mean"] < 0.5 * written["persistence_nrmse"]
    for figure in ("predictions.png", "training_curve.png"):
        assert (tmp_path / figure).read_bytes()[:4] == b"\x89PNG"
