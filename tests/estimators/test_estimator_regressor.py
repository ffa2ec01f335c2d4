"""RNNRegressor: shapes, learning, reproducibility, hyperparameters and their errors."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import r2_score

from rnn_nodes import RNN, DenseLayer, OutputLayer, RNNLayer, RNNRegressor
from rnn_nodes.estimators._cells import CELLS
from schedulers import Adam, Momentum

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FAST = dict(hidden_layer_sizes=(6,), max_iter=5, random_state=0)


def series(n=40, time=6, features=None, seed=0):
    rng = np.random.default_rng(seed)
    shape = (n, time) if features is None else (n, time, features)
    return rng.standard_normal(shape)


# shapes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("features", [None, 1, 3], ids=["2-D", "3-D-1", "3-D-3"])
@pytest.mark.parametrize("y_shape", [(), (1,), (2,)], ids=["y-1d", "y-column", "y-2-outputs"])
def test_many_to_one_predictions_keep_the_shape_of_y(features, y_shape):
    X = series(features=features)
    y = np.random.default_rng(1).standard_normal((len(X),) + y_shape)
    model = RNNRegressor(**FAST).fit(X, y)
    y_hat = model.predict(X)
    assert y_hat.shape == y.shape
    assert y_hat.dtype == np.float64
    assert model.n_features_in_ == 6
    assert model.n_features_per_step_ == (features or 1)
    assert model.n_outputs_ == (y_shape[0] if y_shape else 1)


@pytest.mark.parametrize("y_extra", [(), (2,)], ids=["y-(n,time)", "y-(n,time,2)"])
def test_return_sequences_predicts_every_step(y_extra):
    X = series(features=2)
    y = np.random.default_rng(1).standard_normal(X.shape[:2] + y_extra)
    model = RNNRegressor(return_sequences=True, **FAST).fit(X, y)
    assert model.predict(X).shape == y.shape
    assert isinstance(model.network_.layers[-1], OutputLayer)


def test_architecture_follows_the_hyperparameters():
    model = RNNRegressor(hidden_layer_sizes=(5, 4), cell="rnn", dense_layer_sizes=(3,),
                         activation="relu",
                         dense_activation="tanh", max_iter=1).fit(series(), series()[:, 0])
    layers = model.network_.layers[1:]
    assert [type(layer) for layer in layers] == [RNNLayer, RNNLayer, DenseLayer, DenseLayer]
    assert [layer.n_features for layer in layers] == [5, 4, 3, 1]
    assert [layer.activation.name for layer in layers] == ["relu", "relu", "tanh", "identity"]


def test_an_int_is_one_recurrent_layer():
    model = RNNRegressor(hidden_layer_sizes=7, max_iter=1).fit(series(), series()[:, 0])
    assert [layer.n_features for layer in model.network_.recurrent_layers] == [7]


# learning and scoring -----------------------------------------------------------------------


@pytest.mark.kernel
@pytest.mark.parametrize("seed", range(5))
def test_learns_the_sum_of_a_sequence_and_score_is_r2(seed):
    X = series(n=200, time=5, seed=3 + seed)
    y = X.sum(axis=1)
    model = RNNRegressor(hidden_layer_sizes=(8,), learning_rate=0.02, max_iter=60,
                         random_state=seed).fit(X, y)
    assert model.score(X, y) == pytest.approx(r2_score(y, model.predict(X)))
    assert model.score(X, y) > 0.95  # the sum of 5 standard normals; a linear map suffices
    assert model.history_["score"][-1] > 0.9


def test_sequence_score_is_the_mean_r2_over_steps():
    X = series(n=30, features=1)
    y = np.cumsum(X[..., 0], axis=1)
    model = RNNRegressor(return_sequences=True, **FAST).fit(X, y)
    assert model.score(X, y) == pytest.approx(r2_score(y, model.predict(X)))


def test_random_state_gives_identical_models():
    X, y = series(), series()[:, 0]
    first = RNNRegressor(**FAST).fit(X, y)
    second = RNNRegressor(**FAST).fit(X, y)
    other = RNNRegressor(**{**FAST, "random_state": 1}).fit(X, y)
    assert np.array_equal(first.predict(X), second.predict(X))
    assert first.history_["loss"] == second.history_["loss"]
    assert not np.array_equal(first.predict(X), other.predict(X))


# the scheduler ------------------------------------------------------------------------------


def test_scheduler_object_is_cloned_and_never_changed():
    scheduler = Momentum(eta=0.05, momentum=0.5)
    model = RNNRegressor(scheduler=scheduler, learning_rate=0.01, **FAST)
    model.fit(series(), series()[:, 0])
    assert model.scheduler is scheduler
    assert scheduler.get_params() == {"eta": 0.05, "momentum": 0.5}
    assert model.network_.scheduler is not scheduler
    assert model.network_.scheduler.get_params() == {"eta": 0.01, "momentum": 0.5}
    assert model.history_["lr"] == [0.01] * model.n_iter_


def test_scheduler_by_name_and_its_params_through_set_params():
    # a name without learning_rate gets the estimators' default rate
    model = RNNRegressor(scheduler="rmsprop", **FAST).fit(series(), series()[:, 0])
    assert model.network_.scheduler.eta == 0.01
    model = RNNRegressor(scheduler="rmsprop", learning_rate=0.02, **FAST)
    model.fit(series(), series()[:, 0])
    assert type(model.network_.scheduler).__name__ == "RMSprop"
    assert model.network_.scheduler.eta == 0.02
    model = RNNRegressor(scheduler=Adam(), **FAST).set_params(scheduler__eta=0.03)
    assert model.get_params()["scheduler__eta"] == 0.03
    assert clone(model).scheduler.eta == 0.03


# errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("X, expected", [
    (np.zeros(10), r"2-D \(n_samples, time\).*got an array of shape \(10,\).*reshape\(1, -1\)"),
    (np.zeros((2, 3, 4, 5)), r"3-D \(n_samples, time, features\).*shape \(2, 3, 4, 5\)"),
])
def test_bad_X_shapes_say_the_expected_shape_and_how_to_fix_it(X, expected):
    with pytest.raises(ValueError, match=expected):
        RNNRegressor(**FAST).fit(X, np.zeros(len(X)))


def test_predict_needs_the_fitted_steps_and_features():
    model = RNNRegressor(**FAST).fit(series(features=2), series()[:, 0])
    with pytest.raises(ValueError, match="X has 4 features, but RNNRegressor is expecting 6 "
                                         "features as input: X.shape.1. counts time steps"):
        model.predict(series(time=4, features=2))
    with pytest.raises(ValueError, match="3 features per time step.*fitted with 2"):
        model.predict(series(features=3))
    assert model.network_.predict(series(time=9, features=2)).shape == (40, 1)


@pytest.mark.parametrize("return_sequences, y_shape, expected", [
    (False, (40, 6, 1), r"\(n_samples,\) or \(n_samples, outputs\).*set return_sequences=True"),
    (True, (40,), r"\(n_samples, time\).*6 time steps of X.*got shape \(40,\)"),
    (True, (40, 5), r"6 time steps of X; got shape \(40, 5\)"),
])
def test_bad_y_shapes_say_the_expected_shape(return_sequences, y_shape, expected):
    model = RNNRegressor(return_sequences=return_sequences, **FAST)
    with pytest.raises(ValueError, match=expected):
        model.fit(series(), np.zeros(y_shape))


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_every_cell_builds_its_layers(cell):
    model = RNNRegressor(cell=cell, **{**FAST, "hidden_layer_sizes": (3, 2), "max_iter": 2})
    model.fit(series(), series()[:, 0])
    built = [type(layer) for layer in model.network_.recurrent_layers]
    expected = type(CELLS[cell](RNN(seed=0).add_InputLayer(1), 3).layers[-1])
    assert built == [expected, expected]


@pytest.mark.parametrize("name, value, error, expected", [
    ("cell", "elmann", ValueError, r"`cell`, expected one of \[.*'rnn'.*\].*got 'elmann'"),
    ("hidden_layer_sizes", (), ValueError, r"`hidden_layer_sizes`.*at least one"),
    ("hidden_layer_sizes", (4, 0), ValueError, r"`hidden_layer_sizes\[1\]`.*got 0"),
    ("dense_layer_sizes", "big", TypeError, r"`dense_layer_sizes\[0\]`"),
    ("activation", "swish", ValueError, r"`activation`.*got 'swish'"),
    ("scheduler", "sgd", ValueError, r"got 'sgd'"),
    ("scheduler", 0.1, TypeError, r"`scheduler`.*got float: 0.1"),
    ("learning_rate", 0, ValueError, r"`learning_rate`.*got 0"),
    ("alpha", -1.0, ValueError, r"`alpha`.*got -1.0"),
    ("batch_size", 0, ValueError, r"`batch_size`.*got 0"),
    ("max_iter", 2.5, TypeError, r"`max_iter`.*got float: 2.5"),
    ("tol", float("nan"), ValueError, r"`tol`"),
    ("n_iter_no_change", 0, ValueError, r"`n_iter_no_change`"),
    ("validation_fraction", 1.0, ValueError, r"`validation_fraction`.*in \(0, 1\), got 1.0"),
    ("validation_split", "head", ValueError, r"`validation_split`.*got 'head'"),
    ("early_stopping", "yes", TypeError, r"`early_stopping`.*got str: 'yes'"),
    ("verbose", 3, ValueError, r"`verbose`.*got 3"),
    ("random_state", "seed", TypeError, r"`random_state`.*got 'seed'"),
    ("dtype", "float16", ValueError, r"`dtype`.*got 'float16'"),
    ("clip_norm", 0.0, ValueError, r"`clip_norm`.*got 0"),
])
def test_bad_hyperparameters_fail_in_fit_naming_the_argument(name, value, error, expected):
    model = RNNRegressor(**{**FAST, name: value})  # __init__ only stores
    assert model.get_params()[name] is value
    with pytest.raises(error, match=expected):
        model.fit(series(), series()[:, 0])


def test_fit_without_y_says_so():
    with pytest.raises(ValueError, match="requires y to be passed"):
        RNNRegressor(**FAST).fit(series(), None)
