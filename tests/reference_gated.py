"""An independent, pure-JAX reference for Elman, GRU and LSTM stacks, one- or two-directional.

Written from the equations of PyTorch's ``nn.RNN``, ``nn.GRU`` and ``nn.LSTM`` documentation, on
arrays in PyTorch's own layout (``weight_ih`` of shape (gates * n, n_in), ``weight_hh`` (gates * n, n),
``bias_ih``, ``bias_hh``; gate order GRU r, z, n and LSTM i, f, g, o), not from ``rnn_nodes``.
``jax.grad`` of it is the ground truth for the gradient checks of the gated layers.

Notes
-----
Row vectors, batch first, ``s`` the gate activation (sigmoid) and ``a`` the activation (tanh)::

    Elman:  h_t = a(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)
    GRU:    r = s(x W_ir^T + b_ir + h_{t-1} W_hr^T + b_hr)
            z = s(x W_iz^T + b_iz + h_{t-1} W_hz^T + b_hz)
            n = a(x W_in^T + b_in + r * (h_{t-1} W_hn^T + b_hn))
            h_t = (1 - z) * n + z * h_{t-1}
    LSTM:   i, f, g, o = s(.), s(.), a(.), s(.) of x W_i*^T + b_i* + h_{t-1} W_h*^T + b_h*
            c_t = f * c_{t-1} + i * g
            h_t = o * a(c_t)

A bidirectional layer runs a second set of weights (PyTorch's ``_reverse`` entries) from
``t = T-1`` down to 0 and merges the two outputs of each step (``"concat"``: forward first;
``"sum"``). Its initial state is a pair ``(2, batch, n)``: forward, then reverse (PyTorch's order).
A many-to-one head reads the top layer's summary: ``h_{T-1}`` for one direction, the merge of
the forward direction's ``h_{T-1}`` and the reverse direction's ``h_0`` for two.

Truncated BPTT with ``bptt_limit = k`` is defined by paths: the gradient keeps every path from the
cost to a quantity that passes through at most ``k - 1`` recurrent transitions (a state of step
``t`` entering step ``t + 1``, or ``t - 1`` in the reverse direction; for an LSTM both ``h`` and
``c``), summed over all layers of the stack. The user's initial states enter the first step
without a transition. For a one-directional stack this is the window of ``tests/reference.py``:
output step ``s`` reaches the states of steps ``s-k+1 .. s`` in every layer, and ``h0`` when the
window reaches step 0 (``test_gated_reference.py`` checks that they agree). Two constructions:

- definition (:func:`taylor_gradients`): scale the gradient through every transition by ``eps``
  (the forward values do not change); the gradient is then a polynomial in ``eps`` and the
  truncated gradient is the sum of its coefficients of degree below ``k``, its Taylor
  coefficients at ``eps = 0``. Exact, but forward-over-reverse of order ``k - 1``: slow.
- surrogate (:func:`reference_gradients`): run ``k`` copies of every layer with the same values;
  copy ``j`` takes its recurrent input from copy ``j - 1`` (copy 0 from a constant), layers pass
  copy ``j`` to copy ``j``, the head reads copy ``k - 1``. A path through the copies loses one
  copy per transition, so plain ``jax.grad`` keeps exactly the paths of at most ``k - 1``
  transitions. ``test_gated_reference.py`` checks it against the definition.
"""

import math
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

ACTIVATIONS = {
    "identity": lambda v: v,
    "sigmoid": lambda v: 1.0 / (1.0 + jnp.exp(-v)),
    "tanh": jnp.tanh,
    "relu": lambda v: jnp.where(v > 0, v, 0.0),
    "leaky_relu": lambda v: jnp.where(v > 0, v, 0.01 * v),
    "softmax": lambda v: jnp.exp(v - jax.scipy.special.logsumexp(v, axis=-1, keepdims=True)),
}
GATES = {"rnn": 1, "gru": 3, "lstm": 4}
TORCH_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


@dataclass(frozen=True)
class Recurrent:
    """One recurrent layer of the stack.

    cell : {"rnn", "gru", "lstm"}
    n : hidden units of one direction
    merge : None (one direction), "concat" or "sum" (two directions)
    activation : the Elman activation, or a/tanh of the gated cells
    gate_activation : s/sigmoid of the gated cells
    """

    cell: str
    n: int
    merge: str = None
    activation: str = "tanh"
    gate_activation: str = "sigmoid"

    @property
    def width(self):
        """Features per step given to the layer above."""
        return 2 * self.n if self.merge == "concat" else self.n

    @property
    def directions(self):
        return ("",) if self.merge is None else ("", "_reverse")


@dataclass(frozen=True)
class Stack:
    """Recurrent layers bottom to top, then a head.

    head : "output" (a dense map at every step, many-to-many) or "dense" (one dense layer on the
    top layer's summary, many-to-one); head_activation its activation; cost "mse" or "cce".
    """

    layers: tuple
    head: str = "output"
    head_activation: str = "identity"
    cost: str = "mse"


def init_params(stack, n_in, n_out, rng, scale=0.5):
    """Random parameters in PyTorch's layout: one dict per recurrent layer, then ``{"W", "b"}``.

    Recurrent dicts hold ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh`` and, for two
    directions, the same names with ``_reverse``. The head's ``W`` is (n_top, n_out), row vectors.
    """
    params = []
    for layer in stack.layers:
        G, n, p = GATES[layer.cell], layer.n, {}
        for suffix in layer.directions:
            p["weight_ih" + suffix] = rng.normal(0, scale, (G * n, n_in))
            p["weight_hh" + suffix] = rng.normal(0, scale, (G * n, n))
            p["bias_ih" + suffix] = rng.normal(0, scale / 2, G * n)
            p["bias_hh" + suffix] = rng.normal(0, scale / 2, G * n)
        params.append(p)
        n_in = layer.width
    params.append({"W": rng.normal(0, scale, (n_in, n_out)), "b": rng.normal(0, scale / 2, n_out)})
    return params


def _tag(state, eps):
    """The state's value, with the gradient flowing back through it scaled by ``eps``."""
    return jax.tree_util.tree_map(
        lambda v: jax.lax.stop_gradient(v) + eps * (v - jax.lax.stop_gradient(v)), state)


def cell_step(layer, w, x, state):
    """One step of one direction: ``state`` is ``h`` (Elman, GRU) or ``(h, c)`` (LSTM)."""
    s, a = ACTIVATIONS[layer.gate_activation], ACTIVATIONS[layer.activation]
    W_ih, W_hh, b_ih, b_hh = w
    if layer.cell == "rnn":
        return a(x @ W_ih.T + b_ih[None, :] + state @ W_hh.T + b_hh[None, :])
    if layer.cell == "gru":
        h = state
        i_r, i_z, i_n = jnp.split(x @ W_ih.T + b_ih[None, :], 3, axis=-1)
        h_r, h_z, h_n = jnp.split(h @ W_hh.T + b_hh[None, :], 3, axis=-1)
        r = s(i_r + h_r)
        z = s(i_z + h_z)
        n = a(i_n + r * h_n)
        return (1.0 - z) * n + z * h
    h, c = state
    i, f, g, o = jnp.split(x @ W_ih.T + b_ih[None, :] + h @ W_hh.T + b_hh[None, :], 4, axis=-1)
    c = s(f) * c + s(i) * a(g)
    return s(o) * a(c), c


# One compiled primitive per step keeps the reference's eager jax.grad fast; it is compiled once
# per cell type and shape, and differentiates like the plain function.
_cell_step = jax.jit(cell_step, static_argnums=0)


def _hidden(layer, state):
    return state[0] if layer.cell == "lstm" else state


def run_direction(layer, w, xs, state, reverse, copies=None, eps=None):
    """Hidden states of one direction from the initial ``state``.

    ``xs`` and the result are lists (over copies) of lists (over time, in time order). Without
    truncation there is one copy and ``copies`` is None; with ``copies = k``, copy ``j`` takes
    its recurrent input from copy ``j - 1``, copy 0 from a constant. ``eps`` scales the gradient
    through every transition instead (see the module's notes).
    """
    T = len(xs[0])
    order = range(T - 1, -1, -1) if reverse else range(T)
    states = [state] * len(xs)
    hs = [[None] * T for _ in xs]
    for step, t in enumerate(order):
        if step > 0 and copies is not None:  # a recurrent transition: one copy down
            states = [jax.tree_util.tree_map(jax.lax.stop_gradient, states[0])] + states[:-1]
        if step > 0 and eps is not None:
            states = [_tag(state, eps) for state in states]
        step_function = cell_step if eps is not None else _cell_step  # eps: compiling costs more
        states = [step_function(layer, w, x[t], state) for x, state in zip(xs, states)]
        for h, state in zip(hs, states):
            h[t] = _hidden(layer, state)
    return hs


def _merge(layer, h_forward, h_reverse):
    if layer.merge == "concat":
        return jnp.concatenate([h_forward, h_reverse], axis=-1)
    return h_forward + h_reverse


def stack_forward(stack, params, X, h0s, c0s, copies=None, eps=None):
    """Per-step outputs of the top layer (list over time) and its many-to-one summary.

    ``h0s``: one initial state per recurrent layer, (batch, n) or (2, batch, n) for two
    directions; ``c0s``: the same for the LSTM layers only, in order. ``copies`` and ``eps``:
    see :func:`run_direction`; the head reads the last copy.
    """
    xs = [[X[:, t, :] for t in range(X.shape[1])]] * (copies or 1)
    summary = [x[-1] for x in xs]
    cells = iter(c0s)
    for layer, p, h0 in zip(stack.layers, params, h0s):
        c0 = next(cells) if layer.cell == "lstm" else None
        runs = []
        for d, suffix in enumerate(layer.directions):
            w = tuple(p[name + suffix] for name in TORCH_NAMES)
            h_init = h0 if layer.merge is None else h0[d]
            c_init = None if c0 is None else (c0 if layer.merge is None else c0[d])
            state = h_init if c0 is None else (h_init, c_init)
            runs.append(run_direction(layer, w, xs, state, d == 1, copies, eps))
        if layer.merge is None:
            xs, summary = runs[0], [h[-1] for h in runs[0]]
        else:
            xs = [[_merge(layer, hf, hb) for hf, hb in zip(f, b)] for f, b in zip(*runs)]
            summary = [_merge(layer, f[-1], b[0]) for f, b in zip(*runs)]
    return xs[-1], summary[-1]


def reference_forward(stack, params, X, h0s, c0s, copies=None, eps=None):
    """Network output: (batch, time, n_out) many-to-many, (batch, n_out) many-to-one."""
    top, summary = stack_forward(stack, params, X, h0s, c0s, copies, eps)
    head, act = params[-1], ACTIVATIONS[stack.head_activation]
    if stack.head == "output":
        return jnp.stack([act(h @ head["W"] + head["b"][None, :]) for h in top], axis=1)
    return act(summary @ head["W"] + head["b"][None, :])


def cost(stack, y, t):
    """``mse``: mean over every element; ``cce``: summed over classes, mean over rows."""
    if stack.cost == "mse":
        return jnp.mean((y - t) ** 2)
    return -jnp.sum(t * jnp.log(y)) / float(np.prod(y.shape[:-1]))


def l2_penalty(params, lmbd):
    """``lmbd / 2`` times the sum of squares of every weight matrix (not the biases)."""
    return 0.5 * lmbd * sum(jnp.sum(v ** 2) for p in params for k, v in p.items()
                            if k.startswith("weight") or k == "W")


def _gradients(stack, params, X, t, h0s, c0s, lmbd, copies=None, eps=None):
    def f(p, x, h, c):
        y = reference_forward(stack, p, x, h, c, copies, eps)
        return cost(stack, y, t) + l2_penalty(p, lmbd)
    return jax.grad(f, argnums=(0, 1, 2, 3))(params, X, list(h0s), list(c0s))


def reference_gradients(stack, params, X, t, h0s, c0s, lmbd=0.0, bptt_limit=None):
    """Gradients of cost + L2 w.r.t. ``(params, X, h0s, c0s)``, truncated to ``bptt_limit``.

    Truncation by the surrogate of ``bptt_limit`` copies (see the module's notes).
    """
    return _gradients(stack, params, X, t, h0s, c0s, lmbd, copies=bptt_limit)


def taylor_gradients(stack, params, X, t, h0s, c0s, lmbd=0.0, bptt_limit=None):
    """As :func:`reference_gradients`, truncation by its definition: the Taylor coefficients in
    ``eps`` of degree below ``bptt_limit`` of the gradient with every transition scaled by ``eps``."""
    if bptt_limit is None:
        return _gradients(stack, params, X, t, h0s, c0s, lmbd)
    return taylor_sum(lambda eps: _gradients(stack, params, X, t, h0s, c0s, lmbd, eps=eps),
                      bptt_limit)


def taylor_sum(G, order):
    """``sum_{j < order} G^(j)(0) / j!`` for a pytree-valued function ``G`` of a scalar."""
    result, derivative = G(0.0), G
    for j in range(1, order):
        derivative = _derivative_of(derivative)
        result = jax.tree_util.tree_map(lambda r, d: r + d / math.factorial(j), result, derivative(0.0))
    return result


def _derivative_of(G):
    return lambda e: jax.jvp(G, (e,), (1.0,))[1]


def core_names(layer, p):
    """The reference's PyTorch-layout arrays of one recurrent layer under the core's names."""
    out = {}
    for suffix in layer.directions:
        out["W_layer" + suffix] = p["weight_ih" + suffix].T
        out["W_time" + suffix] = p["weight_hh" + suffix].T
        out["b_layer" + suffix] = p["bias_ih" + suffix]
        out["b_time" + suffix] = p["bias_hh" + suffix]
    return out


def rel_err(a, b, tiny=1e-8):
    """``max|a - b| / max(max|b|, tiny)``, as in ``tests/reference.py``."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs reference {b.shape}")
    return float(np.max(np.abs(a - b), initial=0.0) / max(np.max(np.abs(b), initial=0.0), tiny))
