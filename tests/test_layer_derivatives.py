"""A recurrent layer's derivatives: every gate of every step in one jitted call.

``rnn_nodes.layers.derivatives`` must give, block by block, exactly what each
activation's own derivative (``vmap(grad(f))``) gives, in the caller's dtype,
and build its jitted function once per tuple of activations.
"""

import jax.numpy as jnp
import numpy as np
import pytest

from rnn_nodes import ACTIVATIONS, RNN, GRULayer, LSTMLayer, RNNLayer
from rnn_nodes.activations import get_activation
from rnn_nodes.layers import Bidirectional, derivatives
from rnn_nodes.layers.derivatives import _jitted, finish, piece_ends, start

S, TANH = ACTIVATIONS["sigmoid"], ACTIVATIONS["tanh"]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_each_block_is_its_activations_derivative(dtype):
    rng = np.random.default_rng(0)
    A = rng.normal(scale=3.0, size=(5, 4, 4 * 3)).astype(dtype)  # (time, batch, 4n), n = 3
    C = rng.normal(scale=3.0, size=(5, 4, 3)).astype(dtype)
    dA, dC = finish(start(((S, S, TANH, S), (TANH,)), A, C))
    assert dA.shape == A.shape and dC.shape == C.shape
    assert dA.dtype == dC.dtype == dtype
    same = dict(rtol=1e-6) if dtype == np.float32 else dict(rtol=1e-13, atol=1e-16)
    for k, activation in enumerate((S, S, TANH, S)):
        block = A[..., 3 * k:3 * (k + 1)]
        np.testing.assert_allclose(dA[..., 3 * k:3 * (k + 1)], activation.derivative(block),
                                   **same, err_msg=f"block {k}")
    # by hand (1 - tanh^2 cancels where tanh is near 1: an absolute tolerance)
    by_hand = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dC, 1 - np.tanh(C) ** 2, **by_hand)
    s = 1 / (1 + np.exp(-A[..., :3]))
    np.testing.assert_allclose(dA[..., :3], s * (1 - s), **by_hand)


def test_a_users_activation_and_one_block():
    softsign = get_activation(lambda z: z / (1 + jnp.abs(z)))
    z = np.linspace(-4, 4, 24).reshape(2, 3, 4)
    (dz,) = finish(start(((softsign,),), z))
    np.testing.assert_allclose(dz, 1 / (1 + np.abs(z)) ** 2, rtol=1e-12)


def test_built_once_per_tuple_of_activations():
    blocks = ((S, S, TANH),)
    assert _jitted(blocks) is _jitted(((S, S, TANH),))
    assert _jitted(blocks) is not _jitted(((S, TANH, S),))


def _layers():
    return {"rnn": RNNLayer(3), "gru": GRULayer(3), "lstm": LSTMLayer(3),
            "bidirectional": Bidirectional(LSTMLayer(3))}


@pytest.mark.parametrize("name", ["rnn", "gru", "lstm", "bidirectional"])
def test_started_derivatives_give_the_same_backward_and_never_a_stale_one(name):
    """backward uses the derivatives that start_derivatives dispatched, for its own pass only."""
    layer = _layers()[name]
    layer.build(2, True, np.float64, np.random.default_rng(0))
    rng = np.random.default_rng(1)
    X_old, X = rng.normal(size=(2, 4, 5, 2))
    dC_dH = rng.normal(size=(4, 5, layer.n_features))

    def gradients():
        dC_dX = layer.backward(dC_dH)
        return dC_dX, {k: v.copy() for k, v in layer.grads.items()}

    layer.forward(X)
    expected_dX, expected = gradients()  # derivatives computed inside backward
    layer.forward(X)
    layer.start_derivatives()
    started_dX, started = gradients()
    layer.forward(X_old)
    layer.start_derivatives()  # dispatched for a pass that the next forward replaces
    layer.forward(X)
    stale_dX, stale = gradients()
    for dX, grads in ((started_dX, started), (stale_dX, stale)):
        np.testing.assert_array_equal(dX, expected_dX)
        for key, value in grads.items():
            np.testing.assert_array_equal(value, expected[key], err_msg=key)


@pytest.mark.parametrize("time, size, expected", [
    (28, 2 ** 19, (14, 21, 25, 28)),
    (200, 2 ** 20, (100, 150, 175, 200)),
    (8, 2 ** 19, (4, 6, 7, 8)),
    (7, 2 ** 20, (7,)),  # too few steps to split
    (28, 2 ** 19 - 1, (28,)),  # small enough for one call
])
def test_piece_ends(time, size, expected):
    assert piece_ends(time, size) == expected


def _stack(name):
    """A small network with the layer ``name``, a padded batch and its targets."""
    net = RNN(cost="mse", dtype="float64", seed=3,
              bptt_limit=4 if name.endswith("truncated") else None)
    net.add_InputLayer(2)
    kind = name.split("_")[0]
    if kind == "rnn":
        net.add_RNNLayer(5)
    elif kind == "gru":
        net.add_GRULayer(5)
    elif kind == "lstm":
        net.add_LSTMLayer(5)
    else:
        net.add_LSTMLayer(5, bidirectional=True)
    net.add_RNNLayer(4, activation="relu")
    net.add_OutputLayer(1)
    rng = np.random.default_rng(4)
    X, t = rng.normal(size=(6, 11, 2)), rng.normal(size=(6, 11, 1))
    return net, X, t, np.array([11, 11, 9, 4, 1, 11])


@pytest.mark.parametrize("name", ["rnn", "gru", "lstm", "bidirectional", "rnn_truncated",
                                  "lstm_truncated"])
@pytest.mark.parametrize("padded", [False, True])
def test_derivatives_started_in_pieces_give_the_same_gradients(name, padded, monkeypatch):
    """forward(start_derivatives=True) splits the JAX calls; the gradients stay bit for bit."""
    net, X, t, lengths = _stack(name)
    padding = {"lengths": lengths} if padded else {}
    expected = net.gradients(X, t, **padding)
    monkeypatch.setattr(derivatives, "PIECES_FROM", 0)  # every layer in pieces
    calls = []
    original = derivatives.start
    monkeypatch.setattr(derivatives, "start", lambda *a: calls.append(a) or original(*a))
    pieces = net.gradients(X, t, **padding)
    assert len(calls) == 4 * len(net.recurrent_layers) + (name == "bidirectional") * 4
    for layer_expected, layer_pieces in zip(expected.params, pieces.params):
        for key, value in layer_expected.items():
            np.testing.assert_array_equal(layer_pieces[key], value, err_msg=key)
    for h0_expected, h0_pieces in zip(expected.h0, pieces.h0):
        np.testing.assert_array_equal(h0_pieces, h0_expected)
    np.testing.assert_array_equal(pieces.X, expected.X)


def test_forward_with_started_derivatives_gives_the_same_output(monkeypatch):
    net, X, _, lengths = _stack("lstm")
    expected = net.forward(X, lengths=lengths)
    monkeypatch.setattr(derivatives, "PIECES_FROM", 0)
    np.testing.assert_array_equal(net.forward(X, lengths=lengths, start_derivatives=True),
                                  expected)
    with pytest.raises(TypeError, match="start_derivatives"):
        net.forward(X, start_derivatives="yes")
