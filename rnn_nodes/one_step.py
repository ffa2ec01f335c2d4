"""One time step of an Elman layer alone: its forward equation and equations (1)-(6).

For checking a hand calculation of a single step (a course's ``RNNCell.forward(x, h)`` and
``backward(...)``) before a whole network. :func:`one_step` runs the code an
:class:`~rnn_nodes.RNNLayer` runs for each step, on one step: a :class:`~rnn_nodes.nodes.ElmanNode`
for the forward equation and for (1) and (6), the layer's helpers of :mod:`rnn_nodes.nodes.equations`
for (2)-(5), and the activation's derivative from JAX as the layer takes it
(:mod:`rnn_nodes.layers.derivatives`). Row vectors, batch first::

    z_t = x_t @ W_layer + b_layer + h_prev @ W_time + b_time
    h_t = sigma(z_t)
    delta_t    = dC/dh_t * sigma'(z_t)                       (1)
    db_layer   = db_time = sum over batch of delta_t         (2)
    dW_layer   = x_t.T @ delta_t                             (3)
    dW_time    = h_prev.T @ delta_t                          (4)
    dC_dx      = delta_t @ W_layer.T                         (5)
    dC_dh_prev = delta_t @ W_time.T                          (6)

``dC/dh_t`` is the total gradient of the step's output: from the layer above and from
the step after.

>>> import numpy as np
>>> from rnn_nodes import one_step
>>> params = {"W_layer": np.array([[0.3]]), "b_layer": np.array([0.1]),
...           "W_time": np.array([[0.4]]), "b_time": np.array([-0.05])}
>>> step = one_step(np.array([[0.5]]), np.array([[0.2]]), np.array([[2.0]]), params)
>>> float(step.z_t[0, 0])  # 0.5 * 0.3 + 0.1 + 0.2 * 0.4 - 0.05
0.28
>>> round(float(step.delta_t[0, 0]), 6)  # 2 * (1 - tanh(0.28) ** 2)
1.851046
>>> [round(float(step[k][0, 0]), 6) for k in ("dW_layer", "dW_time", "dC_dx", "dC_dh_prev")]
[0.925523, 0.370209, 0.555314, 0.740418]
"""

from typing import NamedTuple

import numpy as np

from rnn_nodes.activations import get_activation
from rnn_nodes.layers import derivatives
from rnn_nodes.nodes.elman import ElmanNode
from rnn_nodes.nodes.equations import (
    add_parameter_gradients,
    input_projection,
    input_projection_gradient,
)
from rnn_nodes.validation import as_float_array

PARAMETER_NAMES = ("W_layer", "b_layer", "W_time", "b_time")


class Step(NamedTuple):
    """Everything of one step; ``step["dW_time"]`` or ``step.dW_time``.

    Attributes
    ----------
    z_t, h_t : ndarray of shape (batch, n)
        Pre-activation and output of the step.
    delta_t : ndarray of shape (batch, n)
        dC/dz_t, equation (1).
    db_layer, db_time : ndarray of shape (n,)
        Equation (2).
    dW_layer : ndarray of shape (n_in, n)
        Equation (3).
    dW_time : ndarray of shape (n, n)
        Equation (4).
    dC_dx : ndarray of shape (batch, n_in)
        dC/d(x_t), the gradient handed to the layer below, equation (5).
    dC_dh_prev : ndarray of shape (batch, n)
        dC/d(h_prev), the gradient handed to the step before, equation (6).
    """

    z_t: np.ndarray
    h_t: np.ndarray
    delta_t: np.ndarray
    db_layer: np.ndarray
    dW_layer: np.ndarray
    db_time: np.ndarray
    dW_time: np.ndarray
    dC_dx: np.ndarray
    dC_dh_prev: np.ndarray

    def __getitem__(self, key):
        return getattr(self, key) if isinstance(key, str) else tuple.__getitem__(self, key)


def one_step(x_t, h_prev, dC_dh_t, params, activation="tanh"):
    """Run one Elman step forward and backward: ``h_t`` and equations (1)-(6).

    Parameters
    ----------
    x_t : array-like of shape (batch, n_in)
        The step's input (the layer below's output at this step).
    h_prev : array-like of shape (batch, n)
        The layer's state after the previous step.
    dC_dh_t : array-like of shape (batch, n)
        The total gradient of the cost with respect to ``h_t``.
    params : dict of str to array-like, or RNNLayer
        ``W_layer`` (n_in, n), ``b_layer`` (n,), ``W_time`` (n, n), ``b_time`` (n,);
        or a built :class:`~rnn_nodes.RNNLayer`, whose parameters and
        activation are used (``activation`` is then ignored).
    activation : str, Activation or callable, default="tanh"
        sigma; softmax takes its vector-Jacobian product in (1), as a layer does.

    Returns
    -------
    Step
        ``z_t, h_t, delta_t, db_layer, dW_layer, db_time, dW_time, dC_dx, dC_dh_prev``.

    Raises
    ------
    ValueError
        Naming the argument whose shape does not fit, or a missing parameter.
    """
    if hasattr(params, "params") and hasattr(params, "activation"):  # an RNNLayer
        params, activation = params.params, params.activation
    activation = get_activation(activation)
    params = _check_params(params)
    n_in, n = params["W_layer"].shape
    dtype = params["W_layer"].dtype
    x_t = _check_rows(x_t, "x_t", n_in, dtype)
    h_prev = _check_rows(h_prev, "h_prev", n, dtype, len(x_t))
    dC_dh_t = _check_rows(dC_dh_t, "dC_dh_t", n, dtype, len(x_t))
    # forward, as RNNLayer.forward does for each step
    node = ElmanNode(params, activation)
    z_t, (h_t,) = node.forward(input_projection(x_t, params), h_prev)
    # backward, as RNNLayer.backward: sigma' from JAX, (1) and (6) by the node, (2)-(5) after
    step_derivatives = ()
    if activation.elementwise:
        step_derivatives = (derivatives.finish(derivatives.start(((activation,),), z_t[None]))[0][0],)
    delta_t, _, (dC_dh_prev,) = node.backward(  # (1), (6)
        (dC_dh_t,), step_derivatives, params["W_time"].T)
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    add_parameter_gradients(grads, delta_t, x_t, h_prev)  # (2), (3), (4)
    dC_dx = input_projection_gradient(delta_t, params)  # (5)
    return Step(z_t, h_t, delta_t, grads["b_layer"], grads["W_layer"], grads["b_time"],
                grads["W_time"], dC_dx, dC_dh_prev)


def _check_params(params):
    if not isinstance(params, dict):
        raise TypeError("Received an invalid value for argument `params`, expected a dict of "
                        f"{list(PARAMETER_NAMES)} or an RNNLayer, got {type(params).__name__}")
    missing = [name for name in PARAMETER_NAMES if name not in params]
    if missing:
        raise ValueError(f"Argument `params` lacks {missing}; an Elman step needs "
                         f"{list(PARAMETER_NAMES)}")
    W_layer = np.asarray(params["W_layer"])
    dtype = W_layer.dtype if W_layer.dtype in (np.float32, np.float64) else np.float64
    checked = {name: as_float_array(params[name], f"params['{name}']", 2 if name[0] == "W" else 1,
                                    dtype) for name in PARAMETER_NAMES}
    n = checked["W_layer"].shape[1]
    expected = {"b_layer": (n,), "W_time": (n, n), "b_time": (n,)}
    for name, shape in expected.items():
        if checked[name].shape != shape:
            raise ValueError(f"Argument `params['{name}']` must have shape {shape} for "
                             f"W_layer of shape {checked['W_layer'].shape}, got "
                             f"{checked[name].shape}")
    return checked


def _check_rows(value, name, width, dtype, batch=None):
    array = as_float_array(value, name, 2, dtype)
    if array.shape[1] != width or batch is not None and len(array) != batch:
        expected = f"({'batch' if batch is None else batch}, {width})"
        raise ValueError(f"Argument `{name}` must have shape (batch, n) = {expected}, "
                         f"got {array.shape}")
    return array
