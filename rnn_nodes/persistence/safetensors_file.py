"""The safetensors container: what it declares, checked, before its data is read.

A safetensors file is an 8-byte little-endian header length, a JSON header and the
arrays' bytes. The header maps each array's name to its dtype, shape and byte offsets
in the data, and holds ``__metadata__``, a map of strings: here the record (JSON, under
:data:`RECORD_KEY`) and the sha256 digest of the record's text (:data:`RECORD_DIGEST_KEY`),
so a changed byte of the record is found like a changed weight.

:func:`serialize` writes with ``safetensors.numpy.save``. :class:`SafetensorsFile` reads
the header itself, within :mod:`~rnn_nodes.persistence.limits`, and refuses entries of
another dtype than float32/float64, shapes whose bytes do not match their offsets, and
offsets that overlap, leave gaps or run past the file; :meth:`SafetensorsFile.check`
compares every entry with what the record's network implies; only then
:meth:`SafetensorsFile.read` reads the data (``safetensors.numpy.load``) and verifies
each array's digest.
"""

import hashlib
import math

import numpy as np
from safetensors.numpy import load, save

from rnn_nodes.persistence import jsontext, limits
from rnn_nodes.persistence.errors import ModelFileError, array, field

RECORD_KEY = "rnn-nodes"
RECORD_DIGEST_KEY = "rnn-nodes.sha256"
DTYPES = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8")}
"""The dtypes a file may declare: the library writes float32 and float64 only."""
ENTRY_FIELDS = {"dtype", "shape", "data_offsets"}


def digest(data):
    """The sha256 hex digest of ``data`` (bytes, or an array's bytes in C order)."""
    if isinstance(data, np.ndarray):
        data = np.ascontiguousarray(data).data
    return hashlib.sha256(data).hexdigest()


def serialize(record_text, arrays):
    """The bytes of a safetensors file holding ``arrays`` and the record.

    Parameters
    ----------
    record_text : str
        The record's JSON.
    arrays : dict of str to ndarray
        float32 or float64, C-contiguous.
    """
    metadata = {RECORD_KEY: record_text, RECORD_DIGEST_KEY: digest(record_text.encode())}
    return save(arrays, metadata=metadata)


class SafetensorsFile:
    """A safetensors model file opened for reading; its header read and checked.

    Parameters
    ----------
    file : binary file
        At its start.
    size : int
        The file's size in bytes.
    path : str
        For messages.

    Attributes
    ----------
    version : int
        2: the record's version this container holds.
    record_text : str
        The record, its digest verified.
    entries : dict of str to tuple
        ``name -> (dtype, shape)`` as the header declares them.
    """

    version = 2

    def __init__(self, file, size, path):
        self.file, self.size, self.path = file, size, path
        start = file.read(8)
        length = int.from_bytes(start, "little")
        if len(start) < 8 or length > min(limits.MAX_HEADER_BYTES, size - 8):
            raise ModelFileError(path, f"it declares a header of {length} bytes in a file of "
                                       f"{size} (truncated, or not a safetensors file)",
                                 "header")
        self.header_bytes = start + file.read(length)
        if len(self.header_bytes) != 8 + length:
            raise ModelFileError(path, "it is truncated", "header")
        try:
            text = self.header_bytes[8:].decode("utf-8")
        except UnicodeDecodeError as error:
            raise ModelFileError(path, f"it is not UTF-8 text: {error}", "header") from None
        header = jsontext.parse(text, path, "header", limits.MAX_HEADER_BYTES,
                                limits.HEADER_DEPTH, limits.MAX_HEADER_VALUES)
        if not isinstance(header, dict):
            raise ModelFileError(path, "it is not a JSON object", "header")
        self.record_text = self._record(header.pop("__metadata__", None))
        if len(header) > limits.MAX_ARRAYS:
            raise ModelFileError(path, f"it lists more than {limits.MAX_ARRAYS} arrays",
                                 "header")
        self.entries, self.offsets = {}, {}
        for name, entry in header.items():
            self.entries[name], self.offsets[name] = self._entry(name, entry)
        self._check_offsets(size - len(self.header_bytes))

    def _record(self, metadata):
        if not isinstance(metadata, dict) or set(metadata) != {RECORD_KEY, RECORD_DIGEST_KEY} \
                or not all(isinstance(value, str) for value in metadata.values()):
            raise ModelFileError(self.path, f"it holds no {RECORD_KEY!r} record and digest: "
                                 "not a model file of this library", "header")
        text = metadata[RECORD_KEY]
        if digest(text.encode("utf-8", "surrogatepass")) != metadata[RECORD_DIGEST_KEY]:
            raise ModelFileError(self.path, "its text does not match its sha256 digest: the "
                                 "file was changed or damaged", "record")
        return text

    def _entry(self, name, entry):
        def refuse(problem):
            return ModelFileError(self.path, problem, array(name))

        if not isinstance(entry, dict) or set(entry) != ENTRY_FIELDS:
            raise refuse(f"expected the fields {sorted(ENTRY_FIELDS)}, got {entry!r}")
        dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
        if dtype not in DTYPES:
            raise refuse(f"dtype {dtype!r} is not one of {sorted(DTYPES)}")
        if not (isinstance(shape, list) and len(shape) <= limits.MAX_NDIM
                and all(type(d) is int and d >= 0 for d in shape)):
            raise refuse(f"shape {shape!r} is not a list of at most {limits.MAX_NDIM} sizes")
        if not (isinstance(offsets, list) and len(offsets) == 2
                and all(type(o) is int for o in offsets) and 0 <= offsets[0] <= offsets[1]):
            raise refuse(f"data offsets {offsets!r} are not a pair begin <= end")
        nbytes = math.prod(shape) * DTYPES[dtype].itemsize
        if offsets[1] - offsets[0] != nbytes:
            raise refuse(f"shape {shape} of {dtype} takes {nbytes} bytes, its offsets "
                         f"{offsets} span {offsets[1] - offsets[0]}")
        return (DTYPES[dtype], tuple(shape)), tuple(offsets)

    def _check_offsets(self, data_size):
        """The arrays tile the data exactly: no overlap, no gap, nothing past the end."""
        for name, (_, stop) in self.offsets.items():
            if stop > data_size:
                raise ModelFileError(self.path, f"its data ends at byte {stop}, past the "
                                     f"{data_size} bytes of data the file holds", array(name))
        end = 0
        for name, (begin, stop) in sorted(self.offsets.items(), key=lambda item: item[1]):
            if begin != end:
                raise ModelFileError(self.path, f"its data begins at byte {begin}, where the "
                                     f"data before ends at {end} (arrays overlap or leave "
                                     "gaps)", array(name))
            end = stop
        if end != data_size:
            raise ModelFileError(self.path, f"the arrays take {end} bytes, the file holds "
                                 f"{data_size} after its header (truncated or padded)",
                                 "header")

    def check(self, specs, digests):
        """Compare every declared array with ``specs``, and the digests' names, before
        any data is read.

        Raises
        ------
        ModelFileError
            Naming the missing, unknown or misdeclared array.
        """
        for name in specs:
            if name not in self.entries:
                raise ModelFileError(self.path, "the file has no such array, which the "
                                     "record implies", array(name))
        for name, (dtype, shape) in self.entries.items():
            if name not in specs:
                raise ModelFileError(self.path, "the record implies no such array",
                                     array(name))
            problem = specs[name].problem(dtype, shape)
            if problem:
                raise ModelFileError(self.path, problem, array(name))
        if set(digests) != set(specs):
            unlisted = sorted(set(digests) ^ set(specs))[0]
            raise ModelFileError(self.path, "the digests do not list the file's arrays: "
                                 f"{unlisted!r}", field("arrays"))

    def read(self, specs, digests):
        """The arrays, their digests verified (call :meth:`check` first).

        Returns
        -------
        dict of str to ndarray
            Read-only arrays.
        """
        data = self.header_bytes + self.file.read(self.size - len(self.header_bytes))
        if len(data) != self.size or not data.startswith(self.header_bytes):
            raise ModelFileError(self.path, "it changed while it was read")
        try:
            arrays = load(data)
        except Exception as error:  # safetensors' own checks (SafetensorError)
            raise ModelFileError(self.path, f"safetensors cannot read it: {error}") from error
        for name, value in arrays.items():
            if (value.dtype, value.shape) != self.entries.get(name):
                raise ModelFileError(self.path, "safetensors reads it otherwise than its "
                                     "header declares", array(name))
            if digest(value) != digests[name]:
                raise ModelFileError(self.path, "its data does not match its sha256 digest in "
                                     "the record: the file was changed or damaged",
                                     array(name))
            if specs[name].finite and not np.all(np.isfinite(value)):
                raise ModelFileError(self.path, "it holds NaN or infinite values", array(name))
        return arrays
