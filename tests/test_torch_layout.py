"""Weights in PyTorch's ``nn.RNN`` layout: loading, transposition, and errors on wrong shapes.

The reference here is written as PyTorch's own equations (``reference.torch_elman_top``):
``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` on the raw state-dict arrays.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from reference import torch_elman_top, rel_err
from rnn_nodes import RNN

BATCH, T, N_IN, HIDDEN, N_OUT = 3, 5, 2, (4, 3), 2


def random_state_dict(rng, sizes=(N_IN, *HIDDEN)):
    """PyTorch-layout arrays for a stacked Elman RNN with layer sizes ``sizes``."""
    sd = {}
    for l, (n_in, n) in enumerate(zip(sizes[:-1], sizes[1:])):
        sd[f"weight_ih_l{l}"] = rng.normal(0, 0.6, (n, n_in))
        sd[f"weight_hh_l{l}"] = rng.normal(0, 0.6, (n, n))
        sd[f"bias_ih_l{l}"] = rng.normal(0, 0.3, n)
        sd[f"bias_hh_l{l}"] = rng.normal(0, 0.3, n)
    return sd


def two_layer_elman(seed=0):
    """A float64 2-layer tanh RNN with a per-step identity OutputLayer and random output weights."""
    rng = np.random.default_rng(seed)
    net = RNN(cost="mse", dtype="float64", seed=seed)
    net.add_InputLayer(N_IN)
    for n in HIDDEN:
        net.add_RNNLayer(n, activation="tanh")
    net.add_OutputLayer(N_OUT, activation="identity")
    out = net.layers[-1].params
    out["W_layer"][...] = rng.normal(0, 0.6, out["W_layer"].shape)
    out["b_layer"][...] = rng.normal(0, 0.3, out["b_layer"].shape)
    return net, rng


def torch_form_output(sd, W_out, b_out, X, h0s):
    """(batch, T, m): PyTorch-equation hidden states, then the output layer at every step."""
    top = torch_elman_top(sd, X, h0s)
    return jnp.einsum("btn,nm->btm", top, W_out) + b_out[None, None, :]


@pytest.mark.parametrize("with_h0", [False, True], ids=["h0=None", "h0=random"])
def test_load_torch_state_dict_forward_and_gradients(with_h0):
    net, rng = two_layer_elman()
    sd = random_state_dict(rng)
    net.load_torch_state_dict({k: v.copy() for k, v in sd.items()})
    X = rng.normal(size=(BATCH, T, N_IN))
    t = rng.uniform(-1, 1, (BATCH, T, N_OUT))
    h0s = [rng.normal(0, 0.5, (BATCH, n)) for n in HIDDEN] if with_h0 else None

    # the layout: W_layer = weight_ih^T, W_time = weight_hh^T, biases as they are
    for l, layer in enumerate(net.layers[1:3]):
        np.testing.assert_array_equal(layer.params["W_layer"], sd[f"weight_ih_l{l}"].T)
        np.testing.assert_array_equal(layer.params["W_time"], sd[f"weight_hh_l{l}"].T)
        np.testing.assert_array_equal(layer.params["b_layer"], sd[f"bias_ih_l{l}"])
        np.testing.assert_array_equal(layer.params["b_time"], sd[f"bias_hh_l{l}"])

    out = net.layers[-1].params
    W_out, b_out = jnp.asarray(out["W_layer"].copy()), jnp.asarray(out["b_layer"].copy())
    jsd = {k: jnp.asarray(v) for k, v in sd.items()}
    jh0 = None if h0s is None else [jnp.asarray(h) for h in h0s]

    y = net.forward(X, h0=h0s)
    np.testing.assert_allclose(y, torch_form_output(jsd, W_out, b_out, jnp.asarray(X), jh0), rtol=0, atol=1e-12)

    # gradients: d/d(weight_ih) of the PyTorch form is (dC/dW_layer)^T, and so on
    h0_arg = jh0 if jh0 is not None else [jnp.zeros((BATCH, n)) for n in HIDDEN]
    cost = lambda s, W, b, x, h: jnp.mean((torch_form_output(s, W, b, x, h) - t) ** 2)
    dsd, dW, db, dX, dh0 = jax.grad(cost, argnums=(0, 1, 2, 3, 4))(jsd, W_out, b_out, jnp.asarray(X), h0_arg)
    g = net.gradients(X, t, h0=h0s)
    pairs = []
    for l in range(2):
        gl = g.params.layer(l + 1)
        pairs += [(f"W_layer[{l}]", gl["W_layer"], dsd[f"weight_ih_l{l}"].T),
                  (f"W_time[{l}]", gl["W_time"], dsd[f"weight_hh_l{l}"].T),
                  (f"b_layer[{l}]", gl["b_layer"], dsd[f"bias_ih_l{l}"]),
                  (f"b_time[{l}]", gl["b_time"], dsd[f"bias_hh_l{l}"]),
                  (f"h0[{l}]", g.h0[l], dh0[l])]
    pairs += [("out W_layer", g.params.layer(3)["W_layer"], dW), ("out b_layer", g.params.layer(3)["b_layer"], db),
              ("X", g.X, dX)]
    errors = {name: rel_err(a, b) for name, a, b in pairs}
    assert max(errors.values()) < 1e-10, errors


def test_set_torch_weights_per_layer_equals_load_torch_state_dict():
    net_a, rng = two_layer_elman()
    net_b, _ = two_layer_elman()
    sd = random_state_dict(rng)
    net_a.load_torch_state_dict(sd)
    for l, layer in enumerate(net_b.layers[1:3]):
        layer.set_torch_weights(sd[f"weight_ih_l{l}"], sd[f"weight_hh_l{l}"], sd[f"bias_ih_l{l}"], sd[f"bias_hh_l{l}"])
    X = rng.normal(size=(BATCH, T, N_IN))
    np.testing.assert_array_equal(net_a.forward(X), net_b.forward(X))


@pytest.mark.parametrize("argument,wrong", [
    ("weight_ih", lambda n, n_in: np.zeros((n_in, n))),      # forgot to transpose
    ("weight_ih", lambda n, n_in: np.zeros((n, n_in + 1))),
    ("weight_hh", lambda n, n_in: np.zeros((n, n + 1))),
    ("weight_hh", lambda n, n_in: np.zeros(n)),
    ("bias_ih", lambda n, n_in: np.zeros(n + 1)),
    ("bias_hh", lambda n, n_in: np.zeros((n, 1))),
])
def test_set_torch_weights_wrong_shape_names_the_argument(argument, wrong):
    net, _ = two_layer_elman()
    layer = net.layers[1]  # n = 4, n_in = 2
    n, n_in = HIDDEN[0], N_IN
    arguments = {"weight_ih": np.zeros((n, n_in)), "weight_hh": np.zeros((n, n)),
                 "bias_ih": np.zeros(n), "bias_hh": np.zeros(n)}
    arguments[argument] = wrong(n, n_in)
    with pytest.raises(ValueError, match=argument):
        layer.set_torch_weights(**arguments)


def test_against_torch_nn_rnn():
    torch = pytest.importorskip("torch", reason="torch is not installed; this extra check needs torch.nn.RNN")
    net, rng = two_layer_elman()
    sd = random_state_dict(rng)
    net.load_torch_state_dict(sd)
    rnn = torch.nn.RNN(N_IN, HIDDEN[0], num_layers=1, batch_first=True, dtype=torch.float64)
    rnn2 = torch.nn.RNN(HIDDEN[0], HIDDEN[1], num_layers=1, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        for module, l in ((rnn, 0), (rnn2, 1)):
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(module, f"{name}_l0").copy_(torch.from_numpy(sd[f"{name}_l{l}"]))
    X = rng.normal(size=(BATCH, T, N_IN))
    h0s = [rng.normal(0, 0.5, (BATCH, n)) for n in HIDDEN]
    x = torch.from_numpy(X)
    top1, _ = rnn(x, torch.from_numpy(h0s[0])[None])
    top2, _ = rnn2(top1, torch.from_numpy(h0s[1])[None])
    out = net.layers[-1].params
    expected = top2.detach().numpy() @ out["W_layer"] + out["b_layer"]
    np.testing.assert_allclose(net.forward(X, h0=h0s), expected, rtol=0, atol=1e-12)
