"""Time series in the ``.ts`` format of the UCR/UEA archive (as sktime and aeon ship them).

A ``.ts`` file is a header of ``@keyword value`` lines, the line ``@data``,
then one case per line::

    # comments start with '#'
    @problemName GunPoint
    @timeStamps false
    @univariate true
    @equalLength true
    @seriesLength 150
    @classLabel true 1 2
    @data
    -0.6479,-0.6420,...,-0.6478:1

The dimensions (channels) of a case are separated by ``:``, the values of one
dimension by ``,``; with ``@classLabel true`` the class label follows the last
``:``. A ``?`` is a missing value, read as NaN. Keywords are case-insensitive;
``@missing``, ``@dimensions`` and ``@targetLabel false`` are read too.

Not supported, and refused with a ValueError: ``@timeStamps true`` (values as
``(time,value)`` pairs), ``@targetLabel true`` (regression), and cases whose
dimensions have different lengths (a network step needs every channel).

References
----------
A. Bagnall, J. Lines, W. Vickers, E. Keogh, "The UEA & UCR Time Series
Classification Repository", www.timeseriesclassification.com (the format);
sktime's ``load_from_tsfile`` reads the same files.
"""

import math
import pathlib
from typing import NamedTuple

import numpy as np

_BOOLEAN = {"true": True, "false": False}
_KEYWORDS = ("@problemname", "@timestamps", "@missing", "@univariate", "@dimensions",
             "@equallength", "@serieslength", "@classlabel", "@targetlabel")


class TsData(NamedTuple):
    """The cases of one ``.ts`` file.

    Attributes
    ----------
    X : list of ndarray of float64, each of shape (length_b, n_dimensions)
        One array per case, time first, as :meth:`rnn_nodes.RNN.train` takes
        sequences of different lengths (``np.stack(X)`` when equal).
    y : ndarray of str of shape (n_cases,)
        The class labels as written in the file.
    class_labels : tuple of str
        The labels the header declares, in its order.
    problem_name : str or None
    """

    X: list
    y: np.ndarray
    class_labels: tuple
    problem_name: object


class _Header:
    """What the header lines say, checked as they are read."""

    def __init__(self, where):
        self.where = where
        self.problem_name = None
        self.univariate = None
        self.n_dimensions = None
        self.equal_length = None
        self.series_length = None
        self.class_labels = None

    def read(self, line, number):
        keyword, value = (line.split(None, 1) + [""])[:2]
        keyword, value = keyword.lower(), value.strip()
        if keyword not in _KEYWORDS:
            raise ValueError(f"{self.where(number)}: unknown header keyword {keyword!r}; "
                             f"expected one of {', '.join(_KEYWORDS)} or @data")
        if keyword == "@problemname":
            self.problem_name = value
        elif keyword == "@timestamps" and self.boolean(keyword, value, number):
            raise ValueError(f"{self.where(number)}: @timeStamps true (values as "
                             f"(time,value) pairs) is not supported")
        elif keyword == "@missing":
            self.boolean(keyword, value, number)
        elif keyword == "@univariate":
            self.univariate = self.boolean(keyword, value, number)
        elif keyword == "@dimensions":
            self.n_dimensions = self.positive_int(keyword, value, number)
        elif keyword == "@equallength":
            self.equal_length = self.boolean(keyword, value, number)
        elif keyword == "@serieslength":
            self.series_length = self.positive_int(keyword, value, number)
        elif keyword == "@targetlabel" and self.boolean(keyword, value.split(" ")[0], number):
            raise ValueError(f"{self.where(number)}: @targetLabel true (regression) is not "
                             f"supported; this reader reads classification files")
        elif keyword == "@classlabel":
            flag, *labels = value.split() or [""]
            if self.boolean(keyword, flag, number):
                if not labels:
                    raise ValueError(f"{self.where(number)}: @classLabel true names no labels")
                if len(set(labels)) != len(labels):
                    raise ValueError(f"{self.where(number)}: @classLabel repeats a label: "
                                     f"{' '.join(labels)}")
                self.class_labels = tuple(labels)
            else:
                raise ValueError(f"{self.where(number)}: @classLabel false (no labels) is not "
                                 f"supported; this reader reads classification files")

    def boolean(self, keyword, word, number):
        if word.lower() not in _BOOLEAN:
            raise ValueError(f"{self.where(number)}: {keyword} must be true or false, "
                             f"got {word!r}")
        return _BOOLEAN[word.lower()]

    def positive_int(self, keyword, value, number):
        if not value.isdigit() or int(value) == 0:
            raise ValueError(f"{self.where(number)}: {keyword} must be a positive integer, "
                             f"got {value!r}")
        return int(value)

    def check_complete(self, number):
        if self.class_labels is None:
            raise ValueError(f"{self.where(number)}: @data comes before any "
                             f"@classLabel true line")
        if self.univariate and self.n_dimensions not in (None, 1):
            raise ValueError(f"{self.where(number)}: @univariate true but "
                             f"@dimensions {self.n_dimensions}")
        if self.univariate:
            self.n_dimensions = 1


def _values(text, where, dimension):
    """The numbers of one dimension, ``?`` as NaN."""
    if not text.strip():
        raise ValueError(f"{where}: dimension {dimension} holds no values")
    values = []
    for k, word in enumerate(text.split(",")):
        word = word.strip()
        try:
            values.append(math.nan if word == "?" else float(word))
        except ValueError:
            raise ValueError(f"{where}: value {k} of dimension {dimension} is {word!r}, "
                             f"not a number or '?'") from None
    return values


def _case(line, header, where):
    """One data line as (array of shape (length, n_dimensions), label)."""
    body, colon, label = line.rpartition(":")
    label = label.strip()
    if not colon:
        raise ValueError(f"{where}: no ':' before the class label")
    if label not in header.class_labels:
        raise ValueError(f"{where}: class label {label!r} is not one of those @classLabel "
                         f"declares ({' '.join(header.class_labels)})")
    dimensions = [_values(text, where, d) for d, text in enumerate(body.split(":"))]
    if header.n_dimensions is not None and len(dimensions) != header.n_dimensions:
        raise ValueError(f"{where}: {len(dimensions)} dimensions, expected "
                         f"{header.n_dimensions}")
    lengths = [len(values) for values in dimensions]
    if len(set(lengths)) > 1:
        raise ValueError(f"{where}: its dimensions have different lengths {lengths}")
    return np.array(dimensions, dtype=np.float64).T, label


def load_ts(path):
    """Read a classification data set from a ``.ts`` file.

    Parameters
    ----------
    path : str or path-like
        e.g. ``.../sktime/datasets/data/GunPoint/GunPoint_TRAIN.ts``.

    Returns
    -------
    TsData
        ``X`` (list of ``(length_b, n_dimensions)`` arrays), ``y`` (labels as
        str, ``(n_cases,)``), ``class_labels``, ``problem_name``.

    Raises
    ------
    FileNotFoundError
        When ``path`` is not a file.
    ValueError
        Naming the file and line: an unknown keyword, a malformed header
        value, no ``@data`` or no case after it, a value that is not a number
        or ``?``, a label the header does not declare, a case with the wrong
        number of dimensions (``@dimensions``, ``@univariate`` or the first
        case) or with dimensions of different lengths, cases of different
        lengths under ``@equalLength true`` or of another length than
        ``@seriesLength``; and the unsupported features listed in the module
        docstring.
    """
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No such .ts file: '{path}'")

    def where(number):
        return f".ts file '{path}', line {number}"

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise ValueError(f".ts file '{path}' is not UTF-8 text: {error}") from None
    header, in_data, X, y = _Header(where), False, [], []
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            if in_data:
                raise ValueError(f"{where(number)}: header line {line.split()[0]!r} "
                                 f"after @data")
            if line.lower() == "@data":
                header.check_complete(number)
                in_data = True
            else:
                header.read(line, number)
            continue
        if not in_data:
            raise ValueError(f"{where(number)}: a data line before @data")
        x, label = _case(line, header, where(number))
        if header.n_dimensions is None:
            header.n_dimensions = x.shape[1]  # the first case fixes it
        _check_length(x, header, X, where(number))
        X.append(x)
        y.append(label)
    if not in_data:
        raise ValueError(f".ts file '{path}' has no @data line")
    if not X:
        raise ValueError(f".ts file '{path}' has no cases after @data")
    return TsData(X, np.array(y), header.class_labels, header.problem_name)


def _check_length(x, header, earlier, where):
    """Under ``@equalLength true``, every case as long as the first and ``@seriesLength``."""
    if not header.equal_length:
        return
    expected = header.series_length or (len(earlier[0]) if earlier else len(x))
    if len(x) != expected:
        source = "@seriesLength" if header.series_length else "the first case"
        raise ValueError(f"{where}: {len(x)} steps, but @equalLength true and {source} "
                         f"gives {expected}")
