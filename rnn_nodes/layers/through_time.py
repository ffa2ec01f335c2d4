"""The loop through time, written once for every cell: forward t = 0 .. T-1, backward t = T-1 .. 0.

A recurrent layer runs one node per step (a :class:`~rnn_nodes.nodes.RecurrentNode`:
Elman, GRU, LSTM or a cell of your own) and does, around the nodes, what is the
same for every cell::

    forward:   Z = x-terms of all steps (one product)
               for t = 0 .. T-1:   a_t, states_t = node_t.forward(Z[t], *states_{t-1})
               the activation derivatives of all steps: one call into JAX
    backward:  for t = T-1 .. 0:   gradient of h_t = from the layer above + from step t+1
                                   delta_t, dC/dstates_{t-1} = node_t.backward(...)
               dC/dW, dC/db and dC/dx of all steps: one product each

Truncated BPTT (:mod:`rnn_nodes.layers.truncation`) gives every gradient a
leading axis of budgets that the nodes carry along; padded steps
(:mod:`rnn_nodes.layers.padding`) keep the states forward and pass the
gradients back unchanged. :func:`run_steps` is the forward loop alone, which
the inference pass (:mod:`rnn_nodes.inference`) runs with one node and no caches.
"""

import warnings

import numpy as np

from rnn_nodes.activations import activation_argument
from rnn_nodes.layers import derivatives
from rnn_nodes.layers.base import Layer
from rnn_nodes.layers.initializers import glorot_uniform, orthogonal
from rnn_nodes.layers.padding import active_steps, keep_state, through_padding
from rnn_nodes.layers.torch_layout import set_torch_weights
from rnn_nodes.layers.truncation import one_step_back, with_budgets
from rnn_nodes.nodes.base import written
from rnn_nodes.nodes.equations import (
    add_parameter_gradients,
    input_projection_gradient,
    transposed,
)
from rnn_nodes.nodes.registry import node_class, node_name
from rnn_nodes.validation import MAX_STEPS, check_optional_positive_int


def run_steps(node_at, Z, states, out, active=None, records=None, after_step=None):
    """The forward loop, t = 0 .. T-1: every step's node on the states of the step before.

    Parameters
    ----------
    node_at : callable
        ``node_at(t)``: the node of step ``t``.
    Z : ndarray of shape (time, batch, G n)
        The x-terms of every step; each step's pre-activations are written over them.
    states : tuple of ndarray of shape (batch, n)
        The initial states, ``(h0,)`` or ``(h0, c0)``.
    out : ndarray of shape (batch, time, n)
        Filled with ``h_t``.
    active : ndarray of bool of shape (batch, time, 1), optional
        The valid steps (:func:`~rnn_nodes.layers.padding.active_steps`); a padded
        step keeps every state.
    records : tuple of (ndarray of shape (time, batch, n) or None), optional
        One per state: where to keep every step's new value of that state (the
        cell's ``recorded`` states; before padding is applied).
    after_step : callable, optional
        Called with ``t + 1`` after step ``t``.

    Returns
    -------
    tuple of ndarray of shape (batch, n)
        The states after the last step.
    """
    records = (None,) * len(states) if records is None else records
    recorded = any(record is not None for record in records)
    kept = records  # (None, ...) at every step when nothing is recorded
    for t in range(len(Z)):
        node, z_t = node_at(t), Z[t]
        if recorded:
            kept = tuple([None if record is None else record[t] for record in records])
        if active is None:  # h_t straight into the output
            state_out = (out[:, t],) + kept[1:]
            a_t, new = node.forward(z_t, *states, out=z_t, state_out=state_out)
            states = new if new[0] is state_out[0] and not recorded else tuple(
                [written(state, where) for state, where in zip(new, state_out)])
        else:  # a padded row keeps its states
            a_t, new = node.forward(z_t, *states, out=z_t, state_out=kept)
            if recorded:
                new = tuple([written(state, where) for state, where in zip(new, kept)])
            states = tuple([keep_state(active[:, t], state, old)
                            for state, old in zip(new, states)])
            out[:, t] = states[0]
        if a_t is not z_t:
            z_t[...] = a_t
        if after_step is not None:
            after_step(t + 1)
    return states


class RecurrentLayer(Layer):
    """A recurrent layer of any cell: the one loop through time around its nodes.

    Parameters
    ----------
    n_features : int
        Number of hidden units n.
    cell : str or type, default="elman"
        The node class (a :class:`~rnn_nodes.nodes.RecurrentNode` subclass,
        registered on first use so that model files can name it) or a
        registered name: ``"elman"``, ``"gru"``, ``"lstm"`` or one of yours
        (:func:`~rnn_nodes.nodes.register_node`).
    activation : str or callable, default="tanh"
        The cell's ``activation`` (:func:`rnn_nodes.activations.get_activation`).
    gate_activation : str or callable, default="sigmoid"
        The cell's ``gate_activation``, for cells with gates.
    bptt_limit : int, optional
        Truncated backpropagation through time: the cost at step ``s``
        reaches back through the states of steps ``s - bptt_limit + 1 .. s``
        only (:mod:`rnn_nodes.layers.truncation`); the network sets it.

    Attributes
    ----------
    params : dict
        ``W_layer`` (n_in, G n), ``b_layer`` (G n,), ``W_time`` (n, G n),
        ``b_time`` (G n,), the cell's G gates stacked along the last axis.
    nodes : list
        One node per time step of the latest forward pass.
    h0, h_last : ndarray of shape (batch, n)
        The initial and the final state of the latest forward pass (``c0``,
        ``c_last`` too for a cell with a cell state).
    dh0 : ndarray of shape (batch, n)
        dC/dh0 after the latest backward pass (``dc0`` too with a cell state).
    active : ndarray of bool of shape (batch, time, 1) or None
        Which steps were real (not padding) in the latest forward pass.

    Examples
    --------
    >>> import numpy as np
    >>> from rnn_nodes import RNN
    >>> from rnn_nodes.layers import RecurrentLayer
    >>> net = RNN(seed=0).add_InputLayer(2).add_layer(RecurrentLayer(4, cell="gru"))
    >>> net.forward(np.zeros((3, 5, 2), np.float32)).shape
    (3, 5, 4)
    """

    recurrent = True

    def __init__(self, n_features, cell="elman", activation="tanh",
                 gate_activation="sigmoid", bptt_limit=None):
        super().__init__(n_features)
        self.node_class = node_class(cell)
        self.cell = node_name(self.node_class)
        elementwise = self.node_class.elementwise_only
        self.activation = activation_argument(activation, "activation", elementwise)
        self.gate_activation = activation_argument(gate_activation, "gate_activation",
                                                   elementwise)
        self.bptt_limit = check_optional_positive_int(bptt_limit, "bptt_limit", MAX_STEPS)
        self.nodes = []
        self.active = None
        self._derivative_pieces = []
        for name in self.states:
            setattr(self, f"{name}0", None)
            setattr(self, f"{name}_last", None)
            setattr(self, f"d{name}0", None)

    def __repr__(self):
        if type(self) is RecurrentLayer:
            return f"RecurrentLayer({self.n_features}, cell={self.cell!r})"
        return super().__repr__()

    @property
    def states(self):
        """The states the cell carries, ``("h",)`` or ``("h", "c")``."""
        return self.node_class.states

    @property
    def gates(self):
        """The cell's gates, in the order of the blocks of ``W_layer`` and ``W_time``."""
        return self.node_class.gates

    @property
    def torch_name(self):
        return self.node_class.torch_name

    @property
    def cell_state(self):
        return len(self.states) == 2

    @property
    def activations(self):
        """The activations the nodes get, by role."""
        return {"activation": self.activation, "gate_activation": self.gate_activation}

    def make_node(self, params=None):
        """A new node of the cell, reading ``params`` (the layer's own if None)."""
        return self.node_class(self.params if params is None else params, **self.activations)

    def forward(self, H, *initial_states, lengths=None, start_derivatives=False):
        """Run the nodes for t = 0 .. T-1.

        Parameters
        ----------
        H : ndarray of shape (batch, time, n_in)
        *initial_states : ndarray of shape (batch, n) or None
            ``h0`` (and ``c0`` for a cell with a cell state); zeros if None.
        lengths : ndarray of shape (batch,), optional
            Steps ``t >= lengths[b]`` are padding: the states are kept through them.
        start_derivatives : bool, default=False
            A backward pass follows: dispatch the activation derivatives to
            JAX during the pass, in pieces as the steps are computed when
            they are many (:func:`~rnn_nodes.layers.derivatives.piece_ends`),
            else once the last step is done (see :meth:`start_derivatives`).

        Returns
        -------
        ndarray of shape (batch, time, n)
        """
        initial_states, lengths = self._legacy_lengths(initial_states, lengths)
        batch, time, _ = H.shape
        states = tuple(self._initial(state, H) for state in initial_states)
        self.H = H
        for name, state in zip(self.states, states):
            setattr(self, f"{name}0", state)
        self.active = active_steps(lengths, time)
        self._derivative_pieces = []
        # the x-terms of all steps in one product, time-major so that a step's
        # slice is contiguous; each node writes its pre-activations over them
        Z = self.Z = self.node_class.input_terms(H.swapaxes(0, 1), self.params)
        recorded = {name for name, _ in self.node_class.recorded}
        self.records = tuple(np.empty((time, batch, self.n_features), H.dtype)
                             if name in recorded else None for name in self.states)
        size = Z.size + sum(record.size for record in self.records if record is not None)
        piece_ends = derivatives.piece_ends(time, size) if start_derivatives else ()
        self.nodes = [self.make_node() for _ in range(time)]
        out = self.out = np.empty((batch, time, self.n_features), H.dtype)

        def after_step(steps):
            if steps in piece_ends:
                self._start_derivatives_until(steps)

        finals = run_steps(self.nodes.__getitem__, Z, states, out, self.active, self.records,
                           after_step if piece_ends else None)
        for name, state in zip(self.states, finals):
            setattr(self, f"{name}_last", state)
        return out

    def backward(self, dC_dH, *final_gradients, input_gradient=True):
        """Backpropagation through time, t = T-1 .. 0.

        Parameters
        ----------
        dC_dH : ndarray of shape (batch, time, n) or (budgets, batch, time, n)
            Gradient from the layer above; a 3-D gradient has the full budget.
        *final_gradients : ndarray of shape (batch, n) or None
            ``dh_n`` (and ``dc_n``): gradients of the final states from outside
            this call (the next chunk of a stream); they enter with the full budget.
        input_gradient : bool, default=True
            False when nothing reads dC/dH of the input (the network's
            first layer in training): it is not computed.

        Returns
        -------
        ndarray or None
            dC/dH of the input, shape (batch, time, n_in), or
            (budgets, batch, time, n_in) under truncation; None if not
            ``input_gradient``.
        """
        if len(final_gradients) > len(self.states):
            raise TypeError(f"{self!r}.backward takes one final gradient per state "
                            f"{self.states}, got {len(final_gradients)}")
        dC_dH = with_budgets(dC_dH, self.bptt_limit)
        budgets, batch, time, n = dC_dH.shape
        step_derivatives = self._take_derivatives()
        W_time_T = transposed(self.params["W_time"])
        delta = np.empty((budgets, batch, time, self.Z.shape[-1]), dC_dH.dtype)
        delta_time = None  # made when the cell's h-terms have a gradient of their own
        dC_dnext = tuple(np.zeros((budgets, batch, n), dC_dH.dtype) for _ in self.states)
        for gradient, final in zip(dC_dnext, final_gradients):
            if final is not None:
                gradient[-1] = final
        limit, active, nodes = self.bptt_limit, self.active, self.nodes
        for t in reversed(range(time)):
            # the total gradient of h_t: from the layer above and from step t+1
            dC_dnow = (dC_dH[:, :, t] + dC_dnext[0],) + dC_dnext[1:]
            delta_t = delta[:, :, t]
            d_layer, d_time, dC_dprev = nodes[t].backward(
                dC_dnow, tuple([d[t] for d in step_derivatives]), W_time_T, out=delta_t)
            dC_dnext = dC_dprev if limit is None else tuple(
                [one_step_back(gradient, limit) for gradient in dC_dprev])
            if active is not None:  # padded rows: no delta, dC/dstate passed on as it came
                deltas, dC_dnext = through_padding(
                    active[:, t], (d_layer,) if d_time is None else (d_layer, d_time),
                    dC_dnext, dC_dnow)
                d_layer, d_time = deltas[0], deltas[-1] if d_time is not None else None
            if d_layer is not delta_t:
                delta_t[...] = d_layer
            if d_time is not None:
                if delta_time is None:
                    delta_time = np.empty_like(delta)
                delta_time[:, :, t] = d_time
        for name, gradient in zip(self.states, dC_dprev):  # initial states are inputs:
            setattr(self, f"d{name}0", gradient.sum(axis=0))  # every budget reaches them
        # the equations that need no recurrence, for all steps at once
        self.zero_grads()
        add_parameter_gradients(self.grads, delta, self.H, self.previous_states(),
                                delta_time=delta_time)
        if not input_gradient:
            return None
        dC_dH_layer = input_projection_gradient(delta, self.params)
        return dC_dH_layer if self.bptt_limit else dC_dH_layer[0]

    def start_derivatives(self):
        """Dispatch the activation derivatives of the latest forward pass to JAX, not waiting.

        JAX computes them on its own thread while the caller goes on (the
        network: the cost, the layers above); :meth:`backward` picks them up,
        or computes them itself when nobody started them. Steps whose
        derivatives the forward pass already started are not started again.
        """
        self._start_derivatives_until(len(self.nodes))

    def _start_derivatives_until(self, stop):
        """Dispatch the derivatives of the steps after the last dispatched one, up to ``stop``."""
        pieces = self._derivative_pieces
        start = pieces[-1][1] if pieces else 0
        if start < stop:
            pieces.append((start, stop, self._dispatch_derivatives(start, stop)))

    def _dispatch_derivatives(self, start, stop):
        """:func:`rnn_nodes.layers.derivatives.start` of steps ``start .. stop - 1``: the gates'
        pre-activations, then the recorded states (nothing where the cell asks for none)."""
        blocks = self.node_class.derivative_blocks(self.activations)
        if not blocks:
            return ()
        arrays = (self.Z,) + tuple(record for record in self.records if record is not None)
        return derivatives.start(blocks, *(array[start:stop] for array in arrays))

    def _take_derivatives(self):
        """The derivatives of the latest pass, each array indexable by step."""
        self.start_derivatives()
        pieces, self._derivative_pieces = self._derivative_pieces, []
        return derivatives.finish_pieces(pieces)

    def check_sequence_input(self, sequence_input):
        """A recurrent layer reads a sequence; it cannot follow a DenseLayer."""
        if not sequence_input:
            raise ValueError(
                f"{type(self).__name__} needs a sequence below it; it cannot follow a DenseLayer"
            )

    def previous_states(self):
        """h_{t-1} for every step, (batch, time, n): h0, then the outputs but the last."""
        return np.concatenate([self.h0[:, None], self.out[:, :-1]], axis=1)

    def build(self, n_in, sequence_input, dtype, rng):
        """Glorot-uniform ``W_layer``, one orthogonal block per gate in ``W_time`` (Keras' defaults)."""
        self.check_sequence_input(sequence_input)
        n, G = self.n_features, len(self.gates)
        self.params = {
            "W_layer": glorot_uniform(rng, n_in, G * n, dtype),
            "b_layer": np.zeros(G * n, dtype),
            "W_time": np.concatenate([orthogonal(rng, n, dtype) for _ in self.gates], axis=1),
            "b_time": np.zeros(G * n, dtype),
        }
        self.zero_grads()
        self.n_in = n_in

    def set_torch_weights(self, weight_ih, weight_hh, bias_ih, bias_hh):
        """Load weights in the layout of PyTorch's ``torch_name`` (gates stacked in its order).

        Parameters
        ----------
        weight_ih : ndarray of shape (G n, n_in)
        weight_hh : ndarray of shape (G n, n)
        bias_ih, bias_hh : ndarray of shape (G n,)

        Raises
        ------
        ValueError
            For a cell without a PyTorch counterpart (``torch_name`` empty).
        """
        if not self.torch_name:
            raise ValueError(f"{self!r} has no PyTorch counterpart: its cell {self.cell!r} "
                             "is not one of nn.RNN, nn.GRU, nn.LSTM")
        set_torch_weights(self, self.gates, self.torch_name,
                          weight_ih, weight_hh, bias_ih, bias_hh)

    def _initial(self, state, H):
        """A user's initial state, or zeros (batch, n)."""
        return np.zeros((len(H), self.n_features), H.dtype) if state is None else state

    def _legacy_lengths(self, initial_states, lengths):
        """``forward(H, h0, lengths)``, as RNNLayer took it: still read, with a warning."""
        if len(initial_states) == len(self.states) + 1 and lengths is None:
            warnings.warn(f"pass `lengths` to {type(self).__name__}.forward by keyword; "
                          "positionally it is deprecated", DeprecationWarning, stacklevel=3)
            return initial_states[:-1], initial_states[-1]
        if len(initial_states) > len(self.states):
            raise TypeError(f"{type(self).__name__}.forward takes one initial state per "
                            f"state {self.states}, got {len(initial_states)}")
        return initial_states + (None,) * (len(self.states) - len(initial_states)), lengths
