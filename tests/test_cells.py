"""Cells of one's own: the contract, check_cell on right and broken cells, and a user's cell
(examples/custom_cell.py, the minimal gated unit) through everything the built-in cells do."""

import importlib.util
import pathlib
import warnings

import numpy as np
import pytest

from rnn_nodes import RNN, RecurrentLayer, check_cell, gradient_check
from rnn_nodes.layers import Bidirectional
from rnn_nodes.nodes import (
    NODES,
    ElmanNode,
    GRUNode,
    LSTMNode,
    RecurrentNode,
    node_class,
    register_node,
)

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "custom_cell.py"


def _example():
    spec = importlib.util.spec_from_file_location("custom_cell", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


custom_cell = _example()
MGUNode, mgu_step = custom_cell.MGUNode, custom_cell.mgu_step


# --- check_cell on right cells ---------------------------------------------------------


@pytest.mark.parametrize("cell", [ElmanNode, GRUNode, LSTMNode, "gru"])
def test_check_cell_passes_the_built_in_cells(cell):
    result = check_cell(cell)
    assert result.passed, str(result)
    assert result.suspects == []
    expected = 7 if cell is LSTMNode else 6
    assert len(result.records) == expected
    assert all(r.one_step < 1e-6 and r.through_time < 1e-6 for r in result.records)


def test_the_example_cell_matches_jax_autodiff_of_its_own_equations_to_1e_8():
    result = check_cell(MGUNode, reference=mgu_step, seed=3, steps=5)
    assert result.passed, str(result)
    for record in result.records:
        assert record.jax is not None and record.jax < 1e-8, record
        assert record.through_time < 1e-6, record


def test_a_wrong_reference_fails_the_jax_column():
    def wrong(p, x, h):  # tanh of the wrong sign: the reference's own forward differs
        return -mgu_step(p, x, h)

    result = check_cell(MGUNode, reference=wrong)
    assert not result.passed
    assert all(r.jax > 1e-3 for r in result.records)


# --- check_cell names the broken equation -------------------------------------------------


def _broken(base, name, change):
    """A subclass of ``base`` whose backward is ``change(self, gradients, derivatives,
    W_time_T)``; registered under ``name`` (unique per test)."""
    return type(name, (base,), {"name": name, "backward": change, "__module__": __name__})


def _mgu_backward(mistake):
    """MGUNode.backward with one mistake, as a student might make it."""
    def backward(self, gradients, derivatives, W_time_T, out=None):
        (g,), (d_a,) = gradients, derivatives
        n = self.f.shape[-1]
        f = 1.0 if mistake == "delta_h without f" else self.f
        delta_h = g * f * d_a[:, n:]
        through_candidate = 0 if mistake == "delta_f without the candidate path" else (
            delta_h * self.u_h)
        delta_f = (g * (self.h_candidate - self.h_prev) + through_candidate) * d_a[:, :n]
        delta_layer = np.concatenate([delta_f, delta_h], axis=-1)
        reset = 1.0 if mistake == "delta_time without f" else self.f
        delta_time = np.concatenate([delta_f, delta_h * reset], axis=-1)
        direct = 0 if mistake == "dC/dh_prev without the direct path" else g * (1 - self.f)
        return delta_layer, delta_time, (direct + delta_time @ W_time_T,)
    return backward


@pytest.mark.parametrize("mistake, named, not_named", [
    ("delta_h without f", "delta_layer", "previous_gradients[1]"),
    ("delta_f without the candidate path", "delta_layer", "previous_gradients[1]"),
    ("delta_time without f", "delta_time", "delta_layer"),
    ("dC/dh_prev without the direct path", "previous_gradients[0]", "delta_layer"),
])
def test_check_cell_names_the_broken_equation_of_the_example_cell(mistake, named, not_named):
    cell = _broken(MGUNode, "mgu_" + "".join(c for c in mistake if c.isalnum()),
                   _mgu_backward(mistake))
    result = check_cell(cell)
    assert not result.passed
    assert result.suspects[0].startswith(named.replace("previous_gradients[0]", "dC/dh_{t-1}")
                                         .replace("previous_gradients[1]", "dC/dc_{t-1}"))
    sources = {r.source for r in result.records if r.one_step > result.tolerance}
    assert named in sources and not_named not in sources
    assert "look at:" in str(result) and "FAIL" in str(result)


def _scaled(index, part=None):
    """A backward whose returned value ``index`` (0 delta_layer, 1 delta_time, 2 previous
    gradients, state ``part``) is 10 % off: one equation broken."""
    def backward(self, gradients, derivatives, W_time_T, out=None):
        returned = list(type(self).__mro__[1].backward(self, gradients, derivatives, W_time_T))
        if index == 2:
            previous = list(returned[2])
            previous[part] = previous[part] * 1.1
            returned[2] = tuple(previous)
        else:
            returned[index] = returned[index] * 1.1
        return tuple(returned)
    return backward


@pytest.mark.parametrize("base, index, part, named", [
    (GRUNode, 0, None, ["delta_layer"]),
    (GRUNode, 1, None, ["delta_time"]),
    (GRUNode, 2, 0, ["previous_gradients[0]"]),
    (LSTMNode, 0, None, ["delta_layer", "delta_time"]),  # LSTM: delta_time is delta_layer
    (LSTMNode, 2, 0, ["previous_gradients[0]"]),
    (LSTMNode, 2, 1, ["previous_gradients[1]"]),
    (ElmanNode, 2, 0, ["previous_gradients[0]"]),
])
def test_check_cell_names_each_broken_value_of_the_built_in_cells(base, index, part, named):
    cell = _broken(base, f"broken_{base.name}_{index}_{part}", _scaled(index, part))
    result = check_cell(cell)
    assert not result.passed
    failed_alone = sorted({r.source for r in result.records if r.one_step > result.tolerance})
    assert failed_alone == sorted(named)
    assert len(result.suspects) == len(named)


def test_a_cell_right_alone_and_wrong_through_time_is_told_so():
    class SharedCacheLSTM(LSTMNode):  # keeps its cache on the class: the last step's wins
        name = "shared_cache_lstm"

        def forward(self, *args, **kwargs):
            returned = super().forward(*args, **kwargs)
            SharedCacheLSTM.cache = (self.gate_values, self.c_prev, self.tanh_c_t)
            return returned

        def backward(self, gradients, derivatives, W_time_T, out=None):
            self.gate_values, self.c_prev, self.tanh_c_t = SharedCacheLSTM.cache
            return super().backward(gradients, derivatives, W_time_T, out)

    result = check_cell(SharedCacheLSTM)
    assert not result.passed
    assert all(r.one_step < 1e-6 for r in result.records)
    assert "through time" in result.suspects[0]


# --- the contract and the registry ----------------------------------------------------------


def test_a_cell_must_state_its_states_and_activations():
    with pytest.raises(TypeError, match=r"states must be \('h',\) or \('h', 'c'\)"):
        type("ThreeStates", (RecurrentNode,), {"states": ("h", "c", "m")})
    with pytest.raises(TypeError, match="one activation per gate"):
        type("Unnamed", (RecurrentNode,), {"gates": ("a", "b"), "gate_activations": ("activation",)})
    with pytest.raises(TypeError, match="unknown activation 'relu'"):
        type("Role", (RecurrentNode,), {"gates": ("a",), "gate_activations": ("relu",)})


def test_the_registry_refuses_a_second_class_under_a_taken_name():
    with pytest.raises(ValueError, match="'gru' is registered already"):
        register_node(type("GRUAgain", (GRUNode,), {"name": "gru"}))
    with pytest.raises(TypeError, match="subclass of RecurrentNode"):
        register_node(int)
    with pytest.raises(ValueError, match="unknown cell 'nope'.*register_node"):
        node_class("nope")
    with pytest.raises(TypeError, match="argument `cell`.*got 3.0"):
        RecurrentLayer(3, cell=3.0)
    with pytest.raises(ValueError, match="argument `cell`, unknown cell 'nope'"):
        RecurrentLayer(3, cell="nope")
    assert NODES["mgu"] is MGUNode


def test_a_layer_of_a_gated_cell_refuses_a_non_elementwise_activation():
    with pytest.raises(ValueError, match="argument `gate_activation`, expected an elementwise"):
        RecurrentLayer(3, cell=MGUNode, gate_activation="softmax")


# --- a user's cell works wherever a built-in one does ---------------------------------------


def _mgu_net(seed=0, dtype="float64", bidirectional=False, **options):
    net = RNN(cost="mse", seed=seed, dtype=dtype, **options).add_InputLayer(2)
    layer = RecurrentLayer(4, cell=MGUNode)
    net.add_layer(Bidirectional(layer, merge="sum") if bidirectional else layer)
    net.add_layer(RecurrentLayer(3, cell="mgu"))
    return net.add_OutputLayer(1)


def _data(batch=5, time=7, seed=1):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(batch, time, 2)), rng.normal(size=(batch, time, 1))


def test_a_bidirectional_padded_stack_of_the_example_cell_passes_the_gradient_check():
    X, t = _data()
    lengths = np.array([7, 3, 5, 1, 6])
    h0 = [np.random.default_rng(2).normal(size=(2, 5, 4)), np.zeros((5, 3))]
    result = gradient_check(_mgu_net(bidirectional=True), X, t, lengths=lengths, h0=h0,
                            max_entries=None)
    assert result.passed, str(result)


def _gru_copy():
    class CopyOfGRU(GRUNode):  # the same equations under another name
        name = "copy_of_gru"
    return CopyOfGRU


@pytest.mark.parametrize("options", [
    {"bptt_limit": 3}, {"lengths": True}, {"bidirectional": True}, {"dtype": "float32"},
])
def test_a_user_cell_runs_through_the_loop_exactly_as_the_built_in_one(options):
    # a user's cell with the GRU's equations gives the GRU layer's numbers, bit for bit:
    # truncation, padding, bidirectional layers and float32 are the loop's, for every cell
    options = dict(options)
    lengths = np.array([7, 3, 5, 1, 6]) if options.pop("lengths", False) else None
    bidirectional = options.pop("bidirectional", False)
    dtype = options.pop("dtype", "float64")
    X, t = _data()
    gradients = []
    for recurrent in (lambda: RecurrentLayer(4, cell=_gru_copy()), lambda: _gru_layer(4)):
        net = RNN(cost="mse", seed=0, dtype=dtype, **options).add_InputLayer(2)
        net.add_layer(Bidirectional(recurrent()) if bidirectional else recurrent())
        net.add_layer(recurrent()).add_OutputLayer(1)
        gradients.append(net.gradients(X.astype(dtype), t.astype(dtype), lengths=lengths))
    for name, value in gradients[1].params.items():
        np.testing.assert_array_equal(gradients[0].params[name], value, err_msg=name)
    np.testing.assert_array_equal(gradients[0].X, gradients[1].X)


def _gru_layer(n):
    from rnn_nodes.layers import GRULayer

    return GRULayer(n)


def test_states_in_and_out_carry_a_user_cell_across_calls():
    net = _mgu_net()
    X, _ = _data()
    whole = net.forward(X)
    first, states = net.forward(X[:, :4], return_states=True)
    second = net.forward(X[:, 4:], states.h)
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), whole, atol=1e-12)


@pytest.mark.parametrize("cell", ["gru", MGUNode])
def test_trace_gives_each_gate_s_values_and_they_make_h_t(cell):
    from rnn_nodes.instruments import trace

    net = RNN(cost="mse", seed=0, dtype="float64").add_InputLayer(2)
    net.add_layer(RecurrentLayer(3, cell=cell)).add_DenseLayer(1)
    X = np.random.default_rng(1).normal(size=(4, 5, 2))
    traced = trace(net, X, X.sum(axis=1)[:, :1])[1]
    h = traced["h"]
    h_prev = np.concatenate([np.zeros_like(h[:1]), h[:-1]])
    if cell == "gru":  # h_t = (1 - z) * n + z * h_{t-1}
        r, z, n = traced["gates"]
        expected = (1 - z) * n + z * h_prev
    else:  # h_t = (1 - f) * h_{t-1} + f * h~
        f, h_candidate = traced["gates"]
        expected = (1 - f) * h_prev + f * h_candidate
    assert all(gate.dtype == np.float64 for gate in traced["gates"])
    np.testing.assert_allclose(h, expected, rtol=1e-12, atol=1e-15)


def test_a_user_cell_is_saved_by_name_and_loaded_where_it_is_registered(tmp_path):
    net = _mgu_net(dtype="float32")
    X, t = _data()
    net.train(X.astype(np.float32), t.astype(np.float32), epochs=2, batch_size=5,
              verbose=False)
    net.save(tmp_path / "mgu.rnn")
    back = RNN.load(tmp_path / "mgu.rnn")
    assert [getattr(layer, "cell", None) for layer in back.layers[2:3]] == ["mgu"]
    np.testing.assert_array_equal(back.predict(X.astype(np.float32)),
                                  net.predict(X.astype(np.float32)))
    del NODES["mgu"]  # a process that never imported the cell's module
    try:
        with pytest.raises(ValueError, match="unknown cell 'mgu'.*register_node"):
            RNN.load(tmp_path / "mgu.rnn")
    finally:
        register_node(MGUNode)


def test_a_user_cell_has_no_pytorch_counterpart():
    with pytest.raises(ValueError, match="no PyTorch counterpart"):
        _mgu_net().torch_state_dict()


@pytest.mark.parametrize("cell", [MGUNode, "mgu"])
def test_the_estimators_take_a_user_cell_and_save_it_by_name(cell, tmp_path):
    from sklearn.base import clone

    from rnn_nodes import RNNRegressor

    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (96, 8, 1))
    y = X.sum(axis=(1, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = RNNRegressor(cell=cell, max_iter=3, random_state=0).fit(X, y)
    assert isinstance(model.network_.layers[1], RecurrentLayer)
    assert model.network_.layers[1].cell == "mgu"
    assert clone(model).get_params()["cell"] == cell
    model.save(tmp_path / "model.rnn")
    back = RNNRegressor.load(tmp_path / "model.rnn")
    np.testing.assert_array_equal(back.predict(X), model.predict(X))


def test_the_example_cell_learns_with_the_estimator_defaults_over_seeds():
    # the sum of 8 uniform values: predicting the mean leaves R^2 = 0
    from rnn_nodes import RNNRegressor

    for seed in range(3):
        rng = np.random.default_rng(seed)
        X = rng.uniform(-1, 1, (300, 8, 1))
        y = X.sum(axis=(1, 2))
        model = RNNRegressor(cell=MGUNode, hidden_layer_sizes=(16,), max_iter=40,
                             random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X[:200], y[:200])
        assert model.score(X[200:], y[200:]) > 0.9, seed


def test_the_example_script_runs(capsys):
    custom_cell.main()
    out = capsys.readouterr().out
    assert "every gradient matches" in out
    first, last = (float(v) for v in out.split("mse ")[1].split(" (")[0].split(" -> "))
    assert last < first / 10


# --- the old names keep working, with a warning ----------------------------------------------


@pytest.mark.parametrize("module, name", [("rnn_nodes.gru_node", "GRUNode"),
                                          ("rnn_nodes.lstm_node", "LSTMNode"),
                                          ("rnn_nodes.layers.recurrent_base", "RecurrentLayer")])
def test_the_old_module_paths_warn_and_give_the_new_classes(module, name):
    import importlib
    import sys

    sys.modules.pop(module, None)
    with pytest.warns(DeprecationWarning, match=module):
        old = importlib.import_module(module)
    import rnn_nodes

    assert getattr(old, name) is getattr(rnn_nodes, name)


def test_the_old_node_warns_and_computes_an_elman_step_as_before():
    from rnn_nodes import Node, get_activation

    rng = np.random.default_rng(0)
    params = {"W_time": rng.normal(size=(3, 3)), "b_time": rng.normal(size=3)}
    z, h_prev, dC_dh = rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    with pytest.warns(DeprecationWarning, match="ElmanNode"):
        node = Node(params, get_activation("tanh"))
    h = node.forward(z, h_prev)
    a = z + h_prev @ params["W_time"] + params["b_time"]
    np.testing.assert_allclose(h, np.tanh(a), rtol=1e-12)
    delta, dC_dh_prev = node.backward(dC_dh, 1 - np.tanh(a) ** 2)
    np.testing.assert_allclose(delta, dC_dh * (1 - np.tanh(a) ** 2), rtol=1e-12)
    np.testing.assert_allclose(dC_dh_prev, delta @ params["W_time"].T, rtol=1e-12)


@pytest.mark.parametrize("module", ["rnn_nodes.layers.through_time", "rnn_nodes.nodes.registry",
                                    "rnn_nodes.instruments.cell_check",
                                    "rnn_nodes.network_building"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    failed, attempted = doctest.testmod(importlib.import_module(module))
    assert failed == 0 and attempted > 0
