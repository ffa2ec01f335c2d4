"""The estimators' training rules: batch size, patience in updates, schedules, the warning
when nothing was learned."""

import doctest
import warnings

import numpy as np
import pytest
import schedulers.schedules
from sklearn.exceptions import ConvergenceWarning

from rnn_nodes import RNN, RNNClassifier, RNNRegressor
from rnn_nodes.estimators import _training_rules
from rnn_nodes.training import EarlyStopping
from schedulers import Adam, CosineDecay, ReduceLROnPlateau, StepDecay


@pytest.mark.parametrize("module", [_training_rules, schedulers.schedules])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("n_samples, expected", [(3, 3), (8, 8), (79, 8), (80, 8), (95, 9),
                                                 (320, 32), (5000, 32)])
def test_auto_batch_size(n_samples, expected):
    assert _training_rules.batch_size_for("auto", n_samples) == expected
    assert _training_rules.batch_size_for(16, n_samples) == min(16, n_samples)


def test_auto_batch_size_is_what_fit_uses():
    """36 samples: batches of 8, so 5 updates an epoch (4 of 8, one of 4)."""
    X, y = sign_data(n=36)
    model = quiet_fit(RNNClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0), X, y)
    # the loss of an epoch is the mean of 5 batch costs weighted by their sizes: check the
    # count through the scheduler's step counter (Adam counts its updates)
    state = next(iter(model.network_.scheduler_states.values()))
    assert int(state.t) == 2 * 5
    assert model.get_params()["batch_size"] == "auto"


def sign_data(n=60, time=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, time, 1))
    return X, (X[:, 0, 0] > 0).astype(int)


def quiet_fit(model, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y, **kwargs)


def test_early_stopping_waits_for_the_updates_too():
    """patience=2 epochs, patience_updates=7: with 3 updates an epoch and a loss that never
    improves after epoch 1, training stops after epoch 1 + 3 = 4 (9 updates >= 7), not 3."""

    class Net:
        pass

    net, history = Net(), {"loss": []}
    monitor = EarlyStopping(monitor="loss", patience=2, patience_updates=7, restore_best=False)
    monitor.on_train_begin(net, history)
    stopped = None
    for epoch in range(1, 10):
        for update in range(3):
            monitor.on_batch_begin(net, update)
        history["loss"].append(1.0)
        if monitor.on_epoch_end(net, epoch, history):
            stopped = epoch
            break
    assert stopped == 4
    without = EarlyStopping(monitor="loss", patience=2, restore_best=False)
    without.on_train_begin(net, {"loss": []})
    assert [without.on_epoch_end(net, e, {"loss": [1.0] * e}) for e in (1, 2, 3)] == \
        [False, False, True]


def test_n_updates_no_change_keeps_a_small_fit_going():
    """Random labels: the loss plateaus at once. n_iter_no_change=2 epochs alone stops after
    3 epochs; with n_updates_no_change=40 (5 updates an epoch) after at least 9."""
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(36, 5, 1)), rng.integers(0, 2, 36)
    kwargs = dict(hidden_layer_sizes=(3,), max_iter=50, n_iter_no_change=2, tol=10.0,
                  random_state=0)
    short = quiet_fit(RNNClassifier(n_updates_no_change=0, **kwargs), X, y)
    long = quiet_fit(RNNClassifier(n_updates_no_change=40, **kwargs), X, y)
    assert short.n_iter_ == 3
    assert long.n_iter_ == 9  # 8 epochs = 40 updates after the best (epoch 1)
    default = quiet_fit(RNNClassifier(**kwargs), X, y)  # n_updates_no_change=300: 60 epochs
    assert default.n_iter_ == 50  # so max_iter ends it


def test_a_fit_that_learned_nothing_warns_and_names_the_knobs():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 5, 1)), rng.integers(0, 2, 40)
    model = RNNClassifier(hidden_layer_sizes=(2,), max_iter=2, learning_rate=1e-5,
                          random_state=0)
    with pytest.warns(ConvergenceWarning, match="learned nothing.*SequenceScaler.*max_iter"):
        model.fit(X, y)


def test_a_fit_that_learned_does_not_warn_that_it_learned_nothing():
    X, y = sign_data(n=80)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        RNNClassifier(hidden_layer_sizes=(8,), max_iter=40, learning_rate=0.02,
                      random_state=0).fit(X, y)
    assert not [w for w in caught if "learned nothing" in str(w.message)]


def test_constant_loss_is_the_entropy_of_the_priors_and_the_variance():
    net = RNN(cost="cce")
    t = np.eye(3)[[0, 0, 1, 2]]  # priors 1/2, 1/4, 1/4
    expected = -(0.5 * np.log(0.5) + 0.5 * np.log(0.25))
    assert _training_rules.constant_loss(net, t, None) == pytest.approx(expected, rel=1e-6)
    net = RNN(cost="mse")
    t = np.array([[1.0], [2.0], [3.0], [6.0]])
    assert _training_rules.constant_loss(net, t, None) == pytest.approx(3.5, rel=1e-12)


def test_the_estimator_schedule_is_recorded_and_not_mutated():
    X, y = sign_data(n=40)
    schedule = StepDecay(step_updates=5, gamma=0.5)
    model = quiet_fit(RNNRegressor(hidden_layer_sizes=(4,), max_iter=3, learning_rate=0.04,
                                   learning_rate_schedule=schedule, random_state=0),
                      X, y.astype(float))
    # 40 samples: batches of 8, 5 updates an epoch; the rate halves every 5 updates
    assert model.history_["lr"] == pytest.approx([0.04, 0.02, 0.01], rel=1e-12)
    assert schedule.base_eta is None and schedule.n_updates == 0  # the parameter is cloned
    assert model.get_params()["learning_rate_schedule"] is schedule


@pytest.mark.parametrize("params, match", [
    (dict(batch_size="big"), "batch_size"),
    (dict(batch_size=0), "batch_size"),
    (dict(n_updates_no_change=-1), "n_updates_no_change"),
    (dict(n_updates_no_change=2.5), "n_updates_no_change"),
    (dict(learning_rate_schedule="cosine"), "learning_rate_schedule"),
    (dict(learning_rate_schedule=Adam()), "learning_rate_schedule"),
])
def test_bad_values_of_the_new_options_are_named(params, match):
    X, y = sign_data(n=20)
    with pytest.raises((ValueError, TypeError), match=match):
        RNNClassifier(**params).fit(X, y)


@pytest.mark.parametrize("schedule", [None, StepDecay(step_updates=3, gamma=0.5),
                                      CosineDecay(decay_updates=5, warmup_updates=1),
                                      ReduceLROnPlateau(patience=3)])
def test_a_model_file_keeps_the_schedule_and_an_int_layer_size(tmp_path, schedule):
    X, y = sign_data(n=20)
    model = quiet_fit(RNNRegressor(hidden_layer_sizes=3, max_iter=1,
                                   learning_rate_schedule=schedule, random_state=0),
                      X, y.astype(float))
    model.save(tmp_path / "m.safetensors")
    loaded = RNNRegressor.load(tmp_path / "m.safetensors")
    assert loaded.get_params()["learning_rate_schedule"] == schedule
    assert loaded.get_params()["hidden_layer_sizes"] == 3
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


@pytest.mark.parametrize("stored, match", [
    ({"schedule": {"name": "Foo", "params": {}}}, "Foo"),
    ({"schedule": {"name": "StepDecay", "params": {"step_updates": -1}}}, "step_updates"),
    ({"schedule": "StepDecay"}, "expected"),
])
def test_a_stored_schedule_is_checked(stored, match):
    from rnn_nodes.estimators._files import decode_param
    with pytest.raises((ValueError, TypeError), match=match):
        decode_param(stored)
