"""Reading and crafting model files byte by byte, independently of ``rnn_nodes.persistence``.

The tests use these to spoil files the way an attacker or a failing disk would: a
safetensors file is an 8-byte header length, a JSON header (``__metadata__`` holds the
record under ``"rnn-nodes"`` and its sha256 under ``"rnn-nodes.sha256"``) and the data;
the record lists a sha256 digest of every array under ``"arrays"``. A legacy file is a zip
of ``.npy`` members, written here by hand where ``numpy`` would not write it (a member
declaring any size, deflated or not).
"""

import hashlib
import io
import json
import struct
import zipfile
import zlib

import numpy as np
from safetensors.numpy import save  # noqa: F401 (also for the tests: tools.save)

RECORD_KEY, RECORD_DIGEST_KEY = "rnn-nodes", "rnn-nodes.sha256"
DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "U8": np.uint8}


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def split(raw):
    """``(header dict, data bytes)`` of a safetensors file's bytes."""
    length = int.from_bytes(raw[:8], "little")
    return json.loads(raw[8:8 + length]), raw[8 + length:]


def join(header, data):
    """Bytes of a safetensors file from a header dict and the data (no checks at all)."""
    text = dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return len(text).to_bytes(8, "little") + text + data


def read(raw):
    """``(record, arrays)`` of a safetensors model file's bytes."""
    header, data = split(raw)
    record = json.loads(header.pop("__metadata__")[RECORD_KEY])
    arrays = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        arrays[name] = np.frombuffer(data[begin:end], DTYPES[entry["dtype"]]).reshape(
            entry["shape"])
    return record, arrays


def write(record, arrays):
    """Bytes of a valid model file: ``record`` with fresh digests of ``arrays`` and of itself."""
    record = {**record, "arrays": {name: sha256(np.ascontiguousarray(value).tobytes())
                                   for name, value in arrays.items()}}
    text = json.dumps(record)
    return save({name: np.ascontiguousarray(value) for name, value in arrays.items()},
                metadata={RECORD_KEY: text, RECORD_DIGEST_KEY: sha256(text.encode())})


def with_record_text(raw, text):
    """``raw`` with the record replaced by ``text`` (any text) and its digest made to fit."""
    header, data = split(raw)
    header["__metadata__"] = {RECORD_KEY: text, RECORD_DIGEST_KEY: sha256(text.encode())}
    return join(header, data)


def changed_record(raw, change):
    """``raw`` with ``change(record)`` applied to its record (digests fitted)."""
    record, _ = read(raw)
    change(record)
    return with_record_text(raw, dumps(record))


NESTED = "<nested 1,000 deep>"


def dumps(value):
    """JSON text of ``value``, the string :data:`NESTED` replaced by lists 1,000 deep
    (which Python's own ``json`` can neither make nor read)."""
    return json.dumps(value).replace(json.dumps(NESTED), "[" * 1000 + "]" * 1000)


# legacy .npz -------------------------------------------------------------------------------


def npy_header(shape, dtype):
    """The ``.npy`` header (magic, version 1.0, dict) of an array of ``shape`` and ``dtype``."""
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        out, {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False,
              "shape": tuple(shape)})
    return out.getvalue()


def read_npz(raw):
    """``(record, arrays)`` of a legacy file's bytes, with numpy (trusted files only)."""
    with np.load(io.BytesIO(raw), allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    return json.loads(arrays.pop("record").tobytes()), arrays


def write_npz(record, arrays, compressed=False):
    """Bytes of a legacy file as ``np.savez`` (or ``savez_compressed``) writes it."""
    out = io.BytesIO()
    payload = np.frombuffer(dumps(record).encode(), np.uint8)
    (np.savez_compressed if compressed else np.savez)(out, record=payload, **arrays)
    return out.getvalue()


class Member:
    """A zip member written by hand: ``data`` as stored (already deflated or not)."""

    def __init__(self, name, data, size=None, deflated=False, crc=None):
        self.name, self.data, self.deflated = name.encode(), data, deflated
        self.size = len(data) if size is None else size
        self.crc = zlib.crc32(data) if crc is None else crc


def raw_zip(members):
    """A zip archive of ``members`` (sizes and CRC as the members declare them)."""
    out, directory = io.BytesIO(), []
    for m in members:
        offset = out.tell()
        method = zipfile.ZIP_DEFLATED if m.deflated else zipfile.ZIP_STORED
        fields = (20, 0, method, 0, 0, m.crc, len(m.data), m.size, len(m.name), 0)
        out.write(b"PK\x03\x04" + struct.pack("<HHHHHIIIHH", *fields) + m.name + m.data)
        directory.append(b"PK\x01\x02" + struct.pack("<HHHHHHIIIHHHHHII", 20, *fields, 0, 0, 0,
                                                     0, offset) + m.name)
    start = out.tell()
    out.write(b"".join(directory))
    out.write(b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(members), len(members),
                                          out.tell() - start, start, 0))
    return out.getvalue()


def deflated_zeros(prefix, n_bytes, chunk=2**20):
    """A raw deflate stream of ``prefix`` then ``n_bytes`` zeros, made without ever holding
    ``n_bytes``: one compressed chunk of zeros, repeated (a full flush makes chunks
    independent)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    zeros = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = zeros.compress(bytes(chunk)) + zeros.flush(zlib.Z_FULL_FLUSH)
    return head + block * (n_bytes // chunk) + b"\x03\x00"  # an empty final block
