"""A padded batch of sequences of different lengths against the same sequences run one by one.

Float64, every output and every gradient (parameters, dC/dX, dC/dh0, dC/dc0) within 1e-10 of
the one-by-one runs (``max|a - b| <= 1e-10 * max(1, max|b|)``), for Elman, GRU and LSTM stacks,
one or two directions, many-to-one and many-to-many, full and truncated BPTT, with initial
states and gradients of the final states (which cross the padded steps). The padded batch's
cost is the one-by-one costs weighted by each sequence's share of the valid steps (many-to-many)
or by 1/batch (many-to-one), and so is every gradient.
"""

import numpy as np
import pytest

from rnn_nodes import RNN

N_IN, N_OUT = 2, 2
LENGTHS = (5, 2, 4, 1)
TOL = 1e-10
BUILDERS = {"rnn": "add_RNNLayer", "gru": "add_GRULayer", "lstm": "add_LSTMLayer"}
BELOW = {"rnn": "lstm", "gru": "rnn", "lstm": "gru"}  # the second layer's cell


def close(a, b, what):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, f"{what}: shapes {a.shape} and {b.shape}"
    err = np.max(np.abs(a - b), initial=0.0)
    assert err <= TOL * max(1.0, np.max(np.abs(b), initial=0.0)), f"{what}: max err {err:.3g}"


def build(cells, head, bidirectional, bptt_limit=None, cost="mse", head_activation="identity",
          seed=0):
    """A float64 network with random weights and biases: ``cells`` recurrent layers, a head."""
    net = RNN(cost=cost, bptt_limit=bptt_limit, dtype="float64", seed=seed)
    net.add_InputLayer(N_IN)
    for k, cell in enumerate(cells):
        getattr(net, BUILDERS[cell])(3 - k, bidirectional=bidirectional,
                                     merge="concat" if k == 0 else "sum")
    (net.add_OutputLayer if head == "output" else net.add_DenseLayer)(N_OUT, head_activation)
    rng = np.random.default_rng(seed + 1)
    for layer in net.layers[1:]:
        for name, value in layer.params.items():
            value[...] = rng.normal(0, 0.6 if name.startswith("W") else 0.3, value.shape)
    return net


def data(net, lengths=LENGTHS, seed=2):
    """Sequences, targets (a list for a sequence output), h0, c0, dh_n, dc_n for ``net``."""
    rng = np.random.default_rng(seed)
    batch = len(lengths)
    X = [rng.normal(size=(n, N_IN)) for n in lengths]
    if not net.sequence_output:
        t = rng.uniform(0.05, 0.95, (batch, N_OUT))
    elif net.cost.name == "cce":
        t = [np.eye(N_OUT)[rng.integers(0, N_OUT, n)] for n in lengths]
    else:
        t = [rng.uniform(0.05, 0.95, (n, N_OUT)) for n in lengths]

    def states(layers):
        return [rng.normal(0, 0.5, layer.state_shape(batch)) for layer in layers]

    h0, c0 = states(net.recurrent_layers), states(net.cell_layers)
    dh_n, dc_n = states(net.recurrent_layers), states(net.cell_layers)
    return X, t, h0, c0, dh_n, dc_n


def listed(states):
    """Per-layer states (a stacked array, a list or None) as a list."""
    return [] if states is None else list(states)


def row(states, b, scale=1.0):
    """Sequence ``b``'s part of per-layer states (batch, n) or (2, batch, n), batch kept."""
    return [scale * s[..., b:b + 1, :] for s in states]


def weights(net, lengths):
    """Each sequence's weight in the padded batch's cost."""
    lengths = np.asarray(lengths, dtype=np.float64)
    if net.sequence_output:
        return lengths / lengths.sum()
    return np.full(len(lengths), 1.0 / len(lengths))


def check_against_one_by_one(net, lengths=LENGTHS, seed=2):
    X, t, h0, c0, dh_n, dc_n = data(net, lengths, seed)
    w = weights(net, lengths)
    c0 = c0 or None
    dc_n = dc_n or None

    y, states = net.forward(X, h0, c0, return_states=True)
    g = net.gradients(X, t, h0, c0, dh_n=dh_n, dc_n=dc_n)
    cost = net.cost_value(X, t, h0, c0)
    expected_cost = 0.0
    sum_params = [{k: np.zeros_like(v) for k, v in p.items()} for p in g.params]
    for b, n in enumerate(lengths):
        t_b = t[b][None]
        h0_b, c0_b = row(h0, b), None if c0 is None else row(c0, b)
        y_b, states_b = net.forward(X[b][None], h0_b, c0_b, return_states=True)
        # dh_n, dc_n enter the padded batch unweighted: 1 / w[b] here, as all is scaled by w[b]
        g_b = net.gradients(X[b][None], t_b, h0_b, c0_b, dh_n=row(dh_n, b, 1 / w[b]),
                            dc_n=None if dc_n is None else row(dc_n, b, 1 / w[b]))
        expected_cost += w[b] * net.cost_value(X[b][None], t_b, h0_b, c0_b)
        # outputs: the sequence's own, zeros after its end
        if net.sequence_output:
            close(y[b, :n], y_b[0], f"output of sequence {b}")
            assert np.all(y[b, n:] == 0), f"output of sequence {b} after its end"
        else:
            close(y[b], y_b[0], f"output of sequence {b}")
        for k, (s, s_b) in enumerate(zip(listed(states.h) + listed(states.c),
                                         listed(states_b.h) + listed(states_b.c))):
            close(s[..., b, :], s_b[..., 0, :], f"final state {k} of sequence {b}")
        # input and initial-state gradients: the sequence's own, weighted
        close(g.X[b, :n], w[b] * g_b.X[0], f"dC/dX of sequence {b}")
        assert np.all(g.X[b, n:] == 0), f"dC/dX of sequence {b} after its end"
        for k, (d, d_b) in enumerate(zip(g.h0 + g.c0, g_b.h0 + g_b.c0)):
            close(d[..., b, :], w[b] * d_b[..., 0, :], f"initial state {k} of sequence {b}")
        for total, p_b in zip(sum_params, g_b.params):
            for name in total:
                total[name] += w[b] * p_b[name]
    assert cost == pytest.approx(expected_cost, rel=1e-12)
    for i, (got, want) in enumerate(zip(g.params, sum_params)):
        for name in want:
            close(got[name], want[name], f"layer {i} {name}")


@pytest.mark.parametrize("bptt_limit", [None, 2], ids=["full", "k=2"])
@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("head", ["output", "dense"], ids=["m2m", "m2o"])
@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_padded_batch_is_the_sequences_one_by_one(cell, head, bidirectional, bptt_limit):
    check_against_one_by_one(build((cell, BELOW[cell]), head, bidirectional, bptt_limit))


@pytest.mark.parametrize("cost,activation", [("cce", "softmax"), ("bce", "sigmoid"),
                                             ("mse", "tanh")])
def test_masked_costs_with_their_paired_outputs(cost, activation):
    # the exact delta of softmax + cce and sigmoid + bce, masked; an unpaired activation too
    check_against_one_by_one(build(("gru",), "output", False, cost=cost,
                                   head_activation=activation))


@pytest.mark.parametrize("head", ["output", "dense"])
def test_head_directly_on_the_input(head):
    # no recurrent layer: a many-to-one head reads each sequence's own last input step
    check_against_one_by_one(build((), head, False))


def test_equal_lengths_take_the_unpadded_path():
    net = build(("lstm",), "output", True)
    X, t, h0, c0, _, _ = data(net, lengths=(4, 4, 4))
    a = net.gradients(X, t, h0, c0)
    b = net.gradients(np.stack(X), np.stack(t), h0, c0)
    assert net._lengths is None
    for p, q in zip(a.params, b.params):
        for name in q:
            np.testing.assert_array_equal(p[name], q[name])


def test_padded_array_with_lengths_ignores_what_the_padding_holds():
    net = build(("rnn", "lstm"), "output", True, bptt_limit=3)
    X, t, h0, c0, _, _ = data(net)
    a = net.gradients(X, t, h0, c0)
    rng = np.random.default_rng(5)
    # longer than the longest sequence, padding of random values
    X_pad = rng.normal(size=(len(X), 7, N_IN))
    t_pad = rng.normal(size=(len(X), 7, N_OUT))
    for b, (x, y) in enumerate(zip(X, t)):
        X_pad[b, :len(x)], t_pad[b, :len(y)] = x, y
    y_pad = net.forward(X_pad, h0, c0, lengths=LENGTHS)
    b_ = net.gradients(X_pad, t_pad, h0, c0, lengths=LENGTHS)
    np.testing.assert_array_equal(y_pad[:, 5:], 0)
    close(y_pad[:, :5], net.forward(X, h0, c0), "outputs")
    close(b_.X[:, :5], a.X, "dC/dX")
    np.testing.assert_array_equal(b_.X[:, 5:], 0)
    for p, q in zip(b_.params, a.params):
        for name in q:
            close(p[name], q[name], name)
