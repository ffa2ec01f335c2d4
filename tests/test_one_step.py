"""One Elman step alone (:func:`rnn_nodes.one_step`): hand-worked numbers, independent numpy
formulas of equations (1)-(6), and the network's own gradients of a 1-step sequence."""

import math

import numpy as np
import pytest

from rnn_nodes import RNN, one_step

B, N_IN, N = 4, 3, 2


def random_params(rng, n_in=N_IN, n=N):
    return {"W_layer": rng.normal(size=(n_in, n)), "b_layer": rng.normal(size=n),
            "W_time": rng.normal(size=(n, n)), "b_time": rng.normal(size=n)}


def test_a_single_unit_worked_by_hand():
    # z = 0.5 * 0.3 + 0.1 + 0.2 * 0.4 - 0.05 = 0.28; delta = 2 * (1 - tanh(0.28)^2)
    params = {"W_layer": [[0.3]], "b_layer": [0.1], "W_time": [[0.4]], "b_time": [-0.05]}
    step = one_step([[0.5]], [[0.2]], [[2.0]], {k: np.array(v) for k, v in params.items()})
    delta = 2 * (1 - math.tanh(0.28) ** 2)
    assert step.z_t[0, 0] == pytest.approx(0.28, abs=1e-15)
    assert step.h_t[0, 0] == pytest.approx(math.tanh(0.28), abs=1e-15)
    expected = {"delta_t": delta, "db_layer": delta, "db_time": delta, "dW_layer": 0.5 * delta,
                "dW_time": 0.2 * delta, "dC_dx": 0.3 * delta, "dC_dh_prev": 0.4 * delta}
    for name, value in expected.items():
        assert step[name].ravel()[0] == pytest.approx(value, abs=1e-14), name


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "softmax"])
def test_a_batch_against_numpy_formulas(activation):
    rng = np.random.default_rng(0)
    p = random_params(rng)
    x, h_prev, dC_dh = rng.normal(size=(B, N_IN)), rng.normal(size=(B, N)), rng.normal(size=(B, N))
    step = one_step(x, h_prev, dC_dh, p, activation)
    z = x @ p["W_layer"] + p["b_layer"] + h_prev @ p["W_time"] + p["b_time"]
    if activation == "tanh":
        h, delta = np.tanh(z), dC_dh * (1 - np.tanh(z) ** 2)
    elif activation == "sigmoid":
        h = 1 / (1 + np.exp(-z))
        delta = dC_dh * h * (1 - h)
    elif activation == "relu":
        h, delta = np.maximum(z, 0), dC_dh * (z > 0)
    else:  # softmax: J^T dC/dh row by row, J = diag(s) - s s^T
        h = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        delta = h * (dC_dh - np.sum(dC_dh * h, axis=1, keepdims=True))
    want = {"z_t": z, "h_t": h, "delta_t": delta, "db_layer": delta.sum(0),
            "db_time": delta.sum(0), "dW_layer": x.T @ delta, "dW_time": h_prev.T @ delta,
            "dC_dx": delta @ p["W_layer"].T, "dC_dh_prev": delta @ p["W_time"].T}
    for name, value in want.items():
        np.testing.assert_allclose(step[name], value, rtol=1e-12, atol=1e-13, err_msg=name)


def test_the_network_of_one_step_gives_the_same_gradients():
    net = RNN(dtype="float64", seed=0).add_InputLayer(N_IN).add_RNNLayer(N)
    rng = np.random.default_rng(1)
    x, h_prev, dC_dh = rng.normal(size=(B, N_IN)), rng.normal(size=(B, N)), rng.normal(size=(B, N))
    g = net.gradients(x[:, None], None, h0=[h_prev], dY=dC_dh[:, None])
    step = one_step(x, h_prev, dC_dh, net.layers[1])  # the layer's params and activation
    pairs = [("d" + name, g.params[f"layers.1.{name}"])
             for name in ("W_layer", "b_layer", "W_time", "b_time")]
    pairs += [("dC_dx", g.X[:, 0]), ("dC_dh_prev", g.states.h[0]),
              ("h_t", net.forward(x[:, None], h0=[h_prev])[:, 0])]
    for name, value in pairs:  # the same code; BLAS may order a product's sums otherwise
        np.testing.assert_allclose(step[name], value, rtol=1e-14, atol=1e-15, err_msg=name)


def test_bad_shapes_name_the_argument():
    p = random_params(np.random.default_rng(2))
    x, h = np.zeros((B, N_IN)), np.zeros((B, N))
    with pytest.raises(ValueError, match=r"`x_t` must have shape \(batch, n\) = \(batch, 3\)"):
        one_step(np.zeros((B, 2)), h, h, p)
    with pytest.raises(ValueError, match=r"`h_prev` must have shape .* = \(4, 2\), got \(3, 2\)"):
        one_step(x, np.zeros((3, N)), h, p)
    with pytest.raises(ValueError, match="`dC_dh_t`"):
        one_step(x, h, np.zeros((B, N + 1)), p)
    with pytest.raises(ValueError, match=r"`params\['W_time'\]` must have shape \(2, 2\)"):
        one_step(x, h, h, {**p, "W_time": np.zeros((3, 3))})
    with pytest.raises(ValueError, match=r"`params` lacks \['b_time'\]"):
        one_step(x, h, h, {k: v for k, v in p.items() if k != "b_time"})
