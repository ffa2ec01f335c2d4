"""Padded steps in a recurrent layer: the state is carried through them, and so is its gradient.

With ``lengths`` (see :mod:`rnn_nodes.sequences`), step ``t`` of sequence
``b`` is padding when ``t >= lengths[b]``. There a recurrent layer keeps its
state, ``h_t = h_{t-1}`` (and ``c_t = c_{t-1}``), so backward through a padded
step is the identity: ``delta_t = 0`` (no parameter sees the step) and
``dC/dh_{t-1} = dC/dh_t``, with the truncation budget unspent. Without
``lengths`` none of this runs.
"""

import numpy as np


def active_steps(lengths, time):
    """``(batch, time, 1)`` bool, True at the valid steps; None without ``lengths``."""
    if lengths is None:
        return None
    return (np.arange(time) < lengths[:, None])[..., None]


def keep_state(active_t, new, old):
    """The state after step t: ``new`` where the step is valid, ``old`` (carried) where padded.

    Parameters
    ----------
    active_t : ndarray of shape (batch, 1)
    new, old : ndarray of shape (batch, n)
    """
    return np.where(active_t, new, old)


def through_padding(active_t, deltas, dC_dprev, dC_dnow):
    """Backward through step t where it is padding: no delta, the gradient passed on unchanged.

    Parameters
    ----------
    active_t : ndarray of shape (batch, 1)
    deltas : tuple of ndarray of shape (budgets, batch, m)
        The step's gradients of its pre-activations; zeroed at padded rows.
    dC_dprev : tuple of ndarray of shape (budgets, batch, n)
        The gradients of the previous state(s) (one step back, budgets shifted).
    dC_dnow : tuple of ndarray of shape (budgets, batch, n)
        The total gradients of this step's state(s); what a padded row passes on.

    Returns
    -------
    deltas, dC_dprev : tuples as given
    """
    deltas = tuple(np.where(active_t, delta, 0) for delta in deltas)
    dC_dprev = tuple(np.where(active_t, prev, now) for prev, now in zip(dC_dprev, dC_dnow))
    return deltas, dC_dprev


def time_reversal(lengths, time):
    """The index that reverses each sequence within its own length, ``(batch, time)``.

    ``index[b, t] = lengths[b] - 1 - t`` for ``t < lengths[b]``, else ``t``
    (padding stays at the end). It is its own inverse. None without ``lengths``.
    """
    if lengths is None:
        return None
    t = np.arange(time)
    return np.where(t < lengths[:, None], lengths[:, None] - 1 - t, t)


def reverse_time(A, index):
    """``A`` of shape (..., batch, time, n) reversed in time: wholly, or within each length."""
    if index is None:
        return A[..., ::-1, :]
    return A[..., np.arange(index.shape[0])[:, None], index, :]
