"""The estimators' predict precision: float64 from the fitted weights by default, the fitted
network itself with ``dtype=None``; the float64 copy follows the weights."""

import pickle

import numpy as np
import pytest

from rnn_nodes import RNNClassifier, RNNRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def data(seed=0):
    X = np.random.default_rng(seed).standard_normal((40, 6, 2))
    return X, X[:, :, 0].sum(axis=1)


def test_float64_by_default_and_the_float32_network_on_request():
    X, y = data()
    model = RNNRegressor(hidden_layer_sizes=(5,), max_iter=3, random_state=0).fit(X, y)
    default = model.predict(X)
    assert default.dtype == np.float64
    np.testing.assert_array_equal(default, model.predict(X, dtype="float64"))
    own = model.predict(X, dtype=None)
    np.testing.assert_array_equal(own, model.network_.predict(X).astype(np.float64)[:, 0])
    np.testing.assert_array_equal(own, model.predict(X, dtype=np.float32))
    np.testing.assert_allclose(default, own, rtol=1e-5, atol=1e-6)
    assert model.score(X, y) == pytest.approx(model.score(X, y, dtype=None), rel=1e-5)


def test_the_float64_copy_follows_the_weights_after_partial_fit():
    X, y = data()
    model = RNNRegressor(hidden_layer_sizes=(5,), max_iter=2, random_state=0).fit(X, y)
    before = model.predict(X)
    for _ in range(3):
        model.partial_fit(X, y)
    after = model.predict(X)
    assert not np.allclose(before, after, rtol=1e-3)
    np.testing.assert_allclose(after, model.predict(X, dtype=None), rtol=1e-5, atol=1e-6)


def test_a_float64_estimator_predicts_with_its_own_network():
    X, y = data()
    model = RNNClassifier(hidden_layer_sizes=(5,), max_iter=2, dtype="float64",
                          random_state=0).fit(X, y > 0)
    np.testing.assert_array_equal(model.predict_proba(X), model.predict_proba(X, dtype=None))
    proba32 = model.predict_proba(X, dtype="float32")  # a float32 copy, on request
    np.testing.assert_allclose(proba32, model.predict_proba(X), rtol=0, atol=1e-5)


def test_predicting_changes_nothing_in_the_estimator_and_pickles_alike():
    X, y = data()
    model = RNNRegressor(hidden_layer_sizes=(5,), max_iter=2, random_state=0).fit(X, y)
    state = dict(vars(model))
    first = model.predict(X)
    assert vars(model).keys() == state.keys()
    assert all(vars(model)[key] is value for key, value in state.items())
    copy = pickle.loads(pickle.dumps(model))  # the float64 copy is not in the pickle
    np.testing.assert_array_equal(copy.predict(X), first)


@pytest.mark.parametrize("dtype", ["float16", "int32", 3, "double precision"])
def test_a_bad_dtype_is_refused_by_name(dtype):
    X, y = data()
    model = RNNRegressor(hidden_layer_sizes=(3,), max_iter=1, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="`dtype`.*'float32' or 'float64'"):
        model.predict(X, dtype=dtype)


def test_inputs_are_read_as_the_fitted_network_reads_them():
    """Cast to the fit's float32 first: a value float32 cannot hold is refused, as before."""
    X, y = data()
    model = RNNRegressor(hidden_layer_sizes=(3,), max_iter=1, random_state=0).fit(X, y)
    spoiled = X.copy()
    spoiled[0, 0, 0] = 1e39
    with pytest.raises(ValueError, match="`X`"):
        model.predict(spoiled)
    rounded = X.astype(np.float32).astype(np.float64)
    np.testing.assert_array_equal(model.predict(X), model.predict(rounded))
