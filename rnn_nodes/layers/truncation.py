"""Truncated backpropagation through time: the budget axis every recurrent layer carries.

Inside a recurrent stack a gradient may carry a leading axis of truncation
budgets, ``(budgets, batch, time, n)``: slice ``j`` holds the gradient that may
still travel back ``j`` more steps. A gradient injected at step ``s`` from
above starts in the last slice (``bptt_limit - 1`` steps left); each step back
in time moves every slice down by one and drops the first. Slices pass
unchanged to the layer below, so the window applies to the whole stack: the
cost at step ``s`` reaches the states of steps ``s - bptt_limit + 1 .. s`` in
every layer. Every slice adds into the parameter gradients, and the initial
state (an input) receives every slice that reaches it.
"""

import numpy as np


def with_budgets(dC_dH, bptt_limit):
    """dC/dH with the budget axis: a 3-D gradient from a non-recurrent layer gets the full budget.

    Parameters
    ----------
    dC_dH : ndarray of shape (batch, time, n) or (budgets, batch, time, n)
    bptt_limit : int or None
        None (full BPTT) keeps one slice.

    Returns
    -------
    ndarray of shape (budgets, batch, time, n)
    """
    if dC_dH.ndim == 4:
        return dC_dH
    if bptt_limit is None:
        return dC_dH[None]  # one slice, no copy
    budgets = bptt_limit
    full = np.zeros((budgets,) + dC_dH.shape, dC_dH.dtype)
    full[-1] = dC_dH
    return full


def one_step_back(dC_dstate, bptt_limit):
    """The gradient of a state of step t-1, as it enters step t-1 of the backward loop.

    Parameters
    ----------
    dC_dstate : ndarray of shape (budgets, batch, n)
        Gradient with respect to the state before step t.

    Returns
    -------
    ndarray of the same shape: every slice one step poorer, the spent one dropped.
    """
    if bptt_limit is None:
        return dC_dstate
    shifted = np.zeros_like(dC_dstate)
    shifted[:-1] = dC_dstate[1:]  # the slice with one step left is spent
    return shifted
