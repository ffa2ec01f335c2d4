"""Training runs of the estimators: history, convergence, early stopping, warm starts, Ctrl-C."""

import json
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from rnn_nodes import RNN, RNNClassifier, RNNRegressor, TrainingInterruptedWarning
from rnn_nodes.estimators.base import HISTORY_KEYS

FAST = dict(hidden_layer_sizes=(6,), learning_rate=0.02, batch_size=32, random_state=0)


def sum_data(n=80, time=5, seed=0):
    X = np.random.default_rng(seed).standard_normal((n, time))
    return X, X.sum(axis=1)


def quietly(fit, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fit(*args, **kwargs)


# history ----------------------------------------------------------------------------------


@pytest.mark.parametrize("validation", [False, True])
def test_history_has_equal_length_json_lists(validation):
    X, y = sum_data()
    given = {"validation_data": (X[:20], y[:20])} if validation else {}
    model = quietly(RNNRegressor(max_iter=4, **FAST).fit, X, y, **given)
    history = model.history_
    assert list(history) == list(HISTORY_KEYS)
    assert all(len(values) == 4 for values in history.values())
    assert json.loads(json.dumps(history)) == history
    assert all(type(v) is float for key in ("loss", "score", "lr", "time") for v in history[key])
    if validation:
        assert all(type(v) is float for v in history["val_loss"] + history["val_score"])
        assert model.validation_scores_ == history["val_score"]
        assert model.best_validation_score_ == max(history["val_score"])
        # the validation score after the last epoch is the model's score on that data
        assert history["val_score"][-1] == pytest.approx(model.score(X[:20], y[:20]), rel=1e-6)
    else:
        assert history["val_loss"] == history["val_score"] == [None] * 4
        assert model.validation_scores_ is None
    assert model.loss_curve_ == history["loss"]
    assert model.best_loss_ == min(history["loss"])
    assert model.n_iter_ == 4
    assert model.best_epoch_ == int(np.argmin(history["loss"])) + 1


# convergence ------------------------------------------------------------------------------


def test_the_epoch_limit_warns_when_not_converged():
    X, y = sum_data()
    with pytest.warns(ConvergenceWarning, match="max_iter=3 epochs without converging"):
        model = RNNRegressor(max_iter=3, **FAST).fit(X, y)
    assert model.n_iter_ == 3


def test_convergence_stops_early_without_a_warning():
    X, y = sum_data()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = RNNRegressor(max_iter=200, tol=10.0, n_iter_no_change=2, n_updates_no_change=0,
                             **FAST).fit(X, y)
    # no epoch improves the loss by 10: stop after the first + 2 epochs (no minimum of updates)
    assert model.n_iter_ == 3


# early stopping ------------------------------------------------------------------------------


@pytest.mark.parametrize("Model, y_of", [
    (RNNRegressor, lambda X: X.sum(axis=1)),
    (RNNClassifier, lambda X: np.where(X.sum(axis=1) > 0, "pos", "neg")),
])
def test_early_stopping_restores_the_best_epoch_of_a_tail_split(Model, y_of):
    X, _ = sum_data(n=100)
    y = y_of(X)
    model = quietly(Model(max_iter=40, early_stopping=True, validation_fraction=0.2,
                          n_iter_no_change=3, tol=0.0, **FAST).fit, X, y)
    scores = model.history_["val_score"]
    assert model.best_epoch_ == int(np.argmax(scores)) + 1
    assert model.best_validation_score_ == max(scores)
    # the tail split: the last 20 samples; the kept weights are those of the best epoch
    assert model.score(X[-20:], y[-20:]) == pytest.approx(scores[model.best_epoch_ - 1],
                                                          rel=1e-6)


def test_shuffled_split_holds_out_a_random_fifth():
    X, y = sum_data(n=100)
    tail = quietly(RNNRegressor(max_iter=3, early_stopping=True, validation_fraction=0.2,
                                **FAST).fit, X, y)
    shuffled = quietly(RNNRegressor(max_iter=3, early_stopping=True, validation_fraction=0.2,
                                    validation_split="shuffle", **FAST).fit, X, y)
    assert tail.history_["val_loss"] != shuffled.history_["val_loss"]
    assert tail.score(X[-20:], y[-20:]) == pytest.approx(tail.best_validation_score_, rel=1e-6)


def test_validation_data_replaces_the_split():
    X, y = sum_data(n=100)
    X_val, y_val = sum_data(n=30, seed=1)
    model = quietly(RNNRegressor(max_iter=5, early_stopping=True, **FAST).fit, X, y,
                    validation_data=(X_val, y_val))
    assert model.score(X_val, y_val) == pytest.approx(model.best_validation_score_, rel=1e-6)
    with pytest.raises(ValueError, match="`validation_data` must be a pair"):
        RNNRegressor(**FAST).fit(X, y, validation_data=X_val)
    with pytest.raises(ValueError, match="validation_data.0. has 4 features"):
        RNNRegressor(**FAST).fit(X, y, validation_data=(X_val[:, :4], y_val))


def test_a_validation_fraction_without_training_samples_is_refused():
    X, y = sum_data(n=2)
    with pytest.raises(ValueError, match="validation_fraction=0.6 of 2 samples leaves no"):
        RNNRegressor(early_stopping=True, validation_fraction=0.6, **FAST).fit(X, y)


# warm starts and partial_fit -------------------------------------------------------------------


def test_warm_start_continues_the_network_and_its_history():
    X, y = sum_data()
    model = quietly(RNNRegressor(max_iter=3, warm_start=True, **FAST).fit, X, y)
    network = model.network_
    first_weights = network.layers[1].params["W_layer"].copy()
    quietly(model.set_params(learning_rate=0.005).fit, X, y)
    assert model.network_ is network
    assert model.n_iter_ == 6 and len(model.history_["time"]) == 6
    assert model.history_["lr"] == [0.02] * 3 + [0.005] * 3
    assert not np.array_equal(network.layers[1].params["W_layer"], first_weights)
    # training went on from where it was: the fourth epoch starts near the third's loss
    assert model.history_["loss"][3] < model.history_["loss"][0]
    with pytest.raises(ValueError, match="warm_start=True .* continues the fitted network"):
        model.set_params(hidden_layer_sizes=(3,)).fit(X, y)


def test_cold_start_builds_a_new_network():
    X, y = sum_data()
    model = quietly(RNNRegressor(max_iter=2, **FAST).fit, X, y)
    network = model.network_
    quietly(model.fit, X, y)
    assert model.network_ is not network and model.n_iter_ == 2


def test_partial_fit_runs_one_epoch_per_call_and_needs_the_same_steps():
    X, y = sum_data()
    model = RNNRegressor(max_iter=50, **FAST)
    for _ in range(3):
        model.partial_fit(X, y)
    assert model.n_iter_ == 3 and len(model.history_["loss"]) == 3
    with pytest.raises(ValueError, match="X has 4 features, but RNNRegressor is expecting 5"):
        model.partial_fit(X[:, :4], y)


# Ctrl-C ------------------------------------------------------------------------------------------


def interrupt_at(monkeypatch, call):
    """Make RNN.train_step raise KeyboardInterrupt at its ``call``-th call (as Ctrl-C would)."""
    original, calls = RNN.train_step, []

    def train_step(self, X, t, lengths=None):
        calls.append(1)
        if len(calls) == call:
            raise KeyboardInterrupt
        return original(self, X, t, lengths=lengths)

    monkeypatch.setattr(RNN, "train_step", train_step)


def test_ctrl_c_ends_fit_cleanly_with_the_history_so_far(monkeypatch):
    X, y = sum_data(n=64)  # 2 batches of 32 per epoch
    interrupt_at(monkeypatch, call=2 * 4 + 1)  # the first batch of the fifth epoch
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # an interrupted fit does not warn
        with pytest.warns(TrainingInterruptedWarning, match="after 4 complete epoch"):
            model = RNNRegressor(max_iter=50, **FAST).fit(X, y)
    assert model.n_iter_ == 4
    assert all(len(values) == 4 for values in model.history_.values())
    assert np.isfinite(model.predict(X)).all()


def test_ctrl_c_keeps_the_best_weights_under_early_stopping(monkeypatch):
    X, y = sum_data(n=64)
    interrupt_at(monkeypatch, call=2 * 6 + 2)  # the second batch of the seventh epoch
    with pytest.warns(TrainingInterruptedWarning):
        model = RNNRegressor(max_iter=50, early_stopping=True, validation_fraction=0.25,
                             tol=0.0, **FAST).fit(X, y)
    assert model.n_iter_ == 6
    assert model.score(X[-16:], y[-16:]) == pytest.approx(model.best_validation_score_, rel=1e-6)


# watching --------------------------------------------------------------------------------------


def test_verbose_levels(capsys):
    X, y = sum_data(n=40)
    quietly(RNNRegressor(max_iter=3, verbose=0, **FAST).fit, X, y)
    assert capsys.readouterr() == ("", "")
    quietly(RNNRegressor(max_iter=3, verbose=1, **FAST).fit, X, y,
            validation_data=(X[:8], y[:8]))
    out, err = capsys.readouterr()
    assert out == "" and "3/3" in err and "loss=" in err and "val_loss=" in err
    quietly(RNNRegressor(max_iter=3, verbose=2, **FAST).fit, X, y)
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["epoch 1/3", "epoch 2/3", "epoch 3/3"]
    assert "loss" in lines[0] and "score" in lines[0] and err == ""
