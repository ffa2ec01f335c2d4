"""One time step of an Elman layer: the forward equation and the recurrent backward equations.

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

For softmax, (1) is the exact vector-Jacobian product instead of a product
with an elementwise derivative.

Only (1) and (6), and in the forward pass the recurrent term, depend on the
step before or after; they are what an :class:`ElmanNode` does, one step at a
time. The rest is the same equation at every step, so the layer applies it to
all steps at once (:mod:`rnn_nodes.nodes.equations`).
"""

import numpy as np

from rnn_nodes.nodes.base import RecurrentNode, written


class ElmanNode(RecurrentNode):
    """The cache and the recurrent equations of one Elman time step.

    Parameters
    ----------
    params : dict of str to ndarray
        The layer's parameters; the node reads ``W_time`` (n, n) and ``b_time`` (n,).
    activation : Activation
        sigma and its backward rule; the one cell that accepts a
        non-elementwise activation (softmax).
    gate_activation : Activation, optional
        Unused (an Elman cell has no gates but its one block ``h``).
    """

    states = ("h",)
    gates = ("h",)
    gate_activations = ("activation",)
    elementwise_only = False
    torch_name = "nn.RNN"
    name = "elman"

    @classmethod
    def derivative_blocks(cls, activations):
        """sigma'(z), or nothing for softmax (its backward is a vector-Jacobian product)."""
        return super().derivative_blocks(activations) if activations["activation"].elementwise \
            else ()

    def forward(self, z_t, h_prev, out=None, state_out=None):
        """z_t += h_{t-1} @ W_time + b_time; h_t = sigma(z_t).

        Parameters
        ----------
        z_t : ndarray of shape (batch, n)
            The input term ``h_layer_t @ W_layer + b_layer``.
        h_prev : ndarray of shape (batch, n)
        out : ndarray of shape (batch, n), optional
            Where to write ``z_t`` (it may be the input term itself).
        state_out : tuple of (ndarray or None), optional
            Where to write ``h_t``.

        Returns
        -------
        z_t : ndarray of shape (batch, n)
        (h_t,) : tuple of ndarray of shape (batch, n)
        """
        z_t = np.add(h_prev @ self.params["W_time"], z_t, out=out)
        z_t += self.params["b_time"]
        self.z_t = z_t
        self.h_t = self.activation(z_t, out=None if state_out is None else state_out[0])
        return z_t, (self.h_t,)

    def backward(self, gradients, derivatives, W_time_T, out=None):
        """Equations (1) and (6) for this step.

        Parameters
        ----------
        gradients : (dC_dh,) with dC_dh of shape (..., batch, n)
        derivatives : (dsigma_t,) with dsigma_t of shape (batch, n), or () for softmax
        W_time_T : ndarray of shape (n, n)
        out : ndarray of shape (..., batch, n), optional

        Returns
        -------
        delta_t, None, (dC_dh_prev,)
        """
        (dC_dh,) = gradients
        if derivatives:
            delta_t = np.multiply(dC_dh, derivatives[0], out=out)  # (1)
        else:
            delta_t = written(self.activation.vector_jacobian(self.z_t, dC_dh), out)  # (1)
        return delta_t, None, (delta_t @ W_time_T,)  # (6)
