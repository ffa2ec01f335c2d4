"""One time step of an LSTM layer: the forward equations and the recurrent backward equations.

PyTorch's ``nn.LSTM`` equations, with row vectors and the batch first. The
pre-activations of the four gates are stacked along the last axis in
PyTorch's order i, f, g, o::

    a_t = x_t @ W_layer + b_layer + h_{t-1} @ W_time + b_time     (batch, 4n)
    i = s(a_i),  f = s(a_f),  g = tanh(a_g),  o = s(a_o)
    c_t = f * c_{t-1} + i * g
    h_t = o * tanh(c_t)

``s`` is the gate activation (sigmoid by default) and ``tanh`` the
activation; both are configurable. Backward, given the total gradient dC/dh_t
(from the layer above and from step t+1) and dC/dc_t from step t+1::

    dC/dc_t      += dC/dh_t * o * tanh'(c_t)
    dC/d(i,f,g,o) = dC/dc_t * g, dC/dc_t * c_{t-1}, dC/dc_t * i, dC/dh_t * tanh(c_t)
    delta_t       = dC/d(i,f,g,o) * (s'(a_i), s'(a_f), tanh'(a_g), s'(a_o))
    dC/dh_{t-1}   = delta_t @ W_time.T
    dC/dc_{t-1}   = dC/dc_t * f

The parameter gradients and dC/dx_t are the Elman layer's equations (2)-(5)
with ``delta_t``; the layer does them for all steps at once
(:mod:`rnn_nodes.layers.through_time`).

References
----------
Hochreiter & Schmidhuber (1997), Long short-term memory; Gers, Schmidhuber &
Cummins (2000), Learning to forget; PyTorch ``torch.nn.LSTM`` documentation.
"""

import numpy as np

from rnn_nodes.nodes.base import RecurrentNode, stacked


class LSTMNode(RecurrentNode):
    """The cache and the recurrent equations of one LSTM time step.

    Parameters
    ----------
    params : dict of str to ndarray
        The layer's parameters; the node reads ``W_time`` (n, 4n).
    gate_activation : Activation
        ``s`` of the gates i, f, o.
    activation : Activation
        ``tanh`` of the candidate g and of the cell state.
    """

    states = ("h", "c")
    gates = ("i", "f", "g", "o")
    gate_activations = ("gate_activation", "gate_activation", "activation", "gate_activation")
    recorded = (("c", "activation"),)  # tanh'(c_t)
    torch_name = "nn.LSTM"
    name = "lstm"

    def __init__(self, params, gate_activation=None, activation=None):
        super().__init__(params, activation=activation, gate_activation=gate_activation)

    @staticmethod
    def input_terms(H, params):
        """``H @ W_layer + (b_layer + b_time)``: both biases need no recurrence."""
        Z = H @ params["W_layer"]
        Z += params["b_layer"] + params["b_time"]
        return Z

    def forward(self, z_t, h_prev, c_prev, out=None, state_out=None):
        """One step from the previous state ``(h_prev, c_prev)``.

        Parameters
        ----------
        z_t : ndarray of shape (batch, 4n)
            ``x_t @ W_layer + b_layer + b_time``, computed by the layer for
            all steps at once (:meth:`input_terms`).
        h_prev, c_prev : ndarray of shape (batch, n)
        out : ndarray of shape (batch, 4n), optional
            Where to write the pre-activations ``a_t`` (it may be ``z_t``
            itself): the layer keeps all steps' in one array.
        state_out : tuple of (ndarray or None), optional
            Where to write ``h_t`` and ``c_t`` (the step's slice of the
            layer's output, and of its array of all cell states).

        Returns
        -------
        a_t : ndarray of shape (batch, 4n)
        (h_t, c_t) : tuple of ndarray of shape (batch, n)
        """
        h_out, c_out = (None, None) if state_out is None else state_out
        n = h_prev.shape[-1]
        s, tanh = self.gate_activation, self.activation
        self.a_t = a = np.add(h_prev @ self.params["W_time"], z_t, out=out)
        i_f = s(a[:, :2 * n])  # i and f in one call
        i, f, g, o = i_f[:, :n], i_f[:, n:], tanh(a[:, 2 * n:3 * n]), s(a[:, 3 * n:])
        c_t = np.multiply(f, c_prev, out=c_out)
        c_t += i * g
        self.tanh_c_t = tanh(c_t)
        self.gate_values, self.c_prev, self.c_t = (i, f, g, o), c_prev, c_t
        return a, (np.multiply(o, self.tanh_c_t, out=h_out), c_t)

    def backward(self, gradients, derivatives, W_time_T, out=None):
        """The recurrent backward equations of this step.

        Parameters
        ----------
        gradients : (dC_dh, dC_dc), each of shape (..., batch, n)
            Total gradient with respect to ``h_t``, and the gradient with
            respect to ``c_t`` from step t+1; leading axes (truncation
            budgets) are carried along.
        derivatives : (dgates_t, dtanh_c_t)
            ``s'(a_i), s'(a_f), tanh'(a_g), s'(a_o)`` (batch, 4n) and
            ``tanh'(c_t)`` (batch, n), computed by the layer for all steps.
        W_time_T : ndarray of shape (4n, n)
        out : ndarray of shape (..., batch, 4n), optional
            Where to write ``delta_t``.

        Returns
        -------
        delta_t : ndarray of shape (..., batch, 4n)
            dC/da_t.
        None
            The h-terms' gradient is ``delta_t`` too.
        (dC_dh_prev, dC_dc_prev) : tuple of ndarray of shape (..., batch, n)
        """
        (dC_dh, dC_dc), (dgates_t, dtanh_c_t) = gradients, derivatives
        i, f, g, o = self.gate_values
        dC_dc = dC_dc + dC_dh * o * dtanh_c_t  # through h_t = o * tanh(c_t)
        dC_dgates = stacked(dC_dc * g, dC_dc * self.c_prev, dC_dc * i, dC_dh * self.tanh_c_t)
        delta_t = np.multiply(dC_dgates, dgates_t, out=out)  # through the gate activations
        return delta_t, None, (delta_t @ W_time_T, dC_dc * f)
