"""A recurrent layer run forwards and backwards in time, its two outputs merged."""

import copy

import numpy as np

from rnn_nodes.activations import Activation
from rnn_nodes.layers.base import Layer
from rnn_nodes.layers.padding import reverse_time, time_reversal

MERGES = ("concat", "sum")
REVERSE = "_reverse"


class Bidirectional(Layer):
    """Run ``layer`` over t = 0 .. T-1 and a copy of it over t = T-1 .. 0; merge the outputs.

    Parameters
    ----------
    layer : RNNLayer, GRULayer or LSTMLayer
        An unbuilt recurrent layer; the reverse direction is a copy of it with
        its own weights.
    merge : {"concat", "sum"}, default="concat"
        ``"concat"``: the output at step t is ``[h_forward_t, h_reverse_t]``,
        ``(batch, time, 2n)`` (PyTorch's ``bidirectional=True``); ``"sum"``:
        ``h_forward_t + h_reverse_t``, ``(batch, time, n)``.

    Attributes
    ----------
    forward_layer, reverse_layer : Layer
        The two directions; ``reverse_layer`` sees the sequence reversed in time.
    params : dict
        The forward direction's parameters under their own names, the reverse
        direction's with the suffix ``_reverse`` (PyTorch's ``weight_ih_l0_reverse``).
    h_last : ndarray of shape (2, batch, n)
        Final states: the forward direction's after step T-1, the reverse
        direction's after step 0 (PyTorch's ``h_n`` order); ``c_last`` alike
        for an LSTM.
    dh0 : ndarray of shape (2, batch, n)
        dC/dh0 of both directions; ``dc0`` alike for an LSTM.

    Notes
    -----
    Initial states come as one ``(2, batch, n)`` array per bidirectional
    layer: the forward direction's state before step 0, then the reverse
    direction's before step T-1.

    In a padded batch (``lengths``) the reverse direction reads each sequence
    reversed within its own length, so it starts at the sequence's own last
    step; the padding stays at the end, where both directions keep their state.

    A many-to-one head (:class:`~rnn_nodes.layers.DenseLayer`) reads the
    merge of the forward direction's last step and the reverse direction's
    first (:meth:`last_step`): the two states that have seen the whole sequence.

    Under truncated BPTT each direction counts its steps in its own direction
    of time: a gradient with budget k reaches back through k states of the
    forward direction and k states ahead in the reverse one; the budget left
    is passed on to the layer below.
    """

    recurrent = True

    def __init__(self, layer, merge="concat"):
        if not isinstance(layer, Layer) or not layer.recurrent or isinstance(layer, Bidirectional):
            raise TypeError(
                "Received an invalid value for argument `layer`, expected an RNNLayer, "
                f"GRULayer or LSTMLayer, got {layer!r}"
            )
        if layer.is_built:
            raise ValueError(f"{layer!r} already belongs to a network; give a new layer")
        if merge not in MERGES:
            raise ValueError(
                f"Received an invalid value for argument `merge`, expected one of "
                f"{list(MERGES)}, got {merge!r}"
            )
        n = layer.n_features
        super().__init__(2 * n if merge == "concat" else n)
        self.merge = merge
        self.forward_layer = layer
        # the activations are shared (registered objects), everything else is the copy's own
        shared = {id(v): v for v in vars(layer).values() if isinstance(v, Activation)}
        self.reverse_layer = copy.deepcopy(layer, shared)
        self.h_last = self.c_last = self.dh0 = self.dc0 = None
        self.reversal = None

    def __repr__(self):
        return f"Bidirectional({self.forward_layer!r}, merge={self.merge!r})"

    @property
    def cell_state(self):
        return self.forward_layer.cell_state

    @property
    def bptt_limit(self):
        return self.forward_layer.bptt_limit

    @bptt_limit.setter
    def bptt_limit(self, value):
        self.forward_layer.bptt_limit = self.reverse_layer.bptt_limit = value

    @property
    def directions(self):
        return ((self.forward_layer, ""), (self.reverse_layer, REVERSE))

    def state_shape(self, batch):
        return (2, batch, self.forward_layer.n_features)

    def build(self, n_in, sequence_input, dtype, rng):
        for layer, _ in self.directions:
            layer.build(n_in, sequence_input, dtype, rng)
        self.params = {name + suffix: value for layer, suffix in self.directions
                       for name, value in layer.params.items()}
        self.zero_grads()
        self.n_in = n_in

    def forward(self, H, h0=None, c0=None, lengths=None, *, start_derivatives=False):
        """Both directions over ``H``, merged.

        Parameters
        ----------
        H : ndarray of shape (batch, time, n_in)
        h0 : ndarray of shape (2, batch, n), optional
            Initial states of the forward and the reverse direction; zeros if None.
        c0 : ndarray of shape (2, batch, n), optional
            Initial cell states (LSTM only).
        lengths : ndarray of shape (batch,), optional
            Steps ``t >= lengths[b]`` are padding; the reverse direction runs
            from ``lengths[b] - 1`` down to 0.
        start_derivatives : bool, default=False
            Passed to both directions (see :meth:`RNNLayer.forward
            <rnn_nodes.layers.RNNLayer.forward>`).

        Returns
        -------
        ndarray of shape (batch, time, 2n) for ``"concat"``, (batch, time, n) for ``"sum"``
        """
        self.reversal = time_reversal(lengths, H.shape[1])  # None: the whole array reversed
        padded = {} if lengths is None else {"lengths": lengths}
        outputs = []
        for d, (layer, suffix) in enumerate(self.directions):
            # this layer's params are the source of truth: the directions read them
            layer.params = {name: self.params[name + suffix] for name in layer.params}
            states = [None if h0 is None else h0[d]]
            if self.cell_state:
                states.append(None if c0 is None else c0[d])
            H_d = H if d == 0 else reverse_time(H, self.reversal)
            outputs.append(layer.forward(H_d, *states, **padded,
                                         start_derivatives=start_derivatives))
        out_forward, out_reverse = outputs[0], reverse_time(outputs[1], self.reversal)
        self.h_last = np.stack([layer.h_last for layer, _ in self.directions])
        if self.cell_state:
            self.c_last = np.stack([layer.c_last for layer, _ in self.directions])
        if self.merge == "concat":
            return np.concatenate([out_forward, out_reverse], axis=-1)
        return out_forward + out_reverse

    def start_derivatives(self):
        """Both directions' :meth:`~rnn_nodes.layers.RNNLayer.start_derivatives`."""
        for layer, _ in self.directions:
            layer.start_derivatives()

    def backward(self, dC_dH, dh_n=None, dc_n=None, *, input_gradient=True):
        """Backpropagation through time in both directions.

        Parameters
        ----------
        dC_dH : ndarray of shape (..., batch, time, n_features) or (..., batch, time, 2n)
            Gradient with respect to the output; with ``"sum"``, a last axis of
            2n holds the two directions' gradients side by side (what
            :meth:`last_step_backward` gives). Leading axes (truncation
            budgets) are passed on.
        dh_n, dc_n : ndarray of shape (2, batch, n), optional
            Gradients of the final states ``h_last`` (``c_last``) from outside
            this call.
        input_gradient : bool, default=True
            False when nothing reads dC/dH of the input: it is not computed.

        Returns
        -------
        ndarray of shape (..., batch, time, n_in), or None if not ``input_gradient``
        """
        n = self.forward_layer.n_features
        if dC_dH.shape[-1] == 2 * n:
            dC_dH_forward, dC_dH_reverse = dC_dH[..., :n], dC_dH[..., n:]
        else:
            dC_dH_forward = dC_dH_reverse = dC_dH  # "sum": both directions get it all
        finals = [(), ()]  # the final states' gradients, per direction
        if dh_n is not None or dc_n is not None:
            finals = [(None if dh_n is None else dh_n[d],)
                      + ((None if dc_n is None else dc_n[d],) if self.cell_state else ())
                      for d in range(2)]
        dC_dX = self.forward_layer.backward(dC_dH_forward, *finals[0],
                                            input_gradient=input_gradient)
        dC_dX_reverse = self.reverse_layer.backward(
            reverse_time(dC_dH_reverse, self.reversal), *finals[1],
            input_gradient=input_gradient)
        if input_gradient:
            dC_dX = dC_dX + reverse_time(dC_dX_reverse, self.reversal)
        self.dh0 = np.stack([layer.dh0 for layer, _ in self.directions])
        if self.cell_state:
            self.dc0 = np.stack([layer.dc0 for layer, _ in self.directions])
        self.grads = {name + suffix: value for layer, suffix in self.directions
                      for name, value in layer.grads.items()}
        return dC_dX

    def last_step(self, H, lengths=None):
        """What a many-to-one head reads: the merge of the forward direction's last step
        and the reverse direction's first, (batch, n_features). ``H`` is this layer's output;
        the final states read are each sequence's own with ``lengths``."""
        h_forward, h_reverse = self.forward_layer.h_last, self.reverse_layer.h_last
        if self.merge == "concat":
            return np.concatenate([h_forward, h_reverse], axis=-1)
        return h_forward + h_reverse

    def last_step_backward(self, dC_dh, time, lengths=None):
        """The gradient of :meth:`last_step`, ``(..., batch, n_features)``, as the directions'
        gradients side by side, ``(..., batch, time, 2n)``, for :meth:`backward`."""
        n = self.forward_layer.n_features
        if self.merge == "concat":
            dC_dh_forward, dC_dh_reverse = dC_dh[..., :n], dC_dh[..., n:]
        else:
            dC_dh_forward = dC_dh_reverse = dC_dh
        dC_dH = np.zeros(dC_dh.shape[:-1] + (time, 2 * n), dC_dh.dtype)
        if lengths is None:
            dC_dH[..., -1, :n] = dC_dh_forward  # the forward direction's last step
        else:
            dC_dH[..., np.arange(len(lengths)), lengths - 1, :n] = dC_dh_forward
        dC_dH[..., 0, n:] = dC_dh_reverse  # the reverse direction's last step: t = 0
        return dC_dH
