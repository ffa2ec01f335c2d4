"""Helpers: sliding windows, the sequence scaler, channels-first conversion."""

import numpy as np
import pytest
from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import make_pipeline

from rnn_nodes import (
    RNNRegressor,
    SequenceScaler,
    from_channels_first,
    sliding_windows,
    to_channels_first,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


# sliding windows -----------------------------------------------------------------------------


def test_windows_of_a_univariate_series():
    X, y = sliding_windows(np.arange(10.0), window=4, horizon=2, stride=3)
    assert X.tolist() == [[0, 1, 2, 3], [3, 4, 5, 6]]
    assert y.tolist() == [[4, 5], [7, 8]]


def test_windows_of_a_multivariate_series_feed_the_regressor():
    series = np.stack([np.sin(np.arange(60) / 4), np.cos(np.arange(60) / 4)], axis=1)
    X, y = sliding_windows(series, window=8)
    assert X.shape == (52, 8, 2) and y.shape == (52, 2)
    np.testing.assert_array_equal(X[5], series[5:13])
    np.testing.assert_array_equal(y[5], series[13])
    X, y = sliding_windows(series, window=8, horizon=3)
    assert y.shape == (50, 3, 2)
    model = RNNRegressor(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    assert model.fit(*sliding_windows(series, 8)).predict(X).shape == (50, 2)


@pytest.mark.parametrize("kwargs, error, expected", [
    (dict(series=np.zeros(5), window=4, horizon=2), ValueError, "5 time steps, fewer than"),
    (dict(series=np.zeros((2, 3, 4)), window=1), ValueError, r"one series.*\(2, 3, 4\)"),
    (dict(series=np.zeros(5), window=0), ValueError, "`window`.*got 0"),
    (dict(series=np.zeros(5), window=2, stride=1.5), TypeError, "`stride`"),
])
def test_bad_windows_are_refused(kwargs, error, expected):
    with pytest.raises(error, match=expected):
        sliding_windows(**kwargs)


# the scaler ----------------------------------------------------------------------------------


def test_scaler_standardises_each_feature_over_samples_and_time():
    rng = np.random.default_rng(0)
    X = rng.normal([3.0, -100.0, 7.0], [2.0, 50.0, 0.0], size=(20, 6, 3))
    scaler = SequenceScaler().fit(X)
    Z = scaler.transform(X)
    assert Z.shape == X.shape
    np.testing.assert_allclose(Z[..., :2].reshape(-1, 2).mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z[..., :2].reshape(-1, 2).std(axis=0), 1)
    assert scaler.scale_[2] == 1.0  # a constant feature is only centred
    np.testing.assert_allclose(scaler.inverse_transform(Z), X)
    assert scaler.transform(X[:, :2]).shape == (20, 2, 3)  # any length
    with pytest.raises(ValueError, match="2 features per time step.*fitted with 3"):
        scaler.transform(X[..., :2])


def test_scaler_reads_2d_as_univariate_and_works_in_pipelines():
    rng = np.random.default_rng(0)
    X = 500 + 20 * rng.standard_normal((40, 5))
    scaler = SequenceScaler().fit(X)
    assert scaler.mean_.shape == (1,) and scaler.transform(X).shape == (40, 5)
    y = 1000 + X.sum(axis=1)
    model = TransformedTargetRegressor(
        make_pipeline(SequenceScaler(), RNNRegressor(hidden_layer_sizes=(4,), max_iter=2,
                                                     random_state=0)),
        transformer=SequenceScaler())  # y (n,) arrives as (n, 1): series of one step
    assert model.fit(X, y).predict(X).shape == (40,)


# channels first ------------------------------------------------------------------------------


def test_channels_first_round_trip():
    X = np.arange(2 * 3 * 5).reshape(2, 3, 5)  # (n, channels, time)
    Y = from_channels_first(X)
    assert Y.shape == (2, 5, 3) and Y.flags.c_contiguous
    np.testing.assert_array_equal(Y[1, 4], X[1, :, 4])
    np.testing.assert_array_equal(to_channels_first(Y), X)
    assert from_channels_first(np.zeros((4, 7))).shape == (4, 7, 1)
    assert from_channels_first([np.zeros((2, 6)), np.ones((2, 6))]).shape == (2, 6, 2)


def test_unequal_lengths_give_a_list_and_bad_shapes_are_refused():
    # series of different lengths: a list of (time_b, channels), as the estimators take them
    series = [np.arange(10.0).reshape(2, 5), np.arange(12.0).reshape(2, 6)]
    out = from_channels_first(series)
    assert [x.shape for x in out] == [(5, 2), (6, 2)]
    np.testing.assert_array_equal(out[1][4], series[1][:, 4])
    back = to_channels_first(out)
    for x, original in zip(back, series):
        np.testing.assert_array_equal(x, original)
    assert [x.shape for x in from_channels_first([np.zeros(4), np.zeros(7)])] == [(4, 1), (7, 1)]
    with pytest.raises(ValueError, match=r"X\[1\]"):
        from_channels_first([np.zeros((2, 5)), np.zeros((2, 6, 1))])
    with pytest.raises(ValueError, match=r"\(n, channels, time\).*shape \(3,\)"):
        from_channels_first(np.zeros(3))
