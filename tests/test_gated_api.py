"""GRU, LSTM and bidirectional layers in the network's API: building, states, training, errors."""

import numpy as np
import pytest

from rnn_nodes import RNN, Bidirectional, DenseLayer, GRULayer, LSTMLayer, RNNLayer
from schedulers import Adam

BATCH, T, N_IN = 3, 7, 2
CELLS = {"rnn": RNNLayer, "gru": GRULayer, "lstm": LSTMLayer}


def network(cell, bidirectional=False, merge="concat", head="output", dtype="float64", **kwargs):
    net = RNN(dtype=dtype, seed=0, **kwargs)
    net.add_InputLayer(N_IN)
    getattr(net, f"add_{cell.upper()}Layer")(4, bidirectional=bidirectional, merge=merge)
    getattr(net, f"add_{cell.upper()}Layer")(3)
    (net.add_OutputLayer if head == "output" else net.add_DenseLayer)(N_IN)
    return net


def sequences(seed=0, batch=BATCH, time=T):
    return np.random.default_rng(seed).normal(size=(batch, time, N_IN))


# --- building ------------------------------------------------------------------------------------

@pytest.mark.parametrize("cls,gates", [(GRULayer, 3), (LSTMLayer, 4)])
def test_parameters_stack_the_gates(cls, gates):
    net = RNN(seed=0).add_InputLayer(N_IN).add_layer(cls(5)).add_OutputLayer(1)
    params = net.layers[1].params
    assert {k: v.shape for k, v in params.items()} == {
        "W_layer": (N_IN, gates * 5), "b_layer": (gates * 5,), "W_time": (5, gates * 5),
        "b_time": (gates * 5,)}
    assert all(v.dtype == np.float32 for v in params.values())
    for g in range(gates):  # one orthogonal block per gate
        block = params["W_time"][:, 5 * g:5 * (g + 1)]
        np.testing.assert_allclose(block.T @ block, np.eye(5), atol=1e-5)


def test_lstm_forget_bias_initialises_the_forget_gate_only():
    net = RNN(seed=0).add_InputLayer(N_IN).add_LSTMLayer(3, forget_bias=2.5).add_OutputLayer(1)
    b = net.layers[1].params["b_layer"]
    np.testing.assert_array_equal(b, [0, 0, 0, 2.5, 2.5, 2.5, 0, 0, 0, 0, 0, 0])
    assert not net.layers[1].params["b_time"].any()


@pytest.mark.parametrize("cell", list(CELLS))
@pytest.mark.parametrize("merge,width", [("concat", 8), ("sum", 4)])
def test_bidirectional_builder_and_wrapper_are_the_same(cell, merge, width):
    a = RNN(seed=0).add_InputLayer(N_IN)
    getattr(a, f"add_{cell.upper()}Layer")(4, bidirectional=True, merge=merge)
    b = RNN(seed=0).add_InputLayer(N_IN).add_layer(Bidirectional(CELLS[cell](4), merge))
    layer = a.layers[1]
    assert isinstance(layer, Bidirectional) and layer.n_features == width and layer.recurrent
    assert repr(layer) == f"Bidirectional({CELLS[cell].__name__}(4), merge={merge!r})"
    assert sorted(layer.params) == sorted(
        name + suffix for suffix in ("", "_reverse") for name in ("W_layer", "b_layer", "W_time", "b_time"))
    assert layer.cell_state == (cell == "lstm")
    for name, value in layer.params.items():
        np.testing.assert_array_equal(value, b.layers[1].params[name])
    # the two directions start from different weights
    assert not np.array_equal(layer.params["W_time"], layer.params["W_time_reverse"])


def test_network_bptt_limit_reaches_both_directions():
    net = network("lstm", bidirectional=True, bptt_limit=4)
    layer = net.layers[1]
    assert layer.bptt_limit == layer.forward_layer.bptt_limit == layer.reverse_layer.bptt_limit == 4


# --- states --------------------------------------------------------------------------------------

def test_final_states_continue_a_sequence():
    # forward on the whole sequence = forward on its halves, the second from the first's final states
    net = network("lstm")
    X = sequences()
    whole = net.forward(X)
    first = net.forward(X[:, :3])
    h, c = [layer.h_last for layer in net.recurrent_layers], [layer.c_last for layer in net.cell_layers]
    second = net.forward(X[:, 3:], h0=h, c0=c)
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), whole, rtol=0, atol=1e-13)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_extrapolate_feeds_the_predictions_back(cell):
    net = network(cell, scheduler=Adam(1e-2))
    X = sequences()
    net.train(X[:, :-1], X[:, 1:], epochs=2, batch_size=BATCH)
    future = net.extrapolate(X, n_steps=4)
    assert future.shape == (BATCH, 4, N_IN)
    # the same as running the whole sequence with the predictions appended as inputs
    y = net.predict(np.concatenate([X, future[:, :-1]], axis=1))
    np.testing.assert_allclose(y[:, T - 1:], future, rtol=0, atol=1e-12)


def test_extrapolate_refuses_a_bidirectional_network():
    net = network("gru", bidirectional=True)
    net.is_trained = True
    with pytest.raises(ValueError, match="bidirectional"):
        net.extrapolate(sequences(), n_steps=2)


def test_bidirectional_final_states_and_initial_states_per_direction():
    net = network("lstm", bidirectional=True)
    rng = np.random.default_rng(1)
    X = sequences()
    h0 = [rng.normal(size=(2, BATCH, 4)), rng.normal(size=(BATCH, 3))]
    c0 = [rng.normal(size=(2, BATCH, 4)), rng.normal(size=(BATCH, 3))]
    net.forward(X, h0, c0)
    layer = net.layers[1]
    assert layer.h_last.shape == layer.c_last.shape == (2, BATCH, 4)
    # the reverse direction alone, on the reversed sequence, from its own initial state
    alone = LSTMLayer(4)
    alone.build(N_IN, True, np.float64, np.random.default_rng(0))
    alone.set_params(**{k: layer.params[k + "_reverse"] for k in alone.params})
    out = alone.forward(X[:, ::-1], h0[0][1], c0[0][1])
    np.testing.assert_allclose(layer.h_last[1], alone.h_last, rtol=0, atol=1e-14)
    np.testing.assert_allclose(layer.c_last[1], alone.c_last, rtol=0, atol=1e-14)
    np.testing.assert_allclose(layer.reverse_layer.out, out, rtol=0, atol=1e-14)
    g = net.gradients(X, np.zeros((BATCH, T, N_IN)), h0, c0)
    assert [a.shape for a in g.h0] == [(2, BATCH, 4), (BATCH, 3)]
    assert [a.shape for a in g.c0] == [(2, BATCH, 4), (BATCH, 3)]


def test_states_as_one_array_for_layers_of_one_width():
    net = RNN(dtype="float64", seed=0).add_InputLayer(N_IN).add_LSTMLayer(3).add_LSTMLayer(3)
    net.add_OutputLayer(1)
    rng = np.random.default_rng(2)
    h0, c0 = rng.normal(size=(2, BATCH, 3)), rng.normal(size=(2, BATCH, 3))
    X = sequences()
    np.testing.assert_array_equal(net.forward(X, h0, c0), net.forward(X, list(h0), list(c0)))


@pytest.mark.parametrize("h0,c0,match", [
    (None, [np.zeros((BATCH, 4))], r"`c0` must hold one initial state per LSTM layer \(2\), got 1"),
    (None, [np.zeros((2, BATCH, 4)), np.zeros((BATCH, 4))],
     r"`c0\[1\]` must have shape \(batch, hidden\) = \(3, 3\)"),
    ([np.zeros((BATCH, 4)), np.zeros((BATCH, 3))], None, r"`h0\[0\]` must be 3-D"),
    ([np.zeros((2, BATCH, 3)), np.zeros((BATCH, 3))], None,
     r"`h0\[0\]` must have shape \(2, batch, hidden\) = \(2, 3, 4\)"),
])
def test_bad_initial_states_name_the_argument(h0, c0, match):
    net = network("lstm", bidirectional=True)
    with pytest.raises(ValueError, match=match):
        net.forward(sequences(), h0, c0)


def test_c0_without_lstm_layers_is_refused():
    with pytest.raises(ValueError, match=r"`c0` must hold one initial state per LSTM layer \(0\)"):
        network("gru").forward(sequences(), c0=[np.zeros((BATCH, 4))])


# --- training ------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell,bidirectional,head", [
    ("gru", False, "output"), ("lstm", False, "dense"), ("lstm", True, "output"), ("gru", True, "dense"),
    ("rnn", True, "dense")])
def test_float32_training_with_truncation_and_clipping(cell, bidirectional, head):
    net = network(cell, bidirectional, "sum" if cell == "gru" else "concat", head, dtype="float32",
                  bptt_limit=3, clip_norm=0.01, scheduler=Adam(1e-2))
    X = sequences(batch=16).astype(np.float32)
    t = X[:, ::-1] if head == "output" else X[:, 0]  # needs the reverse direction, or memory
    before = [v.copy() for _, layer in net.trainable_layers for v in layer.params.values()]
    history = net.train(X, t, epochs=15, batch_size=8)
    assert history["loss"][-1] < history["loss"][0]
    after = [v for _, layer in net.trainable_layers for v in layer.params.values()]
    assert all(not np.array_equal(a, b) for a, b in zip(after, before))  # reverse weights too
    assert all(v.dtype == np.float32 for v in after)
    g = net.gradients(X, t)
    assert g.X.dtype == np.float32 and all(h.dtype == np.float32 for h in g.h0 + g.c0)
    norm = np.sqrt(sum(np.sum(v ** 2) for _, layer in net.trainable_layers for v in layer.grads.values()))
    net.train_step(X, t)  # clipped in place before the update
    clipped = np.sqrt(sum(np.sum(v ** 2) for _, layer in net.trainable_layers for v in layer.grads.values()))
    assert norm > 0.01 and clipped == pytest.approx(0.01, rel=1e-4)


def test_training_updates_the_directions_in_place():
    net = network("gru", bidirectional=True, head="dense", scheduler=Adam(1e-2))
    layer = net.layers[1]
    X = sequences(batch=8)
    net.train(X, X[:, 0], epochs=2, batch_size=4)
    net.forward(X)
    for direction, suffix in ((layer.forward_layer, ""), (layer.reverse_layer, "_reverse")):
        for name, value in direction.params.items():
            assert value is layer.params[name + suffix]


# --- errors --------------------------------------------------------------------------------------

def test_bidirectional_needs_a_fresh_recurrent_layer():
    with pytest.raises(TypeError, match="`layer`"):
        Bidirectional(DenseLayer(3))
    with pytest.raises(TypeError, match="`layer`"):
        Bidirectional(Bidirectional(GRULayer(3)))
    net = RNN().add_InputLayer(1).add_GRULayer(3)
    with pytest.raises(ValueError, match="already belongs to a network"):
        Bidirectional(net.layers[1])
    with pytest.raises(ValueError, match=r"`merge`.*'mean'"):
        Bidirectional(GRULayer(3), merge="mean")
    with pytest.raises(TypeError, match="`bidirectional`"):
        RNN().add_InputLayer(1).add_LSTMLayer(3, bidirectional="yes")


@pytest.mark.parametrize("argument", ["activation", "gate_activation"])
@pytest.mark.parametrize("cls", [GRULayer, LSTMLayer])
def test_gate_activations_must_be_elementwise(cls, argument):
    with pytest.raises(ValueError, match=f"`{argument}`.*elementwise.*softmax"):
        cls(3, **{argument: "softmax"})
    with pytest.raises(ValueError, match=f"`{argument}`"):
        cls(3, **{argument: "swish"})


@pytest.mark.parametrize("cls", [GRULayer, LSTMLayer])
def test_gated_layer_needs_a_sequence_below(cls):
    net = RNN().add_InputLayer(1).add_DenseLayer(3)
    with pytest.raises(ValueError, match=f"{cls.__name__} needs a sequence below it"):
        net.add_layer(cls(2))
