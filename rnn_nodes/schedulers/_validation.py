"""Checks of hyperparameters, with errors that name the argument and echo the value."""

import math
import numbers


def _check_real(name, value):
    """Raise TypeError unless ``value`` is a real number (bools are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"Argument `{name}` must be a real number, "
            f"got {value!r} of type {type(value).__name__}"
        )


def check_positive(name, value):
    """Check that ``value`` is a positive finite real number.

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If ``value`` is zero, negative, infinite or NaN.
    """
    _check_real(name, value)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(
            f"Received an invalid value for argument `{name}`, "
            f"expected a positive finite number, got {value}"
        )


def check_unit_interval(name, value):
    """Check that ``value`` is a real number in the half-open interval [0, 1).

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If ``value`` lies outside [0, 1) or is NaN.
    """
    _check_real(name, value)
    if not 0 <= value < 1:  # False for NaN as well
        raise ValueError(
            f"Received an invalid value for argument `{name}`, "
            f"expected a number in [0, 1), got {value}"
        )
