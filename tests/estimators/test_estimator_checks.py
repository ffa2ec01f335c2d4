"""scikit-learn's own estimator checks on both estimators."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from rnn_nodes import RNNClassifier, RNNRegressor

# scikit-learn's checks fit on unscaled data (make_regression, root mean square ~100) on purpose
pytestmark = [pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
              pytest.mark.filterwarnings("ignore::rnn_nodes.InputScaleWarning")]

# Small but learning: the checks fit a few hundred times, on up to 300 samples.
FAST = dict(hidden_layer_sizes=(8,), max_iter=40, learning_rate=0.02)

# Every check passes: no expected failures. (The candidate was
# check_n_features_in_after_fitting: a 2-D X is a batch of univariate series, so X.shape[1]
# counts time steps and an RNN could read any length. The estimators follow scikit-learn
# instead and require the fitted number of steps; network_.predict reads any length.)
EXPECTED_FAILURES = {}


@parametrize_with_checks(
    [RNNRegressor(**FAST), RNNClassifier(**FAST)],
    expected_failed_checks=lambda estimator: EXPECTED_FAILURES,
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
