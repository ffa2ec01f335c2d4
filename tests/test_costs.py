"""Costs: golden values, gradients against finite differences, the exact pairings."""

import jax.numpy as jnp
import numpy as np
import pytest

from rnn_nodes import ACTIVATIONS, COSTS, Cost, RNN, get_cost
from schedulers import Constant

# Two samples, two outputs: (batch, out). Rows sum to one, so cce applies too.
Y_HAT_2D = np.array([[0.3, 0.7], [0.9, 0.1]])
T_2D = np.array([[0.0, 1.0], [1.0, 0.0]])
# Two samples, three steps, two outputs: (batch, time, out).
Y_HAT_3D = np.array([
    [[0.1, 0.9], [0.6, 0.4], [0.3, 0.7]],
    [[0.8, 0.2], [0.5, 0.5], [0.25, 0.75]],
])
T_3D = np.array([
    [[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]],
    [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]],
])


def golden_mse_2d():
    squares = (0.3 - 0.0) ** 2 + (0.7 - 1.0) ** 2 + (0.9 - 1.0) ** 2 + (0.1 - 0.0) ** 2
    return squares / 4  # every element: batch * out


def golden_bce_2d():
    terms = np.log(1 - 0.3) + np.log(0.7) + np.log(0.9) + np.log(1 - 0.1)
    return -terms / 4  # every element: batch * out


def golden_cce_2d():
    # one-hot targets pick one probability per row; averaged over the 2 rows
    return -(np.log(0.7) + np.log(0.9)) / 2


def golden_mse_3d():
    squares = (
        0.1**2 + 0.1**2 + 0.4**2 + 0.4**2 + 0.3**2 + 0.3**2
        + 0.2**2 + 0.2**2 + 0.5**2 + 0.5**2 + 0.75**2 + 0.75**2
    )
    return squares / 12  # every element: batch * time * out


def golden_bce_3d():
    terms = (
        np.log(0.9) + np.log(0.9) + np.log(0.6) + np.log(0.6) + np.log(0.7) + np.log(0.7)
        + np.log(0.8) + np.log(0.8) + np.log(0.5) + np.log(0.5) + np.log(0.25) + np.log(0.25)
    )
    return -terms / 12


def golden_cce_3d():
    # rows are batch * time = 6 (the classes are summed, not averaged)
    picked = np.log(0.9) + np.log(0.6) + np.log(0.7) + np.log(0.8) + np.log(0.5) + np.log(0.25)
    return -picked / 6


DATA = {2: (Y_HAT_2D, T_2D), 3: (Y_HAT_3D, T_3D)}
GOLDEN = {
    ("mse", 2): golden_mse_2d, ("bce", 2): golden_bce_2d, ("cce", 2): golden_cce_2d,
    ("mse", 3): golden_mse_3d, ("bce", 3): golden_bce_3d, ("cce", 3): golden_cce_3d,
}


def test_registry_holds_the_documented_names():
    assert set(COSTS) == {"mse", "bce", "cce"}


@pytest.mark.kernel
@pytest.mark.parametrize("ndim", [2, 3], ids=["batch-out", "batch-time-out"])
@pytest.mark.parametrize("name", ["mse", "bce", "cce"])
def test_golden_values(name, ndim):
    y_hat, t = DATA[ndim]
    value = COSTS[name](y_hat, t)
    assert isinstance(value, float)
    assert value == pytest.approx(GOLDEN[(name, ndim)](), rel=1e-12)


def test_cce_sums_over_classes_and_averages_over_rows():
    # three classes, soft targets: every class contributes, the sum is divided by rows only
    y_hat = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    t = np.array([[0.5, 0.5, 0.0], [0.0, 0.25, 0.75]])
    golden = -(0.5 * np.log(0.2) + 0.5 * np.log(0.3) + 0.25 * np.log(0.3) + 0.75 * np.log(0.1)) / 2
    assert COSTS["cce"](y_hat, t) == pytest.approx(golden, rel=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["bce", "cce"])
def test_saturated_probabilities_give_a_large_finite_cost(name, dtype):
    y_hat = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=dtype)
    t = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=dtype)
    value = COSTS[name](y_hat, t)
    assert np.isfinite(value)
    assert value > 10


def finite_difference_gradient(cost, y_hat, t, step=1e-6):
    gradient = np.zeros_like(y_hat)
    for index in np.ndindex(*y_hat.shape):
        plus, minus = y_hat.copy(), y_hat.copy()
        plus[index] += step
        minus[index] -= step
        gradient[index] = (cost(plus, t) - cost(minus, t)) / (2 * step)
    return gradient


@pytest.mark.parametrize("ndim", [2, 3], ids=["batch-out", "batch-time-out"])
@pytest.mark.parametrize("name", ["mse", "bce", "cce"])
def test_gradient_is_the_finite_difference_gradient(name, ndim):
    y_hat, t = DATA[ndim]
    gradient = COSTS[name].gradient(y_hat, t)
    assert gradient.shape == y_hat.shape
    assert gradient.dtype == np.float64
    expected = finite_difference_gradient(COSTS[name], y_hat, t)
    np.testing.assert_allclose(gradient, expected, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4)])
def test_bce_sigmoid_delta_is_the_chain_rule(shape):
    rng = np.random.default_rng(0)
    z = rng.standard_normal(shape)
    t = (rng.uniform(size=shape) > 0.5).astype(float)
    sigmoid, bce = ACTIVATIONS["sigmoid"], COSTS["bce"]
    y_hat = sigmoid(z)
    assert bce.pairs_with(sigmoid)
    chain_rule = sigmoid.vector_jacobian(z, bce.gradient(y_hat, t))
    np.testing.assert_allclose(bce.delta(y_hat, t), chain_rule, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(bce.delta(y_hat, t), (y_hat - t) / y_hat.size, rtol=1e-12)


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4)])
def test_cce_softmax_delta_is_the_chain_rule(shape):
    rng = np.random.default_rng(1)
    z = rng.standard_normal(shape)
    t = np.eye(shape[-1])[rng.integers(shape[-1], size=shape[:-1])]
    softmax, cce = ACTIVATIONS["softmax"], COSTS["cce"]
    y_hat = softmax(z)
    assert cce.pairs_with(softmax)
    chain_rule = softmax.vector_jacobian(z, cce.gradient(y_hat, t))
    rows = y_hat.size // shape[-1]
    np.testing.assert_allclose(cce.delta(y_hat, t), chain_rule, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(cce.delta(y_hat, t), (y_hat - t) / rows, rtol=1e-12)


EXACT_PAIRS = {("bce", "sigmoid"), ("cce", "softmax")}


@pytest.mark.parametrize("cost", sorted(COSTS))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_pairings_are_only_the_exact_ones(cost, activation):
    expected = (cost, activation) in EXACT_PAIRS
    assert COSTS[cost].pairs_with(ACTIVATIONS[activation]) is expected


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cce_softmax_delta_survives_an_underflowing_softmax(dtype):
    z = np.array([[1e4, 0.0, -1e4], [0.0, 1.0, 2.0]], dtype=dtype)
    t = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], dtype=dtype)
    y_hat = ACTIVATIONS["softmax"](z)
    assert y_hat[0, 1] == 0.0 and y_hat[0, 2] == 0.0  # underflowed
    delta = COSTS["cce"].delta(y_hat, t)
    assert delta.dtype == dtype
    assert np.all(np.isfinite(delta))
    # d/dz of -log softmax(z)[1] / rows is (softmax(z) - t) / rows: [1, -1, 0] / 2 in the first row
    np.testing.assert_allclose(delta[0], [0.5, -0.5, 0.0], atol=1e-7)
    np.testing.assert_allclose(delta, (y_hat - t) / 2, rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_sigmoid_delta_survives_a_saturated_sigmoid(dtype):
    z = np.array([[1e4, -1e4], [1e4, 0.0]], dtype=dtype)
    t = np.array([[0.0, 1.0], [1.0, 1.0]], dtype=dtype)
    y_hat = ACTIVATIONS["sigmoid"](z)
    delta = COSTS["bce"].delta(y_hat, t)
    assert np.all(np.isfinite(delta))
    np.testing.assert_allclose(delta, [[0.25, -0.25], [0.0, -0.125]], atol=1e-7)


def test_unknown_cost_is_a_value_error_naming_it():
    with pytest.raises(ValueError, match="msee") as error:
        get_cost("msee")
    assert "`cost`" in str(error.value)
    with pytest.raises(ValueError, match="msee"):
        RNN(cost="msee")


@pytest.mark.parametrize("value", [3, None, ["mse"]])
def test_non_callable_non_string_cost_is_a_type_error(value):
    with pytest.raises(TypeError, match="`cost`"):
        get_cost(value)


def quartic(y_hat, t):
    return jnp.sum((y_hat - t) ** 4)


def test_user_callable_cost_works():
    cost = get_cost(quartic)
    assert isinstance(cost, Cost)
    assert cost is get_cost(quartic)
    assert cost.name == "quartic"
    assert not cost.is_classification
    y_hat, t = Y_HAT_3D, T_3D
    assert cost(y_hat, t) == pytest.approx(np.sum((y_hat - t) ** 4), rel=1e-12)
    np.testing.assert_allclose(cost.gradient(y_hat, t), 4 * (y_hat - t) ** 3, rtol=1e-12)


def test_user_callable_cost_trains_a_network():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((6, 4, 1))
    net = RNN(cost=quartic, scheduler=Constant(eta=1e-3), seed=0, dtype="float64")
    net.add_InputLayer(1).add_RNNLayer(3).add_OutputLayer(1)
    history = net.train(X, 0.5 * X, epochs=3, batch_size=6)
    assert set(history) == {"loss", "time"}
    assert history["loss"][-1] < history["loss"][0]
