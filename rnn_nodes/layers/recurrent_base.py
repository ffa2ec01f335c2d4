"""What every recurrent layer keeps: its truncation limit, its nodes and its states."""

import numpy as np

from rnn_nodes.layers import derivatives
from rnn_nodes.layers.base import Layer
from rnn_nodes.layers.initializers import glorot_uniform, orthogonal
from rnn_nodes.layers.padding import active_steps, keep_state
from rnn_nodes.layers.torch_layout import set_torch_weights
from rnn_nodes.node import input_projection
from rnn_nodes.validation import MAX_STEPS, check_optional_positive_int


class RecurrentLayer(Layer):
    """Base of the Elman and gated layers.

    Parameters
    ----------
    n_features : int
        Number of hidden units.
    bptt_limit : int, optional
        Truncated backpropagation through time (see
        :mod:`rnn_nodes.layers.truncation`); the network sets it.

    A subclass gives ``make_node()`` (a new node for one step, which writes
    its pre-activations into the layer's time-major array ``Z``; a cell with
    more than one state, the LSTM, overrides ``forward`` instead), its
    ``_dispatch_derivatives(start, stop)`` (the activation derivatives of
    those steps of the latest pass, :mod:`rnn_nodes.layers.derivatives`;
    ``_take_derivatives()`` reads them by step), and names its ``gates``
    (stacked along the output axis of ``W_layer`` (n_in, G n) and ``W_time``
    (n, G n), in PyTorch's order) and the PyTorch module whose layout
    :meth:`set_torch_weights` reads.

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
    gates = ()
    torch_name = ""

    def __init__(self, n_features, bptt_limit=None):
        super().__init__(n_features)
        self.bptt_limit = check_optional_positive_int(bptt_limit, "bptt_limit", MAX_STEPS)
        self.nodes = []
        self.h0 = None
        self.h_last = None
        self.dh0 = None
        self.active = None
        self._derivative_pieces = []

    def forward(self, H, h0=None, lengths=None, *, start_derivatives=False):
        """Run the nodes for t = 0 .. T-1 (cells with one state, ``h``; an LSTM has its own).

        Parameters
        ----------
        H : ndarray of shape (batch, time, n_in)
        h0 : ndarray of shape (batch, n), optional
            Initial state; zeros if None.
        lengths : ndarray of shape (batch,), optional
            Steps ``t >= lengths[b]`` are padding: the state is kept through them.
        start_derivatives : bool, default=False
            A backward pass follows: dispatch the activation derivatives to
            JAX during the pass, in pieces as the steps are computed when
            they are many (:func:`~rnn_nodes.layers.derivatives.piece_ends`),
            else once the last step is done (see :meth:`start_derivatives`).

        Returns
        -------
        ndarray of shape (batch, time, n)
        """
        batch, time, _ = H.shape
        h_t = self._initial(h0, H)
        self.H, self.h0 = H, h_t
        self.active = active = active_steps(lengths, time)
        self._derivative_pieces = []
        # the input terms of all steps in one product, time-major so that a
        # step's slice is contiguous; each node adds its recurrent term in
        # place, so Z (time, batch, G n) ends as every step's pre-activation
        Z = self.Z = input_projection(H.swapaxes(0, 1), self.params)
        piece_ends = derivatives.piece_ends(time, Z.size) if start_derivatives else ()
        self.nodes = [self.make_node() for _ in range(time)]
        out = np.empty((batch, time, self.n_features), H.dtype)
        for t, node in enumerate(self.nodes):
            if active is None:  # h_t straight into the output
                h_t = node.forward(Z[t], h_t, out=Z[t], h_out=out[:, t])
            else:
                h_t = keep_state(active[:, t], node.forward(Z[t], h_t, out=Z[t]), h_t)
                out[:, t] = h_t
            if t + 1 in piece_ends:
                self._start_derivatives_until(t + 1)
        self.out = out
        self.h_last = h_t
        return out

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

    def _take_derivatives(self):
        """The derivatives of the latest pass: the started ones, the rest started now.

        Returns
        -------
        tuple
            One item per array of :meth:`_dispatch_derivatives`, indexable
            by step (:func:`~rnn_nodes.layers.derivatives.finish_pieces`).
        """
        self.start_derivatives()
        pieces, self._derivative_pieces = self._derivative_pieces, []
        return derivatives.finish_pieces(pieces)

    def _dispatch_derivatives(self, start, stop):
        """:func:`rnn_nodes.layers.derivatives.start` of the activations of steps ``start .. stop - 1``."""
        raise NotImplementedError

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
        """
        set_torch_weights(self, self.gates, self.torch_name,
                          weight_ih, weight_hh, bias_ih, bias_hh)

    def _initial(self, state, H):
        """A user's initial state, or zeros (batch, n)."""
        return np.zeros((len(H), self.n_features), H.dtype) if state is None else state
