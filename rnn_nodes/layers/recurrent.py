"""The Elman recurrent layer: one node per time step, wired through time."""

import numpy as np

from rnn_nodes.activations import get_activation
from rnn_nodes.layers import derivatives
from rnn_nodes.layers.padding import through_padding
from rnn_nodes.layers.recurrent_base import RecurrentLayer
from rnn_nodes.layers.truncation import one_step_back, with_budgets
from rnn_nodes.node import Node, add_parameter_gradients, input_projection_gradient, transposed


class RNNLayer(RecurrentLayer):
    """Elman recurrent layer, ``h_t = sigma(x_t W_layer + b_layer + h_{t-1} W_time + b_time)``.

    Parameters
    ----------
    n_features : int
        Number of hidden units.
    activation : str or callable, default="tanh"
        See :func:`rnn_nodes.activations.get_activation`.
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
    Truncation keeps, for every step, one gradient slice per number of steps
    it may still travel back (the leading axis of ``dC_dH``, ``bptt_limit``
    slices). A gradient injected at step ``s`` by the layer above starts in the
    last slice; each step back in time moves every slice down by one and drops
    the first. Slices pass unchanged to the layer below, so the window applies
    to the whole stack, and every slice adds into the parameter gradients.
    """

    gates = ("h",)
    torch_name = "nn.RNN"

    def __init__(self, n_features, activation="tanh", bptt_limit=None):
        super().__init__(n_features, bptt_limit)
        self.activation = get_activation(activation)

    def make_node(self):
        return Node(self.params, self.activation)

    def backward(self, dC_dH, dh_n=None, *, input_gradient=True):
        """Backpropagation through time, t = T-1 .. 0.

        Parameters
        ----------
        dC_dH : ndarray of shape (batch, time, n) or (budgets, batch, time, n)
            Gradient from the layer above; a 3-D gradient has the full budget.
        dh_n : ndarray of shape (batch, n), optional
            Gradient of the final state ``h_last`` from outside this call
            (the next chunk of a stream); enters with the full budget.
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
        dC_dH = with_budgets(dC_dH, self.bptt_limit)
        budgets, batch, time, n = dC_dH.shape
        dsigma = self._take_derivatives()[0] if self.activation.elementwise else None
        W_time_T = transposed(self.params["W_time"])
        delta = np.empty_like(dC_dH)
        dC_dh_next = np.zeros((budgets, batch, n), dC_dH.dtype)
        if dh_n is not None:
            dC_dh_next[-1] = dh_n
        for t in reversed(range(time)):
            # total gradient of h_t: from the layer above and from step t+1
            dC_dh = dC_dH[:, :, t] + dC_dh_next
            dsigma_t = None if dsigma is None else dsigma[t]
            delta_t, dC_dh_prev = self.nodes[t].backward(
                dC_dh, dsigma_t, W_time_T, out=delta[:, :, t])
            dC_dh_next = one_step_back(dC_dh_prev, self.bptt_limit)
            if self.active is not None:  # padded rows: no delta, dC/dh passed on as it came
                (delta_t,), (dC_dh_next,) = through_padding(
                    self.active[:, t], (delta_t,), (dC_dh_next,), (dC_dh,))
                delta[:, :, t] = delta_t
        self.dh0 = dC_dh_prev.sum(axis=0)  # h0 is an input: every slice reaches it
        # the equations that need no recurrence, for all steps at once
        self.zero_grads()
        add_parameter_gradients(self.grads, delta, self.H, self.previous_states())
        if not input_gradient:
            return None
        dC_dH_layer = input_projection_gradient(delta, self.params)
        return dC_dH_layer if self.bptt_limit else dC_dH_layer[0]

    def _dispatch_derivatives(self, start, stop):
        """sigma'(z) of those steps, (steps, batch, n); nothing for softmax (not elementwise)."""
        if not self.activation.elementwise:
            return ()
        return derivatives.start(((self.activation,),), self.Z[start:stop])
