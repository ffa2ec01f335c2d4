"""Checks at the public entry points: errors name the argument and echo what came."""

import numbers

import numpy as np


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__}: {value!r}"


MAX_UNITS = 2**24
"""The most features (units) a layer may have: 16,777,216. A recurrent layer of more
units would hold a recurrent matrix of more than 2**48 entries (1 PiB in float32), and one
time step of one sample of a wider input is 64 MiB: no model that fits a machine comes
near it, while a number past it (``10**12``) only fails later, deep in numpy."""

MAX_BLAS_THREADS = 4096
"""The most BLAS threads a network may ask for: more than any machine OpenBLAS runs on
has cores (OpenBLAS is built for at most a few hundred); a larger number overflows the C
int that threadpoolctl hands to the library."""

MAX_STEPS = 2**31 - 1
"""The most time steps a setting may count (``bptt_limit``, a length): no sequence has
more steps than numpy can index with a C int, and a limit past every sequence's length
truncates nothing; ``10**4000`` would only fail later, deep in numpy."""


def _describe_size(value):
    """``value`` as the message shows it: a huge integer by its size (``str`` of one of
    more than 4,300 digits raises)."""
    return str(value) if value < 10**40 else f"an integer of {value.bit_length()} bits"


def check_positive_int(value, name, maximum=None):
    """Return ``value`` as int if it is an integer in ``[1, maximum]``, else raise.

    Parameters
    ----------
    value : object
    name : str
        The argument's name, for the message.
    maximum : int, optional
        The largest value allowed (say why where you pass one); none if None.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (bool included).
    ValueError
        If it is below 1 or above ``maximum``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"Received an invalid value for argument `{name}`, expected a "
            f"positive integer, got {_describe(value)}"
        )
    if value < 1:
        raise ValueError(
            f"Received an invalid value for argument `{name}`, expected a "
            f"positive integer, got {value}"
        )
    if maximum is not None and value > maximum:
        raise ValueError(
            f"Received an invalid value for argument `{name}`, expected a "
            f"positive integer of at most {maximum}, got {_describe_size(int(value))}"
        )
    return int(value)


def check_optional_positive_int(value, name, maximum=None):
    """None, or ``value`` checked by :func:`check_positive_int`."""
    return None if value is None else check_positive_int(value, name, maximum)


def check_non_negative_float(value, name, allow_none=False):
    """Return ``value`` as float if it is a finite real >= 0, else raise."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"Received an invalid value for argument `{name}`, expected a "
            f"non-negative number, got {_describe(value)}"
        )
    if not np.isfinite(value) or value < 0:
        raise ValueError(
            f"Received an invalid value for argument `{name}`, expected a "
            f"finite non-negative number, got {value}"
        )
    return float(value)


def check_finite_float(value, name):
    """Return ``value`` as float if it is a finite real number, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"Received an invalid value for argument `{name}`, expected a "
            f"number, got {_describe(value)}"
        )
    if not np.isfinite(value):
        raise ValueError(
            f"Received an invalid value for argument `{name}`, expected a "
            f"finite number, got {value}"
        )
    return float(value)


def check_bool(value, name):
    """Return ``value`` if it is True or False (numpy's too), else raise."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"Received an invalid value for argument `{name}`, expected True or "
            f"False, got {_describe(value)}"
        )
    return bool(value)


def check_dtype(dtype):
    """Return numpy float32 or float64 for a dtype-like ``dtype``."""
    if dtype is None:
        raise ValueError("Received an invalid value for argument `dtype`, expected "
                         "'float32' or 'float64', got None")
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        resolved = None
    # `is None` first: None == np.dtype("float64") is True
    if resolved is None or resolved not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(
            "Received an invalid value for argument `dtype`, expected "
            f"'float32' or 'float64', got {dtype!r}"
        )
    return resolved


def as_float_array(value, name, ndim, dtype):
    """``value`` as a finite, non-empty float array of ``ndim`` axes.

    Parameters
    ----------
    value : array-like
    name : str
        Argument name for error messages.
    ndim : int or tuple of int
        Allowed numbers of axes.
    dtype : numpy dtype
        Result dtype (always a copy-free cast where possible).

    Returns
    -------
    ndarray
    """
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"Argument `{name}` must be a numeric array, got {_describe(value)}")
    try:
        array = np.asarray(value)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"Argument `{name}` must be a numeric array: {error}") from None
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == bool
    ):
        raise TypeError(
            f"Argument `{name}` must be a numeric array, got dtype {array.dtype}"
        )
    if np.issubdtype(array.dtype, np.complexfloating):
        raise TypeError(f"Argument `{name}` must be real, got dtype {array.dtype}")
    if array.ndim not in allowed:
        expected = " or ".join(f"{n}-D" for n in allowed)
        hint = ""
        if 3 in allowed and array.ndim == 2:
            hint = (f". For univariate series of shape (batch, time) pass {name}[..., None], "
                    f"shape {(*array.shape, 1)}; for one sequence of shape (time, features) "
                    f"pass {name}[None], shape {(1, *array.shape)}")
        raise ValueError(
            f"Argument `{name}` must be {expected}, got an array of shape {array.shape}{hint}"
        )
    if array.size == 0:
        raise ValueError(f"Argument `{name}` is empty (shape {array.shape})")
    with np.errstate(over="ignore"):  # values out of range are refused below, by name
        cast = array.astype(dtype, copy=False)
    if not np.all(np.isfinite(cast)):
        if not np.all(np.isfinite(array)):
            bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
            hint = ""
            if 3 in allowed:
                hint = (": fill missing values first (sklearn.impute.SimpleImputer, or a "
                        "forward fill along time); for sequences of different lengths give a "
                        "list of sequences, or the padded array with `lengths`, instead of "
                        "NaN padding")
            raise ValueError(f"Argument `{name}` contains {bad} NaN or infinite values{hint}")
        check_in_range(array, name, dtype)
    return cast


def check_in_range(array, name, dtype):
    """Refuse finite values of ``array`` that ``dtype`` cannot hold (they would turn infinite).

    Parameters
    ----------
    array : ndarray
        Finite values, of any real dtype.
    name : str
        Argument name for the message.
    dtype : numpy dtype
        float32 or float64.

    Raises
    ------
    ValueError
        Naming the argument, how many values are out of range, the first of
        them with its index, and the dtype's largest value.
    """
    largest = np.finfo(dtype).max
    if array.dtype.kind in "biu" or array.dtype.kind == "f" and np.finfo(array.dtype).max <= largest:
        return  # every value fits
    with np.errstate(over="ignore"):
        outside = np.abs(array) > largest
    if not np.any(outside):
        return
    first = tuple(int(i) for i in np.argwhere(outside)[0])
    index = ", ".join(map(str, first))
    raise ValueError(
        f"Argument `{name}` holds {int(np.count_nonzero(outside))} finite values beyond the "
        f"range of {np.dtype(dtype).name} (largest magnitude {largest:.4g}), e.g. "
        f"{name}[{index}] = {float(array[first]):.4g}: scale the data, or use dtype='float64'")


def check_sequences(X, name, n_features, dtype):
    """A batch of sequences ``(batch, time, n_features)`` as a float array."""
    X = as_float_array(X, name, 3, dtype)
    if X.shape[-1] != n_features:
        raise ValueError(
            f"Argument `{name}` has {X.shape[-1]} features per time step, but the "
            f"network's InputLayer expects {n_features} (got shape {X.shape})"
            + (f"; channels-first data (batch, features, time)? Pass "
               f"rnn_nodes.from_channels_first({name})" if X.shape[1] == n_features else "")
        )
    return X


def check_same_length(X, t, X_name, t_name):
    if len(X) != len(t):
        raise ValueError(
            f"Arguments `{X_name}` and `{t_name}` hold different numbers of samples: "
            f"{len(X)} and {len(t)}"
        )
