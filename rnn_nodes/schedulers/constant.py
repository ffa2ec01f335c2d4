"""Plain gradient descent with a fixed learning rate."""

from typing import NamedTuple

from rnn_nodes.schedulers._validation import check_positive
from rnn_nodes.schedulers.base import Scheduler


class ConstantState(NamedTuple):
    """`Constant` keeps no state: this tuple is empty."""


class Constant(Scheduler):
    """Gradient descent with a constant learning rate.

    Parameters
    ----------
    eta : float
        Learning rate, positive and finite. Required: a good value depends on
        the scale of the cost, and neither the course code nor the literature
        gives one that fits every problem.

    Notes
    -----
    For a gradient :math:`g` the change subtracted from the parameter is

    .. math:: \\Delta = \\eta\\, g.

    The state is empty, so a gradient of the wrong shape is not detected here.

    Examples
    --------
    >>> import numpy as np
    >>> s = Constant(eta=0.1)
    >>> change, state = s.update_change(np.array([1.0, -2.0]), s.init(np.zeros(2)))
    >>> change
    array([ 0.1, -0.2])
    """

    def __init__(self, eta):
        check_positive("eta", eta)
        self.eta = eta

    def init(self, param):
        """Return the (empty) state for ``param`` of any shape."""
        return ConstantState()

    def _update(self, g, state):
        return self.eta * g, state
