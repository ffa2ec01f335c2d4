"""Parity: the hand-set network is exact at any length; the trained one gets all of length 10."""

import json

import numpy as np

from experiments import parity


def test_hand_set_network_is_exact_at_every_step():
    net = parity.hand_set_network()
    X = parity.all_sequences(8)
    np.testing.assert_array_equal(net.forward(X), parity.running_parity(X))
    long = np.random.default_rng(1).integers(0, 2, size=(4, 5000, 1))
    assert np.array_equal(net.forward(long), parity.running_parity(long))


def test_all_sequences_and_running_parity():
    X = parity.all_sequences(3)
    assert X.shape == (8, 3, 1) and len({tuple(x.ravel()) for x in X}) == 8
    np.testing.assert_array_equal(parity.running_parity(np.array([[[1], [1], [0], [1]]])).ravel(),
                                  [1, 0, 0, 1])


def test_quick_run_is_exact_and_trained_to_100_percent(tmp_path):
    metrics = parity.run(out=tmp_path, quick=True, seed=0)
    written = json.loads((tmp_path / "metrics.json").read_text())
    assert written["hand_set"]["all_exact"] is True
    assert written["hand_set"]["sequences_checked"] == 2**11 - 2 + 64
    assert written["trained"]["final_step_accuracy"]["mean"] == 1.0
    assert metrics["trained"]["every_step_accuracy"]["mean"] == 1.0
    assert (tmp_path / "training_curve.png").read_bytes()[:4] == b"\x89PNG"
