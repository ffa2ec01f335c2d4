"""Sequences as they come: batches of different lengths, and states carried between calls.

A batch of sequences of different lengths is a padded array ``(batch, time,
features)`` plus ``lengths``, one int per sequence: steps ``t >= lengths[b]``
of sequence ``b`` are padding. A list of ``(time_b, features)`` arrays is
padded here, with zeros after each sequence's end (post-padding).

Every recurrent layer keeps its state through the padded steps
(``h_t = h_{t-1}``, and ``c_t = c_{t-1}`` for an LSTM), so the final states
are each sequence's own; a many-to-one head reads each sequence's own last
step; a sequence output is zero at the padded steps and the built-in costs
average over the valid steps only. Padded steps therefore contribute nothing to
the outputs, the cost or any gradient: a padded batch gives what the same
sequences give one by one.

:class:`States` is what ``RNN.forward(..., return_states=True)`` returns next
to the output and what ``h0`` / ``c0`` accept back.
"""

from typing import NamedTuple

import numpy as np

from rnn_nodes.validation import as_float_array


class States(NamedTuple):
    """The final states of every recurrent layer after a forward pass.

    ``net.forward(X2, *states)`` (or ``h0=states.h, c0=states.c``) continues
    where the call that returned ``states`` stopped.

    Attributes
    ----------
    h : ndarray or list of ndarray or None
        One state per recurrent layer, ``(batch, n_l)`` (``(2, batch, n_l)``
        for a bidirectional layer: forward direction after its last step,
        reverse direction after step 0). Stacked into one array
        ``(layers, batch, hidden)`` (PyTorch's ``h_n``) when every layer's
        state has the same shape, else a list. None without recurrent layers.
    c : ndarray or list of ndarray or None
        The cell states of the LSTM layers alone, laid out as ``h``; None
        without LSTM layers.
    """

    h: object
    c: object


def stack_states(states):
    """Copies of per-layer states: one stacked array when their shapes agree, else a list."""
    if not states:
        return None
    if len({state.shape for state in states}) == 1:
        return np.stack(states)
    return [state.copy() for state in states]


# padding ------------------------------------------------------------------------------


def is_ragged(X):
    """Whether ``X`` is a list or tuple of arrays (sequences) rather than one array."""
    return isinstance(X, (list, tuple)) and len(X) > 0 and all(
        isinstance(x, np.ndarray) or isinstance(x, (list, tuple)) and _nested(x) for x in X)


def _nested(x):
    """A list of rows (time steps), not a row of numbers."""
    return len(x) > 0 and isinstance(x[0], (list, tuple, np.ndarray))


def pad_sequences(sequences, name, n_features, dtype, time=None):
    """A list of sequences as one zero-padded array and their lengths.

    Parameters
    ----------
    sequences : list of array-like of shape (time_b, n_features)
    name : str
        Argument name for error messages.
    n_features : int or None
        Features per step every sequence must have; None: those of the first.
    dtype : numpy dtype
    time : int, optional
        Length of the padded array; the longest sequence if None.

    Returns
    -------
    padded : ndarray of shape (batch, time, n_features)
        Zeros after each sequence's end.
    lengths : ndarray of shape (batch,)

    Raises
    ------
    ValueError
        For an empty list, an empty sequence, a sequence longer than ``time``
        or sequences of different feature widths (naming the first misfit).
    """
    if len(sequences) == 0:
        raise ValueError(f"Argument `{name}` is an empty list; give at least one sequence")
    arrays = [as_float_array(x, f"{name}[{b}]", 2, dtype) for b, x in enumerate(sequences)]
    widths = [x.shape[1] for x in arrays]
    width = widths[0] if n_features is None else n_features
    for b, x in enumerate(arrays):
        if x.shape[1] != width:
            raise ValueError(
                f"Argument `{name}` mixes feature widths: `{name}[{b}]` has shape {x.shape}, "
                f"expected (time, {width}) like "
                f"{'the network input' if n_features is not None else f'`{name}[0]`'}; "
                f"widths given: {sorted(set(widths))}"
            )
    lengths = np.array([len(x) for x in arrays])
    time = int(lengths.max()) if time is None else time
    if lengths.max() > time:
        b = int(np.argmax(lengths))
        raise ValueError(f"Argument `{name}[{b}]` has {lengths[b]} steps, more than the "
                         f"{time} of the output")
    padded = np.zeros((len(arrays), time, width), dtype)
    for b, x in enumerate(arrays):
        padded[b, :len(x)] = x
    return padded, lengths


def check_lengths(lengths, batch, time, name="lengths"):
    """``lengths`` as an int array ``(batch,)`` with every entry in ``1 .. time``.

    Returns
    -------
    ndarray of shape (batch,) or None
        None when every sequence fills the array (nothing is padded), so the
        unpadded code path runs.
    """
    array = np.asarray(lengths)
    if array.dtype == object or array.dtype == bool or not (
            np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
            and np.all(np.isfinite(array)) and np.all(array == np.round(array))):
        raise TypeError(f"Argument `{name}` must hold integers, got {_show(lengths)}")
    if array.ndim != 1 or len(array) != batch:
        raise ValueError(f"Argument `{name}` must hold one length per sequence ({batch}), "
                         f"got shape {array.shape}")
    bad = np.flatnonzero((array < 1) | (array > time))
    if bad.size:
        b = int(bad[0])
        raise ValueError(
            f"Argument `{name}` must lie in 1 .. {time} (the padded array's time steps), "
            f"got {name}[{b}] = {array[b]}")
    array = array.astype(np.int64)
    return None if np.all(array == time) else array


def _show(value):
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype}"
    return f"{type(value).__name__}: {value!r}"


def as_padded(X, lengths, name, n_features, dtype, lengths_name="lengths"):
    """Sequences in either form as ``(padded array, lengths or None)``.

    Parameters
    ----------
    X : ndarray of shape (batch, time, n_features), or list of (time_b, n_features) arrays
    lengths : array-like of shape (batch,), optional
        With a padded array only.

    Returns
    -------
    X : ndarray of shape (batch, time, n_features)
        A padded list; an array as given (checked by the caller).
    lengths : ndarray of shape (batch,) or None
        None when no sequence is shorter than the array.
    """
    if is_ragged(X):
        if lengths is not None:
            raise ValueError(f"Give `{lengths_name}` with a padded array only: a list "
                             f"`{name}` gives its own lengths")
        X, lengths = pad_sequences(X, name, n_features, dtype)
        return X, check_lengths(lengths, len(X), X.shape[1], lengths_name)
    if lengths is None:
        return X, None
    X = as_float_array(X, name, 3, dtype)
    return X, check_lengths(lengths, len(X), X.shape[1], lengths_name)


def step_mask(lengths, time):
    """Valid steps, ``(batch, time)`` bool: ``t < lengths[b]``."""
    return np.arange(time) < lengths[:, None]


def take_rows(lengths, rows):
    """The lengths of a subset of the samples (None stays None)."""
    return None if lengths is None else lengths[rows]
