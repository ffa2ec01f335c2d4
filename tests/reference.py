"""An independent, pure-JAX reference model for the gradient checks.

Written from the equations alone (not from ``rnn_nodes``), as plain functions of plain arrays, so
that ``jax.grad`` of it is the ground truth the Node/Layer backward passes are compared against.

Notes
-----
Row-vector convention, batch-first. For recurrent layer ``l`` and time ``t``::

    z_t = h_below_t @ W_layer + b_layer + h_{t-1} @ W_time + b_time,   h_t = act(z_t),   h_{-1} = h0

An ``"output"`` head applies ``y_t = act(h_t @ W_layer + b_layer)`` at every step (many-to-many,
``y`` of shape ``(batch, time, outputs)``); a ``"dense"`` head reads the last step of the top
recurrent layer (or of ``X`` when there is none) and applies one or more dense layers (many-to-one,
``y`` of shape ``(batch, outputs)``).

Costs: ``"mse"`` and ``"bce"`` average over every element of ``y``; ``"cce"`` sums over classes and
averages over rows (``batch * time`` rows many-to-many, ``batch`` rows many-to-one). L2 adds
``lmbd / 2 * sum(W**2)`` over every ``W_layer`` and ``W_time``, never the biases.

Truncated BPTT with ``bptt_limit = k``: the cost term of output step ``s`` reaches back only through
the states of times ``s-k+1 .. s`` of every recurrent layer. :func:`truncated_cost` builds a
surrogate whose value is the cost and whose ``jax.grad`` is that truncated gradient: for each ``s``
it re-runs the forward pass over the window from ``stop_gradient`` of the states at ``s-k`` (or from
``h0`` when the window reaches ``t = 0``).
"""

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np


def _softmax(z):
    e = jnp.exp(z - jnp.max(z, axis=-1, keepdims=True))
    return e / jnp.sum(e, axis=-1, keepdims=True)


ACTIVATIONS = {
    "identity": lambda z: z,
    "sigmoid": lambda z: 1.0 / (1.0 + jnp.exp(-z)),
    "tanh": jnp.tanh,
    "relu": lambda z: jnp.where(z > 0, z, 0.0),
    "leaky_relu": lambda z: jnp.where(z > 0, z, 0.01 * z),
    "softmax": _softmax,
}

# Elementwise loss; summed, then divided by the cost's denominator (see `_denominator`).
LOSSES = {
    "mse": lambda y, t: (y - t) ** 2,
    "bce": lambda y, t: -(t * jnp.log(y) + (1.0 - t) * jnp.log(1.0 - y)),
    "cce": lambda y, t: -t * jnp.log(y),
}


@dataclass(frozen=True)
class Spec:
    """What the network is, apart from its sizes and weights.

    Parameters
    ----------
    recurrent : tuple of str
        Activation of each ``RNNLayer``, bottom to top (may be empty).
    head : {"output", "dense"}
        ``"output"``: one ``OutputLayer`` (many-to-many); ``"dense"``: ``DenseLayer`` s (many-to-one).
    head_activations : tuple of str
        One activation per head layer (exactly one for ``"output"``).
    cost : {"mse", "bce", "cce"}
    """

    recurrent: tuple
    head: str
    head_activations: tuple
    cost: str

    def __post_init__(self):
        if self.head not in ("output", "dense"):
            raise ValueError(f"head must be 'output' or 'dense', got {self.head!r}")
        if self.head == "output" and len(self.head_activations) != 1:
            raise ValueError("an 'output' head has exactly one layer")
        if not self.head_activations:
            raise ValueError("the head needs at least one layer")

    @property
    def many_to_many(self):
        return self.head == "output"


def _denominator(y_shape, spec):
    """Number the summed loss is divided by, for the whole output of shape ``y_shape``."""
    if spec.cost == "cce":
        return float(np.prod(y_shape[:-1]))  # rows: batch (* time)
    return float(np.prod(y_shape))  # every element


def _affine(h, p):
    """``h @ W_layer + b_layer`` for ``h`` of shape (batch, n_in)."""
    return h @ p["W_layer"] + p["b_layer"][None, :]


def recurrent_states(params, X, h_init, spec):
    """States of every recurrent layer.

    Parameters
    ----------
    params : list of dict
        One dict per trainable layer; the first ``len(spec.recurrent)`` are the RNN layers.
    X : array of shape (batch, time, n_in)
    h_init : list of arrays of shape (batch, n_l)
        State before the first step of ``X``, one per recurrent layer.

    Returns
    -------
    list (over layers) of lists (over time) of arrays of shape (batch, n_l)
    """
    below = [X[:, t, :] for t in range(X.shape[1])]
    states = []
    for l, name in enumerate(spec.recurrent):
        p, act = params[l], ACTIVATIONS[name]
        h, seq = h_init[l], []
        for x_t in below:
            h = act(_affine(x_t, p) + h @ p["W_time"] + p["b_time"][None, :])
            seq.append(h)
        states.append(seq)
        below = seq
    return states


def _output_step(params, h_top, spec):
    """Output layer on one step: (batch, n) -> (batch, m)."""
    p = params[len(spec.recurrent)]
    return ACTIVATIONS[spec.head_activations[0]](_affine(h_top, p))


def _dense_stack(params, h_last, spec):
    """Dense layers on the last step: (batch, n) -> (batch, m)."""
    h = h_last
    for p, name in zip(params[len(spec.recurrent):], spec.head_activations):
        h = ACTIVATIONS[name](_affine(h, p))
    return h


def _top(states, X):
    """Per-step inputs of the head: the top recurrent layer, or ``X`` itself."""
    return states[-1] if states else [X[:, t, :] for t in range(X.shape[1])]


def _default_h0(params, X, spec, h0s):
    if h0s is not None:
        return list(h0s)
    return [jnp.zeros((X.shape[0], params[l]["W_time"].shape[0]), X.dtype)
            for l in range(len(spec.recurrent))]


def reference_forward(params, X, spec, h0s=None):
    """Network output: (batch, time, m) for an ``"output"`` head, (batch, m) for ``"dense"``."""
    top = _top(recurrent_states(params, X, _default_h0(params, X, spec, h0s), spec), X)
    if spec.many_to_many:
        return jnp.stack([_output_step(params, h, spec) for h in top], axis=1)
    return _dense_stack(params, top[-1], spec)


def data_cost(y, t, spec):
    """Cost of output ``y`` against target ``t`` (same shape), no regularisation."""
    return jnp.sum(LOSSES[spec.cost](y, t)) / _denominator(y.shape, spec)


def l2_penalty(params, lmbd):
    """``lmbd / 2`` times the sum of squares of every weight matrix (not the biases)."""
    return 0.5 * lmbd * sum(jnp.sum(p[name] ** 2)
                            for p in params for name in ("W_layer", "W_time") if name in p)


def reference_cost(params, X, t, h0s, spec, lmbd=0.0):
    """Total cost (data cost + L2), full backpropagation through time when differentiated."""
    return data_cost(reference_forward(params, X, spec, h0s), t, spec) + l2_penalty(params, lmbd)


def truncated_cost(params, X, t, h0s, spec, lmbd, bptt_limit):
    """Surrogate with the value of :func:`reference_cost` whose gradient is truncated BPTT.

    The cost term of each output step ``s`` is recomputed by a forward pass over the window
    ``max(0, s-k+1) .. s`` that starts from ``stop_gradient`` of the full-forward states at time
    ``s-k`` of every recurrent layer, or from ``h0s`` when the window starts at ``t = 0``.
    """
    k, T = bptt_limit, X.shape[1]
    h0s = _default_h0(params, X, spec, h0s)
    full = recurrent_states(params, X, h0s, spec)
    den = _denominator(t.shape, spec)
    total = 0.0
    for s in (range(T) if spec.many_to_many else [T - 1]):
        start = max(0, s - k + 1)
        init = h0s if start == 0 else [jax.lax.stop_gradient(seq[start - 1]) for seq in full]
        window = X[:, start:s + 1, :]
        h_s = _top(recurrent_states(params, window, init, spec), window)[-1]
        if spec.many_to_many:
            total = total + jnp.sum(LOSSES[spec.cost](_output_step(params, h_s, spec), t[:, s])) / den
        else:
            total = total + jnp.sum(LOSSES[spec.cost](_dense_stack(params, h_s, spec), t)) / den
    return total + l2_penalty(params, lmbd)


@dataclass
class Gradients:
    """``jax.grad`` of the reference: ``params`` (list of dict), ``X``, ``h0`` (list)."""

    params: list
    X: jnp.ndarray
    h0: list


def reference_gradients(params, X, t, h0s, spec, lmbd=0.0, bptt_limit=None):
    """Gradients of the total cost w.r.t. the parameters, ``X`` and ``h0s``.

    ``h0s=None`` means zero initial states (their gradient is still returned).
    """
    h0s = _default_h0(params, X, spec, h0s)
    if bptt_limit is None:
        f = lambda p, x, h: reference_cost(p, x, t, h, spec, lmbd)
    else:
        f = lambda p, x, h: truncated_cost(p, x, t, h, spec, lmbd, bptt_limit)
    dp, dX, dh = jax.grad(f, argnums=(0, 1, 2))(params, X, h0s)
    return Gradients(params=dp, X=dX, h0=list(dh))


def torch_elman_top(state_dict, X, h0s=None, nonlinearity="tanh"):
    """Top-layer hidden sequence of a stacked ``torch.nn.RNN(batch_first=True)``, in its own words.

    ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` per layer, with PyTorch's parameter
    names ``weight_ih_l{l}`` (n_l, n_in_l), ``weight_hh_l{l}``, ``bias_ih_l{l}``, ``bias_hh_l{l}``.

    Returns
    -------
    array of shape (batch, time, n_top)
    """
    act = ACTIVATIONS[nonlinearity]
    n_layers = sum(1 for key in state_dict if key.startswith("weight_ih_l"))
    below = [X[:, t, :] for t in range(X.shape[1])]
    for l in range(n_layers):
        W_ih, W_hh = state_dict[f"weight_ih_l{l}"], state_dict[f"weight_hh_l{l}"]
        b_ih, b_hh = state_dict[f"bias_ih_l{l}"], state_dict[f"bias_hh_l{l}"]
        h = jnp.zeros((X.shape[0], W_hh.shape[0]), X.dtype) if h0s is None else h0s[l]
        seq = []
        for x_t in below:
            h = act(x_t @ W_ih.T + b_ih[None, :] + h @ W_hh.T + b_hh[None, :])
            seq.append(h)
        below = seq
    return jnp.stack(below, axis=1)


def params_from_net(net):
    """Copy the weights of every trainable layer of a core ``RNN`` into float64 JAX arrays."""
    return [{name: jnp.asarray(np.array(value, dtype=np.float64)) for name, value in layer.params.items()}
            for layer in net.layers[1:]]


def rel_err(a, b, tiny=1e-8):
    """``max|a - b| / max(max|b|, tiny)``: error relative to the largest entry of the reference ``b``."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs reference {b.shape}")
    return float(np.max(np.abs(a - b), initial=0.0) / max(np.max(np.abs(b), initial=0.0), tiny))
