"""The parameters and equations shared by the layers that map each input vector alone."""

import numpy as np

from rnn_nodes.activations import get_activation
from rnn_nodes.layers.base import Layer
from rnn_nodes.layers.initializers import glorot_uniform
from rnn_nodes.nodes.dense import DenseNode
from rnn_nodes.nodes.equations import (
    add_parameter_gradients,
    input_projection,
    input_projection_gradient,
)


class DenseMap(Layer):
    """Base of :class:`OutputLayer` and :class:`DenseLayer`: ``y = sigma(h W_layer + b_layer)``.

    Parameters
    ----------
    n_features : int
        Number of outputs.
    activation : str or callable, default="identity"

    Attributes
    ----------
    params : dict
        ``W_layer`` (n_in, n), ``b_layer`` (n,).
    """

    def __init__(self, n_features, activation="identity"):
        super().__init__(n_features)
        self.activation = get_activation(activation)
        self.node = None

    def build(self, n_in, sequence_input, dtype, rng):
        self.params = {
            "W_layer": glorot_uniform(rng, n_in, self.n_features, dtype),
            "b_layer": np.zeros(self.n_features, dtype),
        }
        self.zero_grads()
        self.n_in = n_in
        self.sequence_input = sequence_input

    def _forward_rows(self, H):
        """sigma(H @ W_layer + b_layer) for H of shape (..., n_in)."""
        self.H = H
        self.node = DenseNode(self.activation)
        return self.node.forward(input_projection(H, self.params))

    def _backward_rows(self, dC_dY, delta):
        """Equations (1)-(5) for the rows of the latest forward pass.

        ``dC_dY`` may carry leading (budget) axes before the forward shape;
        a paired cost gives ``delta`` (dC/dz) directly instead.
        """
        if delta is None:
            delta = self.node.backward(dC_dY)  # (1)
        self.zero_grads()
        add_parameter_gradients(self.grads, delta, self.H)
        return input_projection_gradient(delta, self.params)  # (5)
