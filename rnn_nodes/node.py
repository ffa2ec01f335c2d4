"""One time step of one layer: the forward equation and the backward equations.

Notation of the notes, with row vectors and the batch along the first axis::

    z_t = h_layer_t @ W_layer + b_layer + h_{t-1} @ W_time + b_time
    h_t = sigma(z_t)

Given the total gradient dC/dh_t, arriving from the layer above and from
step t+1, equations (1)-(6) of the notes::

    delta_t       = dC/dh_t * sigma'(z_t)             (1)
    dC/db_layer  += sum over batch of delta_t         (2)   (dC/db_time alike)
    dC/dW_layer  += h_layer_t.T @ delta_t             (3)
    dC/dW_time   += h_{t-1}.T @ delta_t               (4)
    dC/dh_layer_t = delta_t @ W_layer.T               (5)
    dC/dh_{t-1}   = delta_t @ W_time.T                (6)

The ``+=`` is what makes a weight shared by every time step correct: its
gradient is the sum of the per-step contributions, equations (7)-(10).
For softmax, (1) is the exact vector-Jacobian product instead of a product
with an elementwise derivative.

Only (1) and (6), and in the forward pass the recurrent term, depend on
the step before or after; they are what a :class:`Node` does, one step at a
time. The rest is the same equation at every step, so the layer applies it
to all steps at once, with the functions below: one matrix product over
``(batch * time)`` rows is the sum over time of the per-step products.
"""

import numpy as np


class Node:
    """The cache and the recurrent equations of one time step.

    A node holds no parameters and no hyperparameters: it reads the weights
    from a dict its layer owns.

    Parameters
    ----------
    params : dict of str to ndarray
        The layer's parameters; a recurrent layer's include ``W_time`` (n, n)
        and ``b_time`` (n,).
    activation : Activation
        sigma and its backward rule.
    """

    def __init__(self, params, activation):
        self.params = params
        self.activation = activation
        self.z_t = None
        self.h_t = None

    @property
    def is_recurrent(self):
        return "W_time" in self.params

    def forward(self, z_layer_t, h_time=None, out=None, h_out=None):
        """h_t = sigma(z_layer_t + h_time @ W_time + b_time).

        Parameters
        ----------
        z_layer_t : ndarray of shape (batch, n)
            The input term ``h_layer_t @ W_layer + b_layer``
            (:func:`input_projection`).
        h_time : ndarray of shape (batch, n), optional
            This layer's output at the previous step (recurrent layers only).
        out : ndarray of shape (batch, n), optional
            Where to write ``z_t`` (it may be ``z_layer_t`` itself): a layer
            keeps the pre-activations of all its steps in one array, for
            the derivatives.
        h_out : ndarray of shape (batch, n), optional
            Where to write ``h_t`` (the step's slice of the layer's output).

        Returns
        -------
        h_t : ndarray of shape (batch, n)
        """
        z_t = z_layer_t
        if self.is_recurrent:
            z_t = np.add(h_time @ self.params["W_time"], z_layer_t, out=out)
            z_t += self.params["b_time"]
        self.z_t = z_t
        self.h_t = self.activation(z_t, out=h_out)
        return self.h_t

    def backward(self, dC_dh, dsigma_t=None, W_time_T=None, out=None):
        """Equations (1) and (6) for this step.

        Parameters
        ----------
        dC_dh : ndarray of shape (..., batch, n)
            Total gradient of the cost with respect to ``h_t``. Leading axes
            (truncation budgets, see :class:`~rnn_nodes.layers.RNNLayer`) are
            carried along.
        dsigma_t : ndarray of shape (batch, n), optional
            sigma'(z_t) when the layer computed it for all steps at once;
            needed for elementwise activations only.
        W_time_T : ndarray of shape (n, n), optional
            ``W_time.T`` laid out in memory as such (see :func:`transposed`);
            the transposed view of ``params["W_time"]`` when None.
        out : ndarray of shape (..., batch, n), optional
            Where to write ``delta_t`` (a view of the layer's array of all
            steps' deltas).

        Returns
        -------
        delta_t : ndarray of shape (..., batch, n)
            dC/dz_t, equation (1).
        dC_dh_time : ndarray of shape (..., batch, n) or None
            Gradient with respect to ``h_{t-1}``, equation (6); None without
            recurrence.
        """
        if dsigma_t is not None:
            delta_t = np.multiply(dC_dh, dsigma_t, out=out)  # (1)
        else:
            delta_t = self.activation.vector_jacobian(self.z_t, dC_dh)  # (1), softmax
            if out is not None:
                out[...] = delta_t
                delta_t = out
        if not self.is_recurrent:
            return delta_t, None
        if W_time_T is None:
            W_time_T = self.params["W_time"].T
        return delta_t, delta_t @ W_time_T  # (6)


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
