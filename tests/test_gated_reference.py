"""The gated reference checked on its own: central differences, truncation's two constructions,
and agreement with ``reference.py`` (the Elman reference, written separately) on Elman stacks."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import reference
from reference_gated import (
    Recurrent,
    Stack,
    cost,
    init_params,
    l2_penalty,
    reference_forward,
    reference_gradients,
    rel_err,
    taylor_gradients,
)

BATCH, T, N_IN, N_OUT = 2, 5, 2, 2


def data(stack, seed, T=T):
    rng = np.random.default_rng(seed)
    params = init_params(stack, N_IN, N_OUT, rng)
    X = rng.normal(size=(BATCH, T, N_IN))

    def state(layer):
        return rng.normal(0, 0.5, (BATCH, layer.n) if layer.merge is None else (2, BATCH, layer.n))

    h0s = [state(layer) for layer in stack.layers]
    c0s = [state(layer) for layer in stack.layers if layer.cell == "lstm"]
    t = rng.uniform(-1, 1, (BATCH, T, N_OUT) if stack.head == "output" else (BATCH, N_OUT))
    if stack.cost == "cce":
        t = np.eye(N_OUT)[rng.integers(0, N_OUT, t.shape[:-1])]
    return params, X, t, h0s, c0s


STACKS = [
    Stack((Recurrent("lstm", 3),), "output"),
    Stack((Recurrent("gru", 3, "concat"), Recurrent("lstm", 2, "sum")), "dense"),
    Stack((Recurrent("rnn", 2, "sum"), Recurrent("gru", 3)), "output", "softmax", "cce"),
    Stack((Recurrent("lstm", 2, "concat", "relu", "tanh"),), "dense", "sigmoid"),
]
IDS = ["lstm-m2m", "bi-gru/bi-lstm-m2o", "bi-rnn/gru-cce", "bi-lstm-relu-tanh-m2o"]


@pytest.mark.parametrize("stack", STACKS, ids=IDS)
def test_reference_gradients_match_central_differences(stack):
    params, X, t, h0s, c0s = data(stack, 0)
    lmbd, step = 0.1, 1e-6
    compiled = jax.jit(lambda p, x, h, c: cost(stack, reference_forward(stack, p, x, h, c), t)
                       + l2_penalty(p, lmbd))
    total = lambda p, x, h, c: float(compiled(p, x, h, c))
    dp, dX, dh0, dc0 = reference_gradients(stack, params, X, t, h0s, c0s, lmbd)
    rng = np.random.default_rng(1)
    arrays = [(f"layer {i} {k}", v, dp[i][k]) for i, p in enumerate(params) for k, v in p.items()]
    arrays += [("X", X, dX)] + [(f"h0[{k}]", h, dh0[k]) for k, h in enumerate(h0s)]
    arrays += [(f"c0[{k}]", c, dc0[k]) for k, c in enumerate(c0s)]
    for name, array, grad in arrays:
        grad = np.asarray(grad)
        tol = 1e-6 * np.abs(grad).max() + 1e-9
        for flat in rng.choice(array.size, size=min(3, array.size), replace=False):
            idx = np.unravel_index(flat, array.shape)
            saved = array[idx]
            array[idx] = saved + step
            up = total(params, X, h0s, c0s)
            array[idx] = saved - step
            down = total(params, X, h0s, c0s)
            array[idx] = saved
            fd = (up - down) / (2 * step)
            assert abs(fd - grad[idx]) <= tol, f"{name}{list(idx)}: jax.grad {grad[idx]:.10g}, fd {fd:.10g}"


@pytest.mark.parametrize("stack,k", [(STACKS[1], 2), (STACKS[2], 1)], ids=[f"{IDS[1]}-k2", f"{IDS[2]}-k1"])
def test_truncation_surrogate_equals_its_definition(stack, k):
    # the k-copies surrogate against the Taylor coefficients of the eps-scaled gradient
    params, X, t, h0s, c0s = data(stack, 2)
    a = reference_gradients(stack, params, X, t, h0s, c0s, 0.1, k)
    b = taylor_gradients(stack, params, X, t, h0s, c0s, 0.1, k)
    la, lb = _leaves(a), _leaves(b)
    assert max(rel_err(x, y) for x, y in zip(la, lb)) < 1e-12
    full = _leaves(reference_gradients(stack, params, X, t, h0s, c0s, 0.1))
    assert max(rel_err(x, y) for x, y in zip(la, full)) > 1e-3  # truncation does something


def test_truncation_surrogate_equals_definition_at_three_steps():
    stack = Stack((Recurrent("lstm", 2), Recurrent("gru", 2, "sum")), "output")
    params, X, t, h0s, c0s = data(stack, 3, T=4)
    a = _leaves(reference_gradients(stack, params, X, t, h0s, c0s, 0.0, 3))
    b = _leaves(taylor_gradients(stack, params, X, t, h0s, c0s, 0.0, 3))
    assert max(rel_err(x, y) for x, y in zip(a, b)) < 1e-12


def _leaves(grads):
    return [np.asarray(v) for v in jax.tree_util.tree_leaves(grads)]


# --- Elman stacks: the same numbers as the Elman reference of reference.py ------------------------

def _elman_pair(head, seed=0):
    """A 2-layer tanh/sigmoid Elman stack in both references' terms, with the same weights."""
    spec = reference.Spec(("tanh", "sigmoid"), head, ("identity",), "mse")
    stack = Stack((Recurrent("rnn", 3, activation="tanh"), Recurrent("rnn", 2, activation="sigmoid")), head)
    params, X, t, h0s, c0s = data(stack, seed, T=6)
    elman = [{"W_layer": p["weight_ih"].T, "b_layer": p["bias_ih"], "W_time": p["weight_hh"].T,
              "b_time": p["bias_hh"]} for p in params[:-1]]
    elman.append({"W_layer": params[-1]["W"], "b_layer": params[-1]["b"]})
    elman = [{k: jnp.asarray(v) for k, v in p.items()} for p in elman]
    return spec, stack, params, elman, X, t, h0s


@pytest.mark.parametrize("k", [None, 1, 2, 3])
@pytest.mark.parametrize("head", ["output", "dense"])
def test_elman_stacks_agree_with_the_window_reference(head, k):
    # reference.py truncates by re-running windows from stop_gradient states: the same semantics
    spec, stack, params, elman, X, t, h0s = _elman_pair(head)
    np.testing.assert_allclose(reference_forward(stack, params, X, h0s, []),
                               reference.reference_forward(elman, X, spec, h0s), rtol=0, atol=1e-13)
    want = reference.reference_gradients(elman, X, t, h0s, spec, bptt_limit=k)
    dp, dX, dh0, _ = reference_gradients(stack, params, X, t, h0s, [], bptt_limit=k)
    got = [{"W_layer": d["weight_ih"].T, "b_layer": d["bias_ih"], "W_time": d["weight_hh"].T,
            "b_time": d["bias_hh"]} for d in dp[:-1]]
    got.append({"W_layer": dp[-1]["W"], "b_layer": dp[-1]["b"]})
    errors = [rel_err(g[name], w[name]) for g, w in zip(got, want.params) for name in w]
    errors += [rel_err(dX, want.X)] + [rel_err(a, b) for a, b in zip(dh0, want.h0)]
    assert max(errors) < 1e-12
