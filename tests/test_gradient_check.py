"""Backpropagation through time of ``rnn_nodes.RNN`` against ``jax.grad`` and central differences.

Agreement is measured per array as ``rel_err(a, ref) = max|a - ref| / max(max|ref|, 1e-8)``
(see ``reference.rel_err``): every parameter gradient, dC/dX and dC/dh0 must be within 1e-6 of the
independent JAX reference in ``reference.py``; forward outputs within 1e-12.
"""

import itertools

import numpy as np
import pytest

from reference import Spec, data_cost, params_from_net, reference_forward, reference_gradients, rel_err
from rnn_nodes import RNN
from rnn_nodes.activations import ACTIVATIONS as REGISTERED_ACTIVATIONS
from rnn_nodes.costs import COSTS

BATCH, T, N_IN, HIDDEN, N_OUT, N_DENSE = 3, 5, 2, (3, 4, 3), 2, 4
GRAD_TOL, FORWARD_TOL = 1e-6, 1e-12

# every registered elementwise activation, so a new one is checked (and needs the reference)
ACTIVATIONS = [name for name, a in REGISTERED_ACTIVATIONS.items() if a.elementwise]
# (cost, output activation): every cost with its natural output, and mse with unnatural ones too
PAIRINGS = [("mse", "identity"), ("mse", "tanh"), ("mse", "sigmoid"), ("mse", "softmax")] + [
    (name, cost.paired_activation) for name, cost in COSTS.items() if cost.paired_activation]


def stack(first, depth):
    """``depth`` recurrent activations starting at ``first``, the rest rotating through the list."""
    i = ACTIVATIONS.index(first)
    return tuple(ACTIVATIONS[(i + l) % len(ACTIVATIONS)] for l in range(depth))


def spec_id(spec):
    return "-".join([*spec.recurrent, spec.head, *spec.head_activations, spec.cost])


def build(spec, lmbd=0.0, bptt_limit=None, T=T, seed=0):
    """A core ``RNN`` for ``spec`` with random weights (and random biases), plus data for it.

    Returns
    -------
    net, X (batch, T, n_in), t (shaped like the output), h0s (list of (batch, n_l))
    """
    rng = np.random.default_rng(seed)
    net = RNN(cost=spec.cost, lmbd=lmbd, bptt_limit=bptt_limit, dtype="float64", seed=seed)
    net.add_InputLayer(N_IN)
    for activation, n in zip(spec.recurrent, HIDDEN):
        net.add_RNNLayer(n, activation=activation)
    if spec.many_to_many:
        net.add_OutputLayer(N_OUT, activation=spec.head_activations[0])
    else:
        sizes = [N_DENSE] * (len(spec.head_activations) - 1) + [N_OUT]
        for n, activation in zip(sizes, spec.head_activations):
            net.add_DenseLayer(n, activation=activation)
    # Non-zero biases and weights of a known scale, written into the layers' own arrays.
    for layer in net.layers[1:]:
        for name, value in layer.params.items():
            value[...] = rng.normal(0.0, 0.6 if name.startswith("W") else 0.3, value.shape)

    X = rng.normal(size=(BATCH, T, N_IN))
    h0s = [rng.normal(0.0, 0.5, (BATCH, n)) for n in HIDDEN[:len(spec.recurrent)]]
    shape = (BATCH, T, N_OUT) if spec.many_to_many else (BATCH, N_OUT)
    if spec.cost == "cce":
        t = np.eye(N_OUT)[rng.integers(0, N_OUT, shape[:-1])]  # one-hot rows
    elif spec.cost == "bce":
        t = rng.integers(0, 2, shape).astype(np.float64)
    else:
        t = rng.uniform(0.05, 0.95, shape)
    return net, X, t, h0s


def data_cost_of(net, X, t):
    """The core's data cost on ``X`` (``net.cost`` is the cost object; ``cost_value`` evaluates it)."""
    return float(net.cost_value(X, t))


def expected_shapes(spec):
    """Parameter shapes of every trainable layer, in order."""
    shapes, n = [], N_IN
    for m in HIDDEN[:len(spec.recurrent)]:
        shapes.append({"W_layer": (n, m), "b_layer": (m,), "W_time": (m, m), "b_time": (m,)})
        n = m
    head = [N_OUT] if spec.many_to_many else [N_DENSE] * (len(spec.head_activations) - 1) + [N_OUT]
    for m in head:
        shapes.append({"W_layer": (n, m), "b_layer": (m,)})
        n = m
    return shapes


def check_against_reference(spec, lmbd=0.0, bptt_limit=None, T=T, seed=0):
    """Forward, cost and every gradient of the core against the reference; one report of all misfits."""
    net, X, t, h0s = build(spec, lmbd, bptt_limit, T, seed)
    assert [{k: v.shape for k, v in layer.params.items()} for layer in net.layers[1:]] == expected_shapes(spec)
    params = params_from_net(net)

    y = net.forward(X, h0=h0s)
    y_ref = reference_forward(params, X, spec, h0s)
    assert rel_err(y, y_ref) < FORWARD_TOL, f"forward: rel err {rel_err(y, y_ref):.3g}"
    cost_ref = float(data_cost(reference_forward(params, X, spec), t, spec))
    assert data_cost_of(net, X, t) == pytest.approx(cost_ref, rel=1e-12, abs=1e-15)

    g = net.gradients(X, t, h0=h0s)
    ref = reference_gradients(params, X, t, h0s, spec, lmbd, bptt_limit)
    assert g.params.layer(0) == {}
    assert len(g.params) == len(net.layers) and len(g.h0) == len(spec.recurrent)
    misfits = []
    for i, (got, want) in enumerate(zip(list(g.params)[1:], ref.params), start=1):
        assert set(got) == set(want), f"layer {i}: gradient names {sorted(got)}"
        misfits += [f"layer {i} {name}: rel err {rel_err(got[name], want[name]):.3g} "
                    f"(max|ref| {np.abs(want[name]).max():.3g})"
                    for name in want if not rel_err(got[name], want[name]) < GRAD_TOL]
    if not rel_err(g.X, ref.X) < GRAD_TOL:
        misfits.append(f"X: rel err {rel_err(g.X, ref.X):.3g}")
    misfits += [f"h0[{l}]: rel err {rel_err(a, b):.3g}" for l, (a, b) in enumerate(zip(g.h0, ref.h0))
                if not rel_err(a, b) < GRAD_TOL]
    assert not misfits, "; ".join(misfits)


# --- whole network against jax.grad of the reference -----------------------------------------

HEADS, DEPTHS = ["dense", "output"], [1, 2, 3]


def covering_product():
    """Every activation x pairing x head x depth: the 30 cases of a covering set run always,
    the other 150 are marked ``exhaustive`` (``pytest -m exhaustive``; the second-kernel run
    of every full session runs them, see ``second_kernel.py``). The covering set takes each
    (activation, pairing) once, with head ``(i + j) % 2`` and depth ``(i + 2j) % 3`` for the
    i-th activation and j-th pairing: every pair of values of any two of the four factors
    occurs in it (checked below)."""
    cases = []
    for (i, activation), (j, (cost, output)), (h, head), (d, depth) in itertools.product(
            enumerate(ACTIVATIONS), enumerate(PAIRINGS), enumerate(HEADS), enumerate(DEPTHS)):
        covering = h == (i + j) % len(HEADS) and d == (i + 2 * j) % len(DEPTHS)
        cases.append(pytest.param(activation, cost, output, head, depth,
                                  marks=() if covering else pytest.mark.exhaustive,
                                  id=f"{activation}-{cost}-{output}-{head}-{depth}"))
    return cases


def test_the_covering_set_holds_every_pair_of_factor_values():
    covering = [case.values for case in covering_product() if not case.marks]
    values = [ACTIVATIONS, PAIRINGS, HEADS, DEPTHS]
    rows = [(a, (c, o), h, d) for a, c, o, h, d in covering]
    for first, second in itertools.combinations(range(4), 2):
        seen = {(row[first], row[second]) for row in rows}
        assert seen == set(itertools.product(values[first], values[second])), (first, second)


@pytest.mark.parametrize("activation, cost, output_activation, head, depth", covering_product())
def test_gradients_every_activation_cost_head_depth(activation, cost, output_activation, head, depth):
    check_against_reference(Spec(stack(activation, depth), head, (output_activation,), cost))


@pytest.mark.parametrize("depth", [1, 2])
@pytest.mark.parametrize("cost,output_activation", PAIRINGS)
@pytest.mark.parametrize("hidden_dense", [("tanh",), ("relu", "sigmoid")], ids=["2dense", "3dense"])
def test_gradients_dense_stacks(hidden_dense, cost, output_activation, depth):
    # 2 or 3 DenseLayers after the last step; hidden dense layers with their own activations
    activation = ACTIVATIONS[(len(hidden_dense) + depth + PAIRINGS.index((cost, output_activation))) % len(ACTIVATIONS)]
    check_against_reference(Spec(stack(activation, depth), "dense", (*hidden_dense, output_activation), cost))


@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("head", [("output", ()), ("dense", ()), ("dense", ("leaky_relu",))],
                         ids=["m2m", "m2o", "m2o-2dense"])
@pytest.mark.parametrize("cost,output_activation", [("mse", "identity"), ("bce", "sigmoid"), ("cce", "softmax")])
def test_gradients_with_l2(cost, output_activation, head, depth):
    kind, hidden_dense = head
    activation = ACTIVATIONS[(depth + len(hidden_dense)) % len(ACTIVATIONS)]
    check_against_reference(Spec(stack(activation, depth), kind, (*hidden_dense, output_activation), cost),
                            lmbd=0.1)


@pytest.mark.parametrize("lmbd", [0.0, 0.1])
@pytest.mark.parametrize("spec", [Spec((), "output", ("identity",), "mse"),
                                  Spec((), "output", ("softmax",), "cce"),
                                  Spec((), "dense", ("sigmoid",), "bce"),
                                  Spec((), "dense", ("tanh", "softmax"), "cce")], ids=spec_id)
def test_gradients_head_directly_on_input(spec, lmbd):
    # no recurrent layer: the OutputLayer sees every x_t, the first DenseLayer the last one
    check_against_reference(spec, lmbd=lmbd)


# --- truncated BPTT ------------------------------------------------------------------------------

@pytest.mark.parametrize("k", [1, 2, 3, 6])
@pytest.mark.parametrize("depth", [1, 2])
@pytest.mark.parametrize("spec_head", [("output", ("identity",), "mse"), ("output", ("softmax",), "cce"),
                                       ("dense", ("identity",), "mse"), ("dense", ("tanh", "softmax"), "cce")],
                         ids=["m2m-mse", "m2m-cce", "m2o-mse", "m2o-2dense-cce"])
def test_truncated_bptt(spec_head, depth, k):
    head, head_activations, cost = spec_head
    spec = Spec(stack("tanh", depth), head, head_activations, cost)  # tanh, sigmoid
    check_against_reference(spec, lmbd=0.1 if k % 2 else 0.0, bptt_limit=k, T=6, seed=k)


@pytest.mark.parametrize("head", ["output", "dense"])
def test_truncation_longer_than_sequence_is_full_bptt(head):
    spec = Spec(("tanh", "relu"), head, ("identity",), "mse")
    net, X, t, h0s = build(spec, bptt_limit=T + 3)
    full, _, _, _ = build(spec)
    for a, b in zip(net.gradients(X, t, h0=h0s).params, full.gradients(X, t, h0=h0s).params):
        for name in b:
            np.testing.assert_allclose(a[name], b[name], rtol=1e-13, atol=0)


# --- central differences ------------------------------------------------------------------------

NUMPY_COSTS = {
    "mse": lambda y, t: np.mean((y - t) ** 2),
    "bce": lambda y, t: -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y)),
    "cce": lambda y, t: -np.sum(t * np.log(y)) / np.prod(y.shape[:-1]),
}
STEP = 1e-6


def central_difference(f, array, idx):
    """(f(a + h e_idx) - f(a - h e_idx)) / 2h, perturbing ``array`` in place and restoring it."""
    saved = array[idx]
    array[idx] = saved + STEP
    up = f()
    array[idx] = saved - STEP
    down = f()
    array[idx] = saved
    return (up - down) / (2 * STEP)


def sample_indices(shape, rng, n=3):
    """``n`` distinct entries of an array of ``shape`` (all of them if it has fewer)."""
    flat = rng.choice(int(np.prod(shape)), size=min(n, int(np.prod(shape))), replace=False)
    return [np.unravel_index(i, shape) for i in flat]


@pytest.mark.parametrize("lmbd", [0.0, 0.1])
@pytest.mark.parametrize("spec", [
    Spec(("tanh",), "output", ("identity",), "mse"),
    Spec(("relu", "sigmoid"), "dense", ("leaky_relu", "softmax"), "cce"),
    Spec(("sigmoid", "leaky_relu", "tanh"), "output", ("sigmoid",), "bce"),
    Spec(("identity", "tanh"), "output", ("softmax",), "cce"),
], ids=spec_id)
def test_gradients_match_central_differences(spec, lmbd):
    # |fd - grad| <= 1e-6 * max|grad of that array| + 1e-8; the differences themselves err by ~1e-10.
    net, X, t, h0s = build(spec, lmbd)
    rng = np.random.default_rng(1)
    weights = lambda: [v for layer in net.layers[1:] for k, v in layer.params.items() if k.startswith("W")]
    total = lambda: data_cost_of(net, X, t) + lmbd / 2 * sum(np.sum(W ** 2) for W in weights())  # h0 = 0
    g = net.gradients(X, t)

    def check(name, grad, f, array):
        tol = 1e-6 * np.abs(grad).max() + 1e-8
        for idx in sample_indices(array.shape, rng):
            fd = central_difference(f, array, idx)
            assert abs(fd - grad[idx]) <= tol, f"{name}{list(idx)}: analytic {grad[idx]:.10g}, fd {fd:.10g}"

    for i, layer in enumerate(net.layers[1:], start=1):
        for name, value in layer.params.items():
            check(f"layer {i} {name}", g.params.layer(i)[name], total, value)
    check("X", g.X, total, X)

    g = net.gradients(X, t, h0=h0s)
    with_h0 = lambda: NUMPY_COSTS[spec.cost](net.forward(X, h0=h0s), t)
    for l, h0 in enumerate(h0s):
        check(f"h0[{l}]", g.h0[l], with_h0, h0)
