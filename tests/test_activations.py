"""Activations: derivatives against the analytic formulas, softmax's Jacobian, compile-once."""

import jax.numpy as jnp
import numpy as np
import pytest

from rnn_nodes import ACTIVATIONS, Activation, get_activation


def analytic_forward(name, z):
    """sigma(z) written out in numpy, in float64."""
    z = z.astype(np.float64)
    if name == "identity":
        return z
    if name == "sigmoid":
        return np.exp(-np.logaddexp(0.0, -z))  # 1 / (1 + e^-z), without overflow
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.where(z > 0, z, 0.0)
    if name == "leaky_relu":
        return np.where(z > 0, z, 0.01 * z)
    raise KeyError(name)


def analytic_derivative(name, z):
    """sigma'(z) written out in numpy, in float64."""
    z = z.astype(np.float64)
    if name == "identity":
        return np.ones_like(z)
    if name == "sigmoid":
        # s (1 - s) = exp(-log(1 + e^-z)) exp(-log(1 + e^z)), without overflow
        return np.exp(-np.logaddexp(0.0, -z) - np.logaddexp(0.0, z))
    if name == "tanh":
        return 1.0 - np.tanh(z) ** 2
    if name == "relu":
        return (z > 0).astype(np.float64)
    if name == "leaky_relu":
        return np.where(z > 0, 1.0, 0.01)
    raise KeyError(name)


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_jacobian_product(z, g):
    """(diag(s) - s s^T) g for every row, the Jacobian built explicitly."""
    out = np.empty(np.broadcast_shapes(z.shape, g.shape))
    g = np.broadcast_to(g, out.shape)
    for index in np.ndindex(*out.shape[:-1]):
        s = softmax(z[index[-1]])
        jacobian = np.diag(s) - np.outer(s, s)
        out[index] = jacobian @ g[index]
    return out


def sin_times_z(z):
    return jnp.sin(z) * z


ELEMENTWISE = sorted(name for name, a in ACTIVATIONS.items() if a.elementwise)
SHAPES = [(5,), (3, 4), (2, 3, 4)]
TOLERANCE = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-12, atol=1e-12)}


def test_registry_holds_the_documented_names():
    assert set(ACTIVATIONS) == {"identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"}
    assert ELEMENTWISE == ["identity", "leaky_relu", "relu", "sigmoid", "tanh"]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_is_the_analytic_derivative(name, shape, dtype):
    z = (np.random.default_rng(0).standard_normal(shape) * 2).astype(dtype)
    derivative = ACTIVATIONS[name].derivative(z)
    assert derivative.shape == shape
    assert derivative.dtype == dtype
    np.testing.assert_allclose(derivative, analytic_derivative(name, z), **TOLERANCE[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_forward_is_the_function_and_keeps_shape_and_dtype(name, dtype):
    z = (np.random.default_rng(1).standard_normal((2, 3, 4)) * 2).astype(dtype)
    h = ACTIVATIONS[name](z)
    assert h.shape == z.shape
    assert h.dtype == dtype
    np.testing.assert_allclose(h, analytic_forward(name, z), **TOLERANCE[dtype])


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_vector_jacobian_is_gradient_times_derivative(name):
    rng = np.random.default_rng(2)
    z, g = rng.standard_normal((3, 4)), rng.standard_normal((2, 3, 4))
    np.testing.assert_allclose(
        ACTIVATIONS[name].vector_jacobian(z, g), g * analytic_derivative(name, z), rtol=1e-12
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_forward_sums_to_one_over_the_last_axis(dtype):
    z = np.random.default_rng(3).standard_normal((3, 5)).astype(dtype)
    s = ACTIVATIONS["softmax"](z)
    assert s.dtype == dtype
    np.testing.assert_allclose(s, softmax(z.astype(np.float64)), **TOLERANCE[dtype])
    np.testing.assert_allclose(s.sum(axis=-1), 1.0, **TOLERANCE[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("g_shape", [(4, 3), (2, 4, 3)], ids=["plain", "leading-axis"])
def test_softmax_vector_jacobian_is_the_explicit_jacobian(g_shape, dtype):
    rng = np.random.default_rng(4)
    z = rng.standard_normal((4, 3)).astype(dtype)
    g = rng.standard_normal(g_shape).astype(dtype)
    vjp = ACTIVATIONS["softmax"].vector_jacobian(z, g)
    assert vjp.shape == g_shape
    assert vjp.dtype == dtype
    expected = softmax_jacobian_product(z.astype(np.float64), g.astype(np.float64))
    np.testing.assert_allclose(vjp, expected, **TOLERANCE[dtype])


def test_softmax_vector_jacobian_is_not_the_elementwise_formula():
    z = np.array([[1.0, 2.0, 3.0]])
    g = np.array([[1.0, 0.0, 0.0]])
    s = softmax(z)
    vjp = ACTIVATIONS["softmax"].vector_jacobian(z, g)
    wrong = g * (s - s**2)
    assert np.max(np.abs(vjp - wrong)) > 1e-2
    np.testing.assert_allclose(vjp, softmax_jacobian_product(z, g), rtol=1e-12)


def test_softmax_has_no_elementwise_derivative():
    with pytest.raises(TypeError, match="vector_jacobian"):
        ACTIVATIONS["softmax"].derivative(np.zeros((2, 3)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_user_function_gets_its_derivative_from_jax(dtype):
    activation = get_activation(sin_times_z)
    assert isinstance(activation, Activation)
    assert activation.name == "sin_times_z"
    z = np.random.default_rng(5).standard_normal((3, 4)).astype(dtype)
    expected = np.cos(z.astype(np.float64)) * z + np.sin(z.astype(np.float64))
    np.testing.assert_allclose(activation(z), np.sin(z) * z, **TOLERANCE[dtype])
    derivative = activation.derivative(z)
    assert derivative.dtype == dtype
    np.testing.assert_allclose(derivative, expected, **TOLERANCE[dtype])


def test_same_callable_gives_the_same_activation():
    assert get_activation(sin_times_z) is get_activation(sin_times_z)
    assert get_activation("tanh") is ACTIVATIONS["tanh"]
    assert get_activation(ACTIVATIONS["relu"]) is ACTIVATIONS["relu"]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", [n for n, a in ACTIVATIONS.items() if a.elementwise]
                         + ["sin_times_z"])
def test_derivative_is_compiled_once_per_shape(name, dtype):
    activation = get_activation(sin_times_z if name == "sin_times_z" else name)
    rng = np.random.default_rng(6)
    activation.derivative(rng.standard_normal((3, 4)).astype(dtype))
    before = activation._derivative._cache_size()
    for _ in range(50):
        activation.derivative(rng.standard_normal((3, 4)).astype(dtype))
    assert activation._derivative._cache_size() - before <= 1


def test_softmax_vector_jacobian_is_compiled_once_per_shape():
    softmax_activation = ACTIVATIONS["softmax"]
    rng = np.random.default_rng(7)
    softmax_activation.vector_jacobian(rng.standard_normal((3, 4)), rng.standard_normal((3, 4)))
    before = softmax_activation._vector_jacobian._cache_size()
    for _ in range(50):
        softmax_activation.vector_jacobian(
            rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
        )
    assert softmax_activation._vector_jacobian._cache_size() - before <= 1


def test_unknown_name_is_a_value_error_naming_it():
    with pytest.raises(ValueError, match="tanhh") as error:
        get_activation("tanhh")
    assert "`activation`" in str(error.value)


@pytest.mark.parametrize("value", [3, None, 1.5, ["tanh"]])
def test_non_callable_non_string_is_a_type_error(value):
    with pytest.raises(TypeError, match="`activation`"):
        get_activation(value)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_large_inputs_give_finite_values_and_derivatives(name, dtype):
    z = np.array([-1e4, -30.0, 0.5, 30.0, 1e4], dtype=dtype)
    activation = ACTIVATIONS[name]
    np.testing.assert_allclose(activation(z), analytic_forward(name, z), **TOLERANCE[dtype])
    derivative = activation.derivative(z)
    assert np.all(np.isfinite(derivative))
    np.testing.assert_allclose(derivative, analytic_derivative(name, z), **TOLERANCE[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_inputs_give_finite_softmax_and_vector_jacobian(dtype):
    z = np.array([[1e4, 0.0, -1e4], [-1e4, -1e4, 1e4]], dtype=dtype)
    g = np.array([[1.0, -2.0, 3.0], [0.5, 0.5, -1.0]], dtype=dtype)
    s = ACTIVATIONS["softmax"](z)
    np.testing.assert_array_equal(s, [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    vjp = ACTIVATIONS["softmax"].vector_jacobian(z, g)
    assert np.all(np.isfinite(vjp))
    np.testing.assert_allclose(vjp, 0.0, atol=1e-30)  # a saturated softmax is locally flat


@pytest.mark.parametrize("name", sorted(ACTIVATIONS) + ["users"])
def test_forward_into_out_is_the_forward_bit_for_bit(name):
    """``activation(z, out=view)`` writes what ``activation(z)`` returns and returns the view."""
    activation = (get_activation(lambda z: z / (1 + jnp.abs(z))) if name == "users"
                  else ACTIVATIONS[name])
    z = np.random.default_rng(5).normal(scale=3.0, size=(4, 6)).astype(np.float32)
    output = np.full((4, 3, 6), np.nan, np.float32)  # (batch, time, n): write step 1
    written = activation(z, out=output[:, 1])
    assert written is not None and np.shares_memory(written, output)
    np.testing.assert_array_equal(output[:, 1], activation(z))
    assert np.isnan(output[:, [0, 2]]).all()  # the other steps untouched
