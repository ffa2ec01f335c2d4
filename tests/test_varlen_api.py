"""Sequences of different lengths through the public API: training, prediction, estimators,
errors."""

import pathlib
import re

import jax.numpy as jnp
import numpy as np
import pytest
from sklearn.model_selection import cross_val_score

from rnn_nodes import RNN, RNNClassifier, RNNRegressor
from schedulers import Adam

LENGTHS = [6, 3, 9, 1, 4, 7]


def ragged(seed=0, lengths=LENGTHS, n_in=2, n_out=1):
    rng = np.random.default_rng(seed)
    X = [rng.normal(size=(n, n_in)) for n in lengths]
    t = [np.cumsum(x[:, :n_out], axis=0) / 4 for x in X]
    return X, t


def padded(sequences, time=None):
    time = time or max(len(s) for s in sequences)
    out = np.zeros((len(sequences), time) + sequences[0].shape[1:])
    for b, s in enumerate(sequences):
        out[b, :len(s)] = s
    return out


def net_m2m(seed=0, cost="mse", n_out=1, activation="identity"):
    net = RNN(cost=cost, scheduler=Adam(eta=0.01), dtype="float64", seed=seed)
    return net.add_InputLayer(2).add_GRULayer(4).add_OutputLayer(n_out, activation)


def params(net):
    return [{k: v.copy() for k, v in layer.params.items()} for layer in net.layers]


def assert_same_params(a, b, atol=0.0):
    for p, q in zip(params(a), params(b)):
        for name in p:
            np.testing.assert_allclose(p[name], q[name], rtol=0, atol=atol, err_msg=name)


def test_training_on_a_list_is_training_on_the_padded_array_with_lengths():
    X, t = ragged()
    a, b = net_m2m(), net_m2m()
    history_a = a.train(X, t, epochs=2, batch_size=4)
    history_b = b.train(padded(X, 12), padded(t, 12), epochs=2, batch_size=4, lengths=LENGTHS)
    assert history_a["loss"] == history_b["loss"]
    assert_same_params(a, b, atol=1e-14)  # BLAS may group the zero rows differently


def test_padding_columns_change_nothing():
    # every sequence of the same length, padded further
    X, t = ragged(lengths=[5] * 6)
    a, b = net_m2m(), net_m2m()
    a.train(np.stack(X), np.stack(t), epochs=2, batch_size=4)
    X_pad, t_pad = padded(X, 9), padded(t, 9)
    X_pad[:, 5:], t_pad[:, 5:] = 7.0, -3.0  # what the padding holds is never read
    b.train(X_pad, t_pad, epochs=2, batch_size=4, lengths=[5] * 6)
    assert_same_params(a, b, atol=1e-13)  # sums over the padded rows' zeros: rounding only


def test_predict_and_cost_of_a_list():
    X, t = ragged()
    net = net_m2m()
    net.train(X, t, epochs=1, batch_size=6)
    y = net.predict(X)
    assert y.shape == (6, 9, 1)
    for b, x in enumerate(X):
        np.testing.assert_allclose(y[b, :len(x)], net.predict(x[None])[0], rtol=0, atol=1e-12)
        assert np.all(y[b, len(x):] == 0)
    valid = sum(((y[b, :len(x)] - t[b]) ** 2).sum() for b, x in enumerate(X)) / sum(LENGTHS)
    assert net.cost_value(X, t) == pytest.approx(valid, rel=1e-12)


def test_metrics_of_a_padded_sequence_output_count_the_valid_steps():
    X, _ = ragged(n_out=1)
    t = [np.eye(3)[np.arange(len(x)) % 3] for x in X]
    net = net_m2m(cost="cce", n_out=3, activation="softmax")
    history = net.train(X, t, X_val=X, t_val=t, epochs=1, batch_size=6, shuffle=False)
    y = net.predict(X)
    hits = sum(int(np.sum(np.argmax(y[b, :len(x)], -1) == np.argmax(t[b], -1)))
               for b, x in enumerate(X))
    assert history["val_accuracy"][0] == pytest.approx(hits / sum(LENGTHS))
    assert history["val_loss"][0] == pytest.approx(net.cost_value(X, t), rel=1e-12)


def test_many_to_one_on_a_list_reads_each_sequence_s_own_end():
    X, _ = ragged()
    net = RNN(cost="bce", dtype="float64", seed=0).add_InputLayer(2).add_LSTMLayer(3)
    net.add_DenseLayer(1, "sigmoid")
    labels = np.array([[float(x[:, 0].sum() > 0)] for x in X])
    history = net.train(X, labels, epochs=2, batch_size=3)
    assert set(history) == {"loss", "accuracy", "time"}
    y = net.predict(X)
    for b, x in enumerate(X):
        np.testing.assert_allclose(y[b], net.predict(x[None])[0], rtol=0, atol=1e-12)


# errors ---------------------------------------------------------------------------------


def test_bad_lengths_are_refused():
    net = net_m2m()
    X = np.zeros((3, 5, 2))
    with pytest.raises(ValueError, match=r"`lengths` must lie in 1 .. 5 .*lengths\[1\] = 6"):
        net.forward(X, lengths=[2, 6, 1])
    with pytest.raises(ValueError, match=r"`lengths` must lie in 1 .. 5 .*lengths\[2\] = 0"):
        net.forward(X, lengths=[2, 5, 0])
    with pytest.raises(ValueError, match=r"one length per sequence \(3\), got shape \(2,\)"):
        net.forward(X, lengths=[2, 5])
    with pytest.raises(TypeError, match="`lengths` must hold integers"):
        net.forward(X, lengths=[2, 2.5, 1])
    with pytest.raises(ValueError, match=r"`lengths_val` must lie in 1 .. 5"):
        net.train(X, X[..., :1], X_val=X, t_val=X[..., :1], lengths_val=[9, 1, 1])
    with pytest.raises(ValueError, match="`lengths` with a padded array only"):
        net.forward([np.zeros((2, 2)), np.zeros((3, 2))], lengths=[2, 3])


def test_a_list_of_mixed_feature_widths_is_refused():
    with pytest.raises(ValueError, match=r"`X` mixes feature widths: `X\[1\]` has shape "
                                         r"\(3, 3\), expected \(time, 2\)"):
        net_m2m().forward([np.zeros((2, 2)), np.zeros((3, 3))])
    with pytest.raises(ValueError, match="`t` mixes feature widths"):
        net_m2m().train([np.zeros((2, 2)), np.zeros((3, 2))],
                        [np.zeros((2, 1)), np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"`t\[1\]` has 2 steps, but its input sequence has 3"):
        net_m2m().train([np.zeros((2, 2)), np.zeros((3, 2))],
                        [np.zeros((2, 1)), np.zeros((2, 1))])


def test_a_user_cost_cannot_mask_padded_steps():
    def my_mse(y_hat, t):
        return jnp.mean((y_hat - t) ** 2)

    X, t = ragged()
    net = RNN(cost=my_mse, dtype="float64", seed=0).add_InputLayer(2).add_RNNLayer(3)
    net.add_OutputLayer(1)
    with pytest.raises(ValueError, match="cost 'my_mse' cannot skip padded steps"):
        net.train(X, t, epochs=1)
    net.forward(X)
    with pytest.raises(ValueError, match="cannot skip padded steps"):
        net.backward(t)
    # many-to-one: nothing to mask
    net = RNN(cost=my_mse, dtype="float64", seed=0).add_InputLayer(2).add_RNNLayer(3)
    net.add_DenseLayer(1)
    net.train(X, np.zeros((6, 1)), epochs=1, batch_size=6)


# estimators -------------------------------------------------------------------------------


def labelled(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = [rng.normal(size=(rng.integers(2, 10), 2)) for _ in range(n)]
    return X, np.where([x[:, 0].sum() > 0 for x in X], "up", "down")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_estimators_take_lists_and_padded_arrays_with_lengths():
    X, y = labelled()
    lengths = [len(x) for x in X]
    a = RNNClassifier(max_iter=3, random_state=0, early_stopping=True).fit(X, y)
    b = RNNClassifier(max_iter=3, random_state=0, early_stopping=True).fit(
        padded(X), y, lengths=lengths)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(padded(X), lengths))
    np.testing.assert_array_equal(a.predict(X[:3]), a.predict(padded(X[:3]), lengths[:3]))
    assert a.score(X, y) == b.score(X, y)
    assert cross_val_score(RNNClassifier(max_iter=2, random_state=0), X, y, cv=2).shape == (2,)
    series = [x[:, 0] for x in X]  # univariate sequences, 1-D
    r = RNNRegressor(max_iter=2, random_state=0).fit(series, lengths)
    assert r.predict(series).shape == (40,) and r.n_features_per_step_ == 1


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_estimator_refuses_targets_and_widths_that_do_not_fit_with_lengths():
    X, y = labelled()
    with pytest.raises(ValueError, match=r"`y\[0\]` has 2 steps, but its input sequence "
                                         r"`X\[0\]` has 8"):
        RNNRegressor(return_sequences=True, max_iter=1).fit(X, [np.zeros(2) for x in X])
    fitted = RNNClassifier(max_iter=1).fit(X, y)
    with pytest.raises(ValueError, match="3 features per time step, but RNNClassifier was "
                                         "fitted with 2"):
        fitted.predict([np.zeros((4, 3))])


def test_readme_section_runs_as_written():
    readme = pathlib.Path(__file__).resolve().parents[1] / "docs" / "guide" / "sequences.md"
    section = readme.read_text().split("## Sequences as they come", 1)[1]
    code = re.findall(r"```python\n(.*?)```", section, re.S)[0]
    namespace = {}
    exec(compile(code, str(readme), "exec"), namespace)
    net, X = namespace["net"], namespace["X"]
    np.testing.assert_allclose(np.concatenate(namespace["chunks"], axis=1), net.predict(X),
                               rtol=0, atol=1e-6)
    assert namespace["states"].h.shape == (2, 4, 8) and namespace["p"].shape == (3, 1)
    assert net.states is None


@pytest.mark.parametrize("cell", ["RNN", "GRU", "LSTM"])
def test_extrapolate_continues_each_sequence_from_its_own_last_step(cell):
    rng = np.random.default_rng(5)
    net = RNN(cost="mse", dtype="float64", seed=2)
    getattr(net.add_InputLayer(2), f"add_{cell}Layer")(5).add_OutputLayer(2)
    X = [rng.normal(size=(n, 2)) for n in (4, 7, 1, 5)]
    net.train(X, [x / 2 for x in X], epochs=1, batch_size=4)
    one_by_one = np.concatenate([net.extrapolate(x[None], 3) for x in X])
    np.testing.assert_allclose(net.extrapolate(X, 3), one_by_one, rtol=0, atol=1e-12)
    np.testing.assert_allclose(net.extrapolate(padded(X, 9), 3, lengths=[4, 7, 1, 5]),
                               one_by_one, rtol=0, atol=1e-12)
    # the first prediction is the output at the sequence's own last step
    for x, future in zip(X, one_by_one):
        np.testing.assert_allclose(future[0], net.predict(x[None])[0, -1], rtol=0, atol=1e-12)


def test_extrapolate_checks_lengths():
    X, _ = ragged(n_out=2)
    net = RNN(cost="mse", dtype="float64", seed=0).add_InputLayer(2).add_RNNLayer(3)
    net.add_OutputLayer(2)
    net.train(X, [x / 2 for x in X], epochs=1, batch_size=len(X))
    with pytest.raises(ValueError, match="lengths"):
        net.extrapolate(padded(X), 2, lengths=[0] * len(X))
    with pytest.raises(ValueError, match="lengths"):
        net.extrapolate(X, 2, lengths=LENGTHS)
