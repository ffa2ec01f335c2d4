"""Grid search, pipelines, pickle and joblib with the estimators."""

import io
import pickle

import joblib
import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from rnn_nodes import RNNClassifier, RNNRegressor, SequenceScaler
from schedulers import Adam

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def sum_data(n=60, time=5, seed=0):
    X = np.random.default_rng(seed).standard_normal((n, time, 2))
    return X, X[..., 0].sum(axis=1) - X[..., 1].mean(axis=1)


def test_grid_search_over_the_schedulers_eta_and_alpha():
    X, y = sum_data()
    scheduler = Adam()
    search = GridSearchCV(
        RNNRegressor(hidden_layer_sizes=(4,), scheduler=scheduler, max_iter=8, random_state=0),
        {"scheduler__eta": [1e-3, 3e-2], "alpha": [0.0, 1e-2]}, cv=2,
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_params_["scheduler__eta"] == 3e-2  # 8 epochs: the larger rate wins
    assert search.best_estimator_.network_.scheduler.eta == 3e-2
    assert search.best_estimator_.network_.lmbd == search.best_params_["alpha"]
    assert scheduler.eta == 1e-3  # the object given was never changed
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


def test_a_pipeline_with_the_sequence_scaler():
    X, y = sum_data()
    pipeline = make_pipeline(SequenceScaler(), RNNRegressor(hidden_layer_sizes=(4,), max_iter=3,
                                                            random_state=0))
    assert pipeline.fit(1000 + 50 * X, y).predict(1000 + 50 * X).shape == (60,)


def fitted_models():
    X, y = sum_data()
    regressor = RNNRegressor(hidden_layer_sizes=(4,), max_iter=3, random_state=0,
                             scheduler=Adam(eta=0.01)).fit(X, y)
    classifier = RNNClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0).fit(
        X, np.where(y > 0, "pos", "neg"))
    return X, [regressor, classifier]


@pytest.mark.parametrize("dump, load", [
    (pickle.dumps, pickle.loads),
    (lambda model: joblib.dump(model, buffer := io.BytesIO()) or buffer.getvalue(),
     lambda data: joblib.load(io.BytesIO(data))),
], ids=["pickle", "joblib"])
def test_fitted_estimators_pickle_without_jax_and_predict_the_same(dump, load):
    X, models = fitted_models()
    for model in models:
        data = dump(model)
        assert b"jax" not in data  # no jitted function, no JAX array
        copy = load(data)
        assert np.array_equal(copy.predict(X), model.predict(X))
        assert copy.history_ == model.history_
        if hasattr(model, "predict_proba"):
            assert np.array_equal(copy.predict_proba(X), model.predict_proba(X))
        # the copy trains on exactly as the original would
        model.partial_fit(X[:10], model.predict(X[:10]))
        copy.partial_fit(X[:10], copy.predict(X[:10]))
        assert copy.history_["loss"][-1] == model.history_["loss"][-1]


def test_unfitted_estimators_and_networks_pickle():
    model = pickle.loads(pickle.dumps(RNNRegressor(scheduler=Adam(eta=0.2))))
    assert model.get_params()["scheduler__eta"] == 0.2
    assert not hasattr(model, "network_")
