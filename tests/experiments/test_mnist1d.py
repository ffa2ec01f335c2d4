"""MNIST-1D: generated locally without touching the global generators; quick run; skip message."""

import importlib.util
import json
import random

import numpy as np
import pytest

from experiments import mnist1d_study

needs_mnist1d = pytest.mark.skipif(
    importlib.util.find_spec("mnist1d") is None,
    reason="mnist1d not installed (pip install -e \".[mnist1d]\")")


@needs_mnist1d
def test_generate_is_local_and_leaves_global_generators_alone():
    np_state, py_value = np.random.get_state()[1].copy(), random.getstate()
    data = mnist1d_study.generate()
    assert np.array_equal(np.random.get_state()[1], np_state) and random.getstate() == py_value
    assert data["x"].shape == (4000, 40, 1) and data["x_test"].shape == (1000, 40, 1)
    assert set(np.unique(data["y"])) == set(range(10))


@needs_mnist1d
def test_quick_run_writes_every_model(tmp_path):
    mnist1d_study.run(out=tmp_path, quick=True, seed=0)
    written = json.loads((tmp_path / "metrics.json").read_text())
    assert written["run"] is True
    assert set(written["models"]) == {"gru", "lstm", "rnn", "gru_shuffled"}
    # 800 samples, 3 epochs: above chance (0.10; its standard deviation on 200 test samples is
    # 0.021), measured 0.22-0.27 for every model
    for name, model in written["models"].items():
        assert 0.15 < model["test_accuracy"]["mean"] <= 1, name
    assert written["batch_size"] == mnist1d_study.BATCH_SIZE
    assert (tmp_path / "accuracy.png").read_bytes()[:4] == b"\x89PNG"


def test_skipped_with_a_message_without_mnist1d(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(mnist1d_study, "generate", lambda: None)
    metrics = mnist1d_study.run(out=tmp_path, quick=True)
    assert metrics["run"] is False and "pip install" in capsys.readouterr().out
    assert [f.name for f in tmp_path.iterdir()] == ["SKIPPED.txt"]  # nothing but the reason
    assert "pip install" in (tmp_path / "SKIPPED.txt").read_text()
