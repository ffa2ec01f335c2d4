"""The GRU layer: the one loop through time around :class:`~rnn_nodes.nodes.GRUNode`."""

from rnn_nodes.layers.through_time import RecurrentLayer
from rnn_nodes.nodes.gru import GRUNode


class GRULayer(RecurrentLayer):
    """Gated recurrent unit layer with the equations and weight layout of PyTorch's ``nn.GRU``.

    ``h_t = (1 - z) * n + z * h_{t-1}``, ``n = tanh(x_n + r * (h_{t-1} W_hn + b_hn))``
    with gates r, z, n (see :mod:`rnn_nodes.nodes.gru`).

    Parameters
    ----------
    n_features : int
        Number of hidden units n.
    activation : str or callable, default="tanh"
        Of the candidate n.
    gate_activation : str or callable, default="sigmoid"
        Of the gates r and z. Both must be elementwise; their derivatives
        come from ``jax.grad`` (:class:`~rnn_nodes.activations.Activation`).
    bptt_limit : int, optional
        Truncated BPTT (see :class:`~rnn_nodes.layers.RNNLayer`).

    Attributes
    ----------
    params : dict
        ``W_layer`` (n_in, 3n), ``b_layer`` (3n,), ``W_time`` (n, 3n),
        ``b_time`` (3n,), gates stacked r, z, n: ``weight_ih_l0`` of ``nn.GRU``
        is ``W_layer.T``, ``weight_hh_l0`` is ``W_time.T``, ``bias_ih_l0`` and
        ``bias_hh_l0`` are ``b_layer`` and ``b_time``.
    h_last : ndarray of shape (batch, n)
    dh0 : ndarray of shape (batch, n)

    References
    ----------
    Cho et al. (2014); Chung et al. (2014), Empirical evaluation of gated
    recurrent neural networks on sequence modeling.
    """

    def __init__(self, n_features, activation="tanh", gate_activation="sigmoid",
                 bptt_limit=None):
        super().__init__(n_features, GRUNode, activation, gate_activation, bptt_limit)
