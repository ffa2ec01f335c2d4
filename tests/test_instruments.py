"""The instruments: gradient check, trace, gradient flow, the unrolled graph, histograms."""

import doctest

import numpy as np
import pytest

import rnn_nodes.instruments.finite_differences
import rnn_nodes.instruments.gradient_flow
import rnn_nodes.instruments.histograms
import rnn_nodes.instruments.tracing
import rnn_nodes.instruments.unrolled
from rnn_nodes import RNN
from rnn_nodes.instruments import (
    HistogramRecorder,
    gradient_check,
    gradient_norms,
    plot_gradient_flow,
    plot_histograms,
    plot_unrolled,
    trace,
)

ADD = {"rnn": "add_RNNLayer", "gru": "add_GRULayer", "lstm": "add_LSTMLayer"}


def stack(cell, bidirectional=False, seed=0, **net_kwargs):
    net = RNN(cost="mse", seed=seed, **net_kwargs).add_InputLayer(2)
    getattr(net, ADD[cell])(3, bidirectional=bidirectional)
    getattr(net, ADD[cell])(2)
    return net.add_OutputLayer(1)


def data(batch=4, time=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(batch, time, 2))
    return X, np.cumsum(X[..., :1], axis=1)


@pytest.mark.parametrize("module", [rnn_nodes.instruments.finite_differences,
                                    rnn_nodes.instruments.gradient_flow,
                                    rnn_nodes.instruments.histograms,
                                    rnn_nodes.instruments.tracing,
                                    rnn_nodes.instruments.unrolled])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


# gradient check -----------------------------------------------------------------------


@pytest.mark.parametrize("cell", sorted(ADD))
@pytest.mark.parametrize("bidirectional", [False, True])
def test_every_gradient_passes_padded_truncated_and_penalised(cell, bidirectional):
    net = stack(cell, bidirectional, lmbd=0.01, bptt_limit=2)
    X, t = data()
    result = gradient_check(net, X, t, lengths=[5, 3, 2, 4])
    assert result.passed, str(result)
    names = [record.name for record in result.records]
    assert "X" in names and any(name.startswith("h0") for name in names)
    assert any(name.startswith("c0") for name in names) == (cell == "lstm")
    assert any("bptt_limit" in note for note in result.notes)
    assert any("float64 copy" in note for note in result.notes)
    assert all(record.max_relative_error < 1e-4 for record in result.records)
    assert any("no JAX reference: padded" in note for note in result.notes)


@pytest.mark.parametrize("cell", sorted(ADD))
def test_every_gradient_equals_jax_autodiff_of_the_independent_forward(cell):
    net = stack(cell, lmbd=0.01)
    X, t = data()
    result = gradient_check(net, X, t)
    assert result.passed, str(result)
    assert all(record.jax_relative_error < 1e-10 for record in result.records), str(result)
    names = [record.name for record in result.records]
    assert "h0[1]" in names and ("c0[1]" in names) == (cell == "lstm")


def test_a_custom_activation_and_a_classification_head():
    import jax.numpy as jnp

    def softsign(z):  # the course's "write your own sigma"
        return z / (1 + jnp.abs(z))

    net = RNN(cost="cce", seed=1, dtype="float64").add_InputLayer(2)
    net.add_RNNLayer(4, activation=softsign).add_DenseLayer(3, activation="softmax")
    X, _ = data()
    result = gradient_check(net, X, np.eye(3)[[0, 2, 1, 2]], max_entries=None)
    assert result.passed, str(result)
    assert result.notes == []  # float64 and untruncated: nothing to say
    assert result["layers.1.W_time"].checked == 16  # every entry
    assert result["layers.1.W_time"].jax_relative_error < 1e-10  # softsign in jax.numpy


def test_a_wrong_gradient_is_flagged_and_named(monkeypatch):
    net = stack("gru")
    layer = net.layers[2]
    original = type(layer).backward

    def slightly_wrong(self, *args, **kwargs):
        returned = original(self, *args, **kwargs)
        self.grads["W_time"] *= 1.01  # a 1 % error in one parameter's gradient
        return returned

    monkeypatch.setattr(type(layer), "backward", slightly_wrong)
    X, t = data()
    result = gradient_check(net, X, t)
    assert not result.passed
    assert "layers.2.W_time" in result.failed and "layers.1.W_time" in result.failed
    assert result["layers.2.W_time"].max_relative_error == pytest.approx(0.01 / 1.01, rel=0.05)
    assert result["layers.2.W_time"].jax_relative_error == pytest.approx(0.01 / 1.01, rel=0.05)
    assert "FAIL" in str(result) and "layers.2.W_time" in str(result)
    assert result["layers.3.W_layer"].passed  # the head above is untouched


def test_the_network_is_not_changed():
    net = stack("lstm")
    before = {(i, k): v.copy() for i, layer in enumerate(net.layers)
              for k, v in layer.params.items()}
    gradient_check(net, *data())
    assert all(np.array_equal(net.layers[i].params[k], v) for (i, k), v in before.items())
    assert net.layers[1].params["W_time"].dtype == np.float32


# trace ---------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", sorted(ADD))
def test_trace_dC_dh_is_the_gradient_of_the_rest_of_the_sequence(cell):
    """Many-to-one: the cost depends on h_t only through steps t+1..T-1 (and the layer above),
    so dC/dh_t of the top layer is dC/dh0 of the network run on X[:, t+1:] from h_t (and
    c_t), found with the public gradients: independent of the trace's wrapping."""
    net = RNN(cost="mse", seed=2, dtype="float64").add_InputLayer(2)
    getattr(net, ADD[cell])(3)
    net.add_DenseLayer(1)
    X, t = data(time=6)
    target = t[:, -1]
    traced = trace(net, X, target)
    for step in (1, 3):
        h0 = traced[1]["h"][step][None]
        c0 = traced[1]["c"][step][None] if cell == "lstm" else None
        rest = net.gradients(X[:, step + 1:], target, h0=h0, c0=c0)
        np.testing.assert_allclose(traced[1]["dC_dh"][step], rest.states.h[0], rtol=1e-10,
                                   atol=1e-14)
        if cell == "lstm":
            np.testing.assert_allclose(traced[1]["dC_dc"][step], rest.states.c[0],
                                       rtol=1e-10, atol=1e-14)


def test_trace_values_are_the_layers_and_the_equations():
    net = RNN(cost="mse", seed=0, dtype="float64").add_InputLayer(2).add_RNNLayer(3)
    net.add_OutputLayer(1)
    X, t = data()
    traced = trace(net, X, t)
    layer = net.layers[1]
    np.testing.assert_array_equal(traced[1]["h"], layer.out.swapaxes(0, 1))
    np.testing.assert_allclose(traced[1]["h"], np.tanh(traced[1]["z"]), rtol=1e-14)
    # equation (1): delta_t = dC/dh_t * tanh'(z_t)
    np.testing.assert_allclose(traced[1]["delta"],
                               traced[1]["dC_dh"] * (1 - traced[1]["h"] ** 2), rtol=1e-12)
    assert traced[1].step(2)["h"].shape == (4, 3)
    with pytest.raises(KeyError, match="gates"):
        traced[1]["gates"]
    with pytest.raises(KeyError, match="traced"):
        traced[5]
    # the nodes have their own methods back
    assert all("backward" not in vars(node) for node in layer.nodes)


def test_a_bidirectional_layer_is_traced_in_both_directions():
    net = stack("gru", bidirectional=True)
    traced = trace(net, *data())
    assert traced.names == ["layers.1", "layers.1.reverse", "layers.2"]
    assert len(traced["layers.1.reverse"]["gates"]) == 3


# plots ---------------------------------------------------------------------------------


def test_gradient_flow_draws_the_norms():
    net = stack("rnn", bidirectional=True)
    X, t = data(time=8)
    names, norms = gradient_norms(net, X, t)
    traced = trace(net, X, t)
    np.testing.assert_allclose(
        norms[0], np.linalg.norm(traced["layers.1"]["dC_dh"], axis=-1).mean(axis=1), rtol=1e-6)
    np.testing.assert_allclose(  # the reverse direction back in input order
        norms[1], np.linalg.norm(traced["layers.1.reverse"]["dC_dh"], axis=-1)
        .mean(axis=1)[::-1], rtol=1e-6)
    ax = plot_gradient_flow(net, X, t)
    np.testing.assert_allclose(ax.images[0].get_array(), norms, rtol=1e-6)
    assert [label.get_text() for label in ax.get_yticklabels()] == names
    ax = plot_gradient_flow(net, X, t, kind="line")
    assert len(ax.lines) == 3
    np.testing.assert_allclose(ax.lines[2].get_ydata(), norms[2], rtol=1e-6)
    with pytest.raises(ValueError, match="kind"):
        plot_gradient_flow(net, X, t, kind="bars")


def test_unrolled_draws_a_box_per_node_and_widths_from_a_trace():
    net = stack("lstm")
    X, t = data(time=6)
    ax = plot_unrolled(net, steps=4)
    labels = [text.get_text() for text in ax.texts]
    assert sum(label.startswith("h") for label in labels) == 2 * 4
    assert sum(label.startswith("x_") for label in labels) == 4
    assert labels.count("y_0") == 1 or "y_3" in labels  # a sequence output: one per step
    traced = trace(net, X, t)
    ax = plot_unrolled(net, steps=4, trace=traced)
    widths = [patch.get_linewidth() for patch in ax.patches if hasattr(patch, "get_arrowstyle")]
    assert max(widths) == pytest.approx(4.0) and min(widths) < 4.0
    with pytest.raises(ValueError, match="steps"):
        plot_unrolled(net, steps=0)


def test_histograms_per_epoch():
    X, t = data(batch=16)
    net = stack("rnn")
    recorder = HistogramRecorder(X[:4], bins=10)
    net.train(X, t, epochs=3, batch_size=8, callbacks=[recorder])
    assert recorder.epochs == [1, 2, 3]
    counts, edges = recorder.histograms["layers.1.W_time"][-1]
    assert counts.sum() == net.layers[1].params["W_time"].size and len(edges) == 11
    counts, _ = recorder.histograms["layers.2.h"][0]
    assert counts.sum() == 4 * 5 * 2  # batch x time x units of the second layer
    axes = plot_histograms(recorder, names=["layers.1.W_time", "layers.2.h"])
    assert len(axes) == 2 and len(axes[0].lines) == 3
    with pytest.raises(ValueError, match="names"):
        plot_histograms(recorder, names=["layers.9.W"])


def test_plot_history_shows_the_histograms_beside_the_curves():
    from rnn_nodes.plotting import plot_history

    X, t = data(batch=16)
    net = stack("rnn")
    recorder = HistogramRecorder(X[:4], bins=8)
    history = net.train(X, t, epochs=2, batch_size=8, callbacks=[recorder])
    axes = plot_history(history, histograms=recorder)
    assert len(axes) == 1 + len(recorder.histograms)
    np.testing.assert_allclose(axes[0].lines[0].get_ydata(), history["loss"])
    assert [ax.get_title() for ax in axes[1:]] == list(recorder.histograms)
    assert all(len(ax.lines) == 2 for ax in axes[1:])  # one line per epoch
