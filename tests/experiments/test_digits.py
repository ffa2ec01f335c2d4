"""Digits: the quick run scores all three classifiers on the same 50/50 split."""

import json

from experiments import digits


def test_split_is_half_and_half_of_8_by_8_sequences():
    X_train, X_test, y_train, y_test = digits.load_split(0)
    assert X_train.shape[1:] == (8, 8) and len(X_train) + len(X_test) == 1797
    assert abs(len(X_train) - len(X_test)) <= 1 and 0 <= X_train.min() <= X_train.max() <= 1


def test_quick_run_is_well_above_chance(tmp_path):
    digits.run(out=tmp_path, quick=True, seed=0)
    written = json.loads((tmp_path / "metrics.json").read_text())
    models = written["models"]
    assert set(models) == {"RNNClassifier (GRU 64)", "MLPClassifier (100 relu)", "SVC (RBF)"}
    # three epochs: far above chance (10 %)
    assert models["RNNClassifier (GRU 64)"]["test_accuracy"]["mean"] >= 0.5
    assert models["SVC (RBF)"]["test_accuracy"]["mean"] >= 0.9
    assert (tmp_path / "loss_curve.png").read_bytes()[:4] == b"\x89PNG"
