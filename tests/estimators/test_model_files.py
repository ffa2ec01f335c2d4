"""Keeping a model: save / load of networks and estimators, legacy files, refused files.

Reference values come from outside the code under test: the arrays of a file are read
with ``safetensors`` itself (or ``tests/model_file_tools.py``, byte by byte), the legacy
fixtures of ``tests/fixtures/legacy`` were written by the ``.npz`` format of commit bde68a0
with what each model predicted then (``expected.npz``).
"""

import json
import os
import pathlib
import pickle
import subprocess
import sys

import jax.numpy as jnp
import numpy as np
import pytest
from safetensors import safe_open
from sklearn.exceptions import NotFittedError

import model_file_tools as tools
from rnn_nodes import RNN, ModelFileError, RNNClassifier, RNNRegressor, load_checkpoint
from rnn_nodes import io as model_io
from rnn_nodes.convert import convert, main
from rnn_nodes.persistence import model_file
from rnn_nodes.persistence.arrays import parameter_shapes
from rnn_nodes.persistence.config import layer_config, layer_from_config
from schedulers import Momentum

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
LEGACY = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "legacy"
ROOT = pathlib.Path(__file__).resolve().parents[2]


def data(n=30, time=5, seed=0):
    X = np.random.default_rng(seed).standard_normal((n, time, 2))
    return X, X[..., 0].sum(axis=1)


def trained_network(**kwargs):
    X, y = data()
    net = RNN(scheduler=Momentum(eta=0.01), lmbd=0.01, clip_norm=5.0, seed=0, **kwargs)
    net.add_InputLayer(2).add_RNNLayer(4, "relu").add_RNNLayer(3).add_DenseLayer(1)
    net.train(X, y[:, None], epochs=2, batch_size=8)
    return net


def rewrite(path, change=None, **arrays):
    """Write ``path`` again, valid digests and all, with ``change(record)`` and ``arrays``."""
    record, old = tools.read(path.read_bytes())
    if change is not None:
        change(record)
    new = {**old, **arrays}
    path.write_bytes(tools.write(record, {k: v for k, v in new.items() if v is not None}))


# round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_network_reloads_bit_identically_and_trains_on_identically(tmp_path, dtype):
    net = trained_network(dtype=dtype)
    net.save(tmp_path / "net.safetensors")
    loaded = RNN.load(tmp_path / "net.safetensors")
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
    model.save(tmp_path / "model.safetensors")
    loaded = RNNRegressor.load(tmp_path / "model.safetensors")
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
    model.save(tmp_path / "clf.safetensors")
    loaded = RNNClassifier.load(tmp_path / "clf.safetensors")
    assert loaded.classes_.dtype == model.classes_.dtype
    assert loaded.classes_.tolist() == ["high", "low", "mid"]
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert np.array_equal(loaded.predict(X), model.predict(X))
    loaded.partial_fit(X, labels)  # goes on training
    assert loaded.n_iter_ == 4


@pytest.mark.parametrize("labels", [
    lambda y: y > 0, lambda y: np.digitize(y, [-1, 1]) - 1,
    lambda y: np.digitize(y, [-1, 1]) * 2.0, lambda y: np.array(["a", "b"], object)[(y > 0) * 1]],
    ids=["bool", "int", "float", "object strings"])
def test_labels_of_every_kind_fit_makes_are_kept(tmp_path, labels):
    X, y = data()
    model = RNNClassifier(hidden_layer_sizes=(2,), max_iter=1, random_state=0).fit(X, labels(y))
    model.save(tmp_path / "clf.safetensors")
    loaded = RNNClassifier.load(tmp_path / "clf.safetensors")
    assert loaded.classes_.tolist() == model.classes_.tolist()
    assert np.array_equal(loaded.predict(X), model.predict(X))


def test_the_file_is_a_safetensors_file_any_reader_opens_by_name(tmp_path):
    net = trained_network()
    net.save(tmp_path / "net.safetensors")
    with safe_open(tmp_path / "net.safetensors", framework="numpy") as file:
        names = set(file.keys())
        record = json.loads(file.metadata()["rnn-nodes"])
        W = file.get_tensor("layers.1.W_layer")
        m = file.get_tensor("scheduler.layers.2.W_time.v")
    assert names == {f"{prefix}layers.{i}.{name}{suffix}"
                     for i, layer in enumerate(net.layers) for name in layer.params
                     for prefix, suffix in [("", "")]} | {
        f"scheduler.layers.{i}.{name}.v" for i, name in net.scheduler_states}
    assert np.array_equal(W, net.layers[1].params["W_layer"]) and W.dtype == np.float32
    assert np.array_equal(m, net.scheduler_states[(2, "W_time")].v)
    assert (record["format"], record["version"], record["kind"]) == ("rnn-nodes", 2, "RNN")
    assert record["arrays"]["layers.1.W_layer"] == tools.sha256(W.tobytes())


def test_save_writes_exactly_the_path_given_and_load_reads_either_format(tmp_path):
    net = trained_network()
    for name in ["net", "net.npz", "net.safetensors.bak"]:
        net.save(tmp_path / name)
        assert (tmp_path / name).read_bytes()[8:10] == b'{"'  # safetensors, whatever the name
        assert np.array_equal(RNN.load(tmp_path / name).layers[1].params["W_time"],
                              net.layers[1].params["W_time"])
    legacy = tmp_path / "legacy.safetensors"  # an .npz file under another name
    legacy.write_bytes((LEGACY / "rnn.npz").read_bytes())
    assert len(RNN.load(legacy).layers) == 5
    assert sorted(os.listdir(tmp_path)) == ["legacy.safetensors", "net", "net.npz",
                                            "net.safetensors.bak"]


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
    "RecurrentLayer": lambda net: net.add_RecurrentLayer(3, cell="lstm", activation="relu")
    .add_RecurrentLayer(2, cell="elman", bidirectional=True).add_OutputLayer(1),
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
    net.save(tmp_path / "net.safetensors")
    loaded = RNN.load(tmp_path / "net.safetensors")
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in net.layers]
    assert np.array_equal(loaded.predict(X), net.predict(X))


@pytest.mark.parametrize("layer_type", sorted(STACKS_WITH))
def test_the_shapes_a_file_is_checked_against_are_those_a_built_layer_has(layer_type):
    """``parameter_shapes`` computes, for a layer made from its configuration and not yet
    built, the shapes its ``build`` draws: for every exported layer type."""
    wide = RNN(seed=0).add_InputLayer(3).add_LSTMLayer(5, bidirectional=True)
    wide.add_GRULayer(2, bidirectional=True, merge="sum").add_OutputLayer(4)
    for net in [STACKS_WITH[layer_type](RNN(seed=0).add_InputLayer(3)), wide]:
        for i, layer in enumerate(net.layers):
            unbuilt = layer_from_config(layer_config(layer))
            n_in = net.layers[i - 1].n_features if i else None
            shapes = {k: v.shape for k, v in layer.params.items()}
            assert parameter_shapes(unbuilt, n_in) == shapes


# what cannot be saved ----------------------------------------------------------------------


def test_an_unfitted_estimator_or_a_users_function_cannot_be_saved(tmp_path):
    with pytest.raises(NotFittedError):
        RNNRegressor().save(tmp_path / "x.safetensors")
    X, y = data()

    def softsign(z):
        return z / (1 + jnp.abs(z))

    model = RNNRegressor(activation=softsign, max_iter=1, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="Cannot save the activation 'softsign'"):
        model.save(tmp_path / "x.safetensors")
    net = RNN(seed=0).add_InputLayer(2).add_RNNLayer(3, softsign).add_DenseLayer(1)
    with pytest.raises(ValueError, match="Cannot save the activation 'softsign'.*pickle"):
        net.save(tmp_path / "x.safetensors")
    assert not os.listdir(tmp_path)


# files that must be refused --------------------------------------------------------------------


def test_a_truncated_file_is_refused_naming_it(tmp_path):
    path = tmp_path / "net.safetensors"
    trained_network().save(path)
    raw = path.read_bytes()
    for length in (4, 200, len(raw) - 1):
        path.write_bytes(raw[:length])
        with pytest.raises(ModelFileError, match=f"^{path}: .*(truncated|ends at byte)"):
            RNN.load(path)


@pytest.mark.parametrize("write", [
    lambda path: path.write_text("just text"),
    lambda path: np.save(open(path, "wb"), np.zeros(3)),
    lambda path: np.savez(open(path, "wb"), weights=np.zeros(3)),
    lambda path: path.write_bytes(pickle.dumps({"a": 1})),
    lambda path: path.write_bytes(tools.save({"weight": np.zeros(3, np.float32)})),
    lambda path: path.write_bytes(b""),
], ids=["text", "npy", "npz-without-record", "pickle", "other-safetensors", "empty"])
def test_a_foreign_file_is_refused_naming_it(tmp_path, write):
    path = tmp_path / "foreign.safetensors"
    write(path)
    with pytest.raises(ModelFileError, match=f"^{path}: "):
        RNN.load(path)


def test_pickled_arrays_are_never_loaded(tmp_path):
    record, arrays = tools.read_npz((LEGACY / "rnn.npz").read_bytes())
    arrays["layers/1/W_layer"] = np.array([print], dtype=object)
    path = tmp_path / "net.npz"
    path.write_bytes(tools.write_npz(record, arrays))
    with pytest.raises(ModelFileError, match=r"member `layers/1/W_layer.npy`: it has dtype "
                                             r"object, expected float32"):
        RNN.load(path)


def test_another_kind_of_model_is_refused(tmp_path):
    X, y = data()
    RNNRegressor(max_iter=1).fit(X, y).save(tmp_path / "reg.safetensors")
    with pytest.raises(ModelFileError, match="holds a 'RNNRegressor', expected RNNClassifier"):
        RNNClassifier.load(tmp_path / "reg.safetensors")
    with pytest.raises(ModelFileError, match="expected RNN"):
        RNN.load(tmp_path / "reg.safetensors")


@pytest.mark.parametrize("change, arrays, expected", [
    (None, {"layers.1.W_layer": np.zeros((3, 4), np.float32)},
     r"array `layers.1.W_layer`: it has shape \(3, 4\), expected \(2, 4\)"),
    (None, {"layers.1.W_layer": np.zeros((2, 4))},
     r"array `layers.1.W_layer`: it has dtype float64, expected float32"),
    (None, {"layers.2.b_time": None},
     r"array `layers.2.b_time`: the file has no such array"),
    (None, {"layers.2.extra": np.zeros(2, np.float32)},
     r"array `layers.2.extra`: the record implies no such array"),
    (lambda r: r["network"]["layers"][1].update(n_features=5), None,
     r"array `layers.1.W_layer`: it has shape \(2, 4\), expected \(2, 5\)"),
    (lambda r: r["network"]["layers"][1].update(type="os.system"), None,
     r"field `network.layers\[1\]`: unknown layer type 'os.system'"),
    (lambda r: r["network"].update(cost="__import__('os')"), None, r"field `network.cost`"),
    (lambda r: r["network"]["scheduler"].update(name="evil"), None,
     r"field `network.scheduler`: unknown scheduler 'evil'"),
    (lambda r: r.update(version=99), None, r"field `version`: format version 99 is newer"),
    (None, {"layers.1.W_layer": np.full((2, 4), np.nan, np.float32)},
     r"array `layers.1.W_layer`: it holds NaN"),
    (lambda r: r["network"]["states"][0].update(type="AdamState"), None,
     r"field `network.states\[0\].type`: a 'AdamState' does not fit"),
    (lambda r: r["network"]["rng"]["state"].update(state=1.5), None,
     r"field `network.rng`: the state of the PCG64 bit generator is malformed"),
    (lambda r: r.update(extra=1), None, r"field `extra`: the record has an unknown field"),
], ids=["shape", "dtype", "missing", "unknown", "record-size", "layer-type", "cost",
        "scheduler", "version", "nan", "state type", "rng", "unknown field"])
def test_a_tampered_file_is_refused_naming_the_field_or_array(tmp_path, change, arrays,
                                                              expected):
    path = tmp_path / "net.safetensors"
    trained_network().save(path)
    rewrite(path, change, **(arrays or {}))
    with pytest.raises(ModelFileError, match=f"^{path}: {expected}"):
        RNN.load(path)


def test_a_changed_record_or_weight_is_named_by_its_digest(tmp_path):
    path = tmp_path / "net.safetensors"
    trained_network().save(path)
    raw = path.read_bytes()
    header, blob = tools.split(raw)
    text = header["__metadata__"]["rnn-nodes"]
    header["__metadata__"]["rnn-nodes"] = text.replace('"lmbd":0.01', '"lmbd":0.02')
    path.write_bytes(tools.join(header, blob))
    with pytest.raises(ModelFileError, match=f"^{path}: record: its text does not match its "
                                             "sha256 digest"):
        RNN.load(path)
    header, blob = tools.split(raw)
    end = header["layers.3.b_layer"]["data_offsets"][1]
    path.write_bytes(tools.join(header, blob[:end - 1] + b"\x7f" + blob[end:]))
    with pytest.raises(ModelFileError, match=r"array `layers.3.b_layer`: its data does not "
                                             r"match its sha256 digest"):
        RNN.load(path)


def test_a_tampered_estimator_record_is_refused_naming_the_field(tmp_path):
    X, y = data()
    path = tmp_path / "clf.safetensors"
    RNNClassifier(max_iter=1).fit(X, np.where(y > 0, "a", "b")).save(path)
    for change, expected in [
            (lambda r: r["params"].update(no_such_parameter=1),
             "field `params.no_such_parameter`: the record has an unknown field"),
            (lambda r: r["params"].update(batch_size=0),
             "field `params.batch_size`: Received an invalid value for argument `batch_size`"),
            (lambda r: r["params"].update(activation="os.system"),
             "field `params.activation`"),
            (lambda r: r["fitted"]["history_"]["loss"].append(1.0),
             "field `fitted.history_`: expected lists of one length"),
            (lambda r: r["fitted"].update(best_epoch_=99),
             r"field `fitted.best_epoch_`: expected null or an epoch in 1..1, got 99"),
            (lambda r: r["fitted"]["classes_"].update(values=["b", "a"]),
             r"field `fitted.classes_`: the labels \['b', 'a'\] are not sorted and unique"),
            (lambda r: r["fitted"]["classes_"].update(values=["a", "b", "c"]),
             "field `fitted.classes_`: 3 classes need an output head of 3 softmax units; the "
             "network has 1"),
            (lambda r: r["fitted"]["classes_"].update(dtype="<U100000000"),
             "field `fitted.classes_`: the dtype '<U100000000' gives labels of 100000000 "
             "characters, more than the 4096"),
            (lambda r: r["network"]["layers"][-1].update(activation="softmax"),
             "field `network.layers\\[2\\]`: the output head has softmax units with the cost "
             "'bce'; this RNNClassifier needs sigmoid units with 'bce'")]:
        saved = path.read_bytes()
        rewrite(path, change)
        with pytest.raises(ModelFileError, match=f"^{path}: {expected}"):
            RNNClassifier.load(path)
        path.write_bytes(saved)


# legacy files --------------------------------------------------------------------------------


@pytest.mark.kernel
@pytest.mark.parametrize("name, load, predict", [
    ("rnn", RNN.load, lambda m, X: m.predict(X)),
    ("rnn-float64-sequence", RNN.load, lambda m, X: m.predict(X)),
    ("regressor", RNNRegressor.load, lambda m, X: m.predict(X)),
    ("classifier", RNNClassifier.load, lambda m, X: m.predict_proba(X)),
    ("classifier-checkpoint", RNNClassifier.load, lambda m, X: m.network_.forward(X)),
])
def test_a_legacy_file_loads_bit_identically_and_converts(tmp_path, name, load, predict):
    """Each fixture loads with the weights and states it holds, bit for bit, and predicts what
    its model predicted when the old version saved it (to the last bits, which the BLAS
    kernel decides); its conversion holds the same arrays and predicts bit-identically."""
    expected = np.load(LEGACY / "expected.npz")
    legacy = load(LEGACY / f"{name}.npz")
    _, old_arrays = tools.read_npz((LEGACY / f"{name}.npz").read_bytes())
    net = getattr(legacy, "network_", legacy)
    loaded = {f"layers/{i}/{key}": value for i, layer in enumerate(net.layers)
              for key, value in layer.params.items()}
    loaded |= {f"states/{i}/{key}/{field}": value
               for (i, key), state in net.scheduler_states.items()
               for field, value in state._asdict().items() if isinstance(value, np.ndarray)}
    assert {key for key in old_arrays if not key.startswith("best/")} == set(loaded)
    for key, value in loaded.items():
        assert value.dtype == old_arrays[key].dtype and np.array_equal(value, old_arrays[key])
    predicted = predict(legacy, expected["X"])
    rtol = 1e-5 if net.dtype == np.float32 else 1e-12
    np.testing.assert_allclose(predicted, expected[name], rtol=rtol, atol=rtol)
    converted = tmp_path / f"{name}.safetensors"
    assert convert(LEGACY / f"{name}.npz", converted) == type(legacy).__name__
    _, new_arrays = tools.read(converted.read_bytes())
    assert len(new_arrays) == len(old_arrays)
    for key, value in old_arrays.items():
        new = key.replace("/", ".").replace("states.", "scheduler.layers.")
        assert np.array_equal(new_arrays[new], value) and new_arrays[new].dtype == value.dtype
    assert np.array_equal(predict(load(converted), expected["X"]), predicted)


def test_a_legacy_checkpoint_loads_with_its_history_and_resumes(tmp_path):
    run = load_checkpoint(LEGACY / "rnn-checkpoint.npz")
    _, arrays = tools.read_npz((LEGACY / "rnn-checkpoint.npz").read_bytes())
    assert run.epoch == 2 and run.history == {"loss": arrays["history/loss"].tolist(),
                                              "time": arrays["history/time"].tolist()}
    assert np.array_equal(run.network.layers[2].params["W_time"], arrays["layers/2/W_time"])
    assert np.array_equal(run.network.scheduler_states[(2, "W_time")].m,
                          arrays["states/2/W_time/m"])


@pytest.mark.kernel
def test_the_conversion_command_line(tmp_path, capsys):
    target = tmp_path / "converted.safetensors"
    done = subprocess.run([sys.executable, "-m", "rnn_nodes.convert",
                           str(LEGACY / "regressor.npz"), str(target)],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout == f"wrote {target}: RNNRegressor, from {LEGACY / 'regressor.npz'}\n"
    expected = np.load(LEGACY / "expected.npz")
    predicted = RNNRegressor.load(target).predict(expected["X"])
    assert np.array_equal(predicted, RNNRegressor.load(LEGACY / "regressor.npz").predict(
        expected["X"]))  # the same model, bit for bit
    # what the old version predicted, to the last bits of float32 (the BLAS kernel's choice)
    np.testing.assert_allclose(predicted, expected["regressor"], rtol=1e-5, atol=1e-5)
    spoiled = tmp_path / "spoiled.npz"
    spoiled.write_bytes((LEGACY / "regressor.npz").read_bytes()[:3000])
    assert main([str(spoiled), str(tmp_path / "never.safetensors")]) == 1
    assert capsys.readouterr().err.startswith(f"error: {spoiled}: ")
    assert not (tmp_path / "never.safetensors").exists()


# writing is atomic ---------------------------------------------------------------------------


def test_a_crash_while_writing_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "net.safetensors"
    net = trained_network()
    net.save(path)
    before = path.read_bytes()

    def crash(handle):
        raise KeyboardInterrupt  # the process is stopped after writing, before the rename

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        net.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["net.safetensors"]  # no temporary file left behind


def test_a_record_too_large_for_a_file_is_refused_when_saving(tmp_path, monkeypatch):
    monkeypatch.setattr(model_file.limits, "MAX_RECORD_BYTES", 1000)
    with pytest.raises(ValueError, match="Cannot save this model: it is .* bytes long, more "
                                         "than the 1000"):
        trained_network().save(tmp_path / "net.safetensors")
    assert not os.listdir(tmp_path)


def test_a_saved_file_gets_ordinary_permissions(tmp_path):
    path = tmp_path / "net.safetensors"
    trained_network().save(path)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    path.chmod(0o640)
    trained_network().save(path)  # replacing a file keeps its permissions
    assert path.stat().st_mode & 0o777 == 0o640
