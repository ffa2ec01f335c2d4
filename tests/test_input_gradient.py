"""Training skips dC/dX of the data: ``backward(t, input_gradient=False)``.

Nothing reads the gradient with respect to the network's input during
training, so ``train_step`` asks the first layer not to compute it (one
matrix product over every step). Every other number must be the same.
"""

import numpy as np
import pytest

from rnn_nodes import RNN

BATCH, TIME, N_IN, N_OUT = 4, 6, 3, 2


def network(first, seed=0):
    net = RNN(cost="mse", dtype="float64", seed=seed).add_InputLayer(N_IN)
    if first == "bidirectional":
        net.add_LSTMLayer(5, bidirectional=True)
    else:
        getattr(net, f"add_{first}Layer")(5)
    net.add_RNNLayer(4)  # a second recurrent layer still passes its dC/dH down
    return net.add_OutputLayer(N_OUT)


@pytest.mark.parametrize("first", ["RNN", "GRU", "LSTM", "bidirectional"])
@pytest.mark.parametrize("lengths", [None, [6, 3, 5, 1]], ids=["full", "padded"])
def test_skipping_the_input_gradient_changes_no_other_number(first, lengths):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((BATCH, TIME, N_IN))
    t = rng.standard_normal((BATCH, TIME, N_OUT))
    net = network(first)
    lengths = None if lengths is None else np.array(lengths)
    net.forward(X, lengths=lengths)
    dX = net.backward(t)
    assert dX.shape == X.shape and np.abs(dX).max() > 0
    with_input = [{k: v.copy() for k, v in layer.grads.items()} for layer in net.layers]
    dh0 = [layer.dh0.copy() for layer in net.recurrent_layers]

    net.forward(X, lengths=lengths)
    assert net.backward(t, input_gradient=False) is None
    for layer, expected in zip(net.layers, with_input):
        assert set(layer.grads) == set(expected)
        for name, value in layer.grads.items():
            np.testing.assert_array_equal(value, expected[name], err_msg=name)
    for layer, expected in zip(net.recurrent_layers, dh0):
        np.testing.assert_array_equal(layer.dh0, expected)


def test_a_training_step_is_the_update_of_the_full_gradients():
    """train_step (input gradient skipped) moves the weights as backward(t) + Adam would."""
    rng = np.random.default_rng(2)
    X = rng.standard_normal((BATCH, TIME, N_IN))
    t = rng.standard_normal((BATCH, TIME, N_OUT))
    trained, by_hand = network("RNN"), network("RNN")
    trained.train_step(X, t)
    grads = by_hand.gradients(X, t).params
    for i, layer in by_hand.trainable_layers:
        for name, param in layer.params.items():
            state = by_hand.scheduler.init(param)
            change, _ = by_hand.scheduler.update_change(grads[i][name], state)
            np.testing.assert_allclose(trained.layers[i].params[name], param - change,
                                       rtol=1e-12, atol=1e-15, err_msg=f"{i} {name}")
