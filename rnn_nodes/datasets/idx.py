"""IDX files (the MNIST format), gzipped or plain.

An IDX file of unsigned bytes is a big-endian header and a payload::

    magic   int32   0x00000800 + number of dimensions (2049: 1-D labels, 2051: 3-D images)
    dims    int32 x ndim
    payload uint8 x prod(dims)

Whether a file is gzipped is read from its first two bytes (``1f 8b``), not
from its name.

References
----------
Y. LeCun, C. Cortes, C. J. C. Burges, "The MNIST database of handwritten
digits", http://yann.lecun.com/exdb/mnist/ (section "File formats").
"""

import gzip
import math
import pathlib
import zlib

import numpy as np

IDX_LABELS_MAGIC = 2049
IDX_IMAGES_MAGIC = 2051
_GZIP_SIGNATURE = b"\x1f\x8b"


def _read_bytes(path):
    """The file's bytes, decompressed if it is gzipped."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No such IDX file: '{path}'")
    raw = path.read_bytes()
    if not raw.startswith(_GZIP_SIGNATURE):
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError(f"IDX file '{path}' is a damaged gzip file: {error}") from None


def read_idx(path, magic):
    """Read one IDX file of unsigned bytes.

    Parameters
    ----------
    path : str or path-like
        A plain or gzipped IDX file.
    magic : int
        The magic number the file must have: ``IDX_IMAGES_MAGIC`` (2051) or
        ``IDX_LABELS_MAGIC`` (2049).

    Returns
    -------
    ndarray of uint8, of shape dims
        ``(n, rows, cols)`` for images, ``(n,)`` for labels.

    Raises
    ------
    FileNotFoundError
        When ``path`` is not a file.
    ValueError
        Naming the file, for a damaged gzip stream, a wrong magic number, a
        header cut short, or a payload shorter or longer than the header says.
    """
    data = _read_bytes(path)
    ndim = magic - 0x800
    header_size = 4 * (1 + ndim)
    if len(data) < 4:
        raise ValueError(f"IDX file '{path}' is truncated: {len(data)} bytes, no magic number")
    found = int.from_bytes(data[:4], "big")
    if found != magic:
        raise ValueError(
            f"IDX file '{path}' has magic number {found}, expected {magic} "
            f"({'images' if magic == IDX_IMAGES_MAGIC else 'labels'})"
        )
    if len(data) < header_size:
        raise ValueError(
            f"IDX file '{path}' is truncated: its header needs {header_size} bytes, "
            f"the file has {len(data)}"
        )
    dims = tuple(int(d) for d in np.frombuffer(data, ">u4", count=ndim, offset=4))
    expected = math.prod(dims)  # Python ints: np.prod wraps around past 2**63
    found_size = len(data) - header_size
    if found_size != expected:
        problem = "truncated" if found_size < expected else "longer than its header says"
        raise ValueError(
            f"IDX file '{path}' is {problem}: the header gives shape {dims}, "
            f"{expected} bytes of data, the file holds {found_size}"
        )
    try:
        return np.frombuffer(data, np.uint8, offset=header_size).reshape(dims)
    except ValueError as error:  # e.g. (0, 2**32 - 1, 2**32 - 1): empty, but too big a shape
        raise ValueError(f"IDX file '{path}' has shape {dims}, which numpy cannot hold: "
                         f"{error}") from None


def load_mnist_idx(images_path, labels_path):
    """MNIST images and labels from a pair of IDX files.

    Parameters
    ----------
    images_path : str or path-like
        e.g. ``t10k-images-idx3-ubyte.gz`` (magic 2051).
    labels_path : str or path-like
        e.g. ``t10k-labels-idx1-ubyte.gz`` (magic 2049).

    Returns
    -------
    images : ndarray of uint8, of shape (n, rows, cols)
        Pixel intensities 0-255 (rows = cols = 28 for MNIST).
    labels : ndarray of uint8, of shape (n,)

    Raises
    ------
    FileNotFoundError, ValueError
        See :func:`read_idx`; also a ValueError naming both files when they
        hold different numbers of images and labels.
    """
    images = read_idx(images_path, IDX_IMAGES_MAGIC)
    labels = read_idx(labels_path, IDX_LABELS_MAGIC)
    if len(images) != len(labels):
        raise ValueError(
            f"IDX files disagree: '{images_path}' holds {len(images)} images but "
            f"'{labels_path}' holds {len(labels)} labels"
        )
    return images, labels
