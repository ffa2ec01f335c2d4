"""The Elman recurrent layer: the one loop through time around :class:`~rnn_nodes.nodes.ElmanNode`."""

from rnn_nodes.layers.through_time import RecurrentLayer
from rnn_nodes.nodes.elman import ElmanNode


class RNNLayer(RecurrentLayer):
    """Elman recurrent layer, ``h_t = sigma(x_t W_layer + b_layer + h_{t-1} W_time + b_time)``.

    Parameters
    ----------
    n_features : int
        Number of hidden units.
    activation : str or callable, default="tanh"
        See :func:`rnn_nodes.activations.get_activation`; softmax too.
    bptt_limit : int, optional
        Truncated backpropagation through time: the cost at step ``s``
        reaches back through the states of steps ``s - bptt_limit + 1 .. s``
        only; earlier states count as constants (the user's initial state
        ``h0`` is an input and receives gradient whenever the window reaches
        step 0). None: full backpropagation through time. The network sets
        this for all its recurrent layers.

    Attributes
    ----------
    params : dict
        ``W_layer`` (n_in, n), ``b_layer`` (n,), ``W_time`` (n, n), ``b_time`` (n,).
        ``weight_ih_l0`` of PyTorch's ``nn.RNN`` is ``W_layer.T``,
        ``weight_hh_l0`` is ``W_time.T``, ``bias_ih_l0`` and ``bias_hh_l0`` are
        ``b_layer`` and ``b_time``.
    h_last : ndarray of shape (batch, n)
        The state after the last step of the latest forward pass.
    dh0 : ndarray of shape (batch, n)
        dC/dh0 after the latest backward pass.

    Notes
    -----
    The step's equations are :mod:`rnn_nodes.nodes.elman`'s; the loop through
    time, truncation and padding are :class:`~rnn_nodes.layers.RecurrentLayer`'s.
    Truncation keeps, for every step, one gradient slice per number of steps
    it may still travel back (the leading axis of ``dC_dH``, ``bptt_limit``
    slices). A gradient injected at step ``s`` by the layer above starts in the
    last slice; each step back in time moves every slice down by one and drops
    the first. Slices pass unchanged to the layer below, so the window applies
    to the whole stack, and every slice adds into the parameter gradients.
    """

    def __init__(self, n_features, activation="tanh", bptt_limit=None):
        super().__init__(n_features, ElmanNode, activation, bptt_limit=bptt_limit)
