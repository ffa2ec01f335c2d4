"""Vanishing gradients: the ratio curves, and dC/dh_t read off the nodes is the true gradient."""

import json

import numpy as np
import pytest

from experiments import vanishing


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
