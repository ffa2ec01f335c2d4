"""Cost functions, their gradients from ``jax.grad``, and their exact pairings.

Normalisation (``y_hat`` and ``t`` of shape ``(batch, time, outputs)`` for a
sequence output or ``(batch, outputs)`` for a many-to-one output):

``mse``
    mean over **all** elements of ``(y_hat - t)**2``: averaged over batch,
    time and outputs (as ``torch.nn.MSELoss`` and Keras).
``bce``
    binary cross-entropy, ``-mean(t log y_hat + (1 - t) log(1 - y_hat))``
    over all elements.
``cce``
    categorical cross-entropy, ``-sum(t log y_hat) / rows``: summed over the
    classes, averaged over the rows (``batch`` or ``batch * time``).

``y_hat`` is clipped into ``[eps, 1 - eps]`` (machine epsilon of its dtype)
inside the logarithms, so a saturated output gives a large finite cost, not
``inf`` or NaN.

Each cost knows the output activation it pairs with exactly. For sigmoid +
``bce`` and softmax + ``cce`` the gradient with respect to the output layer's
pre-activation is ``(y_hat - t) / N``; using it directly avoids dividing by a
probability that has underflowed to zero.

Padded batches: the built-in costs take a ``mask`` of shape ``(batch, time)``
(1 at a valid step, 0 at padding) and average over the valid steps only, with
the same normalisation (``mse``: over valid steps x outputs; ``cce``: over
valid rows). A padded batch's cost is then the average of its sequences' costs
weighted by their numbers of valid steps. A user's callable cannot be masked.
"""

import functools

import numpy as np

from rnn_nodes._jax import call_at_precision, jax, jnp


def mse(y_hat, t):
    return jnp.mean((y_hat - t) ** 2)


def _clip_probability(y_hat):
    eps = jnp.finfo(y_hat.dtype).eps
    return jnp.clip(y_hat, eps, 1 - eps)


def bce(y_hat, t):
    p = _clip_probability(y_hat)
    return -jnp.mean(t * jnp.log(p) + (1 - t) * jnp.log(1 - p))


def cce(y_hat, t):
    rows = y_hat.size // y_hat.shape[-1]
    return -jnp.sum(t * jnp.log(_clip_probability(y_hat))) / rows


def _delta_per_element(y_hat, t):
    return (y_hat - t) / y_hat.size


def _delta_per_row(y_hat, t):
    return (y_hat - t) / (y_hat.size // y_hat.shape[-1])


# masked: w of shape (batch, time, 1) is 1 at the valid steps, 0 at padding


def mse_masked(y_hat, t, w):
    return jnp.sum(w * (y_hat - t) ** 2) / (jnp.sum(w) * y_hat.shape[-1])


def bce_masked(y_hat, t, w):
    p = _clip_probability(y_hat)
    loss = t * jnp.log(p) + (1 - t) * jnp.log(1 - p)
    return -jnp.sum(w * loss) / (jnp.sum(w) * y_hat.shape[-1])


def cce_masked(y_hat, t, w):
    return -jnp.sum(w * t * jnp.log(_clip_probability(y_hat))) / jnp.sum(w)


def _masked_delta_per_element(y_hat, t, w):
    return w * (y_hat - t) / (jnp.sum(w) * y_hat.shape[-1])


def _masked_delta_per_row(y_hat, t, w):
    return w * (y_hat - t) / jnp.sum(w)


class Cost:
    """A scalar cost of the network's output and the target.

    Parameters
    ----------
    function : callable
        ``(y_hat, t) -> scalar`` written with ``jax.numpy``.
    name : str
        Name shown in reprs and error messages.
    is_classification : bool, default=False
        Whether accuracy is a meaningful score for this cost.
    paired_activation : str, optional
        Output activation for which ``paired_delta`` is exact.
    paired_delta : callable, optional
        ``(y_hat, t) -> dC/dz`` of the output pre-activation for that pairing.
    masked : tuple of callable, optional
        ``(function, paired_delta)`` taking a third argument ``w`` of shape
        ``(batch, time, 1)``, 1 at valid steps and 0 at padding: the cost
        averaged over the valid steps only (``paired_delta`` may be None).
        Without it the cost refuses a ``mask``.
    """

    def __init__(self, function, name, is_classification=False,
                 paired_activation=None, paired_delta=None, masked=None):
        self.function = function
        self.name = name
        self.is_classification = is_classification
        self.paired_activation = paired_activation
        self.paired_delta_function = paired_delta
        self.masked = masked

    # The jitted functions are built at first use, once per cost (JAX is
    # imported then, not at ``import rnn_nodes``); the built-in costs are
    # module-level.

    @functools.cached_property
    def _value(self):
        return jax.jit(self.function)

    @functools.cached_property
    def _gradient(self):
        return jax.jit(jax.grad(self.function))

    @functools.cached_property
    def _value_and_gradient(self):
        return jax.jit(jax.value_and_grad(self.function))

    @functools.cached_property
    def _paired_delta(self):
        return jax.jit(self.paired_delta_function) if self.paired_delta_function else None

    @functools.cached_property
    def _value_and_delta(self):
        function, paired_delta = self.function, self.paired_delta_function
        if paired_delta is None:
            return None
        return jax.jit(lambda y_hat, t: (function(y_hat, t), paired_delta(y_hat, t)))

    @functools.cached_property
    def _masked_value(self):
        return jax.jit(self.masked[0])

    @functools.cached_property
    def _masked_value_and_gradient(self):
        return jax.jit(jax.value_and_grad(self.masked[0]))

    @functools.cached_property
    def _masked_value_and_delta(self):
        masked_function, masked_delta = self.masked
        return jax.jit(lambda y_hat, t, w: (masked_function(y_hat, t, w),
                                            masked_delta(y_hat, t, w)))

    def __repr__(self):
        return f"Cost({self.name!r})"

    @property
    def can_mask(self):
        """Whether the cost takes a ``mask`` (padded batches)."""
        return self.masked is not None

    def __call__(self, y_hat, t, mask=None):
        """The cost as a Python float; with ``mask`` (batch, time), over the valid steps only."""
        if mask is None:
            return float(call_at_precision(self._value, y_hat, t))
        return float(call_at_precision(self._masked_value, y_hat, t, self._weights(mask, y_hat)))

    def require_mask(self):
        """Raise a ValueError unless the cost can skip padded steps (:attr:`can_mask`)."""
        if not self.can_mask:
            raise ValueError(
                f"The cost {self.name!r} cannot skip padded steps: a sequence output of "
                "sequences of different lengths needs a built-in cost "
                f"({', '.join(sorted(COSTS))}) that takes a mask; give sequences of one "
                "length, or use a built-in cost")

    def _weights(self, mask, y_hat):
        """``mask`` (batch, time) as weights (batch, time, 1) in the output's dtype."""
        self.require_mask()
        return np.asarray(mask, y_hat.dtype)[..., None]

    def gradient(self, y_hat, t):
        """dC/dy_hat, shape of ``y_hat``."""
        return call_at_precision(self._gradient, y_hat, t)

    def value_and_seed(self, y_hat, t, activation, mask=None):
        """The cost and the gradient that starts the backward pass, in one call.

        ``mask`` (batch, time), optional: 1 at valid steps, 0 at padding; the
        cost averages over the valid steps and the seed is zero at padding.

        Returns
        -------
        value : float
        seed : ndarray of the shape of ``y_hat``
            dC/dz of the output layer if the cost pairs with ``activation``
            (see :meth:`pairs_with`), else dC/dy_hat.
        is_delta : bool
            Which of the two ``seed`` is.
        """
        is_delta = self.pairs_with(activation)
        function = self._value_and_delta if is_delta else self._value_and_gradient
        arrays = (y_hat, t)
        if mask is not None:
            arrays += (self._weights(mask, y_hat),)
            is_delta = is_delta and self.masked[1] is not None
            function = self._masked_value_and_delta if is_delta else self._masked_value_and_gradient
        if y_hat.dtype == np.float64:
            with jax.enable_x64(True):
                value, seed = function(*arrays)
        else:
            value, seed = function(*arrays)
        return float(value), np.asarray(seed), is_delta

    def pairs_with(self, activation):
        """Whether ``delta`` may bypass the derivative of ``activation`` (None: a recurrent
        layer's states, which pair with no cost)."""
        return (self.paired_delta_function is not None and activation is not None
                and activation.name == self.paired_activation)

    def delta(self, y_hat, t):
        """dC/dz of the output layer, for the paired activation only."""
        return call_at_precision(self._paired_delta, y_hat, t)


COSTS = {
    "mse": Cost(mse, "mse", masked=(mse_masked, None)),
    "bce": Cost(bce, "bce", is_classification=True,
                paired_activation="sigmoid", paired_delta=_delta_per_element,
                masked=(bce_masked, _masked_delta_per_element)),
    "cce": Cost(cce, "cce", is_classification=True,
                paired_activation="softmax", paired_delta=_delta_per_row,
                masked=(cce_masked, _masked_delta_per_row)),
}


@functools.lru_cache(maxsize=None)
def _from_callable(function):
    return Cost(function, getattr(function, "__name__", repr(function)))


def get_cost(cost):
    """Look up a cost by name, or wrap a user's ``(y_hat, t) -> scalar`` jnp function.

    Parameters
    ----------
    cost : str, Cost or callable

    Returns
    -------
    Cost
    """
    if isinstance(cost, Cost):
        return cost
    if isinstance(cost, str):
        try:
            return COSTS[cost]
        except KeyError:
            raise ValueError(
                f"Received an invalid value for argument `cost`, expected one of "
                f"{sorted(COSTS)} or a callable, got {cost!r}"
            ) from None
    if callable(cost):
        return _from_callable(cost)
    raise TypeError(
        "Received an invalid value for argument `cost`, expected a name or a "
        f"callable, got {type(cost).__name__}: {cost!r}"
    )
