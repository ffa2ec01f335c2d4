"""Adam (Kingma & Ba 2015)."""

from typing import NamedTuple

import numpy as np

from rnn_nodes.schedulers._validation import check_positive, check_unit_interval
from rnn_nodes.schedulers.base import Scheduler, zeros_like_param


class AdamState(NamedTuple):
    """State of `Adam` for one parameter.

    Attributes
    ----------
    t : int
        Number of updates of this parameter so far.
    m : ndarray of the parameter's shape
        Running average of the gradient (first moment).
    v : ndarray of the parameter's shape
        Running average of the squared gradient (second moment).
    """

    t: int
    m: np.ndarray
    v: np.ndarray


class Adam(Scheduler):
    """Adam: bias-corrected running averages of the gradient and its square.

    Parameters
    ----------
    eta : float, default=1e-3
        Learning rate (:math:`\\alpha` in [1]_), positive and finite.
    rho : float, default=0.9
        Decay of the first moment (:math:`\\beta_1`), in [0, 1).
    rho2 : float, default=0.999
        Decay of the second moment (:math:`\\beta_2`), in [0, 1).
    eps : float, default=1e-8
        Added to the denominator against division by zero (:math:`\\epsilon`),
        positive.

    All four defaults are the "good default settings" of Algorithm 1 in [1]_.

    Notes
    -----
    With :math:`t_0 = 0`, :math:`m_0 = v_0 = 0` and gradient :math:`g`,
    elementwise,

    .. math::

        t &= t + 1, \\\\
        m_t &= \\rho\\, m_{t-1} + (1 - \\rho)\\, g, \\\\
        v_t &= \\rho_2\\, v_{t-1} + (1 - \\rho_2)\\, g \\odot g, \\\\
        \\hat m_t &= m_t / (1 - \\rho^t), \\qquad
        \\hat v_t = v_t / (1 - \\rho_2^t), \\\\
        \\Delta_t &= \\eta\\, \\hat m_t / (\\sqrt{\\hat v_t} + \\epsilon).

    The step count :math:`t` lives in each parameter's state, so the bias
    correction of a parameter depends on how often *it* was updated. The
    course code kept one counter on the scheduler object and advanced it per
    epoch, and added ``eps`` inside the square root.

    References
    ----------
    .. [1] D. P. Kingma, J. Ba, "Adam: A method for stochastic optimization",
       ICLR 2015, arXiv:1412.6980.
    """

    def __init__(self, eta=1e-3, rho=0.9, rho2=0.999, eps=1e-8):
        check_positive("eta", eta)
        check_unit_interval("rho", rho)
        check_unit_interval("rho2", rho2)
        check_positive("eps", eps)
        self.eta = eta
        self.rho = rho
        self.rho2 = rho2
        self.eps = eps

    def init(self, param):
        """Return a zero step count and zero moments of ``param``'s shape and dtype."""
        return AdamState(t=0, m=zeros_like_param(param), v=zeros_like_param(param))

    def _update(self, g, state):
        t = state.t + 1
        # the formulas above, operation for operation, each result written
        # into an array made in this update (never into the state given), of
        # the dtype the formulas would give
        dtype = np.result_type(state.m, state.v, g)
        m = np.multiply(self.rho, state.m, out=np.empty(g.shape, dtype))
        m += (1 - self.rho) * g
        v = np.multiply(self.rho2, state.v, out=np.empty(g.shape, dtype))
        v += (1 - self.rho2) * g * g
        change = np.divide(m, 1 - self.rho**t, out=np.empty_like(m))  # m_hat
        change *= self.eta
        denominator = np.divide(v, 1 - self.rho2**t, out=np.empty_like(v))  # v_hat
        np.sqrt(denominator, out=denominator)
        denominator += self.eps
        change /= denominator
        return change, AdamState(t=t, m=m, v=v)
