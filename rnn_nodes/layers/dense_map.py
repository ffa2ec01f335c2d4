"""The parameters shared by the layers that map each input vector without recurrence."""

import numpy as np

from rnn_nodes.activations import get_activation
from rnn_nodes.layers.base import Layer
from rnn_nodes.layers.initializers import glorot_uniform


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
        self.nodes = []

    def build(self, n_in, sequence_input, dtype, rng):
        self.params = {
            "W_layer": glorot_uniform(rng, n_in, self.n_features, dtype),
            "b_layer": np.zeros(self.n_features, dtype),
        }
        self.zero_grads()
        self.n_in = n_in
        self.sequence_input = sequence_input
