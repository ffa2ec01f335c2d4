"""``feature_names_in_`` from a DataFrame, checked at ``predict`` as scikit-learn checks it.

A 2-D DataFrame is a batch of univariate series: its columns are the time
steps, and their names must come back in the same order.
"""

import warnings

import numpy as np
import pytest

from rnn_nodes import RNNClassifier, RNNRegressor

pd = pytest.importorskip("pandas")
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(params=[RNNRegressor, RNNClassifier])
def fitted(request):
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(20, 6)), columns=[f"day{i}" for i in range(6)])
    y = rng.normal(size=20) if request.param is RNNRegressor else np.arange(20) % 2
    model = request.param(hidden_layer_sizes=(3,), max_iter=2, random_state=0).fit(X, y)
    return model, X


def test_columns_become_feature_names_in(fitted):
    model, X = fitted
    np.testing.assert_array_equal(model.feature_names_in_, [f"day{i}" for i in range(6)])
    assert model.feature_names_in_.dtype == object


def test_reordered_columns_are_refused_at_predict(fitted):
    model, X = fitted
    with pytest.raises(ValueError, match="same order"):
        model.predict(X[X.columns[::-1]])


def test_renamed_columns_are_refused_at_predict(fitted):
    model, X = fitted
    with pytest.raises(ValueError, match="feature names should match"):
        model.predict(X.rename(columns={"day0": "monday"}))


def test_same_columns_predict_as_the_array(fitted):
    model, X = fitted
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        from_frame = model.predict(X)
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        from_array = model.predict(X.to_numpy())
    np.testing.assert_array_equal(from_frame, from_array)


def test_arrays_leave_no_feature_names():
    rng = np.random.default_rng(1)
    model = RNNRegressor(hidden_layer_sizes=(2,), max_iter=1, random_state=0)
    model.fit(rng.normal(size=(10, 4)), rng.normal(size=10))
    assert not hasattr(model, "feature_names_in_")
