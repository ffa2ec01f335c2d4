"""Determinism: the same seed gives bit-identical weights, histories and predictions.

Across runs in one process and across processes (a subprocess with a fresh interpreter, JAX
in its default 32-bit mode where the tests turn 64-bit mode on), in float32 and float64, for a
network of every layer type (Elman, GRU, LSTM, bidirectional, output and dense layers) trained
with shuffling, validation, Adam, L2 and clipping, and for the two estimators (early stopping
with a shuffled validation split, a GRU cell). Only the ``time`` entries of the histories
differ.
"""

import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from rnn_nodes import RNN, RNNClassifier, RNNRegressor

RUN = '''
import sys
import warnings

import numpy as np

from rnn_nodes import RNN, RNNClassifier, RNNRegressor


def networks(dtype):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((24, 7, 2))
    t = np.cumsum(X, axis=1) / 3
    many = RNN(seed=11, dtype=dtype, lmbd=1e-3, clip_norm=2.0)
    many.add_InputLayer(2).add_RNNLayer(3, bidirectional=True, merge="sum")
    many.add_GRULayer(3).add_LSTMLayer(2, bidirectional=True).add_OutputLayer(2)
    one = RNN(cost="cce", seed=12, dtype=dtype)
    one.add_InputLayer(2).add_LSTMLayer(3).add_GRULayer(2, bidirectional=True)
    one.add_DenseLayer(3, "relu").add_DenseLayer(3, "softmax")
    labels = np.eye(3)[(X.sum(axis=(1, 2)) > 0).astype(int) + (X[:, 0, 0] > 1)]
    out = {}
    for name, net, target in [("many", many, t), ("one", one, labels)]:
        history = net.train(X[:18], target[:18], X[18:], target[18:], epochs=3, batch_size=5)
        for key, values in history.items():
            if key != "time":
                out[f"{dtype}/{name}/history/{key}"] = np.array(values)
        for i, layer in enumerate(net.layers):
            for key, value in layer.params.items():
                out[f"{dtype}/{name}/{i}/{key}"] = value
        out[f"{dtype}/{name}/predict"] = net.predict(X)
    return out


def estimators():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((50, 6))
    y = X.sum(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reg = RNNRegressor(hidden_layer_sizes=(4,), cell="gru", max_iter=6, early_stopping=True,
                           validation_split="shuffle", random_state=3).fit(X, y)
        clf = RNNClassifier(hidden_layer_sizes=(3,), max_iter=4, random_state=4,
                            dtype="float64").fit(X, np.where(y > 0, "up", "down"))
    out = {"reg/predict": reg.predict(X), "clf/proba": clf.predict_proba(X)}
    for name, model in [("reg", reg), ("clf", clf)]:
        for key, values in model.history_.items():
            if key != "time":
                out[f"{name}/history/{key}"] = np.array(values, dtype=float)  # None: NaN
        for i, layer in enumerate(model.network_.layers):
            for key, value in layer.params.items():
                out[f"{name}/{i}/{key}"] = value
    return out


def everything():
    return {**networks("float32"), **networks("float64"), **estimators()}


if __name__ == "__main__":
    np.savez(sys.argv[1], **everything())
'''


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("determinism")
    script = folder / "run.py"
    script.write_text(textwrap.dedent(RUN))
    namespace = {}
    exec(compile(script.read_text(), str(script), "exec"), namespace)  # noqa: S102
    namespace["script"] = script
    return namespace


def assert_identical(a, b):
    assert sorted(a) == sorted(b)
    different = [key for key in a if not np.array_equal(a[key], b[key], equal_nan=True)]
    assert not different, f"not bit-identical: {different}"


def test_the_same_seed_gives_the_same_run_twice_in_one_process(run):
    first, second = run["everything"](), run["everything"]()
    assert_identical(first, second)
    assert any(key.startswith("float32/") for key in first)
    assert first["float32/many/1/W_layer"].dtype == np.float32
    assert first["float64/many/1/W_layer"].dtype == np.float64


def test_the_same_seed_gives_the_same_run_in_another_process(run, tmp_path):
    path = tmp_path / "other.npz"
    subprocess.run([sys.executable, str(run["script"]), str(path)], check=True, cwd=tmp_path,
                   capture_output=True, timeout=300)
    with np.load(path, allow_pickle=False) as archive:
        other = {key: archive[key] for key in archive.files}
    assert_identical(run["everything"](), other)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_another_seed_gives_another_run(dtype):
    def weights(seed):
        net = RNN(seed=seed, dtype=dtype).add_InputLayer(1).add_LSTMLayer(3).add_DenseLayer(1)
        X = np.ones((6, 4, 1))
        net.train(X, X[:, 0], epochs=2, batch_size=2)
        return net.layers[1].params["W_time"]

    assert np.array_equal(weights(1), weights(1))
    assert not np.array_equal(weights(1), weights(2))


def test_estimators_with_a_random_state_refit_identically():
    X = np.random.default_rng(2).standard_normal((30, 5))
    y = X.sum(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = RNNRegressor(cell="lstm", max_iter=3, random_state=5).fit(X, y)
        b = RNNRegressor(cell="lstm", max_iter=3, random_state=5).fit(X, y)
        a.fit(X, y)  # refitting the same estimator starts afresh from the same seed
    assert np.array_equal(a.predict(X), b.predict(X))
    assert [h for k, h in a.history_.items() if k != "time"] == \
        [h for k, h in b.history_.items() if k != "time"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        c = RNNClassifier(max_iter=2, random_state=5).fit(X, y > 0)
        d = RNNClassifier(max_iter=2, random_state=5).fit(X, y > 0)
    assert np.array_equal(c.predict_proba(X), d.predict_proba(X))
