"""GRU, LSTM and bidirectional weights in PyTorch's layout: loading, outputs, errors.

The reference here is ``reference_gated.py``, PyTorch's own equations on the raw state-dict
arrays (``weight_ih_l{k}`` (gates * n, n_in), ``weight_hh_l{k}``, ``bias_ih_l{k}``,
``bias_hh_l{k}``, and ``..._reverse`` for the reverse direction; gates GRU r, z, n, LSTM i, f, g, o).
The arrays are random: no torch needed. With torch importable, one more test runs torch itself.
"""

import numpy as np
import pytest

from reference_gated import TORCH_NAMES, Recurrent, Stack, init_params, reference_forward, rel_err
from rnn_nodes import RNN, GRULayer, LSTMLayer

BATCH, T, N_IN, N_OUT = 3, 6, 2, 2
BUILDERS = {"rnn": "add_RNNLayer", "gru": "add_GRULayer", "lstm": "add_LSTMLayer"}

STACKS = {
    "gru": Stack((Recurrent("gru", 4),), "output"),
    "lstm-2": Stack((Recurrent("lstm", 4), Recurrent("lstm", 3)), "output"),
    "bi-gru-2": Stack((Recurrent("gru", 3, "concat"), Recurrent("gru", 3, "concat")), "output"),
    "bi-lstm-m2o": Stack((Recurrent("lstm", 4, "concat"),), "dense"),
    "rnn/bi-lstm/gru": Stack((Recurrent("rnn", 3), Recurrent("lstm", 2, "concat"),
                              Recurrent("gru", 3)), "output"),
}


def state_dict_of(stack, params):
    """The recurrent layers' arrays under PyTorch's stacked names: layer k gets ``_l{k}``."""
    return {f"{name}_l{k}{suffix}": p[name + suffix]
            for k, (layer, p) in enumerate(zip(stack.layers, params))
            for suffix in layer.directions for name in TORCH_NAMES}


def build(stack, seed=0):
    net = RNN(dtype="float64", seed=seed)
    net.add_InputLayer(N_IN)
    for layer in stack.layers:
        getattr(net, BUILDERS[layer.cell])(layer.n, bidirectional=layer.merge is not None,
                                           merge=layer.merge or "concat")
    (net.add_OutputLayer if stack.head == "output" else net.add_DenseLayer)(N_OUT)
    return net


@pytest.mark.parametrize("with_states", [False, True], ids=["zero-states", "random-states"])
@pytest.mark.parametrize("name", list(STACKS))
def test_load_torch_state_dict_gives_the_reference_outputs(name, with_states):
    stack = STACKS[name]
    rng = np.random.default_rng(0)
    params = init_params(stack, N_IN, N_OUT, rng)
    net = build(stack)
    net.load_torch_state_dict({k: v.copy() for k, v in state_dict_of(stack, params).items()})
    net.layers[-1].set_params(W_layer=params[-1]["W"], b_layer=params[-1]["b"])
    assert net.is_trained
    X = rng.normal(size=(BATCH, T, N_IN))

    def state(layer):
        shape = (BATCH, layer.n) if layer.merge is None else (2, BATCH, layer.n)
        return rng.normal(0, 0.5, shape) if with_states else np.zeros(shape)

    h0s = [state(layer) for layer in stack.layers]
    c0s = [state(layer) for layer in stack.layers if layer.cell == "lstm"]
    y = net.predict(X, h0=h0s if with_states else None, c0=c0s if with_states else None)
    assert rel_err(y, reference_forward(stack, params, X, h0s, c0s)) < 1e-12

    # the layout: W_layer = weight_ih^T, W_time = weight_hh^T, biases as they are
    for layer, core, p in zip(stack.layers, net.layers[1:], params):
        for suffix in layer.directions:
            np.testing.assert_array_equal(core.params["W_layer" + suffix], p["weight_ih" + suffix].T)
            np.testing.assert_array_equal(core.params["W_time" + suffix], p["weight_hh" + suffix].T)
            np.testing.assert_array_equal(core.params["b_layer" + suffix], p["bias_ih" + suffix])
            np.testing.assert_array_equal(core.params["b_time" + suffix], p["bias_hh" + suffix])


def test_state_dict_keys_must_match_the_layers():
    stack = STACKS["rnn/bi-lstm/gru"]
    sd = state_dict_of(stack, init_params(stack, N_IN, N_OUT, np.random.default_rng(0)))
    net = build(stack)
    missing = dict(sd)
    del missing["weight_hh_l1_reverse"]
    with pytest.raises(ValueError, match="missing \\['weight_hh_l1_reverse'\\]"):
        net.load_torch_state_dict(missing)
    with pytest.raises(ValueError, match="unexpected \\['bias_hh_l3'\\]"):
        net.load_torch_state_dict({**sd, "bias_hh_l3": np.zeros(3)})


@pytest.mark.parametrize("cls,gates,torch_name", [(GRULayer, 3, "nn.GRU"), (LSTMLayer, 4, "nn.LSTM")])
@pytest.mark.parametrize("argument,wrong", [
    ("weight_ih", lambda G, n, n_in: np.zeros((n_in, G * n))),  # forgot to transpose
    ("weight_ih", lambda G, n, n_in: np.zeros((n, n_in))),      # one gate only
    ("weight_hh", lambda G, n, n_in: np.zeros((G * n, G * n))),
    ("bias_ih", lambda G, n, n_in: np.zeros(n)),
    ("bias_hh", lambda G, n, n_in: np.zeros((G * n, 1))),
])
def test_set_torch_weights_wrong_shape_names_the_argument(cls, gates, torch_name, argument, wrong):
    net = RNN(dtype="float64", seed=0).add_InputLayer(N_IN).add_layer(cls(4))
    n, layer = 4, net.layers[1]
    arguments = {"weight_ih": np.zeros((gates * n, N_IN)), "weight_hh": np.zeros((gates * n, n)),
                 "bias_ih": np.zeros(gates * n), "bias_hh": np.zeros(gates * n)}
    arguments[argument] = wrong(gates, n, N_IN)
    with pytest.raises(ValueError, match=f"{argument}.*{torch_name}"):
        layer.set_torch_weights(**arguments)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_against_torch_itself(cell):
    torch = pytest.importorskip("torch", reason="torch is not installed; this extra check needs it")
    stack = Stack((Recurrent(cell, 4, "concat"), Recurrent(cell, 4, "concat")), "output")
    rng = np.random.default_rng(0)
    params = init_params(stack, N_IN, N_OUT, rng)
    sd = state_dict_of(stack, params)
    net = build(stack)
    net.load_torch_state_dict(sd)
    module = {"gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[cell](
        N_IN, 4, num_layers=2, bidirectional=True, batch_first=True, dtype=torch.float64)
    module.load_state_dict({k: torch.from_numpy(v) for k, v in sd.items()})
    X = rng.normal(size=(BATCH, T, N_IN))
    h0 = rng.normal(0, 0.5, (4, BATCH, 4))  # (layers * directions, batch, n), PyTorch's order
    c0 = rng.normal(0, 0.5, (4, BATCH, 4))
    state = torch.from_numpy(h0) if cell == "gru" else (torch.from_numpy(h0), torch.from_numpy(c0))
    top, _ = module(torch.from_numpy(X), state)
    out = net.layers[-1].params
    expected = top.detach().numpy() @ out["W_layer"] + out["b_layer"]
    y = net.forward(X, h0=[h0[:2], h0[2:]], c0=[c0[:2], c0[2:]] if cell == "lstm" else None)
    np.testing.assert_allclose(y, expected, rtol=0, atol=1e-12)
