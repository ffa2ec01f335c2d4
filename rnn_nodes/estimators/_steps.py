"""Per-step targets of sequences of different lengths (``return_sequences=True``).

The estimators take them as a list, one array per sequence with one row per
step, or padded like ``X`` (with ``lengths``). They train the network on them
zero-padded, the network leaving the padded steps out of the cost and every
gradient (:meth:`rnn_nodes.RNN.output_mask`), and give predictions back as a
list of per-sequence arrays. What a padded ``y`` holds after a sequence's end
is never read.
"""

import numpy as np

from rnn_nodes.validation import as_float_array


def steps_of(n_samples, time, lengths):
    """Each sequence's number of steps, ``(n_samples,)``: ``lengths``, or ``time`` for all."""
    return np.full(n_samples, time) if lengths is None else np.asarray(lengths)


def per_sequence(y, steps, time, name="y", x_name="X"):
    """``y`` as one array per sequence, each with its sequence's number of steps.

    Parameters
    ----------
    y : list of array-like of shape (time_b, ...), or array-like of shape (n_samples, time, ...)
        A list (or tuple) holds one array per sequence; an array is padded
        like ``X``, and only each sequence's first ``steps[b]`` rows are read.
    steps : ndarray of int of shape (n_samples,)
        The input sequences' lengths.
    time : int
        Time steps of the padded ``X``.
    name, x_name : str
        Argument names for error messages.

    Returns
    -------
    list of ndarray of shape (steps[b], ...)

    Raises
    ------
    ValueError
        For another number of sequences than ``X`` holds, a padded array of
        another shape than ``(n_samples, time, ...)``, a scalar in the list,
        or a sequence of targets whose length differs from its input's.
    """
    n = len(steps)
    if isinstance(y, (list, tuple)):
        if len(y) != n:
            raise ValueError(
                f"Argument `{name}` holds {len(y)} target sequences, but `{x_name}` holds "
                f"{n} sequences: give one array of per-step targets per sequence")
        arrays = [_one_sequence(y_b, f"{name}[{b}]") for b, y_b in enumerate(y)]
    else:
        padded = _one_sequence(y, name)
        if padded.ndim < 2 or padded.shape[:2] != (n, time):
            raise ValueError(
                f"Argument `{name}` must be a list of per-sequence targets, or padded like "
                f"`{x_name}`: (n_samples, time) or (n_samples, time, outputs) with "
                f"(n_samples, time) = ({n}, {time}); got shape {padded.shape}")
        arrays = [padded[b, :steps[b]] for b in range(n)]
    for b, (y_b, n_steps) in enumerate(zip(arrays, steps)):
        if len(y_b) != n_steps:
            raise ValueError(
                f"Argument `{name}[{b}]` has {len(y_b)} steps, but its input sequence "
                f"`{x_name}[{b}]` has {n_steps}: give one target per time step")
    return arrays


def _one_sequence(y_b, name):
    try:
        array = np.asarray(y_b)
    except ValueError as error:  # ragged nested lists inside one sequence
        raise ValueError(f"Argument `{name}` must be an array of targets: {error}") from None
    if array.ndim == 0:
        raise ValueError(
            f"Argument `{name}` must hold one target per time step, got the scalar {y_b!r}; "
            "for one target per sequence, set return_sequences=False")
    return array


def split_steps(padded, steps):
    """``[padded[b, :steps[b]] for b]``, each its own array.

    Parameters
    ----------
    padded : ndarray of shape (n_samples, time, ...)
    steps : ndarray of int of shape (n_samples,)

    Returns
    -------
    list of ndarray of shape (steps[b], ...)
    """
    return [padded[b, :n_steps].copy() for b, n_steps in enumerate(steps)]


def pad_steps(arrays, time):
    """Per-sequence rows zero-padded into one float64 array.

    Parameters
    ----------
    arrays : list of ndarray of shape (time_b, outputs)
    time : int
        At least every ``time_b``.

    Returns
    -------
    ndarray of shape (n_samples, time, outputs)
    """
    padded = np.zeros((len(arrays), time, arrays[0].shape[1]))
    for b, rows in enumerate(arrays):
        padded[b, :len(rows)] = rows
    return padded


def step_weights(sample_weight, steps):
    """Each sequence's weight repeated at each of its steps; None stays None.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
    steps : ndarray of int of shape (n_samples,)

    Returns
    -------
    ndarray of shape (steps.sum(),) or None
    """
    if sample_weight is None:
        return None
    weights = as_float_array(sample_weight, "sample_weight", 1, np.float64)
    if len(weights) != len(steps):
        raise ValueError(
            f"Argument `sample_weight` must hold one weight per sequence ({len(steps)}), "
            f"got shape {weights.shape}")
    return np.repeat(weights, steps)
