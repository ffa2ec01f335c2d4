"""The damped oscillator: the Euler-Cromer series, the burn-in cost, and the quick study."""

import json

import numpy as np
import pytest

from experiments import ode


def test_euler_cromer_series():
    x = ode.damped_oscillator()
    assert x.shape == (300,) and x[0] == 1.0
    assert x[1] == pytest.approx(1 - 0.1 * 0.1 * 1.0)  # v1 = -dt k x0, x1 = x0 + dt v1
    # eliminating v: x[n+1] = (2 - dt c - dt**2 k) x[n] - (1 - dt c) x[n-1]
    np.testing.assert_allclose(x[2:], (2 - 0.01 - 0.01) * x[1:-1] - (1 - 0.01) * x[:-2],
                               atol=1e-12)


def test_cost_skips_the_burn_in_steps():
    y = np.zeros((2, ode.WINDOW, 1))
    t = np.zeros_like(y)
    t[:, :ode.BURN_IN] = 5.0
    assert float(ode.mse_after_burn_in(y, t)) == 0.0
    t[:, ode.BURN_IN:] = 1.0
    assert float(ode.mse_after_burn_in(y, t)) == pytest.approx(1.0)


def test_quick_run_beats_the_naive_predictor_and_the_seed(tmp_path):
    ode.run(out=tmp_path, quick=True, seed=0)
    written = json.loads((tmp_path / "metrics.json").read_text())
    mse = written["next_step_mse_held_out"]["mean"]
    assert mse < written["persistence_next_step_mse_held_out"]
    assert mse < written["seed_reference_mse"]
    loss = written["runs"]["0"]["history"]["loss"]
    assert len(loss) <= written["setup"]["epochs"] and loss[-1] < 1e-2 * loss[0]
    assert written["monotone"] and np.all(np.diff(loss) <= 0)
    for figure in ("training_curve.png", "extrapolation.png"):
        assert (tmp_path / figure).read_bytes()[:4] == b"\x89PNG"


def test_an_epoch_that_raises_the_cost_is_undone_and_retried_slower():
    X, t = ode.windows(ode.damped_oscillator() / ode.SCALE)
    net = ode.new_network(3)
    history = ode.train_epochs(net, X, t, 15, lambda epoch: 0.5, {"loss": [], "time": []})
    # Adam at 0.5 overshoots: some epochs are rejected, none raises the cost
    assert history["rejected"] > 0 and history["slowdown"] < 1
    assert np.all(np.diff(history["loss"]) <= 0)
    assert history["loss"][-1] == pytest.approx(net.cost_value(X, t), rel=1e-12)
