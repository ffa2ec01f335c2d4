"""scikit-learn's own estimator checks on both estimators, and predictions independent of
the batch under every BLAS kernel."""

import numpy as np
import pytest
from sklearn.utils.estimator_checks import (
    check_methods_sample_order_invariance,
    check_methods_subset_invariance,
    parametrize_with_checks,
)

from rnn_nodes import RNNClassifier, RNNRegressor

# scikit-learn's checks fit on unscaled data (make_regression, root mean square ~100) on purpose
pytestmark = [pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
              pytest.mark.filterwarnings("ignore::rnn_nodes.InputScaleWarning")]

# Small but learning: the checks fit a few hundred times, on up to 300 samples.
FAST = dict(hidden_layer_sizes=(8,), max_iter=40, learning_rate=0.02)

# Every check passes: no expected failures, under every OpenBLAS kernel (the invariance
# checks below run again under a second one: tests/second_kernel.py). The candidates were
# check_n_features_in_after_fitting (a 2-D X is a batch of univariate series, so X.shape[1]
# counts time steps and an RNN could read any length; the estimators follow scikit-learn
# instead and require the fitted number of steps; network_.predict reads any length), and
# check_methods_sample_order_invariance / check_methods_subset_invariance (float32 products
# whose last bits depend on the number of rows under the AVX2 kernels: the estimators predict
# in float64, rnn_nodes/estimators/_precision.py).
EXPECTED_FAILURES = {}


@parametrize_with_checks(
    [RNNRegressor(**FAST), RNNClassifier(**FAST)],
    expected_failed_checks=lambda estimator: EXPECTED_FAILURES,
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


ESTIMATORS = [RNNRegressor(**FAST), RNNClassifier(**FAST)]


@pytest.mark.kernel
@pytest.mark.parametrize("check", [check_methods_sample_order_invariance,
                                   check_methods_subset_invariance])
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_predictions_do_not_depend_on_the_rest_of_the_batch(estimator, check):
    check(type(estimator).__name__, estimator)


@pytest.mark.kernel
@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_a_sample_predicts_the_same_alone_and_in_any_batch(cell):
    """Batches of 1 to 300 rows (OpenBLAS blocks and remainder loops of every kind) give each
    sample the prediction it gets alone, to 1e-12: float64 sums, whatever their order.
    Measured (2026-12-03, AMD EPYC; all 300 samples alone against one batch of 300): at most
    5e-14 relative in float64 under the SkylakeX and Haswell kernels; 3e-6 and 3e-5 with
    ``dtype=None``, the float32 network itself."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 7, 3))
    y = X[:, :, 0].sum(axis=1)
    model = RNNRegressor(hidden_layer_sizes=(24,), cell=cell, max_iter=3,
                         random_state=0).fit(X, y)
    alone = np.concatenate([model.predict(X[i:i + 1]) for i in range(0, 300, 13)])
    for n in (1, 2, 7, 16, 33, 300):
        order = rng.permutation(300)[:n]
        together = model.predict(X[order])
        for row, i in enumerate(order):
            if i % 13 == 0:
                np.testing.assert_allclose(together[row], alone[i // 13], rtol=1e-12, atol=1e-12)
