"""An independent forward pass in ``jax.numpy``, for :func:`gradient_check`'s second opinion.

Written from the cells' equations, not from the layers' code: one Python loop over time per
layer, the parameters as the layers name them (``W_layer`` (n_in, G n), ``b_layer``,
``W_time`` (n, G n), ``b_time``; gate blocks in PyTorch's order, GRU r, z, n and LSTM
i, f, g, o)::

    Elman:  h_t = a(x_t W_layer + b_layer + h_{t-1} W_time + b_time)
    GRU:    [r, z] = s(x_t W_layer[:, :2n] + b_layer[:2n] + h_{t-1} W_time[:, :2n] + b_time[:2n])
            n_t = a(x_t W_layer[:, 2n:] + b_layer[2n:] + r * (h_{t-1} W_time[:, 2n:] + b_time[2n:]))
            h_t = (1 - z) * n_t + z * h_{t-1}
    LSTM:   [i, f, g, o] = [s, s, a, s](x_t W_layer + b_layer + h_{t-1} W_time + b_time)
            c_t = f * c_{t-1} + i * g,   h_t = o * a(c_t)

``jax.grad`` of :func:`reference_cost` is the autodiff gradient the check compares with.
It covers what the built-in layers do in one direction, without padding: a network with a
bidirectional layer, ``lengths`` or a user's own layer class gets the finite-difference check
only (:func:`supports` says which).
"""

import numpy as np

CELLS = ("RNNLayer", "GRULayer", "LSTMLayer")
HEADS = ("DenseLayer", "OutputLayer")


def supports(net, lengths, steps=None):
    """Whether :func:`reference_cost` can stand for ``net``; a reason if not (else None)."""
    if lengths is not None:
        return "padded batches (lengths) are checked by finite differences only"
    for i, layer in enumerate(net.layers[1:], start=1):
        kind = type(layer).__name__
        if kind not in CELLS + HEADS and i not in (steps or {}):
            return f"net.layers[{i}] ({kind}) has no JAX reference"
    if net.cost.name not in ("mse", "bce", "cce"):
        return f"the cost {net.cost.name!r} has no JAX reference"
    return None


def _cost(name, y_hat, t):
    import jax.numpy as jnp

    if name == "mse":
        return jnp.mean((y_hat - t) ** 2)
    eps = jnp.finfo(y_hat.dtype).eps
    p = jnp.clip(y_hat, eps, 1 - eps)
    if name == "bce":
        return -jnp.mean(t * jnp.log(p) + (1 - t) * jnp.log(1 - p))
    return -jnp.sum(t * jnp.log(p)) / (y_hat.size // y_hat.shape[-1])


def _step(kind, layer, p, x, state):
    """One step of one recurrent layer; ``state`` is ``h``, or ``(h, c)`` for the LSTM."""
    import jax.numpy as jnp

    a = layer.activation.function
    b_layer, b_time = p["b_layer"][None, :], p["b_time"][None, :]  # rows: the batch
    if kind == "RNNLayer":
        return a(x @ p["W_layer"] + b_layer + state @ p["W_time"] + b_time)
    s = layer.gate_activation.function
    if kind == "GRULayer":
        n = state.shape[-1]
        from_x = x @ p["W_layer"] + b_layer
        from_h = state @ p["W_time"] + b_time
        r = s(from_x[:, :n] + from_h[:, :n])
        z = s(from_x[:, n:2 * n] + from_h[:, n:2 * n])
        candidate = a(from_x[:, 2 * n:] + r * from_h[:, 2 * n:])
        return (1 - z) * candidate + z * state
    h, c = state
    i, f, g, o = jnp.split(x @ p["W_layer"] + b_layer + h @ p["W_time"] + b_time, 4, axis=-1)
    c = s(f) * c + s(i) * a(g)
    return s(o) * a(c), c


def reference_cost(net, params, X, t, h0s, c0s, steps=None):
    """The network's cost written in ``jax.numpy``, from the parameters given.

    Parameters
    ----------
    net : RNN
        Read for its architecture (layer kinds, activations, cost, L2), not its weights.
    params : list of dict of str to jax array
        One dict per layer of ``net.layers`` (the input layer's empty).
    X : jax array of shape (batch, time, n_in)
    t : jax array
    h0s, c0s : list of jax arrays of shape (batch, n)
        One per recurrent layer (``c0s``: per layer with a cell state).
    steps : dict of int to callable, optional
        For a layer of a cell of your own, by index: its step in ``jax.numpy``,
        ``step(p, x, state) -> state`` with ``p`` the layer's parameters, ``x``
        (batch, n_in) and ``state`` ``h`` or ``(h, c)``, each (batch, n).

    Returns
    -------
    jax scalar
        The data cost plus ``lmbd / 2 * sum(W**2)`` over the ``W_*`` parameters.
    """
    import jax.numpy as jnp

    below = [X[:, k] for k in range(X.shape[1])]  # a list over time of (batch, n_in)
    h_iter, c_iter = iter(h0s), iter(c0s)
    for i, (layer, p) in enumerate(zip(net.layers[1:], params[1:]), start=1):
        kind = type(layer).__name__
        if layer.recurrent:
            h = next(h_iter)
            state = (h, next(c_iter)) if layer.cell_state else h
            own = (steps or {}).get(i)
            outputs = []
            for x in below:
                state = own(p, x, state) if own else _step(kind, layer, p, x, state)
                outputs.append(state[0] if layer.cell_state else state)
            below = outputs
        elif kind == "OutputLayer":
            below = [layer.activation.function(x @ p["W_layer"] + p["b_layer"][None, :])
                     for x in below]
        else:  # DenseLayer: the last step, or a vector from a dense layer below
            below = [layer.activation.function(below[-1] @ p["W_layer"]
                                               + p["b_layer"][None, :])]
    y_hat = jnp.stack(below, axis=1) if net.sequence_output else below[-1]
    penalty = sum(jnp.sum(value ** 2) for p in params for name, value in p.items()
                  if name.startswith("W_"))
    return _cost(net.cost.name, y_hat, t) + 0.5 * net.lmbd * penalty


def reference_gradients(net, X, t, h0, c0, steps=None):
    """``jax.grad`` of :func:`reference_cost`: parameters by name, ``X``, ``h0``, ``c0``.

    Parameters
    ----------
    net : RNN
        A float64 network (:func:`~rnn_nodes.instruments.finite_differences.float64_copy`).
    X, t : ndarray
    h0, c0 : list of ndarray of shape (batch, n), one per recurrent (LSTM) layer
    steps : dict of int to callable, optional
        See :func:`reference_cost`.

    Returns
    -------
    dict of str to ndarray
        ``"layers.{i}.{name}"``, ``"X"``, ``"h0[k]"``, ``"c0[k]"``.
    """
    import jax
    import jax.numpy as jnp

    def cost(params, X, h0s, c0s):
        return reference_cost(net, params, X, t, h0s, c0s, steps)

    with jax.enable_x64(True):  # thread-local: float64 here only
        params = [{name: jnp.asarray(value) for name, value in layer.params.items()}
                  for layer in net.layers]
        grads = jax.grad(cost, argnums=(0, 1, 2, 3))(
            params, jnp.asarray(X), [jnp.asarray(h) for h in h0], [jnp.asarray(c) for c in c0])
    named = {f"layers.{i}.{name}": np.asarray(value)
             for i, layer_grads in enumerate(grads[0]) for name, value in layer_grads.items()}
    named["X"] = np.asarray(grads[1])
    named |= {f"h0[{k}]": np.asarray(g) for k, g in enumerate(grads[2])}
    named |= {f"c0[{k}]": np.asarray(g) for k, g in enumerate(grads[3])}
    return named
