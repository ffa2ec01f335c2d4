"""Adding problem: the data are what the task says; the quick run reports every cell."""

import json

import numpy as np
import pytest

from experiments import adding
from rnn_nodes import RNN


def test_two_markers_one_per_half_and_the_target_is_their_sum():
    X, t = adding.make_adding(np.random.default_rng(0), 200, 30)
    assert X.shape == (200, 30, 2) and t.shape == (200, 1) and X.dtype == np.float32
    markers = X[..., 1]
    assert np.all(markers.sum(axis=1) == 2)
    assert np.all(markers[:, :15].sum(axis=1) == 1)
    np.testing.assert_allclose(t[:, 0], (X[..., 0] * markers).sum(axis=1), rtol=1e-6)


def test_baseline_is_the_variance_of_the_sum():
    _, t = adding.make_adding(np.random.default_rng(1), 20_000, 10)
    assert np.mean((t - 1) ** 2) == pytest.approx(adding.BASELINE, rel=0.03)


def test_length_must_be_at_least_two():
    with pytest.raises(ValueError, match="n_steps"):
        adding.make_adding(np.random.default_rng(0), 3, 1)


def test_quick_run_reports_every_cell(tmp_path):
    adding.run(out=tmp_path, quick=True, seed=0)
    written = json.loads((tmp_path / "metrics.json").read_text())
    assert set(written["results"]) == {"gru T=20", "lstm T=20", "rnn T=20"}
    for result in written["results"].values():
        assert np.isfinite(result["test_mse"]["mean"]) and result["test_mse"]["mean"] < 1
    assert (tmp_path / "mse.png").read_bytes()[:4] == b"\x89PNG"


def test_chrono_lstm_biases():
    net = RNN(cost="mse").add_InputLayer(2)
    adding.add_chrono_lstm(net, 6, 100, np.random.default_rng(0))
    b, n = net.layers[-1].params["b_layer"], 6
    b_forget = b[n:2 * n]
    assert np.all((0 <= b_forget) & (b_forget <= np.log(99))) and np.ptp(b_forget) > 0
    np.testing.assert_array_equal(b[:n], -b_forget)  # input gates start nearly closed
    np.testing.assert_array_equal(b[2 * n:], 0)
