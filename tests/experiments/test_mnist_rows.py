"""MNIST rows: the quick seed setup on the real IDX files (skipped without them); part (b)."""

import json

import numpy as np
import pytest

from experiments import mnist_rows
from experiments.data import find_default

MNIST = find_default(mnist_rows.DATA)
needs_data = pytest.mark.skipif(
    MNIST is None, reason="mnist/ IDX files not found (set RNN_NODES_DATA or place the shared "
    "data folder at ../shared/data)")


@needs_data
def test_quick_seed_setup_learns(tmp_path):
    mnist_rows.run(out=tmp_path, quick=True, seed=0, data=MNIST)
    written = json.loads((tmp_path / "metrics.json").read_text())
    part_a = written["part_a"]
    assert part_a["train_images"] == 600 and part_a["validation_images"] == 100
    # three epochs: far above chance (10 %)
    assert part_a["validation_accuracy"]["mean"] >= 0.4
    assert written["part_b"]["run"] is True
    for cell in mnist_rows.PART_B_CELLS:  # quick part (b): measured 0.27-0.39, chance 0.10
        assert written["part_b"][cell]["test_accuracy"]["mean"] >= 0.18, cell
    for figure in ("accuracy.png", "training_curve.png"):
        assert (tmp_path / figure).read_bytes()[:4] == b"\x89PNG"


def test_part_b_runs_every_registered_cell():
    rng = np.random.default_rng(0)
    X = rng.random((600, 28, 28)).astype(np.float32)
    T = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 600)]
    results = mnist_rows.part_b(X, T, seed=0, quick=True, cells=tuple(mnist_rows.CELLS))
    assert set(results) == set(mnist_rows.CELLS)
    for result in results.values():
        assert 0 <= result["test_accuracy"] <= 1 and result["seconds_per_epoch"] > 0
