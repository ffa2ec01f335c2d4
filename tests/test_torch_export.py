"""Out to PyTorch: ``torch_state_dict`` (the inverse of ``load_torch_state_dict``) and
``to_torch`` (PyTorch's own modules, same outputs: float64 within 1e-12, float32 within 1e-6).

The state-dict tests need no torch; the module tests skip without it.
"""

import pathlib
import re

import jax.numpy as jnp
import numpy as np
import pytest

from rnn_nodes import RNN

BATCH, T, N_IN = 3, 6, 2
ADD = {"rnn": "add_RNNLayer", "gru": "add_GRULayer", "lstm": "add_LSTMLayer"}
README = pathlib.Path(__file__).resolve().parents[1] / "docs" / "guide" / "pytorch.md"

# (recurrent layers as (cell, n, bidirectional, options)), head: None, "output" or "dense"
NETWORKS = {
    "rnn-2": ((("rnn", 3, False, {}), ("rnn", 3, False, {})), None),
    "relu-rnn/output": ((("rnn", 4, False, {"activation": "relu"}),), "output"),
    "bi-gru-2/dense": ((("gru", 3, True, {}), ("gru", 3, True, {})), "dense"),
    "lstm/gru/bi-lstm": ((("lstm", 3, False, {}), ("gru", 4, False, {}),
                          ("lstm", 2, True, {})), "output"),
    "bi-lstm/dense-sigmoid": ((("lstm", 3, True, {}),), "dense-sigmoid"),
}


def build(name, dtype="float64", seed=0):
    cells, head = NETWORKS[name]
    net = RNN(dtype=dtype, seed=seed).add_InputLayer(N_IN)
    for cell, n, bidirectional, options in cells:
        getattr(net, ADD[cell])(n, bidirectional=bidirectional, **options)
    if head == "output":
        net.add_OutputLayer(2)
    elif head is not None:
        net.add_DenseLayer(2, activation="sigmoid" if head == "dense-sigmoid" else "identity")
    rng = np.random.default_rng(seed + 1)
    for layer in net.layers[1:]:  # nonzero biases: every weight shows in the output
        for value in layer.params.values():
            value[...] = rng.normal(0, 0.5, value.shape)
    return net


@pytest.mark.parametrize("name", list(NETWORKS))
def test_a_round_trip_through_the_state_dict_is_bit_identical(name):
    net = build(name)
    state = net.torch_state_dict()
    other = build(name, seed=5)  # other weights, same shapes
    other.load_torch_state_dict(state)
    for (_, a), (_, b) in zip(net.trainable_layers, other.trainable_layers):
        if a.recurrent:
            for key in a.params:
                np.testing.assert_array_equal(a.params[key], b.params[key])
    np.testing.assert_array_equal(other.torch_state_dict()["weight_hh_l0"], state["weight_hh_l0"])


def test_state_dict_names_and_layout_are_pytorchs():
    net = build("bi-gru-2/dense")
    state = net.torch_state_dict()
    assert sorted(state) == sorted(f"{w}_l{k}{s}" for w in ("weight_ih", "weight_hh", "bias_ih",
                                                             "bias_hh")
                                   for k in (0, 1) for s in ("", "_reverse"))
    reverse = net.layers[2].reverse_layer.params
    np.testing.assert_array_equal(state["weight_ih_l1_reverse"], reverse["W_layer"].T)
    assert state["weight_ih_l1_reverse"].shape == (9, 6)  # 3 gates * 3, two directions * 3
    assert state["weight_ih_l1"].flags.c_contiguous


@pytest.mark.parametrize("dtype,tol", [("float64", 1e-12), ("float32", 1e-6)])
@pytest.mark.parametrize("name", list(NETWORKS))
def test_to_torch_gives_the_networks_outputs(name, dtype, tol):
    torch = pytest.importorskip("torch")
    net = build(name, dtype)
    module = net.to_torch()
    X = np.random.default_rng(2).normal(size=(BATCH, T, N_IN)).astype(dtype)
    with torch.no_grad():
        got = module(torch.from_numpy(X)).numpy()
    want = net.forward(X)
    assert got.dtype == want.dtype and got.shape == want.shape
    assert np.max(np.abs(got - want)) <= tol * max(1.0, np.max(np.abs(want)))


def test_consecutive_layers_of_one_kind_are_one_pytorch_module():
    torch = pytest.importorskip("torch")
    module = build("bi-gru-2/dense").to_torch()
    grus = [m for m in module.modules() if isinstance(m, torch.nn.GRU)]
    assert len(grus) == 1 and grus[0].num_layers == 2 and grus[0].bidirectional
    kinds = [type(m).__name__ for m in build("lstm/gru/bi-lstm").to_torch().modules()
             if isinstance(m, torch.nn.RNNBase)]
    assert kinds == ["LSTM", "GRU", "LSTM"]


def test_what_pytorch_has_no_module_for_is_refused_naming_the_layer():
    pytest.importorskip("torch")
    net = RNN(seed=0).add_InputLayer(1).add_RNNLayer(2, activation="sigmoid").add_OutputLayer(1)
    with pytest.raises(ValueError, match=r"net.layers\[1\], RNNLayer\(2\), has no PyTorch module: "
                                         r"nn.RNN's nonlinearity is 'tanh' or 'relu'"):
        net.to_torch()
    def softsign(z):
        return z / (1 + jnp.abs(z))

    net = RNN(seed=0).add_InputLayer(1).add_GRULayer(2).add_OutputLayer(1, activation=softsign)
    with pytest.raises(ValueError, match=r"net.layers\[2\], OutputLayer\(1\), has activation "
                                         r"'softsign', for which torch.nn has no module"):
        net.to_torch()
    net = RNN(seed=0).add_InputLayer(1).add_LSTMLayer(2, bidirectional=True, merge="sum")
    with pytest.raises(ValueError, match=r"net.layers\[1\], Bidirectional.*merge='concat'"):
        net.to_torch()


# the README's section "To PyTorch, TorchScript and ONNX" runs as written -----------------------


def readme_blocks():
    text = README.read_text()
    section = re.search(r"<!-- torch-export -->(.*?)<!-- /torch-export -->", text, re.DOTALL)
    assert section, "README lacks the delimited torch-export section"
    return re.findall(r"```python\n(.*?)```", section.group(1), re.DOTALL)


def run_blocks(count):
    """The section's first ``count`` code blocks, run in one namespace, which is returned."""
    namespace = {}
    for code in readme_blocks()[:count]:
        exec(compile(code, str(README), "exec"), namespace)  # noqa: S102 (the README's own code)
    return namespace


def test_readme_torchscript_example_runs(tmp_path, monkeypatch):
    pytest.importorskip("torch")
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(readme_blocks()[0], str(README), "exec"), namespace)  # noqa: S102 (our README)
    assert namespace["np"].max(namespace["np"].abs(namespace["y_script"] - namespace["y"])) < 1e-6


def test_readme_onnx_example_runs(tmp_path, monkeypatch):
    pytest.importorskip("torch")
    pytest.importorskip("onnx")
    pytest.importorskip("onnxscript")
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(readme_blocks()[0], str(README), "exec"), namespace)  # noqa: S102 (our README)
    exec(compile(readme_blocks()[1], str(README), "exec"), namespace)  # noqa: S102 (our README)
    assert (tmp_path / "model.onnx").stat().st_size > 0
