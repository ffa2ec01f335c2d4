"""Backpropagation through time of GRU, LSTM and bidirectional stacks against ``jax.grad``.

The reference is ``reference_gated.py`` (PyTorch's equations on PyTorch-layout arrays). Every
parameter gradient, dC/dX, dC/dh0 and dC/dc0 of the core must be within ``rel_err < 1e-6`` of it
(``rel_err(a, ref) = max|a - ref| / max(max|ref|, 1e-8)``, as ``test_gradient_check.py``); forward
outputs within 1e-12.
"""

import numpy as np
import pytest

from reference_gated import (
    Recurrent,
    Stack,
    core_names,
    init_params,
    reference_forward,
    reference_gradients,
    rel_err,
)
from rnn_nodes import RNN
from rnn_nodes.activations import ACTIVATIONS as REGISTERED_ACTIVATIONS

BATCH, T, N_IN, HIDDEN, N_OUT = 2, 5, 3, (3, 3), 2
GRAD_TOL, FORWARD_TOL = 1e-6, 1e-12
OTHER = {"rnn": "gru", "gru": "lstm", "lstm": "rnn"}  # the cell under each cell in a mixed stack
BUILDERS = {"rnn": "add_RNNLayer", "gru": "add_GRULayer", "lstm": "add_LSTMLayer"}


def make_stack(cell, stacking, merge, head):
    """``stacking``: "1" one layer, "2" two of ``cell``, "mixed" ``cell`` over another cell."""
    cells = {"1": [cell], "2": [cell, cell], "mixed": [OTHER[cell], cell]}[stacking]
    return Stack(tuple(Recurrent(c, n, merge) for c, n in zip(cells, HIDDEN)), head)


def build_core(stack, params, bptt_limit=None, lmbd=0.0):
    """A float64 core ``RNN`` with the reference's weights, built with the public builders."""
    net = RNN(cost=stack.cost, lmbd=lmbd, bptt_limit=bptt_limit, dtype="float64", seed=0)
    net.add_InputLayer(N_IN)
    for layer in stack.layers:
        getattr(net, BUILDERS[layer.cell])(layer.n, bidirectional=layer.merge is not None,
                                           merge=layer.merge or "concat")
    head = net.add_OutputLayer if stack.head == "output" else net.add_DenseLayer
    head(N_OUT, activation=stack.head_activation)
    for core, layer, p in zip(net.layers[1:], stack.layers, params):
        core.set_params(**core_names(layer, p))
    net.layers[-1].set_params(W_layer=params[-1]["W"], b_layer=params[-1]["b"])
    return net


def data(stack, seed):
    rng = np.random.default_rng(seed)
    params = init_params(stack, N_IN, N_OUT, rng)
    X = rng.normal(size=(BATCH, T, N_IN))

    def state(layer):
        shape = (BATCH, layer.n) if layer.merge is None else (2, BATCH, layer.n)
        return rng.normal(0, 0.5, shape)

    h0s = [state(layer) for layer in stack.layers]
    c0s = [state(layer) for layer in stack.layers if layer.cell == "lstm"]
    t_shape = (BATCH, T, N_OUT) if stack.head == "output" else (BATCH, N_OUT)
    t = rng.uniform(-1, 1, t_shape)
    return params, X, t, h0s, c0s


def check_against_reference(stack, bptt_limit=None, lmbd=0.0, seed=0):
    params, X, t, h0s, c0s = data(stack, seed)
    net = build_core(stack, params, bptt_limit, lmbd)

    y = net.forward(X, h0=h0s, c0=c0s)
    y_ref = reference_forward(stack, params, X, h0s, c0s)
    assert rel_err(y, y_ref) < FORWARD_TOL, f"forward: rel err {rel_err(y, y_ref):.3g}"

    g = net.gradients(X, t, h0=h0s, c0=c0s)
    dp, dX, dh0, dc0 = reference_gradients(stack, params, X, t, h0s, c0s, lmbd, bptt_limit)
    want = [core_names(layer, p) for layer, p in zip(stack.layers, dp)]
    want.append({"W_layer": dp[-1]["W"], "b_layer": dp[-1]["b"]})
    assert g.params.layer(0) == {} and len(g.params) == len(stack.layers) + 2
    assert len(g.h0) == len(stack.layers) and len(g.c0) == len(c0s)
    misfits = []
    for i, (got, ref) in enumerate(zip(list(g.params)[1:], want), start=1):
        assert set(got) == set(ref), f"layer {i}: gradient names {sorted(got)}"
        misfits += [f"layer {i} {name}: rel err {rel_err(got[name], ref[name]):.3g}"
                    for name in ref if not rel_err(got[name], ref[name]) < GRAD_TOL]
    pairs = [("X", g.X, dX)] + [(f"h0[{k}]", a, b) for k, (a, b) in enumerate(zip(g.h0, dh0))]
    pairs += [(f"c0[{k}]", a, b) for k, (a, b) in enumerate(zip(g.c0, dc0))]
    misfits += [f"{name}: rel err {rel_err(a, b):.3g}" for name, a, b in pairs
                if not rel_err(a, b) < GRAD_TOL]
    assert not misfits, "; ".join(misfits)


@pytest.mark.parametrize("bptt_limit", [None, 2], ids=["full", "k=2"])
@pytest.mark.parametrize("merge", [None, "concat", "sum"], ids=["uni", "bi-concat", "bi-sum"])
@pytest.mark.parametrize("head", ["output", "dense"], ids=["m2m", "m2o"])
@pytest.mark.parametrize("stacking", ["1", "2", "mixed"])
@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_gradients(cell, stacking, head, merge, bptt_limit):
    check_against_reference(make_stack(cell, stacking, merge, head), bptt_limit)


@pytest.mark.parametrize("stack", [
    Stack((Recurrent("lstm", 3, "concat"), Recurrent("gru", 3)), "dense"),
    Stack((Recurrent("gru", 3), Recurrent("rnn", 3, "sum")), "output"),
    Stack((Recurrent("rnn", 3, "sum"), Recurrent("lstm", 3, "concat")), "output"),
], ids=["bi-lstm/gru-m2o", "gru/bi-rnn-m2m", "bi-rnn/bi-lstm-m2m"])
@pytest.mark.parametrize("bptt_limit", [1, 3, None])
def test_gradients_mixed_directions_l2_and_other_limits(stack, bptt_limit):
    # one- and two-directional layers in one stack, the L2 term on every weight (reverse too)
    check_against_reference(stack, bptt_limit, lmbd=0.1, seed=1)


ELEMENTWISE = [name for name, a in REGISTERED_ACTIVATIONS.items() if a.elementwise]


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("gate,act", [("sigmoid", a) for a in ELEMENTWISE]
                         + [(g, "tanh") for g in ELEMENTWISE if g != "sigmoid"])
def test_gradients_configured_gate_activations(cell, gate, act):
    stack = Stack((Recurrent(cell, 3, None, act, gate),), "output")
    params, X, t, h0s, c0s = data(stack, 2)
    net = RNN(dtype="float64", seed=0)
    net.add_InputLayer(N_IN)
    getattr(net, BUILDERS[cell])(3, activation=act, gate_activation=gate)
    net.add_OutputLayer(N_OUT)
    net.layers[1].set_params(**core_names(stack.layers[0], params[0]))
    net.layers[2].set_params(W_layer=params[1]["W"], b_layer=params[1]["b"])
    g = net.gradients(X, t, h0=h0s, c0=c0s)
    dp, dX, dh0, _ = reference_gradients(stack, params, X, t, h0s, c0s)
    want = core_names(stack.layers[0], dp[0])
    errors = {name: rel_err(g.params.layer(1)[name], want[name]) for name in want}
    errors.update(X=rel_err(g.X, dX), h0=rel_err(g.h0[0], dh0[0]))
    assert max(errors.values()) < GRAD_TOL, errors


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_zero_initial_states_by_default(cell):
    stack = make_stack(cell, "2", "concat", "output")
    params, X, t, h0s, c0s = data(stack, 3)
    net = build_core(stack, params)
    zeros_h = [np.zeros_like(h) for h in h0s]
    zeros_c = [np.zeros_like(c) for c in c0s]
    np.testing.assert_array_equal(net.forward(X), net.forward(X, zeros_h, zeros_c))
    a, b = net.gradients(X, t), net.gradients(X, t, zeros_h, zeros_c)
    assert len(a.c0) == len(c0s)
    for da, db in zip(a.h0 + a.c0, b.h0 + b.c0):
        np.testing.assert_array_equal(da, db)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_truncation_longer_than_sequence_is_full_bptt(cell):
    stack = make_stack(cell, "mixed", "sum", "output")
    params, X, t, h0s, c0s = data(stack, 4)
    full = build_core(stack, params).gradients(X, t, h0s, c0s)
    long = build_core(stack, params, bptt_limit=3 * T).gradients(X, t, h0s, c0s)
    for a, b in zip(long.params, full.params):
        for name in b:
            np.testing.assert_allclose(a[name], b[name], rtol=1e-13, atol=1e-15)
