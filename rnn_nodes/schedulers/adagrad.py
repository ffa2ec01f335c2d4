"""Adagrad, with and without momentum (Duchi et al. 2011)."""

from typing import NamedTuple

import numpy as np

from rnn_nodes.schedulers._validation import check_positive, check_unit_interval
from rnn_nodes.schedulers.base import Scheduler, zeros_like_param


class AdagradState(NamedTuple):
    """State of `Adagrad` for one parameter.

    Attributes
    ----------
    G : ndarray of the parameter's shape
        Elementwise sum of the squares of all gradients so far.
    """

    G: np.ndarray


class Adagrad(Scheduler):
    """Adagrad: a learning rate per element, shrinking with its gradients.

    Parameters
    ----------
    eta : float
        Learning rate, positive and finite. Required: Duchi et al. [1]_ tune
        it per problem.
    eps : float, default=1e-8
        Added to the denominator against division by zero; positive. 1e-8 is
        the ``delta`` of the FYS-STK4155 course code.

    Notes
    -----
    With :math:`G_0 = 0` and gradient :math:`g_t`, elementwise (the diagonal
    version of [1]_),

    .. math::

        G_t = G_{t-1} + g_t \\odot g_t, \\qquad
        \\Delta_t = \\eta\\, g_t / (\\sqrt{G_t} + \\epsilon).

    The course code took the diagonal of ``gradient @ gradient.T``, which for
    a matrix parameter sums the squares over each row; here every element
    has its own sum.

    References
    ----------
    .. [1] J. Duchi, E. Hazan, Y. Singer, "Adaptive subgradient methods for
       online learning and stochastic optimization", Journal of Machine
       Learning Research 12, 2121-2159, 2011.
    """

    def __init__(self, eta, eps=1e-8):
        check_positive("eta", eta)
        check_positive("eps", eps)
        self.eta = eta
        self.eps = eps

    def init(self, param):
        """Return a zero sum of squares of ``param``'s shape and dtype."""
        return AdagradState(G=zeros_like_param(param))

    def _update(self, g, state):
        step, G = _adagrad_step(self.eta, self.eps, g, state.G)
        return step, AdagradState(G=G)


class AdagradMomentumState(NamedTuple):
    """State of `AdagradMomentum` for one parameter.

    Attributes
    ----------
    G : ndarray of the parameter's shape
        Elementwise sum of the squares of all gradients so far.
    v : ndarray of the parameter's shape
        Velocity: the previous change.
    """

    G: np.ndarray
    v: np.ndarray


class AdagradMomentum(Scheduler):
    """Adagrad steps accumulated with momentum (the FYS-STK4155 variant).

    Parameters
    ----------
    eta : float
        Learning rate, positive and finite. Required (see `Adagrad`).
    momentum : float, default=0.9
        Decay of the velocity, in [0, 1); the default of `Momentum`.
    eps : float, default=1e-8
        Added to the denominator against division by zero; positive.

    Notes
    -----
    With :math:`G_0 = 0`, :math:`v_0 = 0` and gradient :math:`g_t`,
    elementwise,

    .. math::

        G_t = G_{t-1} + g_t \\odot g_t, \\qquad
        v_t = \\mu\\, v_{t-1} + \\eta\\, g_t / (\\sqrt{G_t} + \\epsilon), \\qquad
        \\Delta_t = v_t,

    with :math:`\\mu` the ``momentum``: the Adagrad step of [1]_ used as the
    gradient of `Momentum`.

    References
    ----------
    .. [1] J. Duchi, E. Hazan, Y. Singer, "Adaptive subgradient methods for
       online learning and stochastic optimization", Journal of Machine
       Learning Research 12, 2121-2159, 2011.
    """

    def __init__(self, eta, momentum=0.9, eps=1e-8):
        check_positive("eta", eta)
        check_unit_interval("momentum", momentum)
        check_positive("eps", eps)
        self.eta = eta
        self.momentum = momentum
        self.eps = eps

    def init(self, param):
        """Return zero sum of squares and velocity of ``param``'s shape and dtype."""
        return AdagradMomentumState(G=zeros_like_param(param), v=zeros_like_param(param))

    def _update(self, g, state):
        step, G = _adagrad_step(self.eta, self.eps, g, state.G)
        v = self.momentum * state.v + step
        return v, AdagradMomentumState(G=G, v=v)


def _adagrad_step(eta, eps, g, G):
    """Adagrad's step ``eta * g / (sqrt(G) + eps)`` with ``G`` grown by ``g * g``; returns both."""
    G = G + g * g
    return eta * g / (np.sqrt(G) + eps), G
