"""This project's network, built for a config and loaded with the shared weights."""

from rnn_nodes import RNN
from rnn_nodes.layers import derivatives
from schedulers import Adam

from benchmarks.configs import DTYPE, ETA

LSTM_MISSING = "rnn_nodes LSTM not available yet (RNN has no add_LSTMLayer)"


def unavailable_reason(config):
    """Why ``rnn_nodes`` cannot build ``config``, or None when it can."""
    if config.cell == "lstm" and not hasattr(RNN, "add_LSTMLayer"):
        return LSTM_MISSING
    return None


def build_network(config, weights, blas_threads=1):
    """An :class:`rnn_nodes.RNN` for ``config`` holding copies of ``weights``.

    Parameters
    ----------
    config : Config
    weights : dict of dict of ndarray
        See :func:`benchmarks.configs.make_weights`; copied into
        ``layer.params[name][...]``.
    blas_threads : int or None, default=1
        Passed to :class:`rnn_nodes.RNN`.

    Returns
    -------
    rnn_nodes.RNN
    """
    net = RNN(cost=config.cost, scheduler=Adam(eta=ETA), dtype=DTYPE.__name__, seed=0,
              blas_threads=blas_threads)
    net.add_InputLayer(config.n_in)
    if config.cell == "lstm":
        net.add_LSTMLayer(config.hidden)
    else:
        net.add_RNNLayer(config.hidden, activation="tanh")
    if config.head == "dense":
        net.add_DenseLayer(config.n_out, activation=config.head_activation)
    else:
        net.add_OutputLayer(config.n_out, activation=config.head_activation)
    recurrent, head = net.layers[1], net.layers[2]
    for layer, arrays in ((recurrent, weights["recurrent"]), (head, weights["head"])):
        if set(layer.params) != set(arrays):
            raise ValueError(
                f"{layer!r} has parameters {sorted(layer.params)}, the benchmark's "
                f"weights are {sorted(arrays)}"
            )
        for name, array in arrays.items():
            layer.params[name][...] = array
    return net


def gradients(net, X, t):
    """Cost and gradients of ``net`` on one batch, keyed like the shared weights."""
    cost = net.cost_value(X, t)
    grads = net.gradients(X, t).params
    return cost, {"recurrent": grads[1], "head": grads[2]}


def starts_derivatives_in_pieces(config):
    """Whether the recurrent layer of ``config`` starts its derivatives in pieces in training.

    See :func:`rnn_nodes.layers.derivatives.piece_ends`: it does when the
    pass has at least ``PIECES_FROM`` values to differentiate (an LSTM's four
    gates and its cell states).
    """
    per_step = config.batch * config.hidden * (config.gates + (config.cell == "lstm"))
    return len(derivatives.piece_ends(config.time, config.time * per_step)) > 1


def other_dispatch_step(net, config, X, t):
    """A training step of ``net`` with the other choice of :func:`starts_derivatives_in_pieces`.

    Four pieces during the forward pass where the network makes one call, one
    call where it makes pieces: the benchmark shows what the rule buys.
    """
    threshold = 2 ** 62 if starts_derivatives_in_pieces(config) else 0

    def step():
        rule = derivatives.PIECES_FROM
        derivatives.PIECES_FROM = threshold
        try:
            return net.train_step(X, t)
        finally:
            derivatives.PIECES_FROM = rule

    return step
