"""What the gated recurrent layers share: stacked gates in PyTorch's layout, activations, gradients."""

from rnn_nodes.activations import get_activation
from rnn_nodes.layers.recurrent_base import RecurrentLayer


def elementwise_activation(activation, name):
    """``get_activation(activation)`` for the argument ``name``, refusing a non-elementwise one."""
    try:
        activation = get_activation(activation)
    except (TypeError, ValueError) as error:  # name the argument given, not `activation`
        raise type(error)(str(error).replace("`activation`", f"`{name}`")) from None
    if not activation.elementwise:
        raise ValueError(
            f"Received an invalid value for argument `{name}`, expected an elementwise "
            f"activation, got {activation.name!r}"
        )
    return activation


class GatedLayer(RecurrentLayer):
    """Base of :class:`~rnn_nodes.layers.GRULayer` and :class:`~rnn_nodes.layers.LSTMLayer`.

    The parameters of the gates are stacked along the output axis in PyTorch's
    order (``gates``), so ``W_layer`` is ``weight_ih.T`` and ``W_time`` is
    ``weight_hh.T`` of PyTorch's ``nn.GRU`` / ``nn.LSTM``.

    Parameters
    ----------
    n_features : int
        Number of hidden units.
    activation : str or callable, default="tanh"
        The candidate's activation (and, for an LSTM, the cell state's).
    gate_activation : str or callable, default="sigmoid"
        The gates' activation. Both must be elementwise; their derivatives
        come from ``jax.grad`` (:class:`~rnn_nodes.activations.Activation`).
    bptt_limit : int, optional
        Truncated BPTT, as :class:`~rnn_nodes.layers.RNNLayer`; the network
        sets it.

    Attributes
    ----------
    params : dict
        ``W_layer`` (n_in, G n), ``b_layer`` (G n,), ``W_time`` (n, G n),
        ``b_time`` (G n,) for G gates.
    h_last : ndarray of shape (batch, n)
        The state after the last step of the latest forward pass.
    dh0 : ndarray of shape (batch, n)
        dC/dh0 after the latest backward pass.
    """

    def __init__(self, n_features, activation="tanh", gate_activation="sigmoid",
                 bptt_limit=None):
        super().__init__(n_features, bptt_limit)
        self.activation = elementwise_activation(activation, "activation")
        self.gate_activation = elementwise_activation(gate_activation, "gate_activation")
