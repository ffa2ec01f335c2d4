"""Networks that end with a recurrent layer, as PyTorch's ``nn.RNN`` / ``nn.GRU`` / ``nn.LSTM``.

The output is the last layer's hidden sequence; ``backward`` / ``gradients`` take its gradient
``dY`` and the final states' ``dh_n`` / ``dc_n``. Against PyTorch itself in float64 (skipped
without torch): outputs, final states and the gradients of ``sum(Y * dY) + sum(h_n * dH)
(+ sum(c_n * dC))`` with respect to every weight, the input and the initial states, within
1e-10. Without torch: central differences of the same scalar.
"""

import numpy as np
import pytest

from rnn_nodes import RNN

BATCH, T, N_IN = 3, 5, 2
TOL = 1e-10
BUILDERS = {"rnn": "add_RNNLayer", "gru": "add_GRULayer", "lstm": "add_LSTMLayer"}
TORCH_MODULES = {"rnn": "RNN", "gru": "GRU", "lstm": "LSTM"}


def rel_err(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return np.max(np.abs(a - b)) / max(1.0, np.max(np.abs(b)))


def headless(cell, n, layers, bidirectional=False, n_in=N_IN, seed=0):
    """Input layer and ``layers`` recurrent layers of ``n`` units, no head; random weights."""
    net = RNN(dtype="float64", seed=seed).add_InputLayer(n_in)
    for _ in range(layers):
        getattr(net, BUILDERS[cell])(n, bidirectional=bidirectional)
    rng = np.random.default_rng(seed + 1)
    for layer in net.layers[1:]:
        for value in layer.params.values():
            value[...] = rng.normal(0, 0.5, value.shape)
    return net


def scalar(net, X, h0, c0, dY, dH, dC):
    """sum(Y * dY) + sum(h_n * dH) + sum(c_n * dC): what the gradients are of."""
    Y, (h_n, c_n) = net.forward(X, h0, c0, return_states=True)
    total = np.sum(Y * dY) + np.sum(np.asarray(h_n) * dH)
    return total + (np.sum(np.asarray(c_n) * dC) if dC is not None else 0.0)


# against PyTorch ------------------------------------------------------------------------


def torch_case(cell, layers, bidirectional, n=3, seed=0):
    torch = pytest.importorskip("torch")
    torch.manual_seed(seed)
    module = getattr(torch.nn, TORCH_MODULES[cell])(N_IN, n, num_layers=layers, batch_first=True,
                                                     bidirectional=bidirectional).double()
    directions = 2 if bidirectional else 1
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(BATCH, T, N_IN))
    h0 = rng.normal(0, 0.5, (layers * directions, BATCH, n))
    c0 = rng.normal(0, 0.5, h0.shape) if cell == "lstm" else None
    dY = rng.normal(size=(BATCH, T, directions * n))
    dH = rng.normal(size=h0.shape)
    dC = rng.normal(size=h0.shape) if cell == "lstm" else None
    return torch, module, X, h0, c0, dY, dH, dC


def per_layer(states, layers, directions):
    """PyTorch's ``(layers * directions, batch, n)`` as this library's per-layer list."""
    if states is None:
        return None
    shaped = states.reshape(layers, directions, *states.shape[1:])
    return [s[0] if directions == 1 else s for s in shaped]


@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("cell", list(BUILDERS))
def test_outputs_and_gradients_equal_pytorchs(cell, layers, bidirectional):
    torch, module, X, h0, c0, dY, dH, dC = torch_case(cell, layers, bidirectional)
    directions = 2 if bidirectional else 1
    tensors = {name: torch.tensor(a, requires_grad=True)
               for name, a in (("X", X), ("h0", h0), ("c0", c0)) if a is not None}
    states = (tensors["h0"], tensors["c0"]) if cell == "lstm" else tensors["h0"]
    Y, finals = module(tensors["X"], states)
    h_n, c_n = finals if cell == "lstm" else (finals, None)
    total = (Y * torch.tensor(dY)).sum() + (h_n * torch.tensor(dH)).sum()
    if cell == "lstm":
        total = total + (c_n * torch.tensor(dC)).sum()
    total.backward()

    net = headless(cell, module.hidden_size, layers, bidirectional)
    net.load_torch_state_dict({k: v.detach().numpy() for k, v in module.state_dict().items()})
    layout = {"layers": layers, "directions": directions}
    h0s, c0s = per_layer(h0, **layout), per_layer(c0, **layout)
    got, states = net.forward(X, h0s, c0s, return_states=True)
    assert got.shape == (BATCH, T, directions * module.hidden_size)
    assert rel_err(got, Y.detach().numpy()) < TOL
    want_h = per_layer(h_n.detach().numpy(), **layout)
    assert all(rel_err(a, b) < TOL for a, b in zip(states.h, want_h))
    if cell == "lstm":
        want_c = per_layer(c_n.detach().numpy(), **layout)
        assert all(rel_err(a, b) < TOL for a, b in zip(states.c, want_c))

    g = net.gradients(X, None, h0s, c0s, dY=dY, dh_n=per_layer(dH, **layout),
                      dc_n=per_layer(dC, **layout))
    misfits = []
    for name, param in module.named_parameters():  # weight_ih_l1_reverse: layer 2, W_layer_reverse
        kind, _, rest = name.partition("_l")
        k, _, reverse = rest.partition("_")
        ours = {"weight_ih": "W_layer", "weight_hh": "W_time",
                "bias_ih": "b_layer", "bias_hh": "b_time"}[kind] + ("_reverse" if reverse else "")
        grad = g.params[f"layers.{int(k) + 1}.{ours}"]
        grad = grad.T if kind.startswith("weight") else grad
        if not rel_err(grad, param.grad.numpy()) < TOL:
            misfits.append(name)
    assert not misfits, misfits
    assert rel_err(g.X, tensors["X"].grad.numpy()) < TOL
    assert all(rel_err(a, b) < TOL
               for a, b in zip(g.states.h, per_layer(tensors["h0"].grad.numpy(), **layout)))
    if cell == "lstm":
        assert all(rel_err(a, b) < TOL
                   for a, b in zip(g.states.c, per_layer(tensors["c0"].grad.numpy(), **layout)))


def test_pytorchs_flat_states_of_a_bidirectional_stack_are_taken_as_they_come():
    torch, module, X, h0, c0, dY, dH, dC = torch_case("lstm", 2, True)
    net = headless("lstm", module.hidden_size, 2, True)
    net.load_torch_state_dict({k: v.detach().numpy() for k, v in module.state_dict().items()})
    with torch.no_grad():
        want = module(torch.tensor(X), (torch.tensor(h0), torch.tensor(c0)))[0].numpy()
    assert h0.shape == (4, BATCH, 3)  # layer 0 forward, layer 0 reverse, layer 1 ...
    assert rel_err(net.forward(X, h0, c0), want) < TOL
    flat = net.gradients(X, None, h0, c0, dY=dY, dh_n=dH, dc_n=dC)
    paired = net.gradients(X, None, h0.reshape(2, 2, BATCH, 3), c0.reshape(2, 2, BATCH, 3),
                           dY=dY, dh_n=dH.reshape(2, 2, BATCH, 3), dc_n=dC.reshape(2, 2, BATCH, 3))
    for name, grad in paired.params.items():
        np.testing.assert_array_equal(flat.params[name], grad)


# without PyTorch: the case that returned zeros, by central differences ------------------------


@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
@pytest.mark.parametrize("cell", list(BUILDERS))
def test_final_state_gradients_reach_the_last_layer(cell, bidirectional):
    # regression: backward handed dh_n to every recurrent layer but the last; with no head the
    # gradients of a network built as nn.RNN (input and recurrent layers) were all zero
    net = headless(cell, 3, 2, bidirectional)
    rng = np.random.default_rng(7)
    X = rng.normal(size=(BATCH, T, N_IN))
    shape = (2, BATCH, 3) if bidirectional else (BATCH, 3)
    dH = [rng.normal(size=shape) for _ in range(2)]
    dC = [rng.normal(size=shape) for _ in range(2)] if cell == "lstm" else None
    zero = np.zeros((BATCH, T, net.n_outputs))
    g = net.gradients(X, None, dh_n=dH, dc_n=dC)
    for i, layer in net.trainable_layers:
        for name, value in layer.params.items():
            grad = g.params[f"layers.{i}.{name}"]
            assert np.abs(grad).max() > 1e-3, f"layers.{i}.{name} is zero"
            index = tuple(rng.integers(0, s) for s in value.shape)  # one entry, central differences
            eps, saved = 1e-6, value[index]
            value[index] = saved + eps
            up = scalar(net, X, None, None, zero, dH, dC)
            value[index] = saved - eps
            down = scalar(net, X, None, None, zero, dH, dC)
            value[index] = saved
            assert abs(grad[index] - (up - down) / (2 * eps)) < 1e-7, f"layers.{i}.{name}"


def test_dY_alone_matches_central_differences_of_the_input():
    net = headless("gru", 3, 2)
    rng = np.random.default_rng(3)
    X, dY = rng.normal(size=(BATCH, T, N_IN)), rng.normal(size=(BATCH, T, 3))
    dH = [np.zeros((BATCH, 3))] * 2
    g = net.gradients(X, None, dY=dY)
    for index in [(0, 0, 0), (1, 2, 1), (2, T - 1, 0)]:
        Xp, Xm = X.copy(), X.copy()
        Xp[index] += 1e-6
        Xm[index] -= 1e-6
        fd = (scalar(net, Xp, None, None, dY, dH, None)
              - scalar(net, Xm, None, None, dY, dH, None)) / 2e-6
        assert abs(g.X[index] - fd) < 1e-7


def test_padded_steps_of_dY_count_for_nothing():
    net = headless("lstm", 3, 2)
    rng = np.random.default_rng(4)
    X, dY = rng.normal(size=(BATCH, T, N_IN)), rng.normal(size=(BATCH, T, 3))
    lengths = np.array([T, 3, 2])
    g = net.gradients(X, None, lengths=lengths, dY=dY)
    dY_clean = dY * (np.arange(T)[None, :] < lengths[:, None])[..., None]
    clean = net.gradients(X, None, lengths=lengths, dY=dY_clean)
    for name, grad in clean.params.items():
        np.testing.assert_array_equal(g.params[name], grad)


# training such a network against targets: the cost is on the hidden sequence -----------------


def test_a_cost_on_the_hidden_sequence_has_the_gradient_of_its_value():
    net = headless("rnn", 2, 2)
    rng = np.random.default_rng(5)
    X, t = rng.normal(size=(BATCH, T, N_IN)), rng.uniform(-0.5, 0.5, (BATCH, T, 2))
    g = net.gradients(X, t)
    W = net.layers[2].params["W_time"]
    for index in [(0, 0), (1, 0), (0, 1)]:
        saved = W[index]
        W[index] = saved + 1e-6
        up = net.cost_value(X, t)
        W[index] = saved - 1e-6
        down = net.cost_value(X, t)
        W[index] = saved
        assert abs(g.params["layers.2.W_time"][index] - (up - down) / 2e-6) < 1e-8


def test_a_network_ending_with_a_recurrent_layer_trains_against_targets():
    # the target is a smoothed copy of the input, inside tanh's range; 3 seeds, 60 epochs
    for seed in range(3):
        rng = np.random.default_rng(seed)
        X = rng.uniform(-1, 1, (32, 10, 1))
        t = 0.5 * np.tanh(np.cumsum(X, axis=1) / 3)
        net = RNN(seed=seed, dtype="float64").add_InputLayer(1).add_RNNLayer(4).add_RNNLayer(1)
        before = net.cost_value(X, t)
        history = net.train(X, t, epochs=60, batch_size=8)
        assert history["loss"][-1] < 0.3 * before, (seed, before, history["loss"][-1])


def test_bce_on_a_recurrent_output_takes_no_paired_shortcut():
    # sigmoid states with bce: the gradient is of the cost of the states, not (y - t) / N
    net = RNN(cost="bce", dtype="float64", seed=0).add_InputLayer(N_IN)
    net.add_RNNLayer(2, activation="sigmoid")
    rng = np.random.default_rng(6)
    X, t = rng.normal(size=(BATCH, T, N_IN)), rng.integers(0, 2, (BATCH, T, 2)).astype(float)
    g = net.gradients(X, t)
    b = net.layers[1].params["b_time"]
    saved = b[0]
    b[0] = saved + 1e-6
    up = net.cost_value(X, t)
    b[0] = saved - 1e-6
    down = net.cost_value(X, t)
    b[0] = saved
    assert abs(g.params["layers.1.b_time"][0] - (up - down) / 2e-6) < 1e-8


# bad input ---------------------------------------------------------------------------------


def test_dY_of_the_wrong_shape_names_the_argument():
    net = headless("rnn", 3, 2)
    X = np.zeros((BATCH, T, N_IN))
    with pytest.raises(ValueError, match=r"`dY` must have the output's shape .*\(3, 5, 3\), got "
                                         r"\(3, 5, 2\)"):
        net.gradients(X, None, dY=np.zeros((BATCH, T, 2)))
    with pytest.raises(ValueError, match="`dY`"):
        net.gradients(X, None, dY=np.zeros((BATCH, 3)))
    with pytest.raises(ValueError, match="`t` or the output's gradient `dY`, not both"):
        net.gradients(X, np.zeros((BATCH, T, 3)), dY=np.zeros((BATCH, T, 3)))


def test_final_state_gradients_for_the_wrong_number_of_layers_name_the_argument():
    net = headless("lstm", 3, 2)
    X = np.zeros((BATCH, T, N_IN))
    with pytest.raises(ValueError, match=r"`dh_n` must hold one final state's gradient per "
                                         r"recurrent layer \(2\), got 3"):
        net.gradients(X, None, dh_n=np.zeros((3, BATCH, 3)))
    with pytest.raises(ValueError, match=r"`dc_n` must hold .* per LSTM layer \(2\), got 1"):
        net.gradients(X, None, dc_n=[np.zeros((BATCH, 3))])
