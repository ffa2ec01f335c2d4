"""The original prototype's approach: the baseline the project came from.

One node per time step does all of its step's math in numpy, in Python
loops over time, forward and backward (equations (1)-(6) of the notes at
every node). Each node's backward rebuilds the activation derivative as an
un-jitted ``jax.vmap(jax.vmap(jax.grad(f)))`` and calls it on its ``z_t``:
a trace of ``f`` per node per step. Nothing is batched over time.

Unlike the prototype, the maths is right (gradients summed over time, one
Adam step per batch, the exact softmax + cross-entropy delta), so that the
comparison is of speed alone; the gradients are checked against the
reference in the same run.
"""

import jax
import jax.numpy as jnp
import numpy as np

from benchmarks.numpy_network import NumpyNetwork


def derivative(f, z):
    """f'(z) elementwise, rebuilt at every call as the prototype did.

    Parameters
    ----------
    f : callable
        A scalar ``jnp`` function.
    z : ndarray of shape (batch, n)
    """
    return np.asarray(jax.vmap(jax.vmap(jax.grad(f)))(z))


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _identity(z):
    return z


class ElmanNode:
    """One Elman step: ``h_t = tanh(x_t W_layer + b_layer + h_{t-1} W_time + b_time)``."""

    def forward(self, p, x_t, h_prev):
        """x_t (batch, n_in), h_prev (batch, n) -> h_t (batch, n); caches what backward needs."""
        self.x_t, self.h_prev = x_t, h_prev
        self.z_t = x_t @ p["W_layer"] + p["b_layer"] + h_prev @ p["W_time"] + p["b_time"]
        self.h_t = np.tanh(self.z_t)
        return self.h_t

    def backward(self, p, g, dC_dh):
        """Equations (1)-(6); returns (dC/dx_t, dC/dh_{t-1})."""
        delta = dC_dh * derivative(jnp.tanh, self.z_t)  # (1)
        g["b_layer"] += delta.sum(axis=0)  # (2)
        g["b_time"] += delta.sum(axis=0)
        g["W_layer"] += self.x_t.T @ delta  # (3)
        g["W_time"] += self.h_prev.T @ delta  # (4)
        return delta @ p["W_layer"].T, delta @ p["W_time"].T  # (5), (6)


class LSTMNode:
    """One LSTM step, gates i, f, g, o stacked along the last axis (PyTorch's order)."""

    def forward(self, p, x_t, h_prev, c_prev):
        """x_t (batch, n_in), h_prev and c_prev (batch, n) -> (h_t, c_t), each (batch, n)."""
        self.x_t, self.h_prev, self.c_prev = x_t, h_prev, c_prev
        self.z_t = x_t @ p["W_layer"] + p["b_layer"] + h_prev @ p["W_time"] + p["b_time"]
        z_i, z_f, z_g, z_o = np.split(self.z_t, 4, axis=-1)
        self.i, self.f, self.o = _sigmoid(z_i), _sigmoid(z_f), _sigmoid(z_o)
        self.g = np.tanh(z_g)
        self.c_t = self.f * c_prev + self.i * self.g
        self.h_t = self.o * np.tanh(self.c_t)
        return self.h_t, self.c_t

    def backward(self, p, g, dC_dh, dC_dc):
        """Returns (dC/dx_t, dC/dh_{t-1}, dC/dc_{t-1})."""
        z_i, z_f, z_g, z_o = np.split(self.z_t, 4, axis=-1)
        dC_dc = dC_dc + dC_dh * self.o * derivative(jnp.tanh, self.c_t)
        delta = np.concatenate([
            dC_dc * self.g * derivative(jax.nn.sigmoid, z_i),
            dC_dc * self.c_prev * derivative(jax.nn.sigmoid, z_f),
            dC_dc * self.i * derivative(jnp.tanh, z_g),
            dC_dh * np.tanh(self.c_t) * derivative(jax.nn.sigmoid, z_o),
        ], axis=-1)
        g["b_layer"] += delta.sum(axis=0)
        g["b_time"] += delta.sum(axis=0)
        g["W_layer"] += self.x_t.T @ delta
        g["W_time"] += self.h_prev.T @ delta
        return delta @ p["W_layer"].T, delta @ p["W_time"].T, dC_dc * self.f


class OutputNode:
    """One identity output step, ``y_t = h_t W_layer + b_layer`` (many-to-many head)."""

    def forward(self, p, h_t):
        """h_t (batch, n) -> y_t (batch, n_out)."""
        self.h_t = h_t
        self.z_t = h_t @ p["W_layer"] + p["b_layer"]
        return _identity(self.z_t)

    def backward(self, p, g, dC_dy):
        """dC/dy_t (batch, n_out) -> dC/dh_t (batch, n); adds into the head's gradients ``g``."""
        delta = dC_dy * derivative(_identity, self.z_t)
        g["b_layer"] += delta.sum(axis=0)
        g["W_layer"] += self.h_t.T @ delta
        return delta @ p["W_layer"].T


class PrototypeNetwork(NumpyNetwork):
    """The benchmarked network, node by node, with Adam once per batch.

    See :class:`~benchmarks.numpy_network.NumpyNetwork` for the parameters.
    """

    def forward(self, X):
        """Output for X of shape (batch, time, n_in)."""
        p, cfg = self.params["recurrent"], self.config
        h = np.zeros((X.shape[0], cfg.hidden), X.dtype)
        c = np.zeros_like(h)
        self.nodes, self.heads = [], []
        for t in range(cfg.time):
            if cfg.cell == "lstm":
                node = LSTMNode()
                h, c = node.forward(p, X[:, t], h, c)
            else:
                node = ElmanNode()
                h = node.forward(p, X[:, t], h)
            self.nodes.append(node)
            if cfg.head == "output":
                self.heads.append(OutputNode())
                self.heads[-1].forward(self.params["head"], h)
        if cfg.head == "output":
            return np.stack([node.z_t for node in self.heads], axis=1)
        z = h @ self.params["head"]["W_layer"] + self.params["head"]["b_layer"]
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        self.h_last = h
        return e / e.sum(axis=-1, keepdims=True)

    def gradients(self, X, t):
        """Cost and gradients (dict of dict, like the weights) of one batch."""
        cfg = self.config
        y = self.forward(X)
        g = {k: {n: np.zeros_like(w) for n, w in v.items()} for k, v in self.params.items()}
        dC_dh = [np.zeros((X.shape[0], cfg.hidden), X.dtype) for _ in range(cfg.time)]
        if cfg.head == "dense":
            cost = -np.sum(t * np.log(np.clip(y, 1e-30, None))) / len(y)
            delta = (y - t) / len(y)  # exact softmax + cross-entropy
            g["head"]["b_layer"] += delta.sum(axis=0)
            g["head"]["W_layer"] += self.h_last.T @ delta
            dC_dh[-1] = delta @ self.params["head"]["W_layer"].T
        else:
            cost = np.mean((y - t) ** 2)
            dC_dy = 2 * (y - t) / y.size
            for s, node in enumerate(self.heads):
                dC_dh[s] = node.backward(self.params["head"], g["head"], dC_dy[:, s])
        p = self.params["recurrent"]
        dh_next = np.zeros_like(dC_dh[0])
        dc_next = np.zeros_like(dh_next)
        for s in reversed(range(cfg.time)):
            if cfg.cell == "lstm":
                _, dh_next, dc_next = self.nodes[s].backward(
                    p, g["recurrent"], dC_dh[s] + dh_next, dc_next)
            else:
                _, dh_next = self.nodes[s].backward(p, g["recurrent"], dC_dh[s] + dh_next)
        return float(cost), g
