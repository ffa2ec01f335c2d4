"""Errors that tell the truth: values beyond the dtype named as such, the caller's argument
names, the step at which a free run diverged, weights that cannot weigh."""

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, r2_score

from rnn_nodes import RNN
from rnn_nodes.estimators import RNNClassifier, RNNRegressor
from rnn_nodes.prediction import FreeRunDivergedError

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
FLOAT32_MAX = float(np.finfo(np.float32).max)


def small_network(dtype="float32"):
    net = RNN(seed=0, dtype=dtype).add_InputLayer(1).add_RNNLayer(2).add_OutputLayer(1)
    net.is_trained = True
    return net


def series(n=12, time=5, seed=0):
    return np.random.default_rng(seed).normal(size=(n, time, 1))


# values beyond the dtype ---------------------------------------------------------------


def test_finite_inputs_beyond_float32_are_named_as_such():
    X = series()
    X[3, 2, 0] = 1e39
    with pytest.raises(ValueError, match=r"`X` holds 1 finite values beyond the range of "
                                         r"float32 .*X\[3, 2, 0\] = 1e\+39") as error:
        small_network().predict(X)
    assert "NaN" not in str(error.value)
    # float64 holds them
    assert np.isfinite(small_network("float64").forward(X)).all()


def test_nan_and_infinity_are_still_named_so():
    X = series()
    X[0, 0, 0] = np.inf
    with pytest.raises(ValueError, match="`X` contains 1 NaN or infinite values"):
        small_network().predict(X)


def test_the_network_names_its_own_arguments():
    X = series()
    t = np.ones((12, 5, 1)) * 1e39
    with pytest.raises(ValueError, match="`t` holds 60 finite values beyond"):
        small_network().train(X, t, epochs=1)


def regressor():
    return RNNRegressor(hidden_layer_sizes=(3,), max_iter=1, random_state=0, dtype="float32")


@pytest.mark.parametrize("where, name", [("X", "X"), ("y", "y"),
                                         ("X_val", r"validation_data\[0\]"),
                                         ("y_val", r"validation_data\[1\]")])
def test_estimators_name_the_arguments_the_user_gave(where, name):
    data = {"X": series()[..., 0], "y": np.ones(12), "X_val": series(4)[..., 0],
            "y_val": np.ones(4)}
    data[where] = data[where] * 1e39
    with pytest.raises(ValueError, match=rf"^Argument `{name}` holds \d+ finite values beyond "
                                         "the range of float32"):
        regressor().fit(data["X"], data["y"], validation_data=(data["X_val"], data["y_val"]))


def test_an_estimator_predicting_names_x():
    model = regressor().fit(series()[..., 0], np.ones(12))
    with pytest.raises(ValueError, match="`X` holds 5 finite values beyond"):
        model.predict(np.full((1, 5), 1e39))


# extrapolate ---------------------------------------------------------------------------


def exploding_network():
    """y = 100 x at every step: the free run from x = 1 gives 100, 1e4, ..., 100**k."""
    net = RNN(seed=0, dtype="float32").add_InputLayer(1)
    net.add_RNNLayer(1, activation="identity").add_OutputLayer(1)
    net.layers[1].set_params(W_layer=[[10.0]], W_time=[[0.0]], b_layer=[0.0], b_time=[0.0])
    net.layers[2].set_params(W_layer=[[10.0]], b_layer=[0.0])
    net.is_trained = True
    return net


def test_extrapolate_names_the_step_at_which_its_free_run_diverged():
    X = np.ones((3, 4, 1))
    # prediction k is 100**k: 1e38 fits float32, 1e40 does not
    first_beyond = next(k for k in range(1, 40) if 100.0**k > FLOAT32_MAX)
    assert first_beyond == 20
    net = exploding_network()
    np.testing.assert_allclose(net.extrapolate(X, 19)[0, :, 0], 100.0 ** np.arange(1, 20),
                               rtol=1e-5)
    expected = r"free run of sequence `X\[0\]` diverged at step 20 of 25"
    with (pytest.warns(RuntimeWarning, match="overflow"),
          pytest.raises(FreeRunDivergedError, match=expected) as error):
        net.extrapolate(X, 25)
    assert error.value.step == 20 and error.value.sequence == 0
    assert "though `X` is finite" in str(error.value)
    assert isinstance(error.value, ValueError)


def test_extrapolate_names_a_first_prediction_that_is_not_finite():
    net = exploding_network()
    X = np.ones((2, 3, 1))
    X[1, -1, 0] = 1e37  # its output, 1e39, is beyond float32
    expected = r"last step of sequence `X\[1\]` \(prediction 1 of 3\)"
    with (pytest.warns(RuntimeWarning, match="overflow"),
          pytest.raises(FreeRunDivergedError, match=expected) as error):
        net.extrapolate(X, 3)
    assert error.value.step == 1 and error.value.sequence == 1


# sample_weight -------------------------------------------------------------------------


def fitted(kind):
    X = series(20)[..., 0]
    if kind == "regressor":
        return regressor().fit(X, X[:, -1]), X, X[:, -1]
    y = (X[:, -1] > 0).astype(int)
    return RNNClassifier(hidden_layer_sizes=(3,), max_iter=1, random_state=0).fit(X, y), X, y


@pytest.mark.parametrize("kind", ["regressor", "classifier"])
@pytest.mark.parametrize("weights, message", [
    ([-1.0] + [1.0] * 19, r"1 negative ones, e.g. sample_weight\[0\] = -1.0"),
    ([1.0] * 19 + [np.nan], r"1 NaN or infinite ones, e.g. sample_weight\[19\] = nan"),
    ([np.inf] * 20, "20 NaN or infinite ones"),
    ([0.0] * 20, "sums to 0"),
    ([1.0] * 19, r"one weight per sequence \(20\), got shape \(19,\)"),
])
def test_score_refuses_weights_that_cannot_weigh(kind, weights, message):
    model, X, y = fitted(kind)
    with pytest.raises(ValueError, match=r"Argument `sample_weight` .*" + message):
        model.score(X, y, sample_weight=weights)


@pytest.mark.parametrize("kind", ["regressor", "classifier"])
def test_score_with_good_weights_is_scikit_learns(kind):
    model, X, y = fitted(kind)
    weights = np.linspace(0, 2, 20)  # a zero weight among them is fine
    metric = r2_score if kind == "regressor" else accuracy_score
    assert model.score(X, y, sample_weight=weights) == pytest.approx(
        metric(y, model.predict(X), sample_weight=weights), abs=1e-12)


def test_text_weights_are_a_type_error():
    model, X, y = fitted("regressor")
    with pytest.raises(TypeError, match="`sample_weight`"):
        model.score(X, y, sample_weight="uniform")
