"""The inference pass: the network's output without training caches, in batches of bounded size.

A training forward pass (:meth:`rnn_nodes.RNN.forward`) keeps what its
backward pass reads: every step's pre-activations, the layers' inputs and
outputs, on the layers themselves. A prediction needs none of it. Here each
recurrent layer runs one node of its own for the whole call: the node holds
the current step only, and the state ``h_t`` (``c_t``) is all that is carried
from one step to the next. The same node equations run as in training, in the
same order, so the numbers are the training forward pass's (float64 to 1e-12;
float32 to the BLAS kernel's last bits, which may split a smaller batch
differently).

Memory is bounded by a batch, not by the data: the samples run in chunks of
rows whose working arrays (a layer's input, its pre-activations and its
output over all steps of those rows) fit in ``budget`` bytes
(:data:`ACTIVATION_BUDGET` by default); a series too long for the budget on
its own runs in windows of steps, the states carried from one window to the
next (but through a bidirectional layer, which needs the whole series). Only
the output of the whole call is as large as the data.

Nothing here is written to the network, its layers or their nodes, and the
weights are read once, from a :func:`weights_snapshot` taken under the
network's weight lock (which a training update also holds): any number of
threads may run an inference pass while another trains, and each pass sees
the weights before or after an update, never a mixture.
"""

import threading

import numpy as np

from rnn_nodes.layers import Bidirectional, RecurrentLayer
from rnn_nodes.layers.padding import active_steps, reverse_time, time_reversal
from rnn_nodes.layers.through_time import run_steps
from rnn_nodes.nodes.dense import DenseNode
from rnn_nodes.nodes.equations import input_projection
from rnn_nodes.sequences import step_mask

ACTIVATION_BUDGET = 128 * 2**20
"""Bytes of working arrays one chunk of an inference pass may hold: 128 MiB."""

_LOCK_CREATION = threading.Lock()


def weights_lock(net):
    """The lock that guards ``net``'s weights: a training update and a snapshot both take it.

    Made on first use and kept on the network (re-entrant, so an update
    may call code that snapshots).
    """
    lock = net.__dict__.get("_weights_lock")
    if lock is None:
        with _LOCK_CREATION:
            lock = net.__dict__.setdefault("_weights_lock", threading.RLock())
    return lock


def weights_snapshot(net):
    """Copies of every layer's parameters, taken at once under :func:`weights_lock`.

    Returns
    -------
    list of dict of str to ndarray
        One dict per layer, in order, keyed like the layer's ``params``.
    """
    with weights_lock(net):
        return [{name: value.copy() for name, value in layer.params.items()}
                for layer in net.layers]


def run(net, X, h0, c0, lengths=None, *, params=None, budget=None):
    """The network's output for checked inputs, chunk by chunk, and the final states.

    Parameters
    ----------
    net : RNN
    X : ndarray of shape (batch, time, n_in)
        Checked: the network's dtype and width, finite.
    h0 : list of (ndarray or None)
        One initial state per recurrent layer, ``(batch, n_l)`` or
        ``(2, batch, n_l)`` for a bidirectional one (``_check_initial_states``).
    c0 : list of (ndarray or None)
        One per LSTM layer, laid out alike.
    lengths : ndarray of int of shape (batch,), optional
        Steps ``t >= lengths[b]`` are padding (see :mod:`rnn_nodes.sequences`).
    params : list of dict, optional
        The weights to run with; a :func:`weights_snapshot` of ``net`` if None.
    budget : int, optional
        Bytes of working arrays per chunk of rows (at least one row runs);
        :data:`ACTIVATION_BUDGET` if None.

    Returns
    -------
    output : ndarray
        ``(batch, time, n_out)`` for a sequence output, zero at padded steps;
        else ``(batch, n_out)``.
    h_last : list of ndarray
        Every recurrent layer's state after each sequence's last step, laid
        out as ``h0``.
    c_last : list of ndarray
        The LSTM layers' cell states, laid out as ``c0``.
    """
    params = weights_snapshot(net) if params is None else params
    batch, time = X.shape[:2]
    rows, window = chunk_shape(net, batch, time, X.dtype.itemsize, budget)
    if rows >= batch:
        return _run_chunk(net, params, X, h0, c0, lengths, window)
    output = h_all = c_all = None
    for start in range(0, batch, rows):
        part = slice(start, start + rows)
        out, h_last, c_last = _run_chunk(
            net, params, X[part], [_rows(state, part) for state in h0],
            [_rows(state, part) for state in c0], None if lengths is None else lengths[part],
            window)
        if output is None:  # the whole call's arrays, filled chunk by chunk
            output = np.empty((batch,) + out.shape[1:], out.dtype)
            h_all, c_all = _like(h_last, batch), _like(c_last, batch)
        output[part] = out
        for whole, piece in zip(h_all + c_all, h_last + c_last):
            whole[..., part, :] = piece
    return output, h_all, c_all


def _like(states, batch):
    """Empty arrays shaped like ``states`` with ``batch`` rows (on the axis before the last)."""
    return [np.empty(state.shape[:-2] + (batch, state.shape[-1]), state.dtype)
            for state in states]


def output(net, X, lengths=None):
    """The output for checked sequences ``X`` from zero states (validation in training).

    Parameters
    ----------
    X : ndarray of shape (batch, time, n_in)
    lengths : ndarray of shape (batch,), optional

    Returns
    -------
    ndarray of shape (batch, time, n_out) or (batch, n_out)
    """
    zeros = [None] * sum(layer.recurrent for layer in net.layers)
    cells = [None] * sum(layer.cell_state for layer in net.layers)
    return run(net, X, zeros, cells, lengths)[0]


def chunk_rows(net, time, itemsize, budget=None):
    """How many samples of ``time`` steps one chunk holds within ``budget`` bytes (at least 1;
    ``budget`` :data:`ACTIVATION_BUDGET` if None)."""
    budget = ACTIVATION_BUDGET if budget is None else budget
    per_sample = time * itemsize * max(_values_per_step(layer) for layer in net.layers)
    return max(1, int(budget // max(per_sample, 1)))


MIN_WINDOW = 256
"""The fewest steps a window of a series too long for the budget runs at once."""


def chunk_shape(net, batch, time, itemsize, budget=None):
    """``(rows, window)``: samples per chunk, and the steps each chunk runs at once.

    When a whole series of one sample fits the budget, the chunks hold whole
    series (``window`` None). Otherwise, unless a bidirectional layer needs
    the whole series, the chunks run windows of ``window`` steps in time
    order, the states carried from one to the next: ``rows`` samples of at
    least :data:`MIN_WINDOW` steps each fit the budget.
    """
    budget = ACTIVATION_BUDGET if budget is None else budget
    rows = chunk_rows(net, time, itemsize, budget)
    per_step = itemsize * max(_values_per_step(layer) for layer in net.layers)
    if time * per_step <= budget or any(isinstance(layer, Bidirectional)
                                        for layer in net.layers):
        return rows, None
    rows = max(1, min(batch, int(budget // (per_step * MIN_WINDOW))))
    return rows, max(1, int(budget // (per_step * rows)))


def _values_per_step(layer):
    """Values one sample holds per time step while ``layer`` runs: its input, its
    pre-activations (all gates) and its output; a bidirectional layer holds both
    directions' and the reversed input."""
    if isinstance(layer, Bidirectional):
        inner = layer.forward_layer
        return 2 * layer.n_in + 2 * _work(inner) + 2 * layer.n_features
    n_in = layer.n_in or layer.n_features
    return n_in + _work(layer) + layer.n_features


def _work(layer):
    return max(len(getattr(layer, "gates", ())), 1) * layer.n_features + layer.n_features


def _rows(state, part):
    """Rows ``part`` of an initial state (batch on the axis before the last), or None."""
    return None if state is None else state[..., part, :]


def _run_chunk(net, params, X, h0, c0, lengths, window=None):
    """One chunk of samples through every layer, in windows of ``window`` steps (None:
    all at once); nothing kept but the output and the final states."""
    batch, time = X.shape[:2]
    window = time if window is None else window
    head = _head_start(net)  # the layers from here on read one vector per sequence
    h_t, c_t = list(h0), list(c0)
    last_steps = (np.full(batch, time) if lengths is None else lengths) - 1
    output = read = None
    for start in range(0, time, window):
        stop = min(start + window, time)
        in_window = None if lengths is None else np.minimum(
            np.maximum(lengths - start, 0), stop - start)
        if in_window is not None and np.all(in_window == stop - start):
            in_window = None  # no padding here: the unpadded loop
        H, h_t, c_t, below, finals = _sequence_layers(
            net.layers[:head], params[:head], X[:, start:stop], h_t, c_t, in_window)
        if head == len(net.layers):  # a sequence output, nothing out of padding
            if in_window is not None:
                H[~step_mask(in_window, stop - start)] = 0
            if output is None:
                output = np.empty((batch, time, H.shape[-1]), H.dtype)
            output[:, start:stop] = H
        elif isinstance(below, Bidirectional):  # one window: the whole series
            read = last_step(below, H, finals, lengths)
        else:  # each sequence's own last step, in whichever window it falls
            if read is None:
                read = np.empty((batch, H.shape[-1]), H.dtype)
            here = np.flatnonzero((last_steps >= start) & (last_steps < stop))
            read[here] = H[here, last_steps[here] - start]
    if head < len(net.layers):
        output = read
        for layer, layer_params in zip(net.layers[head:], params[head:]):
            output = dense(layer, layer_params, output)
    return output, h_t, c_t


def _head_start(net):
    """Index of the first layer that reads one vector per sequence (a many-to-one
    ``DenseLayer``), or the number of layers for a sequence output."""
    for k, layer in enumerate(net.layers):
        if not layer.sequence_output:
            return k
    return len(net.layers)


def _sequence_layers(layers, params, H, h0, c0, lengths):
    """The layers that give sequences, over the steps of ``H``, from states ``h0``, ``c0``.

    Returns
    -------
    H : ndarray of shape (batch, steps, n)
        The last of these layers' output.
    h_last, c_last : list of ndarray
        The recurrent layers' states after these steps (what the next window starts from).
    below : Layer
        The last of these layers.
    finals : tuple or None
        The final states of the last recurrent layer run.
    """
    states, cells = iter(h0), iter(c0)
    h_last, c_last = [], []
    below = finals = None
    for layer, layer_params in zip(layers, params):
        if layer.recurrent:
            c_init = next(cells) if layer.cell_state else None
            H, finals = run_recurrent(layer, layer_params, H, next(states), c_init, lengths)
            h_last.append(finals[0])
            if layer.cell_state:
                c_last.append(finals[1])
        elif layer.params:  # an OutputLayer
            H = dense(layer, layer_params, H)
        below = layer
    return H, h_last, c_last, below, finals


def dense(layer, params, H):
    """``sigma(H @ W_layer + b_layer)`` of a dense map, ``(..., n_in) -> (..., n)``."""
    return DenseNode(layer.activation).forward(input_projection(H, params))


def last_step(layer, H, finals, lengths):
    """What a many-to-one head reads from the recurrent ``layer`` below it, ``(batch, n)``.

    A bidirectional layer gives the merge of its directions' final states;
    any other, its output at each sequence's last step.
    """
    if isinstance(layer, Bidirectional):
        h_forward, h_reverse = finals[0]
        if layer.merge == "concat":
            return np.concatenate([h_forward, h_reverse], axis=-1)
        return h_forward + h_reverse
    if lengths is None:
        return H[:, -1]
    return H[np.arange(len(H)), lengths - 1]


def run_recurrent(layer, params, H, h0, c0=None, lengths=None):
    """One recurrent layer over ``H``; its output and final states, no caches.

    Parameters
    ----------
    layer : RecurrentLayer (any cell) or Bidirectional
    params : dict of str to ndarray
        The layer's parameters (a snapshot).
    H : ndarray of shape (batch, time, n_in)
    h0, c0 : ndarray of shape (batch, n) (or (2, batch, n) when bidirectional), optional
    lengths : ndarray of shape (batch,), optional

    Returns
    -------
    out : ndarray of shape (batch, time, n_features)
    finals : tuple
        ``(h_last,)``, or ``(h_last, c_last)`` for an LSTM, shaped like ``h0``.
    """
    if isinstance(layer, Bidirectional):
        return _bidirectional(layer, params, H, h0, c0, lengths)
    if not isinstance(layer, RecurrentLayer):
        raise TypeError(f"The inference pass runs a RecurrentLayer or a Bidirectional one, "
                        f"got {type(layer).__name__}")
    return _recurrent(layer, params, H, h0, c0, lengths)


def _recurrent(layer, params, H, h0, c0, lengths):
    """A recurrent layer's loop (:func:`~rnn_nodes.layers.through_time.run_steps`) with one
    node for every step, nothing recorded."""
    batch, time, _ = H.shape
    node = layer.make_node(params)
    states = tuple(np.zeros((batch, layer.n_features), H.dtype) if state is None else state
                   for state in ((h0, c0) if layer.cell_state else (h0,)))
    Z = layer.node_class.input_terms(H.swapaxes(0, 1), params)
    out = np.empty((batch, time, layer.n_features), H.dtype)
    finals = run_steps(lambda t: node, Z, states, out, active_steps(lengths, time))
    return out, (np.array(finals[0]),) + finals[1:]  # not a view that would keep ``out`` alive


def _bidirectional(layer, params, H, h0, c0, lengths):
    """Both directions, the reverse one on each sequence reversed within its length; merged."""
    reversal = time_reversal(lengths, H.shape[1])
    outputs, finals = [], []
    for d, (direction, suffix) in enumerate(layer.directions):
        own = {name: params[name + suffix] for name in direction.params}
        H_d = H if d == 0 else reverse_time(H, reversal)
        out, states = run_recurrent(direction, own, H_d, None if h0 is None else h0[d],
                                    None if c0 is None else c0[d], lengths)
        outputs.append(out)
        finals.append(states)
    out_forward, out_reverse = outputs[0], reverse_time(outputs[1], reversal)
    stacked = tuple(np.stack(pair) for pair in zip(*finals))  # (2, batch, n) each
    if layer.merge == "concat":
        return np.concatenate([out_forward, out_reverse], axis=-1), stacked
    return out_forward + out_reverse, stacked
