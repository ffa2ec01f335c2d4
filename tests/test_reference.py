"""The reference model checked against itself: central differences and a second BPTT algorithm."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from reference import (ACTIVATIONS, Spec, l2_penalty, recurrent_states, reference_cost,
                       reference_forward, reference_gradients, rel_err, truncated_cost)

BATCH, T, N_IN, HIDDEN, N_OUT = 2, 4, 2, (3, 4, 3), 2


def make_case(spec, seed=0, T=T):
    """Random float64 weights, inputs, initial states and targets suited to ``spec.cost``."""
    rng = np.random.default_rng(seed)
    sizes = [N_IN, *HIDDEN[:len(spec.recurrent)]]
    params = [{"W_layer": rng.normal(0, 0.6, (sizes[l], sizes[l + 1])),
               "b_layer": rng.normal(0, 0.3, sizes[l + 1]),
               "W_time": rng.normal(0, 0.6, (sizes[l + 1], sizes[l + 1])),
               "b_time": rng.normal(0, 0.3, sizes[l + 1])} for l in range(len(spec.recurrent))]
    head_sizes = [sizes[-1]] + [3] * (len(spec.head_activations) - 1) + [N_OUT]
    for n, m in zip(head_sizes[:-1], head_sizes[1:]):
        params.append({"W_layer": rng.normal(0, 0.6, (n, m)), "b_layer": rng.normal(0, 0.3, m)})
    params = [{k: jnp.asarray(v) for k, v in p.items()} for p in params]
    X = jnp.asarray(rng.normal(size=(BATCH, T, N_IN)))
    h0s = [jnp.asarray(rng.normal(0, 0.5, (BATCH, h))) for h in HIDDEN[:len(spec.recurrent)]]
    shape = (BATCH, T, N_OUT) if spec.many_to_many else (BATCH, N_OUT)
    if spec.cost == "cce":
        t = np.eye(N_OUT)[rng.integers(0, N_OUT, shape[:-1])]
    else:
        t = rng.uniform(0.1, 0.9, shape)
    return params, X, h0s, jnp.asarray(t)


def spec_id(spec):
    return "-".join([*spec.recurrent, spec.head, *spec.head_activations, spec.cost])


SPECS = [
    Spec(("tanh",), "output", ("identity",), "mse"),
    Spec(("sigmoid", "relu"), "output", ("softmax",), "cce"),
    Spec(("leaky_relu", "tanh"), "dense", ("tanh", "sigmoid"), "bce"),
    Spec(("identity",), "dense", ("softmax",), "cce"),
    Spec((), "output", ("sigmoid",), "bce"),
    Spec((), "dense", ("identity",), "mse"),
]


def central_differences(f, x, step=1e-6):
    """Gradient of the scalar ``f`` at the float64 array ``x``, entry by entry."""
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += step
        down[idx] -= step
        grad[idx] = (f(jnp.asarray(up)) - f(jnp.asarray(down))) / (2 * step)
    return grad


@pytest.mark.parametrize("lmbd", [0.0, 0.1])
@pytest.mark.parametrize("spec", SPECS, ids=spec_id)
def test_reference_gradients_match_central_differences(spec, lmbd):
    # |fd - grad| <= 1e-6 * max|grad| + 1e-8 per array: the differences' own error is ~1e-10.
    params, X, h0s, t = make_case(spec)
    cost = jax.jit(lambda p, x, h: reference_cost(p, x, t, h, spec, lmbd))
    g = reference_gradients(params, X, t, h0s, spec, lmbd)

    for i, p in enumerate(params):
        for name, value in p.items():
            def f(v, i=i, name=name):
                return float(cost([{**q, name: v} if j == i else q for j, q in enumerate(params)], X, h0s))
            fd = central_differences(f, value)
            np.testing.assert_allclose(g.params[i][name], fd, rtol=0, atol=1e-6 * np.abs(fd).max() + 1e-8,
                                       err_msg=f"layer {i} {name}")
    fd = central_differences(lambda x: float(cost(params, x, h0s)), X)
    np.testing.assert_allclose(g.X, fd, rtol=0, atol=1e-6 * np.abs(fd).max() + 1e-8, err_msg="X")
    for l, h in enumerate(h0s):
        fd = central_differences(lambda v, l=l: float(cost(params, X, [v if j == l else q for j, q in enumerate(h0s)])), h)
        np.testing.assert_allclose(g.h0[l], fd, rtol=0, atol=1e-6 * np.abs(fd).max() + 1e-8, err_msg=f"h0[{l}]")


def test_activations_by_definition():
    z = jnp.array([[-2.0, -0.5, 0.3, 1.7]])
    np.testing.assert_allclose(ACTIVATIONS["relu"](z), [[0, 0, 0.3, 1.7]])
    np.testing.assert_allclose(ACTIVATIONS["leaky_relu"](z), [[-0.02, -0.005, 0.3, 1.7]])
    np.testing.assert_allclose(ACTIVATIONS["sigmoid"](z), 1 / (1 + np.exp(-np.asarray(z))))
    np.testing.assert_allclose(ACTIVATIONS["softmax"](z), np.exp(z) / np.exp(z).sum(), rtol=1e-15)


def test_costs_by_definition():
    y = jnp.array([[0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    t = jnp.array([[0.0, 1.0], [1.0, 0.0], [1.0, 0.0]])
    m2o = dict(recurrent=(), head="dense", head_activations=("softmax",))
    yy, tt = np.asarray(y), np.asarray(t)
    np.testing.assert_allclose(reference_cost_of(y, t, Spec(cost="mse", **m2o)), ((yy - tt) ** 2).mean())
    np.testing.assert_allclose(reference_cost_of(y, t, Spec(cost="bce", **m2o)),
                               -(tt * np.log(yy) + (1 - tt) * np.log(1 - yy)).mean())
    np.testing.assert_allclose(reference_cost_of(y, t, Spec(cost="cce", **m2o)),
                               -(np.log(0.8) + np.log(0.6) + np.log(0.3)) / 3)
    # many-to-many cce averages over batch * time rows
    y3, t3 = jnp.stack([y, y], axis=1), jnp.stack([t, t], axis=1)
    np.testing.assert_allclose(reference_cost_of(y3, t3, Spec((), "output", ("softmax",), "cce")),
                               -(np.log(0.8) + np.log(0.6) + np.log(0.3)) / 3)


def reference_cost_of(y, t, spec):
    from reference import data_cost
    return float(data_cost(y, t, spec))


def test_l2_penalty_counts_weights_not_biases():
    params = [{"W_layer": jnp.ones((2, 3)), "b_layer": jnp.ones(3), "W_time": 2 * jnp.ones((3, 3)),
               "b_time": jnp.ones(3)}, {"W_layer": jnp.ones((3, 1)), "b_layer": 5 * jnp.ones(1)}]
    assert float(l2_penalty(params, 0.1)) == pytest.approx(0.05 * (6 + 36 + 3))


def test_forward_by_hand_one_unit():
    # one identity unit, two steps: h0 = 1, h_0 = 2*x0 + 0.5 + 3*h0 - 1, h_1 = 2*x1 + 0.5 + 3*h_0 - 1
    spec = Spec(("identity",), "output", ("identity",), "mse")
    params = [{"W_layer": jnp.array([[2.0]]), "b_layer": jnp.array([0.5]), "W_time": jnp.array([[3.0]]),
               "b_time": jnp.array([-1.0])}, {"W_layer": jnp.array([[10.0]]), "b_layer": jnp.array([1.0])}]
    X = jnp.array([[[1.0], [-1.0]]])
    y = reference_forward(params, X, spec, [jnp.array([[1.0]])])
    h_0 = 2 + 0.5 + 3 - 1
    h_1 = -2 + 0.5 + 3 * h_0 - 1
    np.testing.assert_allclose(y, [[[10 * h_0 + 1], [10 * h_1 + 1]]])


# --- truncated BPTT: the windowed surrogate against the textbook step-by-step algorithm ---------

def stepwise_truncated_gradients(params, X, t, h0s, spec, lmbd, k):
    """Truncated BPTT the classic way: per output step ``s``, push the cotangent back through
    ``k`` step functions with ``jax.vjp``, dropping it at the state of time ``s-k``."""
    n_rec, T = len(spec.recurrent), X.shape[1]
    states = recurrent_states(params, X, h0s, spec)
    prev = [list(h0s)] + [[seq[time] for seq in states] for time in range(T - 1)]  # inputs of step time

    def step(p, x_t, h_prev):
        """One time step of every recurrent layer: returns the new states."""
        below, new = x_t, []
        for l, name in enumerate(spec.recurrent):
            q = p[l]
            h = ACTIVATIONS[name](below @ q["W_layer"] + q["b_layer"][None, :] + h_prev[l] @ q["W_time"]
                                  + q["b_time"][None, :])
            new.append(h)
            below = h
        return new

    def head(p, h_top, t_s):
        """Cost term of one output step from the top state."""
        if spec.many_to_many:
            y = ACTIVATIONS[spec.head_activations[0]](h_top @ p[n_rec]["W_layer"] + p[n_rec]["b_layer"][None, :])
        else:
            y = h_top
            for q, name in zip(p[n_rec:], spec.head_activations):
                y = ACTIVATIONS[name](y @ q["W_layer"] + q["b_layer"][None, :])
        return jnp.sum({"mse": lambda: (y - t_s) ** 2,
                        "bce": lambda: -(t_s * jnp.log(y) + (1 - t_s) * jnp.log(1 - y)),
                        "cce": lambda: -t_s * jnp.log(y)}[spec.cost]()) / den

    den = float(np.prod(t.shape[:-1] if spec.cost == "cce" else t.shape))
    dparams = jax.tree_util.tree_map(jnp.zeros_like, params)
    dX, dh0 = jnp.zeros_like(X), [jnp.zeros_like(h) for h in h0s]
    add = lambda a, b: jax.tree_util.tree_map(jnp.add, a, b)
    for s in (range(T) if spec.many_to_many else [T - 1]):
        h_top = states[-1][s]
        dp_head, dh_top = jax.grad(head, argnums=(0, 1))(params, h_top, t[:, s] if spec.many_to_many else t)
        dparams = add(dparams, dp_head)
        dh = [jnp.zeros_like(seq[s]) for seq in states[:-1]] + [dh_top]  # cotangent on states at time
        for time in range(s, max(0, s - k + 1) - 1, -1):
            _, vjp = jax.vjp(step, params, X[:, time, :], prev[time])
            dp_step, dx_t, dh = vjp(dh)
            dparams = add(dparams, dp_step)
            dX = dX.at[:, time, :].add(dx_t)
        if s - k + 1 <= 0:
            dh0 = [a + b for a, b in zip(dh0, dh)]
    dparams = add(dparams, jax.grad(l2_penalty)(params, lmbd))
    return dparams, dX, dh0


TRUNCATED_SPECS = [
    Spec(("tanh",), "output", ("identity",), "mse"),
    Spec(("tanh", "sigmoid"), "output", ("softmax",), "cce"),
    Spec(("relu", "tanh", "leaky_relu"), "output", ("sigmoid",), "bce"),
    Spec(("tanh",), "dense", ("identity",), "mse"),
    Spec(("sigmoid", "tanh"), "dense", ("relu", "softmax"), "cce"),
]


@pytest.mark.parametrize("k", [1, 2, 3, 5])
@pytest.mark.parametrize("spec", TRUNCATED_SPECS, ids=spec_id)
def test_truncated_surrogate_matches_stepwise_bptt(spec, k):
    params, X, h0s, t = make_case(spec, seed=k, T=6)
    g = reference_gradients(params, X, t, h0s, spec, lmbd=0.1, bptt_limit=k)
    dp, dX, dh0 = stepwise_truncated_gradients(params, X, t, h0s, spec, 0.1, k)
    for i, p in enumerate(dp):
        for name in p:
            assert rel_err(g.params[i][name], p[name]) < 1e-12, (i, name)
    assert rel_err(g.X, dX) < 1e-12
    for a, b in zip(g.h0, dh0):
        assert rel_err(a, b) < 1e-12
    # the surrogate's value is the cost itself
    assert float(truncated_cost(params, X, t, h0s, spec, 0.1, k)) == pytest.approx(
        float(reference_cost(params, X, t, h0s, spec, 0.1)), rel=1e-13)


@pytest.mark.parametrize("spec", TRUNCATED_SPECS, ids=spec_id)
def test_truncation_at_or_beyond_length_is_full_bptt(spec):
    params, X, h0s, t = make_case(spec, T=6)
    full = reference_gradients(params, X, t, h0s, spec)
    for k in (6, 50):
        g = reference_gradients(params, X, t, h0s, spec, bptt_limit=k)
        for a, b in zip(jax.tree_util.tree_leaves((g.params, g.X, g.h0)),
                        jax.tree_util.tree_leaves((full.params, full.X, full.h0))):
            assert rel_err(a, b) < 1e-12


def test_truncation_by_hand_k1_single_unit():
    # identity unit, k = 1: dC/dW_time = sum_s dC/dh_s * h_{s-1}, no chain through W_time.
    spec = Spec(("identity",), "output", ("identity",), "mse")
    params = [{"W_layer": jnp.array([[0.7]]), "b_layer": jnp.array([0.1]), "W_time": jnp.array([[0.5]]),
               "b_time": jnp.array([-0.2])}, {"W_layer": jnp.array([[1.3]]), "b_layer": jnp.array([0.0])}]
    X = jnp.array([[[1.0], [2.0], [-1.0]]])
    h0 = jnp.array([[0.4]])
    t = jnp.zeros((1, 3, 1))
    h, hs = 0.4, []
    for x in (1.0, 2.0, -1.0):
        h = 0.7 * x + 0.1 + 0.5 * h - 0.2
        hs.append(h)
    dh = [2 * (1.3 * hs[s]) / 3 * 1.3 for s in range(3)]  # dC/dh_s of its own step's term
    g = reference_gradients(params, X, t, [h0], spec, bptt_limit=1)
    np.testing.assert_allclose(g.params[0]["W_time"], [[sum(dh[s] * ([0.4] + hs)[s] for s in range(3))]])
    np.testing.assert_allclose(g.X[0, :, 0], [0.7 * d for d in dh])
    np.testing.assert_allclose(g.h0[0], [[0.5 * dh[0]]])
