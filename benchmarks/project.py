"""This project's network, built for a config and loaded with the shared weights."""

from rnn_nodes import RNN
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
