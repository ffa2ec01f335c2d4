"""SequenceScaler takes what the estimators take; badly scaled inputs draw a warning.

Golden values are worked by hand: the statistics of a few short sequences.
"""

import warnings

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from rnn_nodes import InputScaleWarning, RNNClassifier, RNNRegressor, SequenceScaler

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# three univariate sequences of lengths 2, 3, 1: the values 1, 3 | 5, 7, 9 | 11
RAGGED = [np.array([1.0, 3.0]), np.array([5.0, 7.0, 9.0]), np.array([11.0])]
MEAN = 6.0                                    # (1 + 3 + 5 + 7 + 9 + 11) / 6
STD = np.sqrt(70.0 / 6.0)                     # squares from the mean: 25+9+1+1+9+25 = 70


def test_fit_on_a_list_of_different_lengths():
    scaler = SequenceScaler().fit(RAGGED)
    np.testing.assert_allclose(scaler.mean_, [MEAN])
    np.testing.assert_allclose(scaler.scale_, [STD])


def test_transform_of_a_list_is_a_list_of_the_same_shapes():
    out = SequenceScaler().fit_transform(RAGGED)
    assert isinstance(out, list) and [x.shape for x in out] == [(2,), (3,), (1,)]
    np.testing.assert_allclose(out[1], (np.array([5.0, 7.0, 9.0]) - MEAN) / STD)
    back = SequenceScaler().fit(RAGGED).inverse_transform(out)
    for x, original in zip(back, RAGGED):
        np.testing.assert_allclose(x, original)


def test_multivariate_list():
    sequences = [np.array([[0.0, 10.0], [2.0, 30.0]]), np.array([[4.0, 50.0]])]
    scaler = SequenceScaler().fit(sequences)
    np.testing.assert_allclose(scaler.mean_, [2.0, 30.0])
    np.testing.assert_allclose(scaler.scale_, [np.sqrt(8 / 3), np.sqrt(800 / 3)])
    assert [x.shape for x in scaler.transform(sequences)] == [(2, 2), (1, 2)]


def test_padded_array_with_lengths_leaves_the_padding_out():
    padded = np.array([[1.0, 3.0, -99.0], [5.0, 7.0, 9.0], [11.0, -99.0, -99.0]])
    lengths = [2, 3, 1]
    scaler = SequenceScaler().fit(padded, lengths=lengths)
    np.testing.assert_allclose(scaler.mean_, [MEAN])
    out = scaler.transform(padded, lengths=lengths)
    assert out.shape == padded.shape
    np.testing.assert_allclose(out[0, :2], (np.array([1.0, 3.0]) - MEAN) / STD)
    assert out[0, 2] == -99.0 and out[2, 1] == -99.0  # padding as it came
    np.testing.assert_allclose(SequenceScaler().fit_transform(padded, lengths=lengths), out)


def test_features_per_step_are_checked_for_lists():
    scaler = SequenceScaler().fit(RAGGED)
    with pytest.raises(ValueError, match="2 features per time step"):
        scaler.transform([np.zeros((3, 2))])


def test_pipeline_of_scaler_and_estimator_takes_a_list():
    rng = np.random.default_rng(0)
    X = [rng.normal(500.0, 100.0, size=(n, 1)) for n in rng.integers(3, 9, size=12)]
    y = rng.normal(size=12)
    model = make_pipeline(SequenceScaler(), RNNRegressor(hidden_layer_sizes=(2,), max_iter=2,
                                                         random_state=0))
    with warnings.catch_warnings():
        warnings.simplefilter("error", InputScaleWarning)
        model.fit(X, y)
    assert model.predict(X).shape == (12,)


def raw_series(seed):
    """Two classes of series with values 3 .. 1890: slow and fast growth."""
    rng = np.random.default_rng(seed)
    time = np.arange(20)
    fast = rng.integers(0, 2, size=40)
    X = 3 + np.where(fast[:, None], 1887 * (time / 19) ** 0.5, 1887 * (time / 19) ** 2)
    return X + rng.normal(0, 5, size=X.shape).clip(-3, 3), fast


def test_badly_scaled_inputs_warn_and_name_the_scaler():
    X, y = raw_series(0)
    with pytest.warns(InputScaleWarning, match="SequenceScaler") as record:
        RNNClassifier(hidden_layer_sizes=(4,), max_iter=1, random_state=0).fit(X, y)
    assert record[0].filename == __file__  # points at the caller's line
    assert "make_pipeline(SequenceScaler(), RNNClassifier())" in str(record[0].message)


def test_scaled_inputs_do_not_warn():
    X, y = raw_series(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", InputScaleWarning)
        make_pipeline(SequenceScaler(), RNNClassifier(hidden_layer_sizes=(4,), max_iter=1,
                                                      random_state=0)).fit(X, y)
        # data in [0, 1] or standard normal are fine too
        RNNClassifier(hidden_layer_sizes=(4,), max_iter=1, random_state=0).fit(X / 1890, y)
