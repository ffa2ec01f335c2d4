"""Activation functions and their derivatives, built once from ``jax.grad``.

An :class:`Activation` wraps a function written with ``jax.numpy``. For an
elementwise function the derivative is ``jax.vmap(jax.grad(f))`` applied to the
flattened array, jitted once when the activation is made; nobody writes a
derivative by hand and nothing is rebuilt inside a backward pass. Softmax is
not elementwise: it gets its exact vector-Jacobian product.

Registered names: ``identity``, ``sigmoid``, ``tanh``, ``relu``,
``leaky_relu`` (slope 0.01, as PyTorch) and ``softmax`` (over the last axis).
Any other elementwise ``jnp`` function can be passed as a callable.

The registered activations also carry a numpy twin of their forward
function: a recurrent layer applies the activation once per time step, and
a numpy call on a small array costs a few microseconds where a call into JAX
costs ten or more. The ``jnp`` function stays the definition (the
derivative is taken from it) and the tests check that the twins agree.
"""

import functools

import numpy as np

from rnn_nodes._jax import call_at_precision, jax, jnp

LEAKY_RELU_SLOPE = 0.01


def identity(z):
    return z


def sigmoid(z):
    return jax.nn.sigmoid(z)


def tanh(z):
    return jnp.tanh(z)


def relu(z):
    # where, not maximum: the derivative at 0 is then 0, not 1/2
    return jnp.where(z > 0, z, 0.0)


def leaky_relu(z):
    return jnp.where(z > 0, z, LEAKY_RELU_SLOPE * z)


def softmax(z):
    return jax.nn.softmax(z, axis=-1)


def _sigmoid_numpy(z):
    # 1 / (1 + exp(-z)) written as (1 + tanh(z / 2)) / 2: never overflows, and
    # one transcendental pass instead of exp, where and two divisions
    s = np.tanh(z * 0.5)
    s += 1
    s *= 0.5
    return s


def _softmax_numpy(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


NUMPY_TWINS = {
    "identity": lambda z: z,
    "sigmoid": _sigmoid_numpy,
    "tanh": np.tanh,
    "relu": lambda z: np.where(z > 0, z, z.dtype.type(0)),
    "leaky_relu": lambda z: np.where(z > 0, z, z.dtype.type(LEAKY_RELU_SLOPE) * z),
    "softmax": _softmax_numpy,
}


def _elementwise_derivative(function):
    """The derivative of an elementwise ``function``, for arrays of any shape."""
    derivative_of_scalar = jax.vmap(jax.grad(function))

    def derivative(z):
        return derivative_of_scalar(z.ravel()).reshape(z.shape)

    return derivative


def _softmax_vjp(z, dC_dh):
    """dC/dz of h = softmax(z): s * (dC/dh - sum(dC/dh * s)), per row."""
    s = jnp.broadcast_to(jax.nn.softmax(z, axis=-1), dC_dh.shape)
    return s * (dC_dh - jnp.sum(dC_dh * s, axis=-1, keepdims=True))


class Activation:
    """An activation function, its jitted forward and its backward rule.

    Parameters
    ----------
    function : callable
        ``jnp`` function of one array.
    name : str
        Name shown in reprs and error messages.
    elementwise : bool, default=True
        If True the derivative is ``vmap(grad(function))``; if False the
        function must be softmax-like and ``vector_jacobian`` is given.
    vector_jacobian : callable, optional
        ``(z, dC_dh) -> dC_dz`` for a non-elementwise function.
    numpy_function : callable, optional
        The same function in numpy, used for the forward pass (faster on
        small arrays); the jitted ``function`` when None.

    Attributes
    ----------
    derivative_function : callable or None
        ``vmap(grad(function))`` over an array of any shape, not jitted: for
        a layer that jits several derivatives into one call. None if not
        elementwise.
    """

    def __init__(self, function, name, elementwise=True, vector_jacobian=None,
                 numpy_function=None):
        self.function = function
        self.name = name
        self.elementwise = elementwise
        self.numpy_function = numpy_function
        self._vector_jacobian_function = vector_jacobian

    # Built at first use, once per activation (JAX is imported then, not at
    # ``import rnn_nodes``); the registered activations are module-level.

    @functools.cached_property
    def derivative_function(self):
        return _elementwise_derivative(self.function) if self.elementwise else None

    @functools.cached_property
    def _forward(self):
        return jax.jit(self.function)

    @functools.cached_property
    def _derivative(self):
        return jax.jit(self.derivative_function)

    @functools.cached_property
    def _vector_jacobian(self):
        return jax.jit(self._vector_jacobian_function)

    def __repr__(self):
        return f"Activation({self.name!r})"

    def __call__(self, z, out=None):
        """sigma(z) for a numpy array ``z`` of any shape, written into ``out`` when given."""
        if isinstance(self.numpy_function, np.ufunc):  # tanh: straight into ``out``
            return self.numpy_function(z, out=out)
        if self.numpy_function is not None:
            h = self.numpy_function(z)
        else:
            h = call_at_precision(self._forward, z)
        if out is None:
            return h
        out[...] = h
        return out

    def derivative(self, z):
        """sigma'(z) elementwise, shape of ``z`` (elementwise activations only)."""
        if not self.elementwise:
            raise TypeError(
                f"activation {self.name!r} is not elementwise and has no "
                "elementwise derivative; use vector_jacobian"
            )
        return call_at_precision(self._derivative, z)

    def vector_jacobian(self, z, dC_dh):
        """dC/dz given dC/dh, where h = sigma(z).

        Parameters
        ----------
        z : ndarray of shape (batch, n)
            Pre-activations.
        dC_dh : ndarray of shape (..., batch, n)
            Gradient with respect to the activations; leading axes (the
            truncation budgets of a recurrent layer) are carried along.

        Returns
        -------
        ndarray of the shape of ``dC_dh``
        """
        if self.elementwise:
            return dC_dh * self.derivative(z)
        return call_at_precision(self._vector_jacobian, z, dC_dh)


ELEMENTWISE = {
    "identity": identity,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
}
ACTIVATIONS = {
    name: Activation(function, name, numpy_function=NUMPY_TWINS[name])
    for name, function in ELEMENTWISE.items()
}
ACTIVATIONS["softmax"] = Activation(softmax, "softmax", elementwise=False,
                                    vector_jacobian=_softmax_vjp,
                                    numpy_function=NUMPY_TWINS["softmax"])


@functools.lru_cache(maxsize=None)
def _from_callable(function):
    return Activation(function, getattr(function, "__name__", repr(function)))


def get_activation(activation):
    """Look up an activation by name, or wrap a user's elementwise ``jnp`` function.

    Parameters
    ----------
    activation : str, Activation or callable
        A registered name, an :class:`Activation`, or an elementwise function
        written with ``jax.numpy``. The same callable always gives the same
        :class:`Activation`, so its derivative is compiled once.

    Returns
    -------
    Activation
    """
    if isinstance(activation, Activation):
        return activation
    if isinstance(activation, str):
        try:
            return ACTIVATIONS[activation]
        except KeyError:
            raise ValueError(
                f"Received an invalid value for argument `activation`, expected one "
                f"of {sorted(ACTIVATIONS)} or a callable, got {activation!r}"
            ) from None
    if callable(activation):
        return _from_callable(activation)
    raise TypeError(
        "Received an invalid value for argument `activation`, expected a name or "
        f"a callable, got {type(activation).__name__}: {activation!r}"
    )


def activation_argument(activation, name, elementwise=False):
    """:func:`get_activation` for the argument ``name`` of a layer: errors name that argument.

    Parameters
    ----------
    activation : str, Activation or callable
    name : str
        The argument's name, e.g. ``"gate_activation"``.
    elementwise : bool, default=False
        Refuse an activation that is not elementwise (softmax).

    Raises
    ------
    ValueError, TypeError
        Naming ``name`` and what came.
    """
    try:
        activation = get_activation(activation)
    except (TypeError, ValueError) as error:  # name the argument given, not `activation`
        raise type(error)(str(error).replace("`activation`", f"`{name}`")) from None
    if elementwise and not activation.elementwise:
        raise ValueError(
            f"Received an invalid value for argument `{name}`, expected an elementwise "
            f"activation, got {activation.name!r}"
        )
    return activation
