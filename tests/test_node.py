"""One time step: the Node and the step equations, against (1)-(6) written out by hand.

A :class:`Node` does the recurrent part of a step (the forward equation given the input term,
equations (1) and (6)); ``input_projection``, ``add_parameter_gradients`` and
``input_projection_gradient`` do the rest ((2)-(5)), which a layer applies to all steps at once.
"""

import numpy as np
import pytest

from rnn_nodes import ACTIVATIONS, Node
from rnn_nodes.node import (
    add_parameter_gradients,
    input_projection,
    input_projection_gradient,
    transposed,
)

pytestmark = pytest.mark.kernel  # golden values of matrix products: computed by the BLAS

# batch 2, n_in 3, n 2
H_LAYER = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
H_TIME = np.array([[0.1, -0.2], [0.3, 0.4]])
W_LAYER = np.array([[0.2, -0.1], [0.4, 0.3], [-0.5, 0.6]])
B_LAYER = np.array([0.1, -0.2])
W_TIME = np.array([[0.7, -0.3], [0.2, 0.5]])
B_TIME = np.array([0.05, 0.15])
DC_DH = np.array([[1.0, -0.5], [0.25, 2.0]])
EXACT = dict(rtol=1e-12, atol=1e-15)  # float64, up to the order of summation


def make_params(recurrent, dtype=np.float64):
    params = {"W_layer": W_LAYER, "b_layer": B_LAYER}
    if recurrent:
        params.update(W_time=W_TIME, b_time=B_TIME)
    return {name: value.astype(dtype) for name, value in params.items()}


def zeros_like(params):
    return {name: np.zeros_like(value) for name, value in params.items()}


def by_hand(recurrent, dC_dh=DC_DH):
    """Forward and equations (1)-(6) for tanh, one line each."""
    z_t = H_LAYER @ W_LAYER + B_LAYER
    if recurrent:
        z_t = z_t + H_TIME @ W_TIME + B_TIME
    h_t = np.tanh(z_t)
    delta = dC_dh * (1.0 - np.tanh(z_t) ** 2)  # (1)
    expected = {
        "z_t": z_t,
        "h_t": h_t,
        "delta": delta,
        "b_layer": delta.sum(axis=0),  # (2)
        "W_layer": H_LAYER.T @ delta,  # (3)
        "dC_dh_layer": delta @ W_LAYER.T,  # (5)
    }
    if recurrent:
        expected["b_time"] = delta.sum(axis=0)  # (2)
        expected["W_time"] = H_TIME.T @ delta  # (4)
        expected["dC_dh_time"] = delta @ W_TIME.T  # (6)
    return expected


def step(recurrent, dC_dh=DC_DH, activation="tanh", grads=None):
    """One step as a layer runs it: forward, then (1)-(6). Returns node, grads and results."""
    params = make_params(recurrent)
    grads = zeros_like(params) if grads is None else grads
    node = Node(params, ACTIVATIONS[activation])
    h_t = node.forward(input_projection(H_LAYER, params), H_TIME if recurrent else None)
    dsigma_t = ACTIVATIONS[activation].derivative(node.z_t) if activation != "softmax" else None
    delta, dC_dh_time = node.backward(dC_dh, dsigma_t)  # (1), (6)
    add_parameter_gradients(grads, delta, H_LAYER, H_TIME if recurrent else None)  # (2)-(4)
    dC_dh_layer = input_projection_gradient(delta, params)  # (5)
    return node, grads, dict(h_t=h_t, delta=delta, dC_dh_time=dC_dh_time, dC_dh_layer=dC_dh_layer)


RECURRENT = pytest.mark.parametrize("recurrent", [True, False], ids=["recurrent", "plain"])


@RECURRENT
def test_forward_is_the_equation(recurrent):
    expected = by_hand(recurrent)
    params = make_params(recurrent)
    z_layer = input_projection(H_LAYER, params)
    np.testing.assert_allclose(z_layer, H_LAYER @ W_LAYER + B_LAYER, **EXACT)
    node = Node(params, ACTIVATIONS["tanh"])
    assert node.is_recurrent == recurrent
    h_t = node.forward(z_layer, H_TIME if recurrent else None)
    assert h_t.shape == (2, 2)
    assert h_t.dtype == np.float64
    np.testing.assert_allclose(node.z_t, expected["z_t"], **EXACT)
    np.testing.assert_allclose(h_t, expected["h_t"], **EXACT)
    assert node.h_t is h_t


@RECURRENT
def test_backward_is_equations_1_to_6(recurrent):
    expected = by_hand(recurrent)
    _, grads, result = step(recurrent)
    np.testing.assert_allclose(result["delta"], expected["delta"], **EXACT)
    np.testing.assert_allclose(result["dC_dh_layer"], expected["dC_dh_layer"], **EXACT)
    for name, value in grads.items():
        np.testing.assert_allclose(value, expected[name], **EXACT, err_msg=name)
    if recurrent:
        assert set(grads) == {"W_layer", "b_layer", "W_time", "b_time"}
        np.testing.assert_allclose(result["dC_dh_time"], expected["dC_dh_time"], **EXACT)
    else:
        assert set(grads) == {"W_layer", "b_layer"}
        assert result["dC_dh_time"] is None


def test_backward_without_a_precomputed_derivative_is_the_same():
    node = Node(make_params(True), ACTIVATIONS["tanh"])
    node.forward(input_projection(H_LAYER, node.params), H_TIME)
    given, _ = node.backward(DC_DH, ACTIVATIONS["tanh"].derivative(node.z_t))
    computed, _ = node.backward(DC_DH)
    np.testing.assert_allclose(computed, given, **EXACT)
    np.testing.assert_allclose(computed, by_hand(True)["delta"], **EXACT)


@pytest.mark.parametrize("activation", ["tanh", "softmax"])
def test_arrays_a_layer_hands_in_change_no_number(activation):
    """``out=`` buffers and a C-ordered ``W_time.T`` give the very results of the plain call."""
    params = make_params(True)
    plain = Node(params, ACTIVATIONS[activation])
    h_plain = plain.forward(input_projection(H_LAYER, params), H_TIME)
    dsigma = None if activation == "softmax" else ACTIVATIONS[activation].derivative(plain.z_t)
    delta_plain, dC_dh_time_plain = plain.backward(DC_DH, dsigma)

    node = Node(params, ACTIVATIONS[activation])
    Z = np.stack([input_projection(H_LAYER, params)] * 3)  # a layer's (time, batch, n)
    h_t = node.forward(Z[1], H_TIME, out=Z[1])
    assert np.shares_memory(node.z_t, Z[1])
    np.testing.assert_array_equal(Z[1], plain.z_t)  # the input term became z_t in place
    np.testing.assert_array_equal(Z[0], input_projection(H_LAYER, params))  # others untouched
    np.testing.assert_array_equal(h_t, h_plain)

    W_time_T = transposed(params["W_time"])
    assert W_time_T.flags.c_contiguous
    np.testing.assert_array_equal(W_time_T, params["W_time"].T)
    deltas = np.full((2, 3, 2), np.nan)  # (batch, time, n): a strided slice per step
    delta, dC_dh_time = node.backward(DC_DH, dsigma, W_time_T, out=deltas[:, 1])
    assert np.shares_memory(delta, deltas)
    np.testing.assert_array_equal(deltas[:, 1], delta_plain)
    assert np.isnan(deltas[:, [0, 2]]).all()
    np.testing.assert_allclose(dC_dh_time, dC_dh_time_plain, **EXACT)
    np.testing.assert_allclose(dC_dh_time, delta_plain @ W_TIME.T, **EXACT)


def test_backward_never_changes_the_parameters():
    node, _, _ = step(recurrent=True)
    np.testing.assert_array_equal(node.params["W_layer"], W_LAYER)
    np.testing.assert_array_equal(node.params["W_time"], W_TIME)
    np.testing.assert_array_equal(node.params["b_time"], B_TIME)


@RECURRENT
def test_backward_twice_accumulates(recurrent):
    _, grads, _ = step(recurrent)
    once = {name: value.copy() for name, value in grads.items()}
    step(recurrent, grads=grads)
    for name, value in grads.items():
        np.testing.assert_allclose(value, 2 * once[name], **EXACT, err_msg=name)


def test_steps_sharing_buffers_sum_their_contributions():
    expected = by_hand(recurrent=True)
    _, grads, _ = step(recurrent=True)
    _, other, _ = step(recurrent=True, dC_dh=-3.0 * DC_DH[::-1])
    step(recurrent=True, dC_dh=-3.0 * DC_DH[::-1], grads=grads)
    for name in grads:
        np.testing.assert_allclose(grads[name], expected[name] + other[name], **EXACT)


def test_all_steps_at_once_is_the_sum_over_steps():
    # (batch * time) rows in one product are the per-step contributions summed over time
    rng = np.random.default_rng(0)
    batch, time, n_in, n = 2, 4, 3, 2
    delta = rng.standard_normal((batch, time, n))
    H, H_prev = rng.standard_normal((batch, time, n_in)), rng.standard_normal((batch, time, n))
    params = make_params(True)
    together = zeros_like(params)
    add_parameter_gradients(together, delta.reshape(batch * time, n),
                            H.reshape(batch * time, n_in), H_prev.reshape(batch * time, n))
    per_step = zeros_like(params)
    for t in range(time):
        add_parameter_gradients(per_step, delta[:, t], H[:, t], H_prev[:, t])
    for name in params:
        np.testing.assert_allclose(together[name], per_step[name], **EXACT, err_msg=name)
    np.testing.assert_allclose(
        together["W_time"], sum(H_prev[:, t].T @ delta[:, t] for t in range(time)), **EXACT)


@RECURRENT
def test_leading_axis_gives_the_sum_of_the_slices(recurrent):
    slices = np.stack([DC_DH, -2.0 * DC_DH[::-1], np.full_like(DC_DH, 0.3)])  # (3, batch, n)
    _, grads, result = step(recurrent, dC_dh=slices)
    assert result["delta"].shape == (3, 2, 2)
    assert result["dC_dh_layer"].shape == (3, 2, 3)
    expected = [by_hand(recurrent, dC_dh) for dC_dh in slices]
    for name, value in grads.items():
        np.testing.assert_allclose(value, sum(e[name] for e in expected), **EXACT, err_msg=name)
    for k, e in enumerate(expected):
        np.testing.assert_allclose(result["dC_dh_layer"][k], e["dC_dh_layer"], **EXACT)
        if recurrent:
            np.testing.assert_allclose(result["dC_dh_time"][k], e["dC_dh_time"], **EXACT)


def test_softmax_node_uses_the_vector_jacobian_product():
    _, grads, result = step(recurrent=False, activation="softmax")
    s = result["h_t"]
    np.testing.assert_allclose(s.sum(axis=1), 1.0, **EXACT)
    # (1) for softmax: delta = s * (dC/dh - sum(dC/dh * s)) per row, not dC/dh * s * (1 - s)
    delta = s * (DC_DH - (DC_DH * s).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(result["delta"], delta, **EXACT)
    assert not np.allclose(result["delta"], DC_DH * s * (1 - s))
    np.testing.assert_allclose(grads["W_layer"], H_LAYER.T @ delta, **EXACT)


def test_float32_step_stays_float32():
    params = make_params(True, np.float32)
    grads = zeros_like(params)
    node = Node(params, ACTIVATIONS["tanh"])
    h_layer, h_time = H_LAYER.astype(np.float32), H_TIME.astype(np.float32)
    h_t = node.forward(input_projection(h_layer, params), h_time)
    delta, dC_dh_time = node.backward(DC_DH.astype(np.float32),
                                      ACTIVATIONS["tanh"].derivative(node.z_t))
    add_parameter_gradients(grads, delta, h_layer, h_time)
    dC_dh_layer = input_projection_gradient(delta, params)
    assert h_t.dtype == delta.dtype == dC_dh_time.dtype == dC_dh_layer.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads.values())
    expected = by_hand(recurrent=True)
    for name, value in grads.items():
        np.testing.assert_allclose(value, expected[name], rtol=1e-5, atol=1e-6, err_msg=name)
