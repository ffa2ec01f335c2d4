"""Prediction, streaming and free runs of a network, through the inference pass.

What :meth:`rnn_nodes.RNN.predict`, :meth:`~rnn_nodes.RNN.extrapolate`,
:meth:`~rnn_nodes.RNN.cost_value` and :meth:`~rnn_nodes.RNN.stream` do, on top
of :mod:`rnn_nodes.inference`: the arguments checked as the training forward
pass checks them, then a pass that keeps nothing on the network.

Thread safety
-------------
Every function here keeps its state local to the call (or, for a
:class:`Stream`, in the stream object its caller holds), and reads the
weights once, from a snapshot taken under the lock a training update holds:
several threads may predict, stream and extrapolate with one network while
another trains it, each call seeing the weights before or after an update.
"""

import numpy as np

from rnn_nodes import inference
from rnn_nodes.layers import Bidirectional
from rnn_nodes.sequences import States, as_padded, stack_states
from rnn_nodes.threads import network_blas_limit
from rnn_nodes.validation import check_sequences


class FreeRunDivergedError(ValueError):
    """:meth:`rnn_nodes.RNN.extrapolate`'s free run gave NaN or infinite values.

    Attributes
    ----------
    step : int
        Which prediction is not finite, counted from 1 (the first prediction
        is the output at the last step of the given sequence).
    sequence : int
        The first sequence (row of ``X``) affected.
    """

    def __init__(self, message, step, sequence):
        super().__init__(message)
        self.step = step
        self.sequence = sequence


def checked_inputs(net, X, h0, c0, lengths, name="X"):
    """``(X, h0, c0, lengths)`` checked as :meth:`rnn_nodes.RNN.forward` checks them."""
    net._check_complete()
    X, lengths = as_padded(X, lengths, name, net.n_features_in, net.dtype)
    X = check_sequences(X, name, net.n_features_in, net.dtype)
    h0 = net._check_initial_states(h0, len(X))
    c0 = net._check_initial_states(c0, len(X), "c0")
    return X, h0, c0, lengths


def predict(net, X, h0=None, c0=None, lengths=None, *, budget=None):
    """The output of ``net`` for ``X``, its final states, and the lengths used.

    Parameters
    ----------
    net : RNN
    X, h0, c0, lengths : see :meth:`rnn_nodes.RNN.forward`
    budget : int, optional
        Bytes of working arrays per chunk of samples
        (:data:`rnn_nodes.inference.ACTIVATION_BUDGET` if None).

    Returns
    -------
    output : ndarray
        ``(batch, time, n_out)`` or ``(batch, n_out)``, as ``forward`` gives it.
    states : States
        Every recurrent layer's state after each sequence's last step.
    lengths : ndarray of shape (batch,) or None
        None when no sequence is padded.
    """
    X, h0, c0, lengths = checked_inputs(net, X, h0, c0, lengths)
    with network_blas_limit(net):
        output, h_last, c_last = inference.run(net, X, h0, c0, lengths, budget=budget)
    return output, States(stack_states(h_last), stack_states(c_last)), lengths


def check_streamable(net, caller):
    """Refuse to carry a bidirectional layer's state from one call to the next."""
    if any(isinstance(layer, Bidirectional) for layer in net.layers):
        raise ValueError(f"{caller} cannot carry a bidirectional layer's state: its "
                         "reverse direction would need the steps of the next chunk")


def continue_from(net, states, X, h0, c0, lengths, caller, reset="reset_states()"):
    """One call of a stream: from ``states`` (None: zeros) unless ``h0`` / ``c0`` are given.

    Returns
    -------
    output : ndarray
    states : States
        The states to carry into the next call.
    """
    check_streamable(net, caller)
    if states is not None and h0 is None and c0 is None:
        h0, c0 = states
        batch = None if h0 is None else h0[0].shape[-2]  # (batch, n) or (2, batch, n)
        if batch is not None and len(X) != batch:
            raise ValueError(
                f"{caller} carries the states of {batch} sequences from the previous call, "
                f"but `X` holds {len(X)}: give the same sequences in the same order, or "
                f"call {reset} first")
    output, states, _ = predict(net, X, h0, c0, lengths)
    return output, states


class Stream:
    """A stream over long series: each call starts where the previous one stopped.

    Made by :meth:`rnn_nodes.RNN.stream`. The states live in this object, not
    in the network, so several streams may run over one network at once (in
    one thread or several), each with its own sequences.

    Parameters
    ----------
    net : RNN
        A trained (or loaded) network without bidirectional layers.

    Attributes
    ----------
    states : States or None
        The final states of the latest call; None before the first call and
        after :meth:`reset`.

    Examples
    --------
    >>> import numpy as np
    >>> from rnn_nodes import RNN
    >>> net = RNN(seed=0, dtype="float64").add_InputLayer(1).add_GRULayer(3).add_OutputLayer(1)
    >>> net.is_trained = True  # stands for a trained or loaded network
    >>> X = np.random.default_rng(0).normal(size=(2, 30, 1))
    >>> stream = net.stream()
    >>> pieces = [stream.predict(X[:, :10]), stream.predict(X[:, 10:])]
    >>> bool(np.allclose(np.concatenate(pieces, axis=1), net.predict(X), rtol=0, atol=1e-12))
    True
    """

    def __init__(self, net):
        check_streamable(net, "stream()")
        self.net = net
        self.states = None

    def predict(self, X, h0=None, c0=None, *, lengths=None):
        """The output for the next chunk ``X`` of every series, from the carried states.

        Parameters
        ----------
        X : ndarray of shape (batch, time, n_in), or list of (time_b, n_in) arrays
            The same series in the same order at every call.
        h0, c0 : optional
            Replace the carried states (see :meth:`rnn_nodes.RNN.forward`).
        lengths : array-like of int of shape (batch,), optional

        Returns
        -------
        ndarray
            As :meth:`rnn_nodes.RNN.predict`.
        """
        self.net._check_trained()
        output, self.states = continue_from(self.net, self.states, X, h0, c0, lengths,
                                            "Stream.predict", "reset()")
        return output

    def reset(self):
        """Forget the carried states: the next call starts from zeros."""
        self.states = None


def extrapolate(net, X, n_steps, h0=None, c0=None, lengths=None, *,
                budget=None):
    """:meth:`rnn_nodes.RNN.extrapolate`, chunk by chunk of sequences; arguments checked.

    Raises
    ------
    FreeRunDivergedError
        When a prediction of the free run (or the output at the end of the
        given sequences) holds NaN or infinite values, naming the step.
    """
    check_streamable(net, "extrapolate")
    net._check_trained()
    X, h0, c0, lengths = checked_inputs(net, X, h0, c0, lengths)
    params = inference.weights_snapshot(net)
    batch, time = X.shape[:2]
    rows = inference.chunk_rows(net, time, X.dtype.itemsize, budget)
    future = np.empty((batch, n_steps, net.n_outputs), X.dtype)
    with network_blas_limit(net):
        for start in range(0, batch, rows):
            part = slice(start, start + rows)
            future[part] = _free_run(
                net, params, X[part], n_steps, [_rows(state, part) for state in h0],
                [_rows(state, part) for state in c0],
                None if lengths is None else lengths[part], first_row=start)
    return future


def _rows(state, part):
    return None if state is None else state[..., part, :]


def _free_run(net, params, X, n_steps, h0, c0, lengths, first_row):
    """Warm up on ``X``, then ``n_steps`` predictions fed back, ``(rows, n_steps, n)``."""
    y_hat, h_t, c_t = inference.run(net, X, h0, c0, lengths, params=params)
    if lengths is None:
        y_next = y_hat[:, -1:]
    else:  # padded steps keep the states, so the final states are each sequence's own
        y_next = y_hat[np.arange(len(y_hat)), lengths - 1][:, None]
    del y_hat
    steps = np.empty((len(X), n_steps, net.n_outputs), X.dtype)
    for k in range(n_steps):
        _check_finite(y_next, k, n_steps, first_row, net.dtype)
        steps[:, k] = y_next[:, 0]
        if k + 1 < n_steps:
            y_next, h_t, c_t = inference.run(net, y_next, h_t, c_t, params=params)
    return steps


def _check_finite(y_next, k, n_steps, first_row, dtype):
    finite = np.isfinite(y_next).all(axis=(1, 2))
    if finite.all():
        return
    row = first_row + int(np.flatnonzero(~finite)[0])
    if k == 0:
        where = ("the network's output at the last step of sequence "
                 f"`X[{row}]` (prediction 1 of {n_steps})")
        why = "the weights or the initial states drive the output beyond that range"
    else:
        where = (f"the free run of sequence `X[{row}]` diverged at step {k + 1} of "
                 f"{n_steps}: the prediction there")
        why = ("the predictions fed back grew without bound: the network is unstable "
               "when run on its own outputs")
    raise FreeRunDivergedError(
        f"extrapolate: {where} is NaN or infinite (beyond the range of "
        f"{np.dtype(dtype).name}), though `X` is finite; {why}", step=k + 1, sequence=row)
