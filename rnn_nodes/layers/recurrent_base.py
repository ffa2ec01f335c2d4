"""What every recurrent layer keeps: its truncation limit, its nodes and its states."""

import numpy as np

from rnn_nodes.layers.base import Layer
from rnn_nodes.validation import check_optional_positive_int


class RecurrentLayer(Layer):
    """Base of the Elman and gated layers.

    Parameters
    ----------
    n_features : int
        Number of hidden units.
    bptt_limit : int, optional
        Truncated backpropagation through time (see
        :mod:`rnn_nodes.layers.truncation`); the network sets it.

    Attributes
    ----------
    nodes : list
        One node per time step of the latest forward pass.
    h0, h_last : ndarray of shape (batch, n)
        The initial and the final state of the latest forward pass.
    dh0 : ndarray of shape (batch, n)
        dC/dh0 after the latest backward pass.
    active : ndarray of bool of shape (batch, time) or None
        Which steps were real (not padding) in the latest forward pass.
    """

    recurrent = True

    def __init__(self, n_features, bptt_limit=None):
        super().__init__(n_features)
        self.bptt_limit = check_optional_positive_int(bptt_limit, "bptt_limit")
        self.nodes = []
        self.h0 = None
        self.h_last = None
        self.dh0 = None
        self.active = None

    def check_sequence_input(self, sequence_input):
        """A recurrent layer reads a sequence; it cannot follow a DenseLayer."""
        if not sequence_input:
            raise ValueError(
                f"{type(self).__name__} needs a sequence below it; it cannot follow a DenseLayer"
            )

    def previous_states(self):
        """h_{t-1} for every step, (batch, time, n): h0, then the outputs but the last."""
        return np.concatenate([self.h0[:, None], self.out[:, :-1]], axis=1)
