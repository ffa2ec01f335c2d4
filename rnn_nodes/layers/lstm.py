"""The LSTM layer: one :class:`~rnn_nodes.lstm_node.LSTMNode` per time step, wired through time."""

import numpy as np

from rnn_nodes.layers import derivatives
from rnn_nodes.layers.gated import GatedLayer
from rnn_nodes.layers.padding import active_steps, keep_state, through_padding
from rnn_nodes.layers.truncation import one_step_back, with_budgets
from rnn_nodes.lstm_node import LSTMNode
from rnn_nodes.node import add_parameter_gradients, input_projection_gradient, transposed
from rnn_nodes.validation import check_finite_float


class LSTMLayer(GatedLayer):
    """Long short-term memory layer with the equations and weight layout of PyTorch's ``nn.LSTM``.

    ``c_t = f * c_{t-1} + i * g``, ``h_t = o * tanh(c_t)`` with gates i, f, g, o
    (see :mod:`rnn_nodes.lstm_node`).

    Parameters
    ----------
    n_features : int
        Number of hidden units n.
    activation : str or callable, default="tanh"
        Of the candidate g and of the cell state.
    gate_activation : str or callable, default="sigmoid"
        Of the gates i, f, o.
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

    gates = ("i", "f", "g", "o")
    torch_name = "nn.LSTM"
    cell_state = True

    def __init__(self, n_features, activation="tanh", gate_activation="sigmoid",
                 forget_bias=1.0, bptt_limit=None):
        super().__init__(n_features, activation, gate_activation, bptt_limit)
        self.forget_bias = check_finite_float(forget_bias, "forget_bias")
        self.c0 = None
        self.c_last = None
        self.dc0 = None

    def build(self, n_in, sequence_input, dtype, rng):
        super().build(n_in, sequence_input, dtype, rng)
        n = self.n_features
        self.params["b_layer"][n:2 * n] = self.forget_bias

    def forward(self, H, h0=None, c0=None, lengths=None, *, start_derivatives=False):
        """Run the nodes for t = 0 .. T-1.

        Parameters
        ----------
        H : ndarray of shape (batch, time, n_in)
        h0, c0 : ndarray of shape (batch, n), optional
            Initial hidden and cell states; zeros if None.
        lengths : ndarray of shape (batch,), optional
            Steps ``t >= lengths[b]`` are padding: both states are kept through them.
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
        h_t, c_t = self._initial(h0, H), self._initial(c0, H)
        self.H, self.h0, self.c0 = H, h_t, c_t
        self.active = active = active_steps(lengths, time)
        self._derivative_pieces = []
        # the input terms of all steps in one product (b_time needs no
        # recurrence either), time-major; each node adds its recurrent term in
        # place, so A (time, batch, 4n) ends as every step's pre-activation,
        # and writes its cell state into C (time, batch, n)
        n = self.n_features
        A = self.A = (H.swapaxes(0, 1) @ self.params["W_layer"]
                      + (self.params["b_layer"] + self.params["b_time"]))
        C = self.C = np.empty((time, batch, n), H.dtype)
        piece_ends = derivatives.piece_ends(time, A.size + C.size) if start_derivatives else ()
        self.nodes = [LSTMNode(self.params, self.gate_activation, self.activation)
                      for _ in range(time)]
        out = np.empty((batch, time, n), H.dtype)
        for t, node in enumerate(self.nodes):
            if active is None:  # h_t straight into the output
                h_t, c_t = node.forward(A[t], h_t, c_t, out=A[t], c_out=C[t], h_out=out[:, t])
            else:  # a padded step keeps both states
                h_new, c_new = node.forward(A[t], h_t, c_t, out=A[t], c_out=C[t])
                h_t = keep_state(active[:, t], h_new, h_t)
                c_t = keep_state(active[:, t], c_new, c_t)
                out[:, t] = h_t
            if t + 1 in piece_ends:
                self._start_derivatives_until(t + 1)
        self.out = out
        self.h_last, self.c_last = h_t, c_t
        return out

    def backward(self, dC_dH, dh_n=None, dc_n=None, *, input_gradient=True):
        """Backpropagation through time, t = T-1 .. 0.

        Parameters
        ----------
        dC_dH : ndarray of shape (batch, time, n) or (budgets, batch, time, n)
        dh_n, dc_n : ndarray of shape (batch, n), optional
            Gradients of the final states from outside this call (full budget).
        input_gradient : bool, default=True
            False when nothing reads dC/dH of the input (the network's
            first layer in training): it is not computed.

        Returns
        -------
        ndarray or None
            dC/dH of the input, (batch, time, n_in), or (budgets, batch, time,
            n_in) under truncation; None if not ``input_gradient``.
        """
        dC_dH = with_budgets(dC_dH, self.bptt_limit)
        budgets, batch, time, n = dC_dH.shape
        dgates, dtanh_c = self._take_derivatives()
        W_time_T = transposed(self.params["W_time"])
        delta = np.empty((budgets, batch, time, 4 * n), dC_dH.dtype)
        dC_dh_next = np.zeros((budgets, batch, n), dC_dH.dtype)
        dC_dc_next = np.zeros_like(dC_dh_next)
        if dh_n is not None:
            dC_dh_next[-1] = dh_n
        if dc_n is not None:
            dC_dc_next[-1] = dc_n
        for t in reversed(range(time)):
            # total gradient of h_t: from the layer above and from step t+1
            dC_dh, dC_dc = dC_dH[:, :, t] + dC_dh_next, dC_dc_next
            delta_t, dC_dh_prev, dC_dc_prev = self.nodes[t].backward(
                dC_dh, dC_dc, dgates[t], dtanh_c[t], W_time_T, out=delta[:, :, t])
            dC_dh_next = one_step_back(dC_dh_prev, self.bptt_limit)
            dC_dc_next = one_step_back(dC_dc_prev, self.bptt_limit)
            if self.active is not None:  # padded rows: no delta, dC/dh and dC/dc passed on
                (delta_t,), (dC_dh_next, dC_dc_next) = through_padding(
                    self.active[:, t], (delta_t,), (dC_dh_next, dC_dc_next), (dC_dh, dC_dc))
                delta[:, :, t] = delta_t
        # h0 and c0 are inputs: every slice reaches them
        self.dh0, self.dc0 = dC_dh_prev.sum(axis=0), dC_dc_prev.sum(axis=0)
        # the equations that need no recurrence, for all steps at once
        self.zero_grads()
        add_parameter_gradients(self.grads, delta, self.H, self.previous_states())
        if not input_gradient:
            return None
        dC_dH_layer = input_projection_gradient(delta, self.params)
        return dC_dH_layer if self.bptt_limit else dC_dH_layer[0]

    def _dispatch_derivatives(self, start, stop):
        """s'(a) and tanh'(a) of every gate, (steps, batch, 4n), and tanh'(c), (steps, batch, n)."""
        s, tanh = self.gate_activation, self.activation
        return derivatives.start(((s, s, tanh, s), (tanh,)), self.A[start:stop],
                                 self.C[start:stop])
