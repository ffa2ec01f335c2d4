"""Property: random stacks of every layer type pass the float64 gradient check.

A stack is 1-3 recurrent layers (Elman, GRU, LSTM, each one- or two-directional with a
concat or sum merge, random widths and activations), then an ``OutputLayer`` (many-to-many)
or 1-2 ``DenseLayer`` s (many-to-one), a cost with a matching output activation, batch and
sequence lengths from 1, full or truncated BPTT, with or without L2. Every gradient of the
core (each parameter, dC/dX, dC/dh0, dC/dc0) must be within ``rel_err < 1e-6`` of
``jax.grad`` of the two independent pure-JAX references composed: ``reference_gated.py``
runs the recurrent stack (PyTorch's equations), ``reference.py`` the head and the cost.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reference
import reference_gated
from campaign import count, examples
from reference_gated import Recurrent, Stack, core_names, init_params, rel_err, stack_forward
from rnn_nodes import RNN

GRAD_TOL = 1e-6
CELLS = ("rnn", "gru", "lstm")
RECURRENT_ACTIVATIONS = ("identity", "sigmoid", "tanh", "relu")  # in both references
HEAD_ACTIVATIONS = ("identity", "sigmoid", "tanh", "relu", "leaky_relu")
OUTPUT_ACTIVATION = {"bce": "sigmoid", "cce": "softmax"}  # mse: any
BUILDERS = {"rnn": "add_RNNLayer", "gru": "add_GRULayer", "lstm": "add_LSTMLayer"}


@st.composite
def cases(draw):
    layers = tuple(
        Recurrent(cell=draw(st.sampled_from(CELLS)), n=draw(st.integers(1, 3)),
                  merge=draw(st.sampled_from([None, None, "concat", "sum"])),
                  activation=draw(st.sampled_from(RECURRENT_ACTIVATIONS)),
                  gate_activation=draw(st.sampled_from(("sigmoid", "tanh"))))
        for _ in range(draw(st.integers(1, 3))))
    head = draw(st.sampled_from(("output", "dense")))
    cost = draw(st.sampled_from(("mse", "bce", "cce")))
    n_hidden_dense = draw(st.integers(0, 1)) if head == "dense" else 0
    widths = [draw(st.integers(1, 3)) for _ in range(n_hidden_dense)]
    widths.append(draw(st.integers(2 if cost == "cce" else 1, 3)))
    activations = [draw(st.sampled_from(HEAD_ACTIVATIONS)) for _ in widths]
    activations[-1] = OUTPUT_ACTIVATION.get(cost, activations[-1])
    return dict(
        stack=Stack(layers, head, activations[-1], cost), widths=tuple(widths),
        activations=tuple(activations), batch=draw(st.integers(1, 3)),
        time=draw(st.integers(1, 4)), n_in=draw(st.integers(1, 3)),
        bptt_limit=draw(st.sampled_from([None, None, 1, 2, 3])),
        lmbd=draw(st.sampled_from([0.0, 0.1])), seed=draw(st.integers(0, 2**16)))


def build_core(case, recurrent_params, head_params):
    """A float64 core network with the references' weights, built with the public builders."""
    stack = case["stack"]
    net = RNN(cost=stack.cost, lmbd=case["lmbd"], bptt_limit=case["bptt_limit"],
              dtype="float64", seed=0)
    net.add_InputLayer(case["n_in"])
    for layer in stack.layers:
        gates = {} if layer.cell == "rnn" else {"gate_activation": layer.gate_activation}
        getattr(net, BUILDERS[layer.cell])(layer.n, activation=layer.activation,
                                           bidirectional=layer.merge is not None,
                                           merge=layer.merge or "concat", **gates)
    add_head = net.add_OutputLayer if stack.head == "output" else net.add_DenseLayer
    for width, activation in zip(case["widths"], case["activations"]):
        add_head(width, activation=activation)
    for core, layer, p in zip(net.layers[1:], stack.layers, recurrent_params):
        core.set_params(**core_names(layer, p))
    for core, p in zip(net.layers[1 + len(stack.layers):], head_params):
        core.set_params(**p)
    return net


def reference_cost(case, recurrent_params, head_params, X, t, h0s, c0s):
    """The recurrent stack of ``reference_gated`` under the head and cost of ``reference``."""
    stack = case["stack"]
    top, summary = stack_forward(stack, recurrent_params, X, h0s, c0s, copies=case["bptt_limit"])
    head_input = jnp.stack(top, axis=1) if stack.head == "output" else summary[:, None, :]
    spec = reference.Spec((), stack.head, case["activations"], stack.cost)
    y = reference.reference_forward(head_params, head_input, spec)
    return (reference.data_cost(y, t, spec)
            + reference_gated.l2_penalty(recurrent_params, case["lmbd"])
            + reference.l2_penalty(head_params, case["lmbd"]))


def random_data(case, rng):
    stack, batch, time = case["stack"], case["batch"], case["time"]
    recurrent_params = init_params(stack, case["n_in"], 1, rng)[:-1]
    head_params, n_in = [], stack.layers[-1].width
    for width in case["widths"]:
        head_params.append({"W_layer": rng.normal(0, 0.5, (n_in, width)),
                            "b_layer": rng.normal(0, 0.25, width)})
        n_in = width
    X = rng.normal(size=(batch, time, case["n_in"]))

    def state(layer):
        return rng.normal(0, 0.5, (batch, layer.n) if layer.merge is None else (2, batch, layer.n))

    h0s = [state(layer) for layer in stack.layers]
    c0s = [state(layer) for layer in stack.layers if layer.cell == "lstm"]
    shape = (batch, time, n_in) if stack.head == "output" else (batch, n_in)
    if stack.cost == "cce":  # rows of probabilities: the exact softmax pairing needs sum(t) = 1
        t = rng.dirichlet(np.ones(n_in), size=shape[:-1])
    else:
        t = rng.uniform(0 if stack.cost == "bce" else -1, 1, shape)
    return recurrent_params, head_params, X, t, h0s, c0s


@examples(10)
@given(case=cases())
def test_random_stacks_pass_the_float64_gradient_check(case):
    """The fast path: 10 stacks (a third of the campaign's time went to 25)."""
    check_random_stack(case)


@pytest.mark.exhaustive
@examples(25)
@given(case=cases())
def test_random_stacks_pass_the_float64_gradient_check_25_stacks(case):
    """The full size, run by ``pytest -m exhaustive`` and by the second-kernel child of every
    full session (``tests/second_kernel.py``)."""
    check_random_stack(case)


def check_random_stack(case):
    count("gradients: random stacks vs pure-JAX references")
    rng = np.random.default_rng(case["seed"])
    recurrent_params, head_params, X, t, h0s, c0s = random_data(case, rng)
    net = build_core(case, recurrent_params, head_params)
    got = net.gradients(X, t, h0=h0s, c0=c0s)

    f = lambda rp, hp, x, h, c: reference_cost(case, rp, hp, x, t, h, c)  # noqa: E731
    d_rec, d_head, dX, dh0, dc0 = jax.grad(f, argnums=(0, 1, 2, 3, 4))(
        recurrent_params, head_params, X, h0s, c0s)
    want = [core_names(layer, p) for layer, p in zip(case["stack"].layers, d_rec)] + d_head
    pairs = [(f"layer {i} {name}", got.params.layer(i)[name], ref[name])
             for i, ref in enumerate(want, start=1) for name in ref]
    pairs += [("X", got.X, dX)] + [(f"h0[{k}]", a, b) for k, (a, b) in enumerate(zip(got.h0, dh0))]
    pairs += [(f"c0[{k}]", a, b) for k, (a, b) in enumerate(zip(got.c0, dc0))]
    assert all(set(g) == set(w) for g, w in zip(list(got.params)[1:], want))
    assert len(got.h0) == len(h0s) and len(got.c0) == len(c0s)
    misfits = [f"{name}: rel err {rel_err(a, b):.3g}" for name, a, b in pairs
               if not rel_err(a, b) < GRAD_TOL]
    assert not misfits, "; ".join(misfits)
