"""The inference pass gives the training forward pass's numbers, in chunks, keeping nothing."""

import numpy as np
import pytest

from rnn_nodes import RNN, inference, prediction

CELLS = ("rnn", "gru", "lstm")


def build(cell, *, bidirectional=False, merge="concat", head="sequence", dtype="float64",
          seed=0, layers=2):
    net = RNN(seed=seed, dtype=dtype).add_InputLayer(2)
    add = {"rnn": net.add_RNNLayer, "gru": net.add_GRULayer, "lstm": net.add_LSTMLayer}[cell]
    for _ in range(layers):
        add(3, bidirectional=bidirectional, merge=merge)
    if head == "sequence":
        net.add_OutputLayer(2, "tanh")
    else:
        net.add_DenseLayer(4, "tanh").add_DenseLayer(2)
    # non-zero biases, so that every parameter enters the numbers
    rng = np.random.default_rng(seed + 1)
    for layer in net.layers:
        for value in layer.params.values():
            value += rng.normal(0, 0.3, value.shape).astype(value.dtype)
    net.is_trained = True
    return net


def data(batch=7, time=9, seed=2, dtype="float64"):
    return np.random.default_rng(seed).normal(size=(batch, time, 2)).astype(dtype)


def states_like(net, batch, seed=3):
    rng = np.random.default_rng(seed)
    h0 = [rng.normal(size=layer.state_shape(batch)) for layer in net.recurrent_layers]
    c0 = [rng.normal(size=layer.state_shape(batch)) for layer in net.cell_layers] or None
    return h0, c0


CASES = [(cell, bidirectional, merge, head)
         for cell in CELLS
         for bidirectional, merge in ((False, "concat"), (True, "concat"), (True, "sum"))
         for head in ("sequence", "dense")]


@pytest.mark.parametrize("cell, bidirectional, merge, head", CASES)
@pytest.mark.parametrize("padded", [False, True])
def test_prediction_is_the_forward_pass_in_float64(cell, bidirectional, merge, head, padded):
    net = build(cell, bidirectional=bidirectional, merge=merge, head=head)
    X = data()
    lengths = np.array([9, 3, 1, 9, 5, 8, 2]) if padded else None
    h0, c0 = states_like(net, len(X))
    expected, expected_states = net.forward(X, h0, c0, lengths=lengths, return_states=True)
    # a budget of one sample per chunk, and one of the whole batch
    for budget in (1, inference.ACTIVATION_BUDGET):
        output, states, _ = prediction.predict(net, X, h0, c0, lengths, budget=budget)
        np.testing.assert_allclose(output, expected, rtol=0, atol=1e-12)
        np.testing.assert_allclose(states.h, expected_states.h, rtol=0, atol=1e-12)
        if c0 is not None:
            np.testing.assert_allclose(states.c, expected_states.c, rtol=0, atol=1e-12)


@pytest.mark.parametrize("cell", CELLS)
def test_prediction_in_float32_agrees_to_the_last_bits(cell):
    net = build(cell, dtype="float32")
    X = data(batch=40, time=30, dtype="float32")
    expected = net.forward(X)
    whole = net.predict(X)
    np.testing.assert_array_equal(whole, expected)  # one chunk: the same operations
    chunked = prediction.predict(net, X, budget=1)[0]
    np.testing.assert_allclose(chunked, expected, rtol=4 * np.finfo(np.float32).eps, atol=1e-6)


def test_chunks_are_sized_by_the_budget():
    net = build("lstm", layers=1)  # widths: input 2, gates 12, state 3; output 2
    per_step = max(2 + 4 * 3 + 3 + 3, 3 + 2 + 2 + 2)  # the LSTM layer holds the most
    assert inference.chunk_rows(net, time=100, itemsize=8, budget=8 * 100 * per_step * 5) == 5
    assert inference.chunk_rows(net, time=100, itemsize=8, budget=1) == 1


def test_prediction_keeps_nothing_on_the_network():
    net = build("lstm", bidirectional=True, head="dense")
    X = data()
    net.forward(X[:3])  # what a training forward pass leaves on the layers
    before = {id(layer): dict(vars(layer)) for layer in net.layers}
    net_before = dict(vars(net))
    net.predict(X)
    net.cost_value(X, np.zeros((len(X), 2)))
    for layer in net.layers:
        after = vars(layer)
        for key, value in before[id(layer)].items():
            assert after[key] is value, (layer, key)
    for key, value in net_before.items():
        assert vars(net)[key] is value, key


def test_extrapolate_in_chunks_is_extrapolate_whole():
    net = build("gru", layers=1)
    X = data(batch=5)
    whole = prediction.extrapolate(net, X, 6)
    chunked = prediction.extrapolate(net, X, 6, budget=1)
    np.testing.assert_allclose(chunked, whole, rtol=0, atol=1e-12)
    # the free run by hand: the forward pass fed its own last output
    y, states = net.forward(X, return_states=True)
    y_next, by_hand = y[:, -1:], []
    for _ in range(6):
        by_hand.append(y_next)
        y_next, states = net.forward(y_next, *states, return_states=True)
    np.testing.assert_allclose(whole, np.concatenate(by_hand, axis=1), rtol=0, atol=1e-12)


def test_a_subclass_of_a_recurrent_layer_runs_the_one_loop():
    # no per-type registry: any RecurrentLayer predicts through run_steps, as it trains
    class MyLayer(type(build("rnn").layers[1])):
        pass

    net = build("rnn", layers=1)
    X = data()
    expected = net.forward(X)
    net.layers[1].__class__ = MyLayer
    np.testing.assert_array_equal(net.predict(X), expected)


@pytest.mark.parametrize("module", ["rnn_nodes.prediction", "rnn_nodes.threads"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    failed, attempted = doctest.testmod(importlib.import_module(module))
    assert failed == 0 and attempted > 0


def test_validation_is_scored_without_a_training_pass():
    # after train, the layers hold the caches of the last training batch, not of X_val
    net = build("gru", layers=1)
    X, X_val = data(batch=8), data(batch=5, seed=9)
    history = net.train(X, np.zeros((8, 9, 2)), X_val, np.zeros((5, 9, 2)), epochs=1,
                        batch_size=8, shuffle=False)
    assert net.layers[1].H.shape[0] == 8
    expected = np.mean(net.forward(X_val) ** 2)  # mse against zeros
    assert history["val_loss"][0] == pytest.approx(expected, rel=1e-12)


def test_series_too_long_for_the_budget_run_in_windows_of_steps():
    net = build("lstm")  # widest layer: 3 inputs, 4 * 3 gates, 3 outputs, 3 states = 21 values
    per_step = 8 * 21
    assert inference.chunk_shape(net, 7, 9, 8, budget=per_step * 4) == (1, 4)
    assert inference.chunk_shape(net, 7, 9, 8, budget=per_step * 9) == (1, None)
    many = per_step * inference.MIN_WINDOW * 3
    assert inference.chunk_shape(net, 7, 10**4, 8, budget=many) == (3, inference.MIN_WINDOW)
    bidirectional = build("lstm", bidirectional=True)
    assert inference.chunk_shape(bidirectional, 7, 9, 8, budget=1) == (1, None)


@pytest.mark.parametrize("head", ["sequence", "dense"])
@pytest.mark.parametrize("window", [1, 2, 4, 8])
def test_windows_of_steps_give_the_forward_pass(head, window):
    net = build("lstm", head=head)
    X = data()
    lengths = np.array([9, 3, 1, 9, 5, 8, 2])
    h0, c0 = states_like(net, len(X))
    expected, states = net.forward(X, h0, c0, lengths=lengths, return_states=True)
    output, h_last, c_last = inference._run_chunk(
        net, inference.weights_snapshot(net), X, net._check_initial_states(h0, 7),
        net._check_initial_states(c0, 7, "c0"), lengths, window)
    np.testing.assert_allclose(output, expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(np.stack(h_last), states.h, rtol=0, atol=1e-12)
    np.testing.assert_allclose(np.stack(c_last), states.c, rtol=0, atol=1e-12)
