"""Vanishing gradients: the ratio curves, and dC/dh_t read off the nodes is the true gradient."""

import json

import numpy as np
import pytest

from experiments import vanishing
from rnn_nodes import RNN


def test_ratio_matches_closed_forms():
    r = vanishing.derivative_ratios(epsilon=0.05, max_t=20)
    sigmoid = 1 / (1 + np.exp(-0.05))
    true = sigmoid * (1 - sigmoid) / (1 - np.tanh(0.05) ** 2)
    assert r["rho"] == pytest.approx(true, rel=1e-6)
    assert r["rho_approx"] == pytest.approx((4 - 0.05**2) / (16 * (1 - 0.05**2)))
    assert r["approx"][19] == pytest.approx(r["rho_approx"] ** 20)
    # both fall like 4**-T and stay within a fraction of a percent of each other
    assert r["true"][19] == pytest.approx(0.25**20, rel=0.05)
    assert abs(r["approx"][19] / r["true"][19] - 1) < 1e-3
    assert r["interval"] == pytest.approx(2 / np.sqrt(5))


def test_recorded_state_gradient_is_dC_dh_t():
    """Against the gradient with respect to the initial state of the remaining steps."""
    rng = np.random.default_rng(3)
    X, target = rng.standard_normal((5, 12, 1)), rng.standard_normal((5, 1))
    net = RNN(cost="mse", dtype="float64", seed=3)
    net.add_InputLayer(1).add_RNNLayer(6, "tanh").add_DenseLayer(1)
    net.forward(X)
    states = np.stack([node.h_t for node in net.layers[1].nodes], axis=1)  # (5, 12, 6)
    recorded = vanishing.record_state_gradients(net.layers[1])
    net.backward(target)
    for t in (0, 4, 10):
        # the cost depends on h_t only through steps t+1 .., which start from h_t
        expected = net.gradients(X[:, t + 1:], target, h0=[states[:, t]]).h0[0]
        np.testing.assert_allclose(recorded[t], expected, rtol=1e-10, atol=1e-14)


def test_quick_run_writes_curves(tmp_path):
    metrics = vanishing.run(out=tmp_path, quick=True, seed=0)
    written = json.loads((tmp_path / "metrics.json").read_text())
    assert set(written["measured"]) >= set(vanishing.CELLS)
    for cell in vanishing.CELLS:
        norms = written["measured"][cell]["norm_mean_over_seeds"]
        assert len(norms) == metrics["measured"]["n_steps"] and all(n > 0 for n in norms)
    # sigmoid units lose the gradient much faster than tanh units
    assert (written["measured"]["sigmoid"]["first_over_last"]["mean"]
            < 1e-3 * written["measured"]["tanh"]["first_over_last"]["mean"])
    for figure in ("ratio.png", "state_gradients.png"):
        assert (tmp_path / figure).read_bytes()[:4] == b"\x89PNG"
