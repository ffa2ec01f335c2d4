"""Keeping a model: save / load of networks and estimators, and files that must be refused."""

import json
import os
import pickle
import zipfile

import jax.numpy as jnp
import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from rnn_nodes import RNN, ModelFileError, RNNClassifier, RNNRegressor
from rnn_nodes import io as model_io
from schedulers import Momentum

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def data(n=30, time=5, seed=0):
    X = np.random.default_rng(seed).standard_normal((n, time, 2))
    return X, X[..., 0].sum(axis=1)


def trained_network(**kwargs):
    X, y = data()
    net = RNN(scheduler=Momentum(eta=0.01), lmbd=0.01, clip_norm=5.0, seed=0, **kwargs)
    net.add_InputLayer(2).add_RNNLayer(4, "relu").add_RNNLayer(3).add_DenseLayer(1)
    net.train(X, y[:, None], epochs=2, batch_size=8)
    return net


def read_record(path):
    with np.load(path, allow_pickle=False) as archive:
        return json.loads(archive["record"].tobytes()), {k: archive[k] for k in archive.files}


def rewrite(path, record=None, **arrays):
    """Write ``path`` again with a changed record and/or changed arrays."""
    old_record, old_arrays = read_record(path)
    old_arrays.pop("record")
    payload = json.dumps(record or old_record).encode()
    np.savez(path, record=np.frombuffer(payload, np.uint8), **{**old_arrays, **arrays})


# round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_network_reloads_bit_identically_and_trains_on_identically(tmp_path, dtype):
    net = trained_network(dtype=dtype)
    net.save(tmp_path / "net.npz")
    loaded = RNN.load(tmp_path / "net.npz")
    X, y = data(seed=1)
    assert np.array_equal(loaded.predict(X), net.predict(X))
    assert (loaded.lmbd, loaded.clip_norm, loaded.dtype) == (0.01, 5.0, np.dtype(dtype))
    # same scheduler states and generator: the next epochs are the same
    assert (loaded.train(X, y[:, None], epochs=2, batch_size=8)["loss"]
            == net.train(X, y[:, None], epochs=2, batch_size=8)["loss"])


def test_an_estimator_reloads_with_its_hyperparameters_and_history(tmp_path):
    X, y = data()
    model = RNNRegressor(hidden_layer_sizes=(4,), dense_layer_sizes=(3,), scheduler=Momentum(0.02),
                         max_iter=3, random_state=0).fit(X, y)
    model.save(tmp_path / "model.npz")
    loaded = RNNRegressor.load(tmp_path / "model.npz")
    assert np.array_equal(loaded.predict(X), model.predict(X))
    params = loaded.get_params()
    assert params["hidden_layer_sizes"] == (4,) and params["scheduler__eta"] == 0.02
    assert loaded.history_ == model.history_
    assert (loaded.n_iter_, loaded.best_epoch_, loaded.best_loss_) == (3, model.best_epoch_,
                                                                       model.best_loss_)
    assert loaded.score(X, y) == model.score(X, y)


def test_a_classifier_keeps_string_classes_and_probabilities(tmp_path):
    X, y = data()
    labels = np.array(["low", "mid", "high"])[np.digitize(y, [-1, 1])]
    model = RNNClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0).fit(X, labels)
    model.save(tmp_path / "clf.npz")
    loaded = RNNClassifier.load(tmp_path / "clf.npz")
    assert loaded.classes_.dtype == model.classes_.dtype
    assert loaded.classes_.tolist() == ["high", "low", "mid"]
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert np.array_equal(loaded.predict(X), model.predict(X))
    loaded.partial_fit(X, labels)  # goes on training
    assert loaded.n_iter_ == 4


# what cannot be saved ----------------------------------------------------------------------


def test_an_unfitted_estimator_or_a_users_function_cannot_be_saved(tmp_path):
    with pytest.raises(NotFittedError):
        RNNRegressor().save(tmp_path / "x.npz")
    X, y = data()

    def softsign(z):
        return z / (1 + jnp.abs(z))

    model = RNNRegressor(activation=softsign, max_iter=1, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="Cannot save the activation 'softsign'"):
        model.save(tmp_path / "x.npz")
    net = RNN(seed=0).add_InputLayer(2).add_RNNLayer(3, softsign).add_DenseLayer(1)
    with pytest.raises(ValueError, match="Cannot save the activation 'softsign'.*pickle"):
        net.save(tmp_path / "x.npz")
    assert not os.listdir(tmp_path)


# files that must be refused --------------------------------------------------------------------


def test_a_truncated_file_is_refused_naming_it(tmp_path):
    path = tmp_path / "net.npz"
    trained_network().save(path)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ModelFileError, match=f"{path}.*truncated"):
        RNN.load(path)


@pytest.mark.parametrize("write", [
    lambda path: path.write_text("just text"),
    lambda path: np.save(open(path, "wb"), np.zeros(3)),
    lambda path: np.savez(path, weights=np.zeros(3)),
    lambda path: path.write_bytes(pickle.dumps({"a": 1})),
], ids=["text", "npy", "npz-without-record", "pickle"])
def test_a_foreign_file_is_refused_naming_it(tmp_path, write):
    path = tmp_path / "foreign.npz"
    write(path)
    with pytest.raises(ModelFileError, match=str(path)):
        RNN.load(path)


def test_pickled_arrays_are_never_loaded(tmp_path):
    path = tmp_path / "net.npz"
    trained_network().save(path)
    rewrite(path, **{"layers/1/W_layer": np.array([print], dtype=object)})
    with pytest.raises(ModelFileError, match="allow_pickle=False"):
        RNN.load(path)


def test_another_kind_of_model_is_refused(tmp_path):
    X, y = data()
    RNNRegressor(max_iter=1).fit(X, y).save(tmp_path / "reg.npz")
    with pytest.raises(ModelFileError, match="holds a 'RNNRegressor', expected RNNClassifier"):
        RNNClassifier.load(tmp_path / "reg.npz")
    with pytest.raises(ModelFileError, match="expected RNN"):
        RNN.load(tmp_path / "reg.npz")


@pytest.mark.parametrize("tamper, expected", [
    (lambda r, a: a.update({"layers/1/W_layer": np.zeros((3, 4), np.float32)}),
     r"layers/1/W_layer.*shape \(3, 4\)"),
    (lambda r, a: a.update({"layers/1/W_layer": np.zeros((2, 4))}), r"dtype float64"),
    (lambda r, a: a.pop("layers/2/b_time"), r"missing \['layers/2/b_time'\]"),
    (lambda r, a: r["network"]["layers"][1].update(n_features=5), r"do not fit|shape"),
    (lambda r, a: r["network"]["layers"][1].update(type="os.system"), r"unknown layer type"),
    (lambda r, a: r["network"].update(cost="__import__('os')"), r"`cost`"),
    (lambda r, a: r["network"]["scheduler"].update(name="evil"), r"unknown scheduler"),
    (lambda r, a: r.update(version=99), r"version 99 is newer"),
    (lambda r, a: a.update({"layers/1/W_layer": np.full((2, 4), np.nan, np.float32)}),
     r"NaN"),
], ids=["shape", "dtype", "missing", "record-size", "layer-type", "cost", "scheduler",
        "version", "nan"])
def test_a_tampered_file_is_refused_naming_it(tmp_path, tamper, expected):
    path = tmp_path / "net.npz"
    trained_network().save(path)
    record, arrays = read_record(path)
    arrays.pop("record")
    tamper(record, arrays)
    np.savez(path, record=np.frombuffer(json.dumps(record).encode(), np.uint8), **arrays)
    with pytest.raises(ModelFileError, match=str(path)) as error:
        RNN.load(path)
    assert error.match(expected)


def test_a_tampered_estimator_record_is_refused(tmp_path):
    X, y = data()
    path = tmp_path / "clf.npz"
    RNNClassifier(max_iter=1).fit(X, np.where(y > 0, "a", "b")).save(path)
    record, _ = read_record(path)
    record["params"]["no_such_parameter"] = 1
    rewrite(path, record)
    with pytest.raises(ModelFileError, match=f"{path} holds an inconsistent RNNClassifier"):
        RNNClassifier.load(path)


# writing is atomic ---------------------------------------------------------------------------


def test_a_crash_while_writing_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "net.npz"
    net = trained_network()
    net.save(path)
    before = path.read_bytes()

    def crash(file, **arrays):
        file.write(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt  # the process is stopped mid-write

    monkeypatch.setattr(model_io.np, "savez", crash)
    with pytest.raises(KeyboardInterrupt):
        net.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["net.npz"]  # no temporary file left behind
    assert zipfile.is_zipfile(path)


def test_a_saved_file_gets_ordinary_permissions(tmp_path):
    path = tmp_path / "net.npz"
    trained_network().save(path)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    path.chmod(0o640)
    trained_network().save(path)  # replacing a file keeps its permissions
    assert path.stat().st_mode & 0o777 == 0o640


# one network per layer type: a new exported layer must be added here to be stored at all
STACKS_WITH = {
    "InputLayer": lambda net: net.add_RNNLayer(3).add_OutputLayer(1),
    "RNNLayer": lambda net: net.add_RNNLayer(3, "relu").add_OutputLayer(1),
    "GRULayer": lambda net: net.add_GRULayer(3, gate_activation="tanh").add_OutputLayer(1),
    "LSTMLayer": lambda net: net.add_LSTMLayer(3, forget_bias=2.0).add_OutputLayer(1),
    "Bidirectional": lambda net: net.add_GRULayer(3, bidirectional=True, merge="sum")
    .add_OutputLayer(1),
    "OutputLayer": lambda net: net.add_RNNLayer(3).add_OutputLayer(2, "tanh").add_OutputLayer(1),
    "DenseLayer": lambda net: net.add_LSTMLayer(3).add_DenseLayer(2, "relu").add_DenseLayer(1),
}


def test_every_exported_layer_type_has_a_round_trip():
    assert set(STACKS_WITH) == set(model_io.LAYER_TYPES)


@pytest.mark.parametrize("layer_type", sorted(STACKS_WITH))
def test_every_layer_type_saves_and_loads_bit_identically(layer_type, tmp_path):
    X, y = data()
    net = STACKS_WITH[layer_type](RNN(seed=0).add_InputLayer(2))
    assert any(type(layer).__name__ == layer_type for layer in net.layers)
    target = (y[:, None] if not net.sequence_output
              else np.repeat(y[:, None, None], X.shape[1], axis=1))
    net.train(X, target, epochs=2, batch_size=8)
    net.save(tmp_path / "net.npz")
    loaded = RNN.load(tmp_path / "net.npz")
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in net.layers]
    assert np.array_equal(loaded.predict(X), net.predict(X))
