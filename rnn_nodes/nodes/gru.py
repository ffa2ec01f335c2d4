"""One time step of a GRU layer: the forward equations and the recurrent backward equations.

PyTorch's ``nn.GRU`` equations, with row vectors and the batch first. The
layer's terms and the recurrent terms of the three gates are stacked along
the last axis in PyTorch's order r, z, n::

    x_r, x_z, x_n = x_t @ W_layer + b_layer                    (batch, 3n)
    h_r, h_z, h_n = h_{t-1} @ W_time + b_time                  (batch, 3n)
    r = s(x_r + h_r),  z = s(x_z + h_z)
    n = tanh(a_n),  a_n = x_n + r * h_n
    h_t = (1 - z) * n + z * h_{t-1}

``s`` is the gate activation (sigmoid by default) and ``tanh`` the
activation; both are configurable. Unlike the LSTM, the reset gate multiplies
``h_n`` (bias included), so the gradient of the layer's terms
(``delta_layer``) and that of the recurrent terms (``delta_time``) differ in
the n block. Backward, given the total gradient dC/dh_t::

    delta_n     = dC/dh_t * (1 - z) * tanh'(a_n)
    delta_z     = dC/dh_t * (h_{t-1} - n) * s'(a_z)
    delta_r     = delta_n * h_n * s'(a_r)
    delta_layer = (delta_r, delta_z, delta_n)
    delta_time  = (delta_r, delta_z, delta_n * r)
    dC/dh_{t-1} = dC/dh_t * z + delta_time @ W_time.T

The parameter gradients and dC/dx_t are the Elman layer's equations (2)-(5),
with ``delta_layer`` for ``W_layer``, ``b_layer``, dC/dx and ``delta_time``
for ``W_time``, ``b_time``; the layer does them for all steps at once
(:mod:`rnn_nodes.layers.through_time`).

References
----------
Cho et al. (2014), Learning phrase representations using RNN encoder-decoder
for statistical machine translation; PyTorch ``torch.nn.GRU`` documentation.
"""

import numpy as np

from rnn_nodes.nodes.base import RecurrentNode, stacked


class GRUNode(RecurrentNode):
    """The cache and the recurrent equations of one GRU time step.

    Parameters
    ----------
    params : dict of str to ndarray
        The layer's parameters; the node reads ``W_time`` (n, 3n) and
        ``b_time`` (3n,).
    gate_activation : Activation
        ``s`` of the gates r and z.
    activation : Activation
        ``tanh`` of the candidate n.
    """

    states = ("h",)
    gates = ("r", "z", "n")
    gate_activations = ("gate_activation", "gate_activation", "activation")
    torch_name = "nn.GRU"
    name = "gru"

    def __init__(self, params, gate_activation=None, activation=None):
        super().__init__(params, activation=activation, gate_activation=gate_activation)

    def forward(self, z_t, h_prev, out=None, state_out=None):
        """One step from the previous state ``h_prev``.

        Parameters
        ----------
        z_t : ndarray of shape (batch, 3n)
            ``x_t @ W_layer + b_layer``, computed by the layer for all steps.
        h_prev : ndarray of shape (batch, n)
        out : ndarray of shape (batch, 3n), optional
            Where to write the pre-activations ``a_r, a_z, a_n`` (it may be
            ``z_t`` itself): the layer keeps all steps' in one array.
        state_out : tuple of (ndarray or None), optional
            Where to write ``h_t`` (the step's slice of the layer's output).

        Returns
        -------
        a_t : ndarray of shape (batch, 3n)
        (h_t,) : tuple of ndarray of shape (batch, n)
        """
        n = h_prev.shape[-1]
        h_time = h_prev @ self.params["W_time"] + self.params["b_time"]
        a = np.empty_like(z_t) if out is None else out
        self.a_rz = np.add(z_t[:, :2 * n], h_time[:, :2 * n], out=a[:, :2 * n])
        rz = self.gate_activation(self.a_rz)  # r and z in one call
        r, z = rz[:, :n], rz[:, n:]
        self.h_n = h_time[:, 2 * n:]
        self.a_n = np.add(z_t[:, 2 * n:], r * self.h_n, out=a[:, 2 * n:])
        n_t = self.activation(self.a_n)
        self.gate_values, self.h_prev = (r, z, n_t), h_prev
        h_out = None if state_out is None else state_out[0]
        return a, (np.add(n_t, z * (h_prev - n_t), out=h_out),)  # (1 - z) * n + z * h_{t-1}

    def backward(self, gradients, derivatives, W_time_T, out=None):
        """The recurrent backward equations of this step.

        Parameters
        ----------
        gradients : (dC_dh,) with dC_dh of shape (..., batch, n)
            Total gradient with respect to ``h_t`` (from the layer above and
            from step t+1); leading axes (truncation budgets) are carried along.
        derivatives : (dgates_t,) with dgates_t of shape (batch, 3n)
            ``s'(a_r), s'(a_z), tanh'(a_n)``, computed by the layer for all steps at once.
        W_time_T : ndarray of shape (3n, n)
        out : ignored
            ``delta_layer`` is a new array (the layer copies it).

        Returns
        -------
        delta_layer, delta_time : ndarray of shape (..., batch, 3n)
            dC/d(x_r, x_z, x_n) and dC/d(h_r, h_z, h_n).
        (dC_dh_prev,) : tuple of ndarray of shape (..., batch, n)
        """
        (dC_dh,), (dgates_t,) = gradients, derivatives
        r, z, n_t = self.gate_values
        n = n_t.shape[-1]
        delta_n = dC_dh * (1.0 - z) * dgates_t[:, 2 * n:]  # through h_t, then n = tanh(a_n)
        delta_z = dC_dh * (self.h_prev - n_t) * dgates_t[:, n:2 * n]
        delta_r = delta_n * self.h_n * dgates_t[:, :n]  # a_n = x_n + r * h_n
        delta_layer = stacked(delta_r, delta_z, delta_n)
        delta_time = stacked(delta_r, delta_z, delta_n * r)
        return delta_layer, delta_time, (dC_dh * z + delta_time @ W_time_T,)
