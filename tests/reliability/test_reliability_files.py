"""Untrusted files: crafted model files, MNIST IDX files and weather CSV files.

Crafted model files (issue 15 item 4 and issue 22's probes) are loaded in the child process
of ``limited_loads.py`` under an address-space limit, so a file that made a load allocate
what it declares fails here instead of swapping: a ``.npy`` header or a safetensors entry
declaring a (100000, 100000) float64 array, a 2 MB file holding a 2 GiB deflated member,
a classifier record with ``classes_`` of dtype ``<U100000000``, unsorted, duplicated or not
fitting the output head, ``blas_threads=10**30`` and other absurd sizes, a record nested
1,000 deep, a record without ``network``. Each is a ``ModelFileError`` naming the file and
the member, array or field. ``test_reliability_model_files.py`` has the properties these
are cases of.

The dataset readers: an IDX file cut, changed or with any header dimensions (up to
2**32 - 1, whose product overflows int64) gives the right array or a ``ValueError`` naming
the file; a weather CSV with missing or extra columns, empty, non-numeric, non-finite or
non-UTF-8 values, rows of the wrong length gives a ``ValueError`` naming the file or a
table whose counts add up (``n_rows_read - n_rows_dropped`` rows, all values finite).
"""

import gzip
import io
import os
import tempfile
import zipfile

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import model_file_tools as tools
from campaign import count, examples
from rnn_nodes.datasets import load_weather_csv, read_idx

FOLDER = tempfile.mkdtemp(prefix="rnn-nodes-reliability-")


# crafted model files: each refused fast, under the loader's memory limit ------------------


def refused(limited_loader, data, original, loader, where):
    """Load ``data`` in the limited child: a ModelFileError naming the file and ``where``."""
    result = limited_loader.load(data, original, loader)
    assert result["outcome"] == "refused", result
    assert result["message"].startswith(result["path"] + ": " + where), result["message"]
    return result["message"]


def legacy_members(limited_loader, name):
    """The members of a legacy original: ``member name -> bytes`` (record first)."""
    archive = zipfile.ZipFile(io.BytesIO(limited_loader.originals[name]))
    names = ["record.npy"] + [n for n in archive.namelist() if n != "record.npy"]
    return {n: archive.read(n) for n in names}


def test_a_npy_header_declaring_74_gib_is_refused_naming_the_member(limited_loader):
    members = legacy_members(limited_loader, "legacy float64")
    members["layers/1/W_layer.npy"] = tools.npy_header((100000, 100000), np.float64)
    raw = tools.raw_zip([tools.Member(n, data) for n, data in members.items()])
    message = refused(limited_loader, raw, "legacy float64", "RNN",
                      "member `layers/1/W_layer.npy`")
    assert "(100000, 100000)" in message


def test_a_safetensors_header_declaring_74_gib_is_refused_naming_the_array(limited_loader):
    header, data = tools.split(limited_loader.originals["network"])
    header["layers.1.W_layer"]["shape"] = [100000, 100000]
    header["layers.1.W_layer"]["dtype"] = "F64"
    begin = header["layers.1.W_layer"]["data_offsets"][0]
    header["layers.1.W_layer"]["data_offsets"] = [begin, begin + 8 * 10**10]
    refused(limited_loader, tools.join(header, data), "network", "RNN",
            "array `layers.1.W_layer`")


@pytest.mark.parametrize("member", ["layers/1/W_layer.npy", "junk.npy", "record.npy"])
def test_a_2_mb_file_holding_2_gib_deflated_is_refused_naming_the_member(limited_loader,
                                                                        member):
    members = legacy_members(limited_loader, "legacy network")
    bomb = tools.deflated_zeros(tools.npy_header((2**28,), np.float64), 2**31)
    members[member] = bomb
    raw = tools.raw_zip([tools.Member(n, data, size=len(tools.npy_header((2**28,), "f8"))
                                      + 2**31 if n == member else None, deflated=n == member)
                         for n, data in members.items()])
    assert 2e6 < len(raw) < 3e6 and limited_loader.limit < 2**31 + 2**30
    message = refused(limited_loader, raw, "legacy network", "RNN", f"member `{member}`")
    assert "a decompression bomb" in message


def changed(limited_loader, name, change):
    return tools.changed_record(limited_loader.originals[name], change)


@pytest.mark.parametrize("change, where", [
    (lambda r: r["fitted"]["classes_"].update(dtype="<U100000000"), "fitted.classes_"),
    (lambda r: r["fitted"]["classes_"].update(values=["up", "down"]), "fitted.classes_"),
    (lambda r: r["fitted"]["classes_"].update(values=["down", "down"]), "fitted.classes_"),
    (lambda r: r["fitted"]["classes_"].update(values=["a", "down", "up"]), "fitted.classes_"),
    (lambda r: r["fitted"]["classes_"].update(dtype="|O"), "fitted.classes_"),
    (lambda r: r["network"].update(blas_threads=10**30), "network.blas_threads"),
    (lambda r: r["network"].update(bptt_limit=10**4000), "network.bptt_limit"),
    (lambda r: r["network"]["layers"][1].update(n_features=10**12), "network.layers[1]"),
    (lambda r: r["network"]["layers"][0].update(n_features=10**6),
     "fitted.n_features_per_step_"),
    (lambda r: r["params"].update(batch_size=10**30) or r["params"].update(max_iter=0),
     "params.max_iter"),
    (lambda r: r.pop("network"), "network"),
    (lambda r: r.pop("fitted"), "fitted"),
    (lambda r: r["network"].pop("layers"), "network.layers"),
    (lambda r: r["fitted"].update(n_outputs_=3), "fitted.n_outputs_"),
], ids=["classes dtype U100000000", "classes unsorted", "classes duplicated",
        "3 classes on 1 sigmoid unit", "classes objects", "blas_threads 10**30",
        "bptt_limit 10**4000", "layer of 10**12 units", "input of 10**6 features",
        "max_iter 0", "no network", "no fitted", "no layers", "3 outputs"])
def test_a_crafted_classifier_record_is_refused_naming_the_field(limited_loader, change, where):
    where = where if where.startswith("array") else f"field `{where}`"
    refused(limited_loader, changed(limited_loader, "classifier", change), "classifier",
            "RNNClassifier", where)


@pytest.mark.parametrize("original, loader", [
    ("network", "RNN"), ("checkpoint", "load_checkpoint"), ("checkpoint", "resume"),
    ("fit", "resume fit"), ("fit", "RNNClassifier")])
def test_a_record_without_network_is_a_model_file_error_for_every_loader(limited_loader,
                                                                        original, loader):
    refused(limited_loader, changed(limited_loader, original, lambda r: r.pop("network")),
            original, loader, "field `network`")


@pytest.mark.parametrize("original, loader", [("network", "RNN"), ("checkpoint", "resume")])
def test_a_record_nested_1000_deep_is_a_model_file_error(limited_loader, original, loader):
    raw = changed(limited_loader, original, lambda r: r["network"].update(lmbd=tools.NESTED))
    message = refused(limited_loader, raw, original, loader, "record")
    assert "nested 1002 levels deep" in message  # the record, network, 1,000 lists


def test_a_header_nested_1000_deep_is_a_model_file_error(limited_loader):
    header, data = tools.split(limited_loader.originals["network"])
    header["layers.1.W_layer"]["shape"] = tools.NESTED
    refused(limited_loader, tools.join(header, data), "network", "RNN", "header")


def test_a_legacy_record_nested_or_without_network_is_a_model_file_error(limited_loader):
    record, arrays = tools.read_npz(limited_loader.originals["legacy checkpoint"])
    deep = tools.write_npz({**record, "network": tools.NESTED}, arrays)
    refused(limited_loader, deep, "legacy checkpoint", "load_checkpoint", "record")
    record.pop("network")
    refused(limited_loader, tools.write_npz(record, arrays), "legacy checkpoint",
            "load_checkpoint", "field `network`")


@pytest.mark.parametrize("original, loader", [("network", "RNN"),
                                              ("checkpoint", "load_checkpoint")])
def test_a_network_record_of_other_sizes_is_refused_naming_the_array(limited_loader, original,
                                                                     loader):
    raw = changed(limited_loader, original,
                  lambda r: r["network"]["layers"][0].update(n_features=10**6))
    message = refused(limited_loader, raw, original, loader, "array `layers.1.W_layer`")
    assert "expected (1000000, 12)" in message


def test_a_changed_weight_is_named(limited_loader):
    header, data = tools.split(limited_loader.originals["network"])
    begin = header["layers.2.W_time"]["data_offsets"][0]
    data = data[:begin] + bytes([data[begin] ^ 1]) + data[begin + 1:]
    refused(limited_loader, tools.join(header, data), "network", "RNN",
            "array `layers.2.W_time`: its data does not match its sha256 digest")


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
