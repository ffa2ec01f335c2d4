"""Property: a spoiled model file loads as the very same model or raises ModelFileError.

Every load runs in one child process under an address-space limit (``limited_loads.py``,
the ``limited_loader`` fixture of ``conftest.py``): a file that made loading allocate what
it declares fails the property with ``MemoryError`` instead of swapping. The originals are
safetensors files (a network with bidirectional LSTM, GRU and dense layers and Adam states,
its checkpoint, a classifier, the checkpoint of a fit with early stopping and best weights)
and the legacy ``.npz`` fixtures; the loaders are ``RNN.load``, the estimators' ``load``,
``load_checkpoint`` and resuming (``train(resume=True)``, ``fit(resume=True)``). Spoiled:

- any byte changed, eight bytes zeroed, the file cut, the first bytes replaced;
- safetensors entries dropped, added, renamed, swapped, resized, given another dtype or
  moved to other offsets (the header rewritten by hand);
- a leaf of the JSON record replaced by a value of another type or range (its digest made
  to fit, as an attacker would): a ModelFileError, or a model that loads (with the same
  weights, which the digests keep);
- legacy members replaced by object (pickled) arrays or arrays of another shape or dtype,
  dropped, added, renamed; the whole archive deflated.

A load must never raise anything but ``ModelFileError`` (nor ``MemoryError`` or
``RecursionError``), and never return a model that differs from the original without a
changed record.
"""

import copy
import io
import json
import zipfile

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

import model_file_tools as tools
from campaign import count, examples

SAFETENSORS = ["network", "checkpoint", "classifier", "fit"]
LEGACY = ["legacy network", "legacy checkpoint", "legacy classifier", "legacy fit",
          "legacy regressor"]


def loaders_of(name):
    import limited_loads

    return limited_loads.ORIGINALS[name][1]


@st.composite
def original_and_loader(draw, names):
    name = draw(st.sampled_from(names), label="original")
    return name, draw(st.sampled_from(loaders_of(name)), label="loader")


def check(result, allowed=("same", "refused", "ran")):
    """The child's answer is allowed; a refusal names the file."""
    assert result["outcome"] in allowed, result
    if result["outcome"] == "refused" and result["where"] != "resume":
        assert result["message"].startswith(result["path"]), result
    return result["outcome"]


@examples(150)
@given(case=original_and_loader(SAFETENSORS + LEGACY), data=st.data())
def test_changed_or_cut_bytes_give_the_same_model_or_a_model_file_error(limited_loader, case,
                                                                         data):
    count("files: model files with changed, zeroed or cut bytes")
    name, loader = case
    raw = bytearray(limited_loader.originals[name])
    how = data.draw(st.sampled_from(["byte", "byte in header", "zeros", "cut", "magic"]),
                    label="how")
    header_end = 8 + int.from_bytes(raw[:8], "little") if name in SAFETENSORS else 200
    if how.startswith("byte"):
        i = data.draw(st.integers(0, (header_end if how == "byte in header" else len(raw)) - 1),
                      label="at")
        raw[i] = (raw[i] + data.draw(st.integers(1, 255), label="plus")) % 256
    elif how == "zeros":
        i = data.draw(st.integers(0, len(raw) - 8), label="at")
        raw[i:i + 8] = bytes(8)
    elif how == "cut":
        raw = raw[:data.draw(st.integers(0, len(raw) - 1), label="length")]
    else:
        raw[:4] = data.draw(st.binary(min_size=4, max_size=4).filter(
            lambda b: b != bytes(raw[:4])), label="magic")
    outcome = check(limited_loader.load(bytes(raw), name, loader))
    if how in ("cut", "magic"):
        assert outcome == "refused"


# safetensors entries ----------------------------------------------------------------------


def retile(entries):
    """Header entries ``name -> (entry, bytes)`` laid out one after another."""
    header, data, offset = {}, b"", 0
    for name, (entry, payload) in entries.items():
        header[name] = {**entry, "data_offsets": [offset, offset + len(payload)]}
        data, offset = data + payload, offset + len(payload)
    return header, data


NAMES = st.sampled_from(["layers.1.W_layer", "layers.9.W_layer", "layers.0.W_layer",
                         "scheduler.layers.1.W_layer.m", "history.loss", "best.layers.1.b_time",
                         "layers.1.W_layer ", "os.system", ""])


@examples(150)
@given(case=original_and_loader(SAFETENSORS), data=st.data())
def test_safetensors_entries_changed_are_refused(limited_loader, case, data):
    count("files: safetensors entries dropped, added, renamed, swapped, resized, moved")
    name, loader = case
    header, blob = tools.split(limited_loader.originals[name])
    metadata = header.pop("__metadata__")
    entries = {key: (entry, blob[slice(*entry["data_offsets"])]) for key, entry in header.items()}
    keys = sorted(entries)
    how = data.draw(st.sampled_from(["drop", "add", "rename", "swap", "resize", "dtype",
                                     "move"]), label="how")
    key = data.draw(st.sampled_from(keys), label="entry")
    entry, payload = entries[key]
    if how == "drop":
        del entries[key]
    elif how == "add":
        new = data.draw(NAMES, label="name")
        assume(new not in entries)
        entries[new] = ({"dtype": "F32", "shape": [2]}, bytes(8))
    elif how == "rename":
        new = data.draw(NAMES | st.sampled_from(keys), label="name")
        assume(new not in entries)
        entries[new] = entries.pop(key)
    elif how == "swap":
        other = data.draw(st.sampled_from(keys), label="other")
        assume(other != key and entries[other][1] != payload)
        entries[key], entries[other] = entries[other], entries[key]
    elif how == "resize":
        shape = data.draw(st.lists(st.integers(0, 4), max_size=3), label="shape")
        assume(shape != entry["shape"])
        size = 4 if entry["dtype"] == "F32" else 8
        entries[key] = ({**entry, "shape": shape}, bytes(size * int(np.prod(shape))))
    elif how == "dtype":
        dtype = "F64" if entry["dtype"] == "F32" else "F32"
        values = np.frombuffer(payload, tools.DTYPES[entry["dtype"]])
        entries[key] = ({**entry, "dtype": dtype}, values.astype(tools.DTYPES[dtype]).tobytes())
    header, blob = retile(entries)
    if how == "move":  # offsets that overlap, leave a gap or leave the file
        shift = data.draw(st.integers(-16, 16).filter(bool), label="shift")
        begin, end = header[key]["data_offsets"]
        header[key]["data_offsets"] = data.draw(st.sampled_from(
            [[begin + shift, end + shift], [begin, end + shift], [begin + shift, end]]),
            label="offsets")
    raw = tools.join({"__metadata__": metadata, **header}, blob)
    assert check(limited_loader.load(raw, name, loader)) == "refused"


# the JSON record -----------------------------------------------------------------------------


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
    st.none(), st.booleans(), st.integers(-2**70, 2**70),
    st.sampled_from([-1, 0, 1, 2, 10**6, 10**30, 2**64]),
    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(["", "x", "os.system",
                                                                       "<U100000000", "|O"]),
    st.just([]), st.just({}), st.just([1, "a"]), st.just({"name": "adam"}),
    st.just([[[[[]]]]]))


def spoiled_record(record, data):
    path = data.draw(st.sampled_from(sorted(leaves(record), key=repr)), label="path")
    spoiled = copy.deepcopy(record)
    parent = spoiled
    for key in path[:-1]:
        parent = parent[key]
    value = data.draw(JSON_VALUES, label="value")
    assume(value != parent[path[-1]] or type(value) is not type(parent[path[-1]]))
    parent[path[-1]] = value
    return spoiled


@examples(200)
@given(case=original_and_loader(SAFETENSORS + LEGACY), data=st.data())
def test_record_fields_replaced_give_a_model_file_error_or_a_model(limited_loader, case, data):
    count("files: JSON record leaves replaced by other types and values")
    name, loader = case
    raw = limited_loader.originals[name]
    if name in SAFETENSORS:
        record, _ = tools.read(raw)
        raw = tools.with_record_text(raw, json.dumps(spoiled_record(record, data)))
    else:
        record, arrays = tools.read_npz(raw)
        raw = tools.write_npz(spoiled_record(record, data), arrays)
    result = limited_loader.load(raw, name, loader)
    outcome = check(result, ("same", "refused", "ran", "different"))
    if outcome == "different":  # another setting or attribute; never other weights
        assert result["same weights"], result


# legacy members ------------------------------------------------------------------------------


@examples(120)
@given(case=original_and_loader(LEGACY), data=st.data())
def test_legacy_members_changed_are_refused(limited_loader, case, data):
    count("files: legacy members pickled, misshapen, dropped, added, renamed")
    name, loader = case
    record, arrays = tools.read_npz(limited_loader.originals[name])
    key = data.draw(st.sampled_from(sorted(arrays)), label="member")
    old = arrays[key]
    how = data.draw(st.sampled_from(["object", "shape", "dtype", "drop", "add", "rename"]),
                    label="how")
    if how == "object":
        arrays[key] = np.array([print, "rm -rf /"], dtype=object)
    elif how == "shape":
        shape = data.draw(st.lists(st.integers(0, 5), max_size=3).map(tuple), label="shape")
        assume(shape != old.shape)
        arrays[key] = np.zeros(shape, old.dtype)
    elif how == "dtype":
        dtype = data.draw(st.sampled_from(["float16", "float32", "float64", "int64", "U3",
                                           ">f4"]), label="dtype")
        assume(np.dtype(dtype) != old.dtype)
        arrays[key] = old.astype(dtype)
    elif how == "drop":
        del arrays[key]
    elif how == "add":
        arrays["layers/7/W_layer"] = np.zeros(3, np.float32)
    else:
        arrays[key.replace("/", "_", 1)] = arrays.pop(key)
    out = io.BytesIO()
    np.savez(out, record=np.frombuffer(json.dumps(record).encode(), np.uint8), **arrays)
    assert check(limited_loader.load(out.getvalue(), name, loader)) == "refused"


def test_a_deflated_legacy_file_loads_the_same_model(limited_loader):
    for name in LEGACY:
        record, arrays = tools.read_npz(limited_loader.originals[name])
        raw = tools.write_npz(record, arrays, compressed=True)
        assert zipfile.ZipFile(io.BytesIO(raw)).infolist()[0].compress_type == zipfile.ZIP_DEFLATED
        for loader in loaders_of(name):
            assert limited_loader.load(raw, name, loader)["outcome"] == "same"
