"""A recurrent layer's derivatives: every gate of every step in one jitted call.

``rnn_nodes.layers.derivatives`` must give, block by block, exactly what each
activation's own derivative (``vmap(grad(f))``) gives, in the caller's dtype,
and build its jitted function once per tuple of activations.
"""

import jax.numpy as jnp
import numpy as np
import pytest

from rnn_nodes import ACTIVATIONS, GRULayer, LSTMLayer, RNNLayer
from rnn_nodes.activations import get_activation
from rnn_nodes.layers import Bidirectional
from rnn_nodes.layers.derivatives import _jitted, finish, start

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
