"""What ``gradients`` returns: parameter gradients by name, initial-state gradients laid out as
``forward(..., return_states=True)`` lays out the states, and the earlier layouts still read."""

import numpy as np
import pytest

from rnn_nodes import RNN

B, T = 3, 4


def build(widths=(3, 3), cells=("lstm", "gru"), head=True, bidirectional=False):
    net = RNN(dtype="float64", seed=0).add_InputLayer(2)
    for cell, n in zip(cells, widths):
        getattr(net, {"rnn": "add_RNNLayer", "gru": "add_GRULayer",
                      "lstm": "add_LSTMLayer"}[cell])(n, bidirectional=bidirectional)
    return net.add_OutputLayer(1) if head else net


def data(net, rng):
    X = rng.normal(size=(B, T, 2))
    return X, rng.normal(size=(B, T, net.n_outputs))


@pytest.mark.parametrize("widths,cells,bidirectional", [
    ((3, 3), ("lstm", "gru"), False), ((3, 4), ("rnn", "lstm"), False),
    ((2, 2), ("lstm", "lstm"), True)], ids=["stacked", "list", "bidirectional"])
def test_state_gradients_have_the_layout_of_the_states(widths, cells, bidirectional):
    net = build(widths, cells, bidirectional=bidirectional)
    X, t = data(net, np.random.default_rng(0))
    _, states = net.forward(X, return_states=True)
    g = net.gradients(X, t)
    for got, want in ((g.states.h, states.h), (g.states.c, states.c)):
        assert type(got) is type(want)
        if want is not None:
            assert [np.shape(a) for a in got] == [np.shape(a) for a in want]
    for k in range(len(g.h0)):  # the lists of before hold the same numbers
        np.testing.assert_array_equal(g.states.h[k], g.h0[k])


def test_state_gradients_chain_into_the_call_before():
    # two chunks; dh_n / dc_n of the first = the second's initial-state gradients, as States
    net = build(head=False)
    rng = np.random.default_rng(1)
    X = rng.normal(size=(B, 2 * T, 2))
    dY = rng.normal(size=(B, 2 * T, 3))
    whole = net.gradients(X, None, dY=dY)
    _, states = net.forward(X[:, :T], return_states=True)
    second = net.gradients(X[:, T:], None, *states, dY=dY[:, T:])
    first = net.gradients(X[:, :T], None, dY=dY[:, :T], dh_n=second.states.h,
                          dc_n=second.states.c)
    for name, grad in whole.params.items():
        np.testing.assert_allclose(first.params[name] + second.params[name], grad,
                                   rtol=1e-10, atol=1e-12, err_msg=name)


def test_parameter_gradients_are_named_as_the_arrays_of_a_model_file():
    net = build(cells=("rnn", "gru"), bidirectional=True)
    X, t = data(net, np.random.default_rng(2))
    g = net.gradients(X, t)
    names = [f"layers.{i}.{name}" for i, layer in enumerate(net.layers) for name in layer.params]
    assert list(g.params.keys()) == names
    assert "layers.2.W_time_reverse" in names and "layers.0.W_layer" not in g.params
    for name, grad in g.params.items():
        i, key = int(name.split(".")[1]), name.split(".", 2)[2]
        assert grad.shape == net.layers[i].params[key].shape
    with pytest.raises(KeyError, match="layers.1.W_time"):
        g.params["rnn.0.W_time"]


def test_the_list_of_dicts_of_before_still_reads_and_warns_on_index():
    net = build()
    X, t = data(net, np.random.default_rng(3))
    g = net.gradients(X, t)
    assert len(g.params) == len(net.layers) and g.params.layer(0) == {}
    assert [list(d) for d in g.params] == [list(layer.params) for layer in net.layers]
    with pytest.warns(DeprecationWarning, match="params\\['layers.{i}.{name}'\\]"):
        old = g.params[2]["W_time"]
    assert old is g.params["layers.2.W_time"]
    with pytest.warns(DeprecationWarning):
        assert len(g.params[1:]) == len(net.layers) - 1
