"""The output layer: a dense map at every time step (many-to-many)."""

import numpy as np

from rnn_nodes.layers.dense_map import DenseMap
from rnn_nodes.node import Node


class OutputLayer(DenseMap):
    """``y_t = sigma(h_t W_layer + b_layer)`` for every step t; no recurrence.

    Parameters
    ----------
    n_features : int
        Number of outputs per time step.
    activation : str or callable, default="identity"
    """

    def build(self, n_in, sequence_input, dtype, rng):
        if not sequence_input:
            raise ValueError(
                "OutputLayer maps every time step and needs a sequence below it; "
                "use DenseLayer after a DenseLayer"
            )
        super().build(n_in, sequence_input, dtype, rng)

    def forward(self, H):
        """H : (batch, time, n_in) -> (batch, time, n)."""
        batch, time, _ = H.shape
        self.nodes = [Node(self.params, self.grads, self.activation) for _ in range(time)]
        out = np.empty((batch, time, self.n_features), H.dtype)
        for t, node in enumerate(self.nodes):
            out[:, t] = node.forward(H[:, t])
        return out

    def backward(self, dC_dY=None, delta=None):
        """Per-step backward; contributions summed over time.

        Parameters
        ----------
        dC_dY : ndarray of shape (..., batch, time, n), optional
            Gradient with respect to the output.
        delta : ndarray of shape (batch, time, n), optional
            dC/dz given directly by a paired cost (then ``dC_dY`` is unused).

        Returns
        -------
        ndarray of shape (..., batch, time, n_in)
        """
        self.zero_grads()
        given = dC_dY if delta is None else delta
        dC_dH = np.empty(given.shape[:-1] + (self.n_in,), given.dtype)
        for t, node in enumerate(self.nodes):
            if delta is None:
                dC_dH[..., t, :], _ = node.backward(dC_dY[..., t, :])
            else:
                dC_dH[..., t, :], _ = node.backward(delta=delta[:, t])
        return dC_dH
