"""The equations of a layer that need no recurrence: the same at every step, for all steps at once.

With row vectors and the batch first, for a layer with input ``h_layer_t``
(the layer below's output at step t) and ``delta_t`` = dC/dz_t (from its
nodes)::

    z-terms       = h_layer_t @ W_layer + b_layer         (input terms, all steps)
    dC/db_layer  += sum over batch of delta_t            (2)   (dC/db_time alike)
    dC/dW_layer  += h_layer_t.T @ delta_t                (3)
    dC/dW_time   += h_{t-1}.T @ delta_t                  (4)
    dC/dh_layer_t = delta_t @ W_layer.T                  (5)

The ``+=`` is what makes a weight shared by every time step correct: its
gradient is the sum of the per-step contributions, equations (7)-(10) of the
notes. One matrix product over ``(batch * time)`` rows is that sum.
"""

import numpy as np


def transposed(W):
    """``W.T`` as a C-ordered copy, made once per backward pass by a layer.

    Equation (6) multiplies by ``W_time.T`` at every step; with the transposed
    view of ``W_time`` OpenBLAS runs each product 10-25 % slower than with a
    copy laid out as the transpose (measured on (64, 128) @ (128, 128) and
    (64, 512) @ (512, 128), float32, one thread).
    """
    return np.ascontiguousarray(W.T)


def input_projection(H, params):
    """h_layer_t @ W_layer + b_layer for every step at once: (..., n_in) -> (..., n)."""
    return H @ params["W_layer"] + params["b_layer"]


def add_parameter_gradients(grads, delta, h_layer, h_time=None, delta_time=None):
    """Equations (2)-(4), summed over every step and sample given.

    Parameters
    ----------
    grads : dict of str to ndarray
        The layer's gradient buffers, added into.
    delta : ndarray of shape (..., *rows, m)
        dC/dz of the steps, ``rows`` the leading shape of ``h_layer`` (e.g.
        ``(batch, time)``); axes before them (truncation budgets) are summed.
    h_layer : ndarray of shape (*rows, n_in)
        The layer's inputs at those steps.
    h_time : ndarray of shape (*rows, n), optional
        The layer's own outputs one step earlier (recurrent layers).
    delta_time : ndarray of the shape of ``delta``, optional
        dC/d(h_time @ W_time + b_time) where it differs from ``delta`` (the
        GRU's candidate, whose reset gate multiplies the recurrent term).
    """
    h_layer = h_layer.reshape(-1, h_layer.shape[-1])
    summed = _summed_over_budgets(delta, len(h_layer))
    db = summed.sum(axis=0)
    grads["b_layer"] += db  # (2)
    grads["W_layer"] += h_layer.T @ summed  # (3)
    if h_time is None:
        return
    if delta_time is not None:
        summed = _summed_over_budgets(delta_time, len(h_layer))
        db = summed.sum(axis=0)
    grads["b_time"] += db  # (2)
    grads["W_time"] += h_time.reshape(len(h_layer), -1).T @ summed  # (4)


def _summed_over_budgets(delta, n_rows):
    """``delta`` as ``(n_rows, m)``, every budget (leading slice) added: each one counts."""
    budgets = delta.reshape(-1, n_rows, delta.shape[-1])
    return budgets[0] if len(budgets) == 1 else budgets.sum(axis=0)


def input_projection_gradient(delta, params):
    """Equation (5), for every step at once: dC/dh_layer = delta @ W_layer.T."""
    return delta @ params["W_layer"].T
