"""The reference: the same network as one pure JAX function over ``lax.scan``.

Written from the equations, not from ``rnn_nodes``. The whole training step
(forward, ``jax.value_and_grad``, Adam) is one ``jax.jit``-compiled function:
the practical limit for this network on this CPU.

Notes
-----
Row vectors, batch first, ``h_{-1} = 0``. Elman layer::

    h_t = tanh(x_t W_layer + b_layer + h_{t-1} W_time + b_time)

LSTM (PyTorch's ``nn.LSTM``; gates stacked along the last axis as i, f, g, o)::

    [i, f, g, o] = x_t W_layer + b_layer + h_{t-1} W_time + b_time
    c_t = sigmoid(f) c_{t-1} + sigmoid(i) tanh(g)
    h_t = sigmoid(o) tanh(c_t)

A dense head reads ``h_{T-1}`` and gives softmax probabilities with the cost
``-sum(t log softmax(z)) / batch``; an output head gives ``y_t = h_t W + b``
at every step with the cost ``mean((y - t)**2)`` over all elements.

Adam (Kingma & Ba 2015) with one step count per parameter, as
:class:`schedulers.Adam`: ``W -= eta m_hat / (sqrt(v_hat) + eps)``.
"""

import jax
import jax.numpy as jnp
import numpy as np

from benchmarks.configs import ETA

RHO, RHO2, EPS = 0.9, 0.999, 1e-8


def _elman_step(params, h, z_layer_t):
    """One Elman step: (batch, n) state, (batch, n) input term -> new state."""
    h = jnp.tanh(z_layer_t + h @ params["W_time"] + params["b_time"][None])
    return h, h


def _lstm_step(params, carry, z_layer_t):
    """One LSTM step: carry (h, c) of (batch, n) each, input term (batch, 4n)."""
    h, c = carry
    z = z_layer_t + h @ params["W_time"] + params["b_time"][None]
    i, f, g, o = jnp.split(z, 4, axis=-1)
    c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
    h = jax.nn.sigmoid(o) * jnp.tanh(c)
    return (h, c), h


def hidden_states(params, X, cell):
    """All hidden states of the recurrent layer.

    Parameters
    ----------
    params : dict
        The ``"recurrent"`` weights (see :mod:`benchmarks.configs`).
    X : array of shape (batch, time, n_in)
    cell : {"rnn", "lstm"}

    Returns
    -------
    array of shape (time, batch, n)
    """
    n = params["W_time"].shape[0]
    Z_layer = jnp.swapaxes(X, 0, 1) @ params["W_layer"] + params["b_layer"][None, None]
    h0 = jnp.zeros((X.shape[0], n), X.dtype)
    if cell == "lstm":
        _, H = jax.lax.scan(lambda carry, z: _lstm_step(params, carry, z), (h0, h0), Z_layer)
    else:
        _, H = jax.lax.scan(lambda h, z: _elman_step(params, h, z), h0, Z_layer)
    return H


def loss(weights, X, t, config):
    """The data cost of the network (see the module notes).

    Parameters
    ----------
    weights : dict
        ``{"recurrent": ..., "head": ...}`` as JAX or numpy arrays.
    X : array of shape (batch, time, n_in)
    t : array of the output's shape
    config : Config
    """
    H = hidden_states(weights["recurrent"], X, config.cell)
    head = weights["head"]
    if config.head == "dense":
        z = H[-1] @ head["W_layer"] + head["b_layer"][None]
        return -jnp.sum(t * jax.nn.log_softmax(z, axis=-1)) / X.shape[0]
    Y = jnp.swapaxes(H, 0, 1) @ head["W_layer"] + head["b_layer"][None, None]
    return jnp.mean((Y - t) ** 2)


def adam_init(weights):
    """Adam's state: one step count and zero moments per parameter, as three pytrees."""
    steps = jax.tree.map(lambda w: jnp.zeros((), jnp.int32), weights)
    return steps, jax.tree.map(jnp.zeros_like, weights), jax.tree.map(jnp.zeros_like, weights)


def _adam_one(w, g, step, m, v):
    step = step + 1
    m = RHO * m + (1 - RHO) * g
    v = RHO2 * v + (1 - RHO2) * g * g
    m_hat = m / (1 - RHO ** step.astype(g.dtype))
    v_hat = v / (1 - RHO2 ** step.astype(g.dtype))
    return w - ETA * m_hat / (jnp.sqrt(v_hat) + EPS), step, m, v


def make_train_step(config):
    """A jitted ``(weights, state, X, t) -> (weights, state, cost)``: forward, grad, Adam."""

    def train_step(weights, state, X, t):
        cost, grads = jax.value_and_grad(loss)(weights, X, t, config)
        leaves, tree = jax.tree.flatten(weights)
        updated = [_adam_one(*args) for args in zip(
            leaves, jax.tree.leaves(grads), *(jax.tree.leaves(s) for s in state))]

        def rebuild(k):
            return jax.tree.unflatten(tree, [u[k] for u in updated])

        return rebuild(0), (rebuild(1), rebuild(2), rebuild(3)), cost

    return jax.jit(train_step)


def make_gradient(config):
    """A jitted ``(weights, X, t) -> (cost, grads)``."""
    return jax.jit(jax.value_and_grad(lambda w, X, t: loss(w, X, t, config)))


class ReferenceStep:
    """The reference's training step, ready to time.

    Parameters
    ----------
    config : Config
    weights : dict of dict of ndarray
        Copied onto the device once; inputs are converted once as well.
    X, t : ndarray
    """

    def __init__(self, config, weights, X, t):
        self.weights = jax.tree.map(jnp.asarray, weights)
        self.state = adam_init(self.weights)
        self.X, self.t = jnp.asarray(X), jnp.asarray(t)
        self._step = make_train_step(config)

    def __call__(self):
        """One training step; returns the cost before the update (a float)."""
        self.weights, self.state, cost = self._step(self.weights, self.state, self.X, self.t)
        return float(jax.block_until_ready(cost))


def gradients(config, weights, X, t):
    """Cost and gradients of the reference at ``weights``, as numpy float arrays."""
    cost, grads = make_gradient(config)(jax.tree.map(jnp.asarray, weights),
                                        jnp.asarray(X), jnp.asarray(t))
    return float(cost), jax.tree.map(np.asarray, grads)
