"""Deprecated home of the Elman node and the step-independent equations.

The nodes live in :mod:`rnn_nodes.nodes` (:class:`~rnn_nodes.nodes.ElmanNode` with
the contract every cell keeps), the equations every layer applies to all steps at
once in :mod:`rnn_nodes.nodes.equations`. :class:`Node` keeps the interface it had:
one step of an Elman layer, or of a dense map when ``params`` has no ``W_time``.
"""

import warnings

import numpy as np

from rnn_nodes.nodes.base import written
from rnn_nodes.nodes.elman import ElmanNode
from rnn_nodes.nodes.equations import (
    add_parameter_gradients,
    input_projection,
    input_projection_gradient,
    transposed,
)

__all__ = ["Node", "add_parameter_gradients", "input_projection",
           "input_projection_gradient", "transposed"]


class Node(ElmanNode):
    """Deprecated: one Elman (or dense) step with the interface of earlier versions.

    Use :class:`~rnn_nodes.nodes.ElmanNode`, whose ``forward`` returns
    ``(z_t, (h_t,))`` and whose ``backward`` takes and returns tuples of
    states, as every cell's does.

    Parameters
    ----------
    params : dict of str to ndarray
        ``W_layer``, ``b_layer`` and, for a recurrent step, ``W_time``, ``b_time``.
    activation : Activation
    """

    def __init__(self, params, activation):
        warnings.warn("rnn_nodes.Node is deprecated; use rnn_nodes.nodes.ElmanNode (a "
                      "recurrent step) or rnn_nodes.nodes.DenseNode", DeprecationWarning,
                      stacklevel=2)
        super().__init__(params, activation)

    @property
    def is_recurrent(self):
        return "W_time" in self.params

    def forward(self, z_layer_t, h_time=None, out=None, h_out=None):
        """h_t = sigma(z_layer_t + h_time @ W_time + b_time); (batch, n) in and out."""
        if not self.is_recurrent:
            self.z_t = z_layer_t
            self.h_t = self.activation(z_layer_t, out=h_out)
            return self.h_t
        return super().forward(z_layer_t, h_time, out=out, state_out=(h_out,))[1][0]

    def backward(self, dC_dh, dsigma_t=None, W_time_T=None, out=None):
        """Equations (1) and (6): ``(delta_t, dC/dh_{t-1})`` (None without recurrence)."""
        step_derivatives = () if dsigma_t is None else (dsigma_t,)
        if not self.is_recurrent:
            if dsigma_t is not None:
                return np.multiply(dC_dh, dsigma_t, out=out), None
            return written(self.activation.vector_jacobian(self.z_t, dC_dh), out), None
        W_time_T = self.params["W_time"].T if W_time_T is None else W_time_T
        delta_t, _, (dC_dh_prev,) = super().backward((dC_dh,), step_derivatives, W_time_T, out)
        return delta_t, dC_dh_prev
