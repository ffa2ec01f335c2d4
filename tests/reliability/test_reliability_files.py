"""Untrusted files: model files, checkpoints, MNIST IDX files and weather CSV files.

Model files and checkpoints (``RNN.load``, ``RNNClassifier.load``, ``train(resume=True)``)
are read with ``allow_pickle=False`` and ``json.loads``: nothing in a file can run code.
The properties spoil a valid file (a network with bidirectional LSTM, GRU and dense layers
and Adam states; a classifier; a checkpoint) and require a ``ModelFileError`` (a
``ValueError``) naming the file, or, where the spoiling leaves the content intact (a byte of
zip metadata, a value of the right type), the very same weights:

- cut at any length; one byte changed or eight bytes zeroed anywhere; a wrong magic number;
- any entry replaced by an object (pickled) array, or by an array of another shape or dtype;
- a leaf of the JSON record replaced by a value of another type or range.

``tests/estimators/test_model_files.py`` has the hand-written cases these generalise.
The dataset readers: an IDX file cut, changed or with any header dimensions (up to 2**32 - 1,
whose product overflows int64) gives the right array or a ``ValueError`` naming the file; a
weather CSV with missing or extra columns, empty, non-numeric, non-finite or non-UTF-8
values, rows of the wrong length gives a ``ValueError`` naming the file or a table whose
counts add up (``n_rows_read - n_rows_dropped`` rows, all values finite).
"""

import copy
import functools
import gzip
import json
import os
import tempfile
import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from campaign import count, examples
from rnn_nodes import RNN, ModelFileError, RNNClassifier
from rnn_nodes.datasets import load_weather_csv, read_idx
from schedulers import Adam

FOLDER = tempfile.mkdtemp(prefix="rnn-nodes-reliability-")


@functools.cache
def originals():
    """Valid files: name -> (bytes, loader, reference weights)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((12, 4, 2))
    y = X.sum(axis=(1, 2))
    net = RNN(seed=0, lmbd=0.01, scheduler=Adam(eta=0.01))
    net.add_InputLayer(2).add_LSTMLayer(3, bidirectional=True).add_GRULayer(2).add_DenseLayer(1)
    checkpoint = os.path.join(FOLDER, "checkpoint.npz")
    net.train(X, y[:, None], epochs=2, batch_size=4, checkpoint_path=checkpoint)
    net.save(os.path.join(FOLDER, "network.npz"))
    labels = np.where(y > 0, "up", "down")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = RNNClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
        model.fit(X, labels).save(os.path.join(FOLDER, "classifier.npz"))
        estimator().fit(X, labels, checkpoint_path=os.path.join(FOLDER, "fit.npz"))

    def resume_fit(path):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return estimator(max_iter=3).fit(X, labels, checkpoint_path=path, resume=True)

    def resume(path):
        again = RNN(seed=0, lmbd=0.01, scheduler=Adam(eta=0.01))
        again.add_InputLayer(2).add_LSTMLayer(3, bidirectional=True).add_GRULayer(2)
        again.add_DenseLayer(1).train(X, y[:, None], epochs=3, batch_size=4,
                                      checkpoint_path=path, resume=True)
        return again

    files = {}
    for name, source, loader, reader in [
            ("network", "network", RNN.load, RNN.load),
            ("classifier", "classifier", RNNClassifier.load, RNNClassifier.load),
            ("checkpoint", "checkpoint", RNN.load, RNN.load),
            ("resumed checkpoint", "checkpoint", resume, RNN.load),
            ("resumed fit", "fit", resume_fit, RNNClassifier.load)]:
        with open(os.path.join(FOLDER, f"{source}.npz"), "rb") as file:
            raw = file.read()
        files[name] = (raw, loader, weights_of(reader(os.path.join(FOLDER, f"{source}.npz"))))
    return files


def estimator(max_iter=2):
    return RNNClassifier(hidden_layer_sizes=(3,), max_iter=max_iter, early_stopping=True,
                         validation_fraction=0.25, random_state=0)


def weights_of(obj):
    net = getattr(obj, "network_", obj)
    return [p for layer in net.layers for p in layer.params.values()]


def check_refused_or_intact(name, data):
    """Write ``data``, load it as ``name`` does: a ModelFileError naming the file, or intact."""
    raw, loader, reference = originals()[name]
    path = os.path.join(FOLDER, "spoiled.npz")
    with open(path, "wb") as file:
        file.write(data)
    try:
        loaded = loader(path)
    except ModelFileError as error:
        assert path in str(error)
        return "refused"
    except ValueError as error:  # resuming: "a checkpoint of another network", "more epochs"
        assert name.startswith("resumed") and path in str(error), error
        return "refused"
    if name.startswith("resumed"):  # resuming trains on: nothing to compare
        return "loaded"
    assert all(np.array_equal(a, b) for a, b in zip(weights_of(loaded), reference)), (
        "a spoiled file loaded with other weights")
    return "intact"


FILES = st.sampled_from(["network", "classifier", "checkpoint", "resumed checkpoint",
                         "resumed fit"])


@examples(120)
@given(name=FILES, data=st.data())
def test_cut_or_changed_bytes_are_refused_naming_the_file(name, data):
    count("files: model files cut or with changed bytes")
    raw = bytearray(originals()[name][0])
    how = data.draw(st.sampled_from(["cut", "byte", "zeros", "magic"]), label="how")
    if how == "cut":
        raw = raw[:data.draw(st.integers(0, len(raw) - 1), label="length")]
    elif how == "byte":
        i = data.draw(st.integers(0, len(raw) - 1), label="at")
        raw[i] = (raw[i] + data.draw(st.integers(1, 255), label="plus")) % 256
    elif how == "zeros":
        i = data.draw(st.integers(0, len(raw) - 8), label="at")
        raw[i:i + 8] = bytes(8)
    else:
        raw[:4] = data.draw(st.binary(min_size=4, max_size=4).filter(
            lambda b: b != b"PK\x03\x04"), label="magic")
    outcome = check_refused_or_intact(name, bytes(raw))
    if how in ("cut", "magic"):
        assert outcome == "refused"


def rewritten(name, arrays):
    path = os.path.join(FOLDER, "rewritten.npz")
    np.savez(path, **arrays)
    with open(path, "rb") as file:
        return file.read()


def original_entries(name):
    path = os.path.join(FOLDER, "entries.npz")
    with open(path, "wb") as file:
        file.write(originals()[name][0])
    with np.load(path, allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


@examples(120)
@given(name=FILES, data=st.data())
def test_pickled_or_misshapen_arrays_are_refused_naming_the_file(name, data):
    arrays = original_entries(name)
    key = data.draw(st.sampled_from(sorted(arrays)), label="entry")
    old = arrays[key]
    how = data.draw(st.sampled_from(["object", "shape", "dtype"]), label="how")
    if how == "object":
        arrays[key] = np.array([os.system, "rm -rf /"], dtype=object)
    elif how == "shape":
        shape = data.draw(st.lists(st.integers(0, 5), max_size=3).map(tuple), label="shape")
        assume(shape != old.shape)
        arrays[key] = np.zeros(shape, old.dtype)
    else:
        dtype = data.draw(st.sampled_from(["float16", "float32", "float64", "int64", "U3"]))
        assume(np.dtype(dtype) != old.dtype)
        arrays[key] = old.astype(dtype)
    count("files: entries replaced by object or misshapen arrays")
    outcome = check_refused_or_intact(name, rewritten(name, arrays))
    # RNN.load reads a checkpoint as a model file: its history entries are not read
    assert outcome == "refused" or name == "checkpoint" and key.startswith("history/") or (
        name == "resumed fit" and key.startswith("best/states/") and how == "dtype"
        and arrays[key].dtype.kind == "f")


def leaves(value, path=()):
    """Paths to every value inside a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, path + (index,))
    if path:
        yield path


JSON_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-2**70, 2**70), st.sampled_from([-1, 0, 1, 10**6]),
    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(["", "x", "os.system"]),
    st.just([]), st.just({}), st.just([1, "a"]), st.just({"name": "adam"}))


@examples(250)
@given(name=FILES, data=st.data())
def test_json_records_with_wrong_types_are_refused_naming_the_file(name, data):
    arrays = original_entries(name)
    record = json.loads(arrays["record"].tobytes())
    path = data.draw(st.sampled_from(sorted(leaves(record), key=repr)), label="path")
    spoiled = copy.deepcopy(record)
    parent = spoiled
    for key in path[:-1]:
        parent = parent[key]
    value = data.draw(JSON_VALUES, label="value")
    assume(value != parent[path[-1]] or type(value) is not type(parent[path[-1]]))
    parent[path[-1]] = value
    count("files: JSON record leaves replaced by other types")
    arrays["record"] = np.frombuffer(json.dumps(spoiled).encode(), np.uint8)
    check_refused_or_intact(name, rewritten(name, arrays))


# the dataset readers ---------------------------------------------------------------------


def idx_bytes(magic, dims, payload):
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in dims)
    return header + bytes(payload)


@examples(150)
@given(data=st.data())
def test_idx_files_give_the_right_array_or_an_error_naming_the_file(data):
    count("files: IDX files cut, changed or with any header")
    dims = (3, 2, 3)
    valid = idx_bytes(2051, dims, range(18))
    how = data.draw(st.sampled_from(["cut", "byte", "dims", "gzip cut", "magic"]), label="how")
    raw = bytearray(valid)
    if how == "cut":
        raw = raw[:data.draw(st.integers(0, len(raw) - 1))]
    elif how == "byte":
        i = data.draw(st.integers(0, len(raw) - 1), label="at")
        raw[i] = data.draw(st.integers(0, 255), label="value")
    elif how == "dims":
        dims = tuple(data.draw(st.lists(st.sampled_from([0, 1, 2, 3, 2**16, 2**31, 2**32 - 1]),
                                        min_size=3, max_size=3), label="dims"))
        raw = bytearray(idx_bytes(2051, dims, range(data.draw(st.sampled_from([0, 6, 18])))))
    elif how == "gzip cut":
        packed = gzip.compress(valid)
        raw = bytearray(packed[:data.draw(st.integers(2, len(packed) - 1))])
    else:
        magic = data.draw(st.integers(0, 2**32 - 1).filter(lambda m: m != 2051), label="magic")
        raw[:4] = magic.to_bytes(4, "big")
    path = os.path.join(FOLDER, "images.idx")
    with open(path, "wb") as file:
        file.write(bytes(raw))
    try:
        images = read_idx(path, 2051)
    except ValueError as error:
        assert path in str(error), error
        return
    header = tuple(int.from_bytes(raw[4 + 4 * k:8 + 4 * k], "big") for k in range(3))
    assert images.shape == header and images.size == len(raw) - 16


@st.composite
def weather_files(draw):
    columns = ["date", "tmax", "tmin", "rain", "tmax_tomorrow"]
    if draw(st.booleans()):
        columns.remove(draw(st.sampled_from(columns)))
    columns += ["station"] * draw(st.integers(0, 1))
    columns = draw(st.permutations(columns))
    cell = st.one_of(st.floats(-40, 120).map(lambda v: f"{v:.1f}"), st.just(""),
                     st.sampled_from(["nan", "inf", "abc", "1e400", " 5 ", "\x00", "1,5"]))
    lines = [",".join(columns)]
    for day in range(draw(st.integers(0, 6))):
        row = [f"2000-01-{day + 1:02d}" if c == "date" else draw(cell) for c in columns]
        if draw(st.integers(0, 19)) == 0:
            row = row[:-1]
        lines.append(",".join(row))
    data = ("\n".join(lines) + "\n").encode()
    if draw(st.integers(0, 19)) == 0:
        data = data.replace(b"2000", b"\xff\xfe00", 1)
    return data


@examples(150)
@given(data=weather_files(), missing=st.sampled_from(["ffill", "drop"]))
def test_weather_files_give_a_counted_table_or_an_error_naming_the_file(data, missing):
    count("files: weather CSV files with missing columns and values")
    path = os.path.join(FOLDER, "weather.csv")
    with open(path, "wb") as file:
        file.write(data)
    try:
        table = load_weather_csv(path, missing=missing)
    except ValueError as error:
        assert path in str(error), error
        return
    assert len(table.values) == table.n_rows_read - table.n_rows_dropped > 0
    assert np.isfinite(table.values).all() and len(table.dates) == len(table.values)
    assert table.n_rows_with_missing <= sum(table.n_missing.values())
    if missing == "drop":
        assert table.n_rows_dropped == table.n_rows_with_missing


def test_a_weather_file_without_any_complete_row_is_refused(tmp_path):
    path = tmp_path / "norain.csv"
    path.write_text("date,tmax,tmin,rain,tmax_tomorrow\n2000-01-01,1,2,,3\n2000-01-02,1,2,,3\n")
    with pytest.raises(ValueError, match=r"norain.csv': every one of its 2 rows has a missing "
                                         r"value that missing='ffill' cannot fill"):
        load_weather_csv(path)


def test_a_weather_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.csv"
    text = "date,tmax,tmin,rain,tmax_tomorrow\n2000-01-01,1,2,0,3 °F\n"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(ValueError, match="latin1.csv' is not UTF-8 text"):
        load_weather_csv(path)


def test_idx_dimensions_whose_product_overflows_int64_are_refused(tmp_path):
    path = tmp_path / "huge.idx"
    path.write_bytes(idx_bytes(2051, (2**31, 2**16, 2**31), []))  # 2**78 wraps to 0 in int64
    with pytest.raises(ValueError, match=r"huge.idx' is truncated: the header gives shape "
                                         r"\(2147483648, 65536, 2147483648\)"):
        read_idx(path, 2051)


def test_a_huge_layer_size_is_refused_before_any_weight_is_drawn(tmp_path):
    # building an LSTM of 10**6 units would draw 4 orthogonal 10**6 x 10**6 matrices first
    arrays = original_entries("network")
    record = json.loads(arrays["record"].tobytes())
    record["network"]["layers"][1]["layer"]["n_features"] = 10**6
    arrays["record"] = np.frombuffer(json.dumps(record).encode(), np.uint8)
    path = tmp_path / "huge.npz"
    np.savez(path, **arrays)
    with pytest.raises(ModelFileError, match=f"{path} holds an inconsistent model: the weights "
                                             "do not fit the layers: layer 1 has 1000000"):
        RNN.load(path)
