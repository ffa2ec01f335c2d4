"""Checks of the estimators' hyperparameters and data, run in ``fit``.

Errors name the argument and echo what came; shape errors say the expected
shape and how to get it.
"""

import contextlib
import math
import numbers
import re

import numpy as np
from sklearn.utils import check_array, check_random_state

from rnn_nodes.sequences import check_lengths, pad_sequences
from rnn_nodes.validation import (
    check_in_range,
    check_non_negative_float,
    check_positive_int,
)


MISSING_VALUES_HINT = (
    "Fill missing values first, e.g. with sklearn.impute.SimpleImputer in a Pipeline; for "
    "sequences of different lengths give a list of sequences, or a padded array with "
    "`lengths` (fit(X, y, lengths=...)), instead of NaN padding.")


@contextlib.contextmanager
def naming(name):
    """Put ``Argument `name`:`` in front of a scikit-learn check's message that does not name it.

    scikit-learn's "Found array with 0 sample(s)", "Found input variables with
    inconsistent numbers of samples" or "Unknown label type" do not say which
    argument they are about; their text is kept, so its tests still match.
    """
    try:
        yield
    except (ValueError, TypeError) as error:
        if type(error) is ValueError and re.search(r"\bNaN\b|\binf", str(error)):
            raise ValueError(f"Argument `{name}`: {error} {MISSING_VALUES_HINT}") from error
        if type(error) not in (ValueError, TypeError) or re.search(
                rf"\b{re.escape(name)}\b", str(error)):
            raise
        raise type(error)(f"Argument `{name}`: {error}") from error


def check_choice(value, name, choices):
    if not isinstance(value, str) or value not in choices:
        raise ValueError(
            f"Received an invalid value for argument `{name}`, expected one of "
            f"{list(choices)}, got {value!r}"
        )
    return value


def check_layer_sizes(value, name, allow_empty):
    """A positive int or a sequence of them, as a tuple."""
    sizes = (value,) if isinstance(value, numbers.Integral) else value
    try:
        sizes = tuple(sizes)
    except TypeError:
        raise TypeError(
            f"Received an invalid value for argument `{name}`, expected a tuple of "
            f"positive integers, got {type(value).__name__}: {value!r}"
        ) from None
    if not sizes and not allow_empty:
        raise ValueError(
            f"Received an invalid value for argument `{name}`, expected at least one "
            f"layer size, got {value!r}"
        )
    return tuple(check_positive_int(size, f"{name}[{i}]") for i, size in enumerate(sizes))


def check_fraction(value, name):
    """A real number strictly between 0 and 1."""
    value = check_non_negative_float(value, name)
    if not 0 < value < 1:
        raise ValueError(
            f"Received an invalid value for argument `{name}`, expected a number "
            f"in (0, 1), got {value}"
        )
    return value


def check_optional_positive_float(value, name):
    if value is None:
        return None
    value = check_non_negative_float(value, name)
    if value == 0:
        raise ValueError(
            f"Received an invalid value for argument `{name}`, expected a positive "
            "number or None, got 0"
        )
    return value


def check_sequences(X, name="X"):
    """A batch of sequences, as a float array ``(n_samples, time, features)``.

    Parameters
    ----------
    X : array-like of shape (n_samples, time, features) or (n_samples, time)
        A 2-D array is a batch of univariate series.

    Returns
    -------
    ndarray of shape (n_samples, time, features)
    """
    with naming(name):
        X = check_array(X, dtype="numeric", ensure_2d=False, allow_nd=True, input_name=name)
    if X.ndim not in (2, 3):
        hint = (f" Reshape your data: for one series of length {len(X)}, use "
                f"{name}.reshape(1, -1); to cut "
                "a long series into training sequences, use "
                "rnn_nodes.preprocessing.sliding_windows(series, window).")
        raise ValueError(
            f"Argument `{name}` must be 3-D (n_samples, time, features), or 2-D "
            f"(n_samples, time) for univariate series; got an array of shape "
            f"{X.shape}.{hint if X.ndim == 1 else ''}"
        )
    if X.shape[1] == 0 or X.ndim == 3 and X.shape[2] == 0:
        raise ValueError(
            f"Argument `{name}` has 0 time steps or 0 features (shape={X.shape}) "
            "while a minimum of 1 is required."
        )
    return X[:, :, None] if X.ndim == 2 else X


def check_padded_sequences(X, lengths, name="X"):
    """Sequences of any lengths as one zero-padded float array and their lengths.

    Parameters
    ----------
    X : list of array-like of shape (time_b, features) or (time_b,), or array-like
        A list holds one sequence per sample (1-D: univariate); an array of
        shape (n_samples, time, features) or (n_samples, time) is already
        padded and comes with ``lengths``.
    lengths : array-like of int of shape (n_samples,), optional

    Returns
    -------
    X : ndarray of shape (n_samples, time, features)
    lengths : ndarray of shape (n_samples,) or None
        None when no sequence is shorter than the array.
    """
    if lengths is None:
        sequences = []
        for b, x in enumerate(X):
            with naming(f"{name}[{b}]"):
                x = check_array(x, dtype="numeric", ensure_2d=False, input_name=f"{name}[{b}]")
            sequences.append(x[:, None] if x.ndim == 1 else x)
        X, lengths = pad_sequences(sequences, name, None, np.float64)
    else:
        X = check_sequences(X, name)
    return X, check_lengths(lengths, len(X), X.shape[1])


def seed_from(random_state):
    """An int seed drawn from ``random_state`` (None, an int or a RandomState)."""
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def n_validation(n_samples, fraction):
    """How many of ``n_samples`` a validation fraction holds out (at least one)."""
    n_val = max(1, math.ceil(fraction * n_samples))
    if n_samples - n_val < 1:
        raise ValueError(
            f"validation_fraction={fraction} of {n_samples} samples leaves no training "
            "samples; give more samples, or pass validation_data=(X_val, y_val)"
        )
    return n_val


def check_sample_weight(sample_weight, n_samples):
    """``sample_weight`` as a float64 array of one weight per sample, or None.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
    n_samples : int

    Returns
    -------
    ndarray of shape (n_samples,) or None

    Raises
    ------
    ValueError
        For a weight that is NaN, infinite or negative, weights that sum to 0
        (nothing would be scored), or another number of weights than samples.
    TypeError
        For weights that are not numbers.
    """
    if sample_weight is None:
        return None
    if isinstance(sample_weight, (str, bytes)):
        raise TypeError("Argument `sample_weight` must be an array of numbers, got "
                        f"{type(sample_weight).__name__}: {sample_weight!r}")
    weights = np.asarray(sample_weight)
    if weights.dtype == object or not (np.issubdtype(weights.dtype, np.number)
                                       or weights.dtype == bool):
        raise TypeError(f"Argument `sample_weight` must hold numbers, got dtype {weights.dtype}")
    if np.iscomplexobj(weights):
        raise TypeError(f"Argument `sample_weight` must be real, got dtype {weights.dtype}")
    weights = weights.astype(np.float64)
    if weights.shape != (n_samples,):
        raise ValueError(f"Argument `sample_weight` must hold one weight per sequence "
                         f"({n_samples}), got shape {weights.shape}")
    for bad, what in ((~np.isfinite(weights), "NaN or infinite"), (weights < 0, "negative")):
        if np.any(bad):
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"Argument `sample_weight` must hold finite non-negative weights, got "
                f"{int(np.count_nonzero(bad))} {what} ones, e.g. sample_weight[{i}] = "
                f"{weights[i]}")
    if not weights.sum() > 0:
        raise ValueError("Argument `sample_weight` sums to 0: no sample would count; give "
                         "at least one positive weight")
    return weights


def check_in_dtype_range(dtype, X, y, validation_data=None):
    """Refuse data the network's ``dtype`` cannot hold, by the names ``fit`` takes.

    The network checks them too, but under its own names (``t`` for the
    targets, ``X_val``); here they are ``X``, ``y`` and ``validation_data[0]``,
    ``validation_data[1]``.

    Parameters
    ----------
    dtype : str
        ``"float32"`` or ``"float64"``.
    X, y : ndarray
        Finite (scikit-learn's checks ran).
    validation_data : tuple (X_val, y_val, lengths_val), optional
    """
    arrays = {"X": X, "y": y}
    if validation_data is not None:
        arrays |= {"validation_data[0]": validation_data[0],
                   "validation_data[1]": validation_data[1]}
    for name, array in arrays.items():
        check_in_range(np.asarray(array), name, dtype)
