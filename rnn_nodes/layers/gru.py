"""The GRU layer: one :class:`~rnn_nodes.gru_node.GRUNode` per time step, wired through time."""

import numpy as np

from rnn_nodes.gru_node import GRUNode
from rnn_nodes.layers import derivatives
from rnn_nodes.layers.gated import GatedLayer
from rnn_nodes.layers.padding import through_padding
from rnn_nodes.layers.truncation import one_step_back, with_budgets
from rnn_nodes.node import add_parameter_gradients, input_projection_gradient, transposed


class GRULayer(GatedLayer):
    """Gated recurrent unit layer with the equations and weight layout of PyTorch's ``nn.GRU``.

    ``h_t = (1 - z) * n + z * h_{t-1}``, ``n = tanh(x_n + r * (h_{t-1} W_hn + b_hn))``
    with gates r, z, n (see :mod:`rnn_nodes.gru_node`).

    Parameters
    ----------
    n_features : int
        Number of hidden units n.
    activation : str or callable, default="tanh"
        Of the candidate n.
    gate_activation : str or callable, default="sigmoid"
        Of the gates r and z.
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

    gates = ("r", "z", "n")
    torch_name = "nn.GRU"

    def make_node(self):
        return GRUNode(self.params, self.gate_activation, self.activation)

    def backward(self, dC_dH, dh_n=None, *, input_gradient=True):
        """Backpropagation through time, t = T-1 .. 0.

        Parameters
        ----------
        dC_dH : ndarray of shape (batch, time, n) or (budgets, batch, time, n)
        dh_n : ndarray of shape (batch, n), optional
            Gradient of the final state from outside this call (full budget).
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
        (dgates,) = self._take_derivatives()  # s'(a_r), s'(a_z), tanh'(a_n) by step
        W_time_T = transposed(self.params["W_time"])
        delta_layer = np.empty((budgets, batch, time, 3 * n), dC_dH.dtype)
        delta_time = np.empty_like(delta_layer)
        dC_dh_next = np.zeros((budgets, batch, n), dC_dH.dtype)
        if dh_n is not None:
            dC_dh_next[-1] = dh_n
        for t in reversed(range(time)):
            # total gradient of h_t: from the layer above and from step t+1
            dC_dh = dC_dH[:, :, t] + dC_dh_next
            dgates_t = dgates[t]
            d_layer, d_time, dC_dh_prev = self.nodes[t].backward(
                dC_dh, dgates_t[:, :2 * n], dgates_t[:, 2 * n:], W_time_T)
            dC_dh_next = one_step_back(dC_dh_prev, self.bptt_limit)
            if self.active is not None:  # padded rows: no delta, dC/dh passed on as it came
                (d_layer, d_time), (dC_dh_next,) = through_padding(
                    self.active[:, t], (d_layer, d_time), (dC_dh_next,), (dC_dh,))
            delta_layer[:, :, t], delta_time[:, :, t] = d_layer, d_time
        self.dh0 = dC_dh_prev.sum(axis=0)  # h0 is an input: every slice reaches it
        # the equations that need no recurrence, for all steps at once
        self.zero_grads()
        add_parameter_gradients(self.grads, delta_layer, self.H, self.previous_states(),
                                delta_time=delta_time)
        if not input_gradient:
            return None
        dC_dH_layer = input_projection_gradient(delta_layer, self.params)
        return dC_dH_layer if self.bptt_limit else dC_dH_layer[0]

    def _dispatch_derivatives(self, start, stop):
        """s'(a_r), s'(a_z), tanh'(a_n) of those steps, (steps, batch, 3n), from Z."""
        s, tanh = self.gate_activation, self.activation
        return derivatives.start(((s, s, tanh),), self.Z[start:stop])
