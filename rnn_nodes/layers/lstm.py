"""The LSTM layer: the one loop through time around :class:`~rnn_nodes.nodes.LSTMNode`."""

from rnn_nodes.layers.through_time import RecurrentLayer
from rnn_nodes.nodes.lstm import LSTMNode
from rnn_nodes.validation import check_finite_float


class LSTMLayer(RecurrentLayer):
    """Long short-term memory layer with the equations and weight layout of PyTorch's ``nn.LSTM``.

    ``c_t = f * c_{t-1} + i * g``, ``h_t = o * tanh(c_t)`` with gates i, f, g, o
    (see :mod:`rnn_nodes.nodes.lstm`).

    Parameters
    ----------
    n_features : int
        Number of hidden units n.
    activation : str or callable, default="tanh"
        Of the candidate g and of the cell state.
    gate_activation : str or callable, default="sigmoid"
        Of the gates i, f, o. Both must be elementwise.
    forget_bias : float, default=1.0
        Initial value of the forget gate's part of ``b_layer`` (Jozefowicz et
        al., 2015; Keras' ``unit_forget_bias``): the layer starts out
        remembering. 0 gives PyTorch's zero-mean start.
    bptt_limit : int, optional
        Truncated BPTT (see :class:`~rnn_nodes.layers.RNNLayer`); both ``h``
        and ``c`` are the state a window reaches back through.

    Attributes
    ----------
    params : dict
        ``W_layer`` (n_in, 4n), ``b_layer`` (4n,), ``W_time`` (n, 4n),
        ``b_time`` (4n,), gates stacked i, f, g, o: ``weight_ih_l0`` of
        ``nn.LSTM`` is ``W_layer.T``, ``weight_hh_l0`` is ``W_time.T``,
        ``bias_ih_l0`` and ``bias_hh_l0`` are ``b_layer`` and ``b_time``.
    h_last, c_last : ndarray of shape (batch, n)
        The state after the last step of the latest forward pass.
    dh0, dc0 : ndarray of shape (batch, n)
        dC/dh0 and dC/dc0 after the latest backward pass.

    References
    ----------
    Hochreiter & Schmidhuber (1997); Gers et al. (2000); Jozefowicz, Zaremba &
    Sutskever (2015), An empirical exploration of recurrent network architectures.
    """

    def __init__(self, n_features, activation="tanh", gate_activation="sigmoid",
                 forget_bias=1.0, bptt_limit=None):
        super().__init__(n_features, LSTMNode, activation, gate_activation, bptt_limit)
        self.forget_bias = check_finite_float(forget_bias, "forget_bias")

    def build(self, n_in, sequence_input, dtype, rng):
        super().build(n_in, sequence_input, dtype, rng)
        n = self.n_features
        self.params["b_layer"][n:2 * n] = self.forget_bias

    @property
    def A(self):
        """The pre-activations of every step's gates, (time, batch, 4n)."""
        return self.Z

    @property
    def C(self):
        """Every step's cell state, (time, batch, n)."""
        return self.records[1]
