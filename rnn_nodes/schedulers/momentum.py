"""Gradient descent with momentum (the heavy-ball method)."""

from typing import NamedTuple

import numpy as np

from rnn_nodes.schedulers._validation import check_positive, check_unit_interval
from rnn_nodes.schedulers.base import Scheduler, zeros_like_param


class MomentumState(NamedTuple):
    """State of `Momentum` for one parameter.

    Attributes
    ----------
    v : ndarray of the parameter's shape
        Velocity: the previous change.
    """

    v: np.ndarray


class Momentum(Scheduler):
    """Gradient descent with momentum.

    Parameters
    ----------
    eta : float
        Learning rate, positive and finite. Required (see `Constant`).
    momentum : float, default=0.9
        Decay of the velocity, in [0, 1). 0.9 is the value used by Sutskever
        et al. [2]_ for most of their runs and the default of scikit-learn's
        ``MLPClassifier``.

    Notes
    -----
    With velocity :math:`v_0 = 0` and gradient :math:`g_t`,

    .. math::

        v_t = \\mu\\, v_{t-1} + \\eta\\, g_t, \\qquad \\Delta_t = v_t,

    where :math:`\\mu` is ``momentum`` and :math:`\\Delta_t` is subtracted from
    the parameter (Polyak's heavy ball [1]_ in the form of [2]_).

    References
    ----------
    .. [1] B. T. Polyak, "Some methods of speeding up the convergence of
       iteration methods", USSR Computational Mathematics and Mathematical
       Physics 4(5), 1-17, 1964.
    .. [2] I. Sutskever, J. Martens, G. Dahl, G. Hinton, "On the importance of
       initialization and momentum in deep learning", ICML 2013.
    """

    def __init__(self, eta, momentum=0.9):
        check_positive("eta", eta)
        check_unit_interval("momentum", momentum)
        self.eta = eta
        self.momentum = momentum

    def init(self, param):
        """Return a zero velocity of ``param``'s shape and dtype."""
        return MomentumState(v=zeros_like_param(param))

    def _update(self, g, state):
        v = self.momentum * state.v + self.eta * g
        return v, MomentumState(v=v)
