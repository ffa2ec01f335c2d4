"""Final states out of a forward pass, back in as initial states, and their gradients chained.

Two chained calls (``X1``, then ``X2`` from the final states of the first; backward through the
second, then through the first seeded with ``dh_n`` / ``dc_n`` of the second's ``dh0`` / ``dc0``)
give the output and every gradient of one call on ``concat(X1, X2)``: float64, within 1e-10.
"""

import numpy as np
import pytest

from rnn_nodes import RNN
from rnn_nodes.sequences import States

N_IN, N_OUT, BATCH = 2, 2, 3
TOL = 1e-10
BUILDERS = {"rnn": "add_RNNLayer", "gru": "add_GRULayer", "lstm": "add_LSTMLayer"}


def close(a, b, what):
    err = np.max(np.abs(np.asarray(a) - np.asarray(b)), initial=0.0)
    assert err <= TOL * max(1.0, np.max(np.abs(b))), f"{what}: max err {err:.3g}"


def build(cells, head="output", widths=None, bidirectional=False, seed=0):
    net = RNN(dtype="float64", seed=seed).add_InputLayer(N_IN)
    for cell, n in zip(cells, widths or [3] * len(cells)):
        getattr(net, BUILDERS[cell])(n, bidirectional=bidirectional)
    (net.add_OutputLayer if head == "output" else net.add_DenseLayer)(N_OUT)
    rng = np.random.default_rng(seed + 1)
    for layer in net.layers[1:]:
        for name, value in layer.params.items():
            value[...] = rng.normal(0, 0.6 if name.startswith("W") else 0.3, value.shape)
    return net


def initial_states(net, rng):
    def draw(layers):
        return [rng.normal(0, 0.5, layer.state_shape(BATCH)) for layer in layers] or None
    return draw(net.recurrent_layers), draw(net.cell_layers)


# shapes -------------------------------------------------------------------------------


def test_states_are_stacked_as_pytorch_when_the_layers_agree():
    net = build(("lstm", "gru", "lstm"))
    X = np.random.default_rng(0).normal(size=(BATCH, 4, N_IN))
    y, states = net.forward(X, return_states=True)
    assert isinstance(states, States) and y.shape == (BATCH, 4, N_OUT)
    assert states.h.shape == (3, BATCH, 3) and states.c.shape == (2, BATCH, 3)
    np.testing.assert_array_equal(states.h[1], net.layers[2].h_last)
    np.testing.assert_array_equal(states.c[1], net.layers[3].c_last)


def test_states_of_layers_of_different_widths_and_bidirectional_layers():
    net = build(("rnn", "gru"), widths=(3, 4))
    X = np.random.default_rng(0).normal(size=(BATCH, 4, N_IN))
    _, states = net.forward(X, return_states=True)
    assert [s.shape for s in states.h] == [(BATCH, 3), (BATCH, 4)] and states.c is None
    net = build(("lstm", "lstm"), bidirectional=True)
    _, states = net.forward(X, return_states=True)
    assert states.h.shape == states.c.shape == (2, 2, BATCH, 3)  # (layers, directions, ...)
    _, states = build((), head="dense").forward(X, return_states=True)
    assert states == States(None, None)


@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
def test_states_go_back_in_as_initial_states(bidirectional):
    net = build(("lstm", "rnn"), bidirectional=bidirectional)
    h0, c0 = initial_states(net, np.random.default_rng(1))
    X = np.random.default_rng(2).normal(size=(BATCH, 4, N_IN))
    y, states = net.forward(X, h0, c0, return_states=True)
    for given in (States(np.stack(h0), np.stack(c0)), States(h0, c0)):
        _, again = net.forward(X, *given, return_states=True)
        np.testing.assert_array_equal(again.h, states.h)
        np.testing.assert_array_equal(again.c, states.c)


# chaining -----------------------------------------------------------------------------


@pytest.mark.parametrize("cells", [("rnn",), ("gru",), ("lstm",), ("lstm", "gru", "rnn")],
                         ids=lambda c: "-".join(c))
@pytest.mark.parametrize("head", ["output", "dense"], ids=["m2m", "m2o"])
def test_two_chained_calls_are_one_call_on_the_concatenation(cells, head):
    net = build(cells, head)
    rng = np.random.default_rng(3)
    h0, c0 = initial_states(net, rng)
    T1, T2 = 4, 3
    X = rng.normal(size=(BATCH, T1 + T2, N_IN))
    X1, X2 = X[:, :T1], X[:, T1:]
    if head == "output":
        t = rng.normal(size=(BATCH, T1 + T2, N_OUT))
        t1, t2 = t[:, :T1], t[:, T1:]
        w1, w2 = T1 / (T1 + T2), T2 / (T1 + T2)  # mse of the whole = weighted mses of the parts
    else:
        t = rng.normal(size=(BATCH, N_OUT))
        t1, t2 = None, t  # only the end of the whole sequence has a target
        w1, w2 = 1.0, 1.0

    whole = net.gradients(X, t, h0, c0)
    y_whole = net.forward(X, h0, c0)
    y1, states = net.forward(X1, h0, c0, return_states=True)
    y2 = net.forward(X2, *states)
    if head == "output":
        close(np.concatenate([y1, y2], axis=1), y_whole, "outputs")
    else:
        close(y2, y_whole, "outputs")

    second = net.gradients(X2, t2, *states)
    # the first call's cost is w1 C1; the second's w2 C2 reaches it through the final states
    first = net.gradients(X1, t1, h0, c0, dh_n=[w2 / w1 * d for d in second.h0],
                          dc_n=[w2 / w1 * d for d in second.c0] or None)
    for i, want in enumerate(whole.params):
        for name in want:
            got = w1 * first.params.layer(i)[name] + w2 * second.params.layer(i)[name]
            close(got, want[name], f"layer {i} {name}")
    close(np.concatenate([w1 * first.X, w2 * second.X], axis=1), whole.X, "dC/dX")
    for k, (got, want) in enumerate(zip(first.h0 + first.c0, whole.h0 + whole.c0)):
        close(w1 * got, want, f"initial state {k}")


def test_backward_without_targets_is_the_final_states_gradients_alone():
    net = build(("gru",), "dense")
    rng = np.random.default_rng(4)
    X = rng.normal(size=(BATCH, 5, N_IN))
    g = net.gradients(X, None)
    assert net.batch_cost == 0.0
    assert all(np.all(v == 0) for p in g.params for v in p.values())
    dh_n = rng.normal(size=(1, BATCH, 3))
    # h_T = h(X, h0): dC/dh0 is the Jacobian-vector product, checked by a difference
    h0 = rng.normal(size=(1, BATCH, 3))
    step = 1e-6 * rng.normal(size=h0.shape)
    _, up = net.forward(X, h0 + step, return_states=True)
    _, down = net.forward(X, h0 - step, return_states=True)
    g = net.gradients(X, None, h0, dh_n=dh_n)
    assert np.sum(dh_n * (up.h - down.h)) / 2 == pytest.approx(np.sum(g.h0[0] * step[0]),
                                                               rel=1e-6)


# errors -------------------------------------------------------------------------------


def test_a_state_of_the_wrong_shape_is_refused():
    net = build(("lstm", "rnn"), widths=(3, 4))
    X = np.zeros((BATCH, 4, N_IN))
    with pytest.raises(ValueError, match=r"`h0\[1\]` must have shape \(batch, hidden\) = "
                                         r"\(3, 4\), got \(2, 4\)"):
        net.forward(X, h0=[np.zeros((BATCH, 3)), np.zeros((2, 4))])
    with pytest.raises(ValueError, match="`c0` must hold one initial state per LSTM layer"):
        net.forward(X, c0=[np.zeros((BATCH, 3))] * 2)
    net.forward(X)
    with pytest.raises(ValueError, match="`dh_n` must hold one final state's gradient per "
                                         "recurrent layer"):
        net.backward(None, dh_n=[np.zeros((BATCH, 3))])
    with pytest.raises(ValueError, match=r"`dc_n\[0\]` must have shape"):
        net.backward(None, dc_n=[np.zeros((BATCH, 4))])
