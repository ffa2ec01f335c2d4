"""RNNClassifier: labels of any type, probabilities in classes_ order, partial_fit, sequences."""

import numpy as np
import pytest
from sklearn.exceptions import DataConversionWarning
from sklearn.metrics import accuracy_score

from rnn_nodes import RNNClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FAST = dict(hidden_layer_sizes=(8,), max_iter=30, learning_rate=0.03, random_state=0)


def sign_data(n=120, time=6, seed=0):
    """Univariate series labelled by the sign of their sum (and of their first value)."""
    X = np.random.default_rng(seed).standard_normal((n, time))
    return X, (X.sum(axis=1) > 0).astype(int) + (X[:, 0] > 0).astype(int)


@pytest.mark.parametrize("labels", [
    np.array(["cold", "warm"]), np.array([-1, 7]), np.array([False, True]),
    np.array([1.0, 2.0]), np.array(["a", "b", "c"]), np.array([30, 10, 20]),
], ids=["str-binary", "int-binary", "bool", "float", "str-3", "int-3"])
@pytest.mark.kernel
def test_any_labels_learn_and_come_back(labels):
    X, code = sign_data()
    if len(labels) == 2:
        code = (code > 0).astype(int)
    y = labels[code]
    model = RNNClassifier(**FAST).fit(X, y)
    assert model.classes_.tolist() == sorted(labels.tolist())
    y_pred = model.predict(X)
    assert y_pred.dtype == model.classes_.dtype
    assert set(y_pred.tolist()) <= set(labels.tolist())
    assert model.score(X, y) == accuracy_score(y, y_pred)
    assert model.score(X, y) > 0.85
    assert model.history_["score"][-1] > 0.8


@pytest.mark.kernel
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("seed", range(5))
def test_learns_the_sign_data_for_every_seed(seed, n_classes):
    """The learning threshold of the label tests above (which train on seed 0, the same problem
    for every label type), for data and weights of seeds 0-4."""
    X, code = sign_data(seed=seed)
    y = (code > 0).astype(int) if n_classes == 2 else code
    model = RNNClassifier(**{**FAST, "random_state": seed}).fit(X, y)
    assert model.score(X, y) > 0.85
    assert model.history_["score"][-1] > 0.8


def test_predict_proba_columns_follow_classes():
    X, code = sign_data()
    y = np.array(["zebra", "apple", "mango"])[code]  # sorted: apple, mango, zebra
    model = RNNClassifier(**FAST).fit(X, y)
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), 3) and proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    assert model.classes_.tolist() == ["apple", "mango", "zebra"]
    np.testing.assert_array_equal(model.classes_[proba.argmax(axis=1)], model.predict(X))
    # the column of a class is highest on that class's own samples
    for k, label in enumerate(model.classes_):
        assert proba[y == label, k].mean() > proba[y != label, k].mean()


def test_binary_probabilities_are_the_sigmoid_output_in_the_second_column():
    X, code = sign_data()
    model = RNNClassifier(**FAST).fit(X, np.array(["no", "yes"])[(code > 0).astype(int)])
    proba = model.predict_proba(X)  # computed in float64 from the float32 weights
    output = model.network_.predict(X[:, :, None])[:, 0]  # float32
    np.testing.assert_allclose(proba[:, 1], output, rtol=0, atol=1e-6)
    np.testing.assert_allclose(proba[:, 0], 1 - output, rtol=0, atol=1e-6)
    proba32 = model.predict_proba(X, dtype=None)  # the fitted float32 network itself
    np.testing.assert_array_equal(proba32[:, 1], output.astype(np.float64))
    assert model.network_.cost.name == "bce" and model.n_outputs_ == 1


@pytest.mark.kernel
@pytest.mark.parametrize("seed", range(5))
def test_return_sequences_labels_every_step(seed):
    X = np.random.default_rng(seed).standard_normal((60, 5, 2))
    y = np.where(X[..., 0] > 0, "up", "down")  # (n, time) labels
    model = RNNClassifier(return_sequences=True, **{**FAST, "random_state": seed}).fit(X, y)
    assert model.predict(X).shape == (60, 5)
    assert model.predict_proba(X).shape == (60, 5, 2)
    assert model.score(X, y) == pytest.approx(np.mean(model.predict(X) == y))
    assert model.score(X, y) > 0.9


def test_partial_fit_needs_classes_first_then_runs_one_epoch_per_call():
    X, code = sign_data()
    y = np.array(["a", "b", "c"])[code]
    model = RNNClassifier(**FAST)
    with pytest.raises(ValueError, match="`classes` must be passed on the first call"):
        model.partial_fit(X, y)
    only_two = y != "c"
    model.partial_fit(X[only_two], y[only_two], classes=["a", "b", "c", "d"])
    assert model.classes_.tolist() == ["a", "b", "c", "d"]
    assert model.n_iter_ == 1
    model.partial_fit(X, y)
    assert model.n_iter_ == 2 and len(model.history_["loss"]) == 2
    with pytest.raises(ValueError, match=r"`classes`=\['a', 'b'\] differs"):
        model.partial_fit(X, y, classes=["a", "b"])
    with pytest.raises(ValueError, match=r"labels \['e'\] that are not in classes_"):
        model.partial_fit(X[:3], ["a", "e", "b"])


def test_a_column_vector_y_warns_and_gives_the_same_model():
    X, code = sign_data()
    flat = RNNClassifier(**FAST).fit(X, code)
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        column = RNNClassifier(**FAST).fit(X, code[:, None])
    np.testing.assert_array_equal(flat.predict_proba(X), column.predict_proba(X))


def test_one_class_and_a_2d_y_are_refused_with_the_fix():
    X, _ = sign_data(n=10)
    with pytest.raises(ValueError, match="at least 2 classes, got 1 class: 'x'"):
        RNNClassifier(**FAST).fit(X, ["x"] * 10)
    with pytest.raises(ValueError, match=r"one label per sequence.*shape \(10, 6\).*"
                                         "set return_sequences=True"):
        RNNClassifier(**FAST).fit(X, np.zeros((10, 6), int))
    with pytest.raises(ValueError, match="Unknown label type"):
        RNNClassifier(**FAST).fit(X, np.linspace(0, 1, 10))
