"""The input layer: the sequences themselves, no parameters."""

from rnn_nodes.layers.base import Layer


class InputLayer(Layer):
    """Holds the width of the input; passes sequences through.

    Parameters
    ----------
    n_features : int
        Number of features at each time step.
    """

    width = "features per time step"

    def build(self, n_in, sequence_input, dtype, rng):
        self.n_in = self.n_features

    def forward(self, X, lengths=None):
        """X : ndarray of shape (batch, time, n_features), returned as is."""
        return X

    def backward(self, dC_dX):
        """dC/dX, shape (..., batch, time, n_features), returned as is."""
        return dC_dX
