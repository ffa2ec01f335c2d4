"""The legacy container: the ``.npz`` archive earlier versions wrote, read within limits.

A legacy file is a zip archive of ``.npy`` members: ``record.npy`` (the JSON record as
uint8) and one member per array (:func:`~rnn_nodes.persistence.arrays.legacy_name`).
The library wrote them uncompressed; a hostile one may hold anything a zip can, so
:class:`LegacyNpzFile` reads only the zip's directory first, then:

1. refuses encrypted members, compressions other than stored and deflate, members whose
   compressed sizes add up to more than the file, and members whose declared size is
   more than :data:`~rnn_nodes.persistence.limits.MAX_RATIO` times their compressed size
   (beyond :data:`~rnn_nodes.persistence.limits.SMALL_MEMBER`);
2. reads ``record.npy`` (at most :data:`~rnn_nodes.persistence.limits.MAX_RECORD_BYTES`);
3. refuses members the record does not imply and misses those it does;
4. reads the ``.npy`` header of each array member from its stream (a few hundred bytes
   decompressed) and compares dtype, shape and declared size with the record's;
5. only then decompresses the data, exactly the bytes expected, and checks the CRC.
"""

import zipfile
import zlib

import numpy as np

from rnn_nodes.persistence import limits
from rnn_nodes.persistence.arrays import ArraySpec, legacy_name
from rnn_nodes.persistence.errors import ModelFileError

RECORD_MEMBER = "record.npy"
_RECORD_SPEC = ArraySpec(np.dtype(np.uint8), None, limits.MAX_RECORD_BYTES, finite=False)
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
                NotImplementedError, RuntimeError)  # RuntimeError: encrypted members


def _member(name):
    return f"member `{name}`"


class LegacyNpzFile:
    """A legacy ``.npz`` model file opened for reading: its directory and record checked.

    Parameters
    ----------
    file : binary file
    size : int
    path : str
        For messages.

    Attributes
    ----------
    version : int
        1, the record's version this container holds.
    record_text : str
    """

    version = 1

    def __init__(self, file, size, path):
        self.path = path
        try:
            self.archive = zipfile.ZipFile(file)
        except _READ_ERRORS as error:
            raise ModelFileError(path, f"it is not a readable zip archive (truncated or "
                                       f"damaged): {error}") from error
        infos = self.archive.infolist()
        self.members = {info.filename: info for info in infos}
        if len(infos) > limits.MAX_ARRAYS + 1 or len(self.members) != len(infos):
            raise ModelFileError(path, f"its archive holds {len(infos)} members, some twice "
                                       f"or more than {limits.MAX_ARRAYS}")
        if sum(info.compress_size for info in infos) > size:
            raise ModelFileError(path, "its members take more bytes than the file (they "
                                       "overlap, or the directory is damaged)")
        for info in infos:
            self._check_declared(info)
        if RECORD_MEMBER not in self.members:
            raise ModelFileError(path, "the archive holds no record: not a model file of "
                                       "this library", _member(RECORD_MEMBER))
        raw = self._read(RECORD_MEMBER, _RECORD_SPEC)
        try:
            self.record_text = raw.tobytes().decode("utf-8")
        except UnicodeDecodeError as error:
            raise ModelFileError(path, f"it is not UTF-8 text: {error}",
                                 _member(RECORD_MEMBER)) from None

    def _check_declared(self, info):
        where = _member(info.filename)
        if info.flag_bits & 0x1:
            raise ModelFileError(self.path, "it is encrypted", where)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ModelFileError(self.path, f"its compression (method {info.compress_type}) "
                                 "is not one the library wrote", where)
        if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
            raise ModelFileError(self.path, f"it is stored uncompressed, yet declares "
                                 f"{info.file_size} bytes in {info.compress_size}", where)
        if info.file_size > max(limits.SMALL_MEMBER, limits.MAX_RATIO * info.compress_size):
            raise ModelFileError(self.path, f"it declares {info.file_size} bytes compressed "
                                 f"into {info.compress_size}, more than {limits.MAX_RATIO} "
                                 "to 1 (a decompression bomb)", where)

    def _header(self, stream, name, spec):
        """Read the ``.npy`` header from ``stream``; return (dtype, shape, fortran order)."""
        version = np.lib.format.read_magic(stream)
        read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                       (2, 0): np.lib.format.read_array_header_2_0}.get(version)
        if read_header is None:
            raise ValueError(f".npy format version {version} is not one numpy wrote")
        shape, fortran_order, dtype = read_header(stream, max_header_size=limits.MAX_NPY_HEADER)
        problem = spec.problem(dtype, shape)
        if problem:
            raise ModelFileError(self.path, problem, _member(name))
        count = int(np.prod(shape, dtype=object))
        expected = stream.tell() + count * dtype.itemsize
        if self.members[name].file_size != expected:
            raise ModelFileError(self.path, f"it declares {self.members[name].file_size} "
                                 f"bytes, its .npy header {expected}", _member(name))
        return dtype, shape, fortran_order, count * dtype.itemsize

    def _read(self, name, spec, data=True):
        """Check member ``name``'s header against ``spec``; then, if ``data``, read it."""
        try:
            with self.archive.open(name) as stream:
                dtype, shape, fortran_order, nbytes = self._header(stream, name, spec)
                if not data:
                    return None
                raw = stream.read(nbytes)
                if len(raw) != nbytes or stream.read(1):  # reading to the end checks the CRC
                    raise ValueError(f"it holds other than the {nbytes} bytes declared")
        except ModelFileError:
            raise
        except _READ_ERRORS as error:
            raise ModelFileError(self.path, f"it cannot be read: {error}",
                                 _member(name)) from error
        array = np.frombuffer(raw, dtype).reshape(shape, order="F" if fortran_order else "C")
        return np.ascontiguousarray(array)

    def check(self, specs, digests=None):
        """Compare the members with ``specs`` (names; each ``.npy`` header), reading no data.

        Raises
        ------
        ModelFileError
            Naming the missing, unknown or misdeclared member.
        """
        self.names = {legacy_name(name) + ".npy": name for name in specs}
        for member in self.names:
            if member not in self.members:
                raise ModelFileError(self.path, "the archive has no such member, which the "
                                                "record implies", _member(member))
        for member in self.members:
            if member != RECORD_MEMBER and member not in self.names:
                raise ModelFileError(self.path, "the record implies no such member",
                                     _member(member))
        for member, name in self.names.items():
            self._read(member, specs[name], data=False)

    def read(self, specs, digests=None):
        """The arrays, by their new names (call :meth:`check` first).

        Returns
        -------
        dict of str to ndarray
        """
        arrays = {}
        for member, name in self.names.items():
            arrays[name] = self._read(member, specs[name])
            if specs[name].finite and not np.all(np.isfinite(arrays[name])):
                raise ModelFileError(self.path, "it holds NaN or infinite values",
                                     _member(member))
        return arrays
