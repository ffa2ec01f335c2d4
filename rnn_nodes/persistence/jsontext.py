"""JSON read from a file: size and nesting checked before parsing, duplicate keys refused.

Python's parser recurses once per nesting level, so a record nested 1,000 deep would
raise ``RecursionError``, and builds an object of about 100 bytes per value; :func:`structure`
measures the depth and counts the values without parsing (brackets and commas outside
strings), so :func:`parse` refuses either first. Duplicate keys (which
parsers resolve differently) and the non-standard ``NaN``/``Infinity`` are refused too.
"""

import json
import re

import numpy as np

from rnn_nodes.persistence.errors import ModelFileError

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_STRUCTURE = bytes(sorted(set(range(256)) - set(b"[]{},")))
_DEPTH_CHANGE = np.zeros(256, np.int8)
_DEPTH_CHANGE[list(b"[{")] = 1
_DEPTH_CHANGE[list(b"]}")] = -1


def structure(text, max_values=None):
    """The deepest nesting of objects and lists in the JSON ``text``, and a bound on its
    number of values (commas and opening brackets), without parsing.

    Brackets and commas inside strings do not count. Text that is not JSON gives some
    numbers; the parser refuses it afterwards.

    Parameters
    ----------
    text : str or bytes
    max_values : int, optional
        Past this many values the depth is not measured (None is returned for it).

    Returns
    -------
    depth : int or None
    values : int

    Examples
    --------
    >>> structure('{"a": [1, [2]], "b": "[[[,"}')
    (3, 5)
    """
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    tokens = _STRING.sub(b"", raw).translate(None, _NOT_STRUCTURE)
    values = tokens.count(b",") + tokens.count(b"[") + tokens.count(b"{")
    if not tokens or max_values is not None and values > max_values:
        return (0 if not tokens else None), values
    changes = _DEPTH_CHANGE[np.frombuffer(tokens, np.uint8)]
    return int(np.cumsum(changes, dtype=np.int32).max(initial=0)), values


def _refuse_constant(name):
    raise ValueError(f"it holds {name}, which JSON does not allow")


def _object(pairs):
    result = dict(pairs)
    if len(result) != len(pairs):
        keys = [key for key, _ in pairs]
        duplicate = next(key for key in keys if keys.count(key) > 1)
        raise ValueError(f"it holds the key {duplicate!r} twice in one object")
    return result


def parse(text, path, where, max_bytes, max_depth, max_values):
    """The JSON value of ``text``, its size, nesting and number of values checked first.

    Parameters
    ----------
    text : str
    path, where : str
        The file and the part of it, for messages.
    max_bytes, max_depth, max_values : int
        See :mod:`rnn_nodes.persistence.limits`.

    Raises
    ------
    ModelFileError
        If ``text`` is too large, too deep, holds too many values or is not JSON.
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise ModelFileError(path, f"it is {size} bytes long, more than the {max_bytes} "
                                   "a model file may hold", where)
    depth, values = structure(text, max_values)
    if values > max_values:
        raise ModelFileError(path, f"it holds more than {max_values} values, the most a "
                                   "model file may hold", where)
    if depth > max_depth:
        raise ModelFileError(path, f"it is nested {depth} levels deep, more than the "
                                   f"{max_depth} a model file may hold", where)
    try:
        return json.loads(text, object_pairs_hook=_object, parse_constant=_refuse_constant)
    except ValueError as error:  # json.JSONDecodeError, digits beyond int's limit, ours
        raise ModelFileError(path, f"it is not valid JSON: {error}", where) from error


def dumps(value):
    """``value`` as compact JSON text (what :func:`parse` reads back)."""
    return json.dumps(value, allow_nan=False, separators=(",", ":"))
