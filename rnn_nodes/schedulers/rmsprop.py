"""RMSprop (Tieleman & Hinton 2012)."""

from typing import NamedTuple

import numpy as np

from rnn_nodes.schedulers._validation import check_positive, check_unit_interval
from rnn_nodes.schedulers.base import Scheduler, zeros_like_param


class RMSpropState(NamedTuple):
    """State of `RMSprop` for one parameter.

    Attributes
    ----------
    s : ndarray of the parameter's shape
        Running average of the squared gradient.
    """

    s: np.ndarray


class RMSprop(Scheduler):
    """RMSprop: divide the gradient by a running average of its magnitude.

    Parameters
    ----------
    eta : float
        Learning rate, positive and finite. Required (see `Constant`).
    rho : float, default=0.9
        Decay of the running average, in [0, 1). 0.9 is the value in the
        lecture that introduced the method [1]_.
    eps : float, default=1e-8
        Added to the denominator against division by zero; positive. 1e-8 is
        the ``delta`` of the FYS-STK4155 course code.

    Notes
    -----
    With :math:`s_0 = 0` and gradient :math:`g_t`, elementwise,

    .. math::

        s_t = \\rho\\, s_{t-1} + (1 - \\rho)\\, g_t \\odot g_t, \\qquad
        \\Delta_t = \\eta\\, g_t / (\\sqrt{s_t} + \\epsilon).

    The course code adds ``eps`` inside the square root; here it is outside,
    as in `Adam`.

    References
    ----------
    .. [1] T. Tieleman, G. Hinton, "Lecture 6.5 - rmsprop: Divide the gradient
       by a running average of its recent magnitude", COURSERA: Neural
       Networks for Machine Learning, 2012.
    """

    def __init__(self, eta, rho=0.9, eps=1e-8):
        check_positive("eta", eta)
        check_unit_interval("rho", rho)
        check_positive("eps", eps)
        self.eta = eta
        self.rho = rho
        self.eps = eps

    def init(self, param):
        """Return a zero running average of ``param``'s shape and dtype."""
        return RMSpropState(s=zeros_like_param(param))

    def _update(self, g, state):
        s = self.rho * state.s + (1 - self.rho) * g * g
        return self.eta * g / (np.sqrt(s) + self.eps), RMSpropState(s=s)


RMS_prop = RMSprop
"""The FYS-STK4155 course name of `RMSprop`."""
