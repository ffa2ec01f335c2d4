"""RNNClassifier: sequence classification with the scikit-learn contract."""

import numbers

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.utils import check_array, check_consistent_length, column_or_1d
from sklearn.utils.multiclass import check_classification_targets

from rnn_nodes.estimators._checks import naming
from rnn_nodes.estimators._docs import ATTRIBUTES, PARAMETERS
from rnn_nodes.estimators.base import BaseRNNEstimator
from rnn_nodes.training import accuracy


class RNNClassifier(ClassifierMixin, BaseRNNEstimator):
    __doc__ = """A recurrent network classifier: one label per sequence (or per step).

    ``X`` of shape ``(n_samples, time, features)`` (or ``(n_samples, time)``
    for univariate series) and ``y`` of labels, shape ``(n_samples,)``; any
    labels, strings included. With ``return_sequences=True`` every step has a
    label: ``y`` of shape ``(n_samples, time)``. Two classes: one sigmoid
    output and binary cross-entropy; more: softmax and categorical
    cross-entropy. ``score`` is the accuracy.
    """ + PARAMETERS + """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels, sorted; the columns of :meth:`predict_proba`.""" + ATTRIBUTES + """\
    n_outputs_ : int
        Network outputs: 1 for two classes, else ``n_classes``.

    Examples
    --------
    >>> import numpy as np
    >>> from rnn_nodes import RNNClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 8))
    >>> y = np.where(X.sum(axis=1) > 0, "up", "down")
    >>> clf = RNNClassifier(max_iter=20, learning_rate=0.02, random_state=0).fit(X, y)
    >>> clf.classes_.tolist(), clf.predict_proba(X[:3]).shape
    (['down', 'up'], (3, 2))
    """

    def _output(self):
        return ("sigmoid", "bce") if len(self.classes_) == 2 else ("softmax", "cce")

    def _score_outputs(self, y_hat, t):
        return accuracy(y_hat, t, self.network_.cost)

    def _labels(self, y, n_steps):
        """``y`` as an array of labels, (n,) or (n, time) with ``return_sequences``."""
        if self.return_sequences:
            y = check_array(y, dtype=None, ensure_2d=False, input_name="y")
            if y.ndim != 2 or y.shape[1] != n_steps:
                raise ValueError(
                    "With return_sequences=True, `y` must be (n_samples, time), one label "
                    f"per step for the {n_steps} time steps of X; got shape {y.shape}. For "
                    "one label per sequence, set return_sequences=False.")
            return y
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] != 1 or y.ndim > 2:
            raise ValueError(
                f"`y` must be 1-D, one label per sequence (n_samples,); got shape "
                f"{y.shape}. For one label per time step, set return_sequences=True.")
        return column_or_1d(y, warn=True)

    def _targets(self, y, X, reset, classes=None):
        """Labels as the network's targets: 0/1 for two classes, one-hot for more."""
        with naming("y"):
            y = self._labels(y, X.shape[1])
            check_consistent_length(X, y)
            check_classification_targets(y)
        if reset:
            self.classes_ = np.unique(y if classes is None else classes)
            if len(self.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes, got 1 "
                    f"class: {self.classes_.tolist()[0]!r}")
            self.n_outputs_ = 1 if len(self.classes_) == 2 else len(self.classes_)
            self._target_ndim = y.ndim
        unseen = np.setdiff1d(y.ravel(), self.classes_)
        if unseen.size:
            raise ValueError(
                f"`y` holds labels {unseen.tolist()} that are not in classes_ = "
                f"{self.classes_.tolist()}; fit anew, or pass every label in `classes` "
                "on the first partial_fit call")
        index = np.searchsorted(self.classes_, y)
        if len(self.classes_) == 2:
            return (index == 1).astype(np.float64)[..., None]
        return np.eye(len(self.classes_))[index]

    def partial_fit(self, X, y, classes=None):
        """One epoch on ``X``, ``y``; builds the network on the first call.

        Parameters
        ----------
        X : array-like of shape (n_samples, time, features) or (n_samples, time)
        y : array-like of shape (n_samples,)
        classes : array-like of shape (n_classes,), optional
            Every label ``y`` may ever hold; required on the first call.

        Returns
        -------
        self
        """
        first = not hasattr(self, "network_")
        if first and classes is None:
            raise ValueError(
                "`classes` must be passed on the first call to partial_fit: every label "
                "y may hold, e.g. classes=np.unique(y_all)")
        if not first and classes is not None and not np.array_equal(
                np.unique(classes), self.classes_):
            raise ValueError(
                f"`classes`={np.unique(classes).tolist()} differs from classes_ = "
                f"{self.classes_.tolist()} of the first call")
        return self._fit(X, y, None, partial=True, classes=classes)

    def predict_proba(self, X, lengths=None):
        """Class probabilities, columns in ``classes_`` order.

        ``X`` may be a list of sequences of any lengths, or a padded array with
        ``lengths`` (see ``fit``).

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Or ``(n_samples, time, n_classes)`` with ``return_sequences``.
        """
        p = self._network_output(X, lengths)
        if p.shape[-1] == 1:
            return np.concatenate([1 - p, p], axis=-1)
        return p / p.sum(axis=-1, keepdims=True)  # exact sums after the float64 cast

    def predict(self, X, lengths=None):
        """The most probable label of each sequence (or step), from ``classes_``.

        ``X`` and ``lengths`` as for :meth:`predict_proba`.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, time)
        """
        proba = self.predict_proba(X, lengths)
        return self.classes_[np.argmax(proba, axis=-1)]

    def score(self, X, y, sample_weight=None):
        """Accuracy: the share of correct labels (of correct steps, per sequence).

        Returns
        -------
        float
        """
        y_pred = self.predict(X)
        with naming("y"):
            y = self._labels(y, y_pred.shape[1] if y_pred.ndim == 2 else None)
            check_consistent_length(y_pred, y)
            check_classification_targets(y)
        if y_pred.ndim == 1:
            return float(accuracy_score(y, y_pred, sample_weight=sample_weight))
        return float(np.average(np.mean(y_pred == y, axis=1), weights=sample_weight))

    def _extra_fitted(self):
        values = [v.item() if isinstance(v, np.generic) else v for v in self.classes_.tolist()]
        if not all(isinstance(v, (str, numbers.Real)) for v in values):
            raise ValueError(
                f"Cannot save classes_ of dtype {self.classes_.dtype}: a model file stores "
                "string and numeric labels only; pickle the estimator instead")
        return {"classes_": {"dtype": self.classes_.dtype.str, "values": values}}

    def _set_extra_fitted(self, fitted):
        classes = fitted["classes_"]
        self.classes_ = np.array(classes["values"], dtype=np.dtype(classes["dtype"]))
        if self.classes_.ndim != 1 or len(self.classes_) < 2:
            raise ValueError(f"classes_ must list at least 2 labels, got {classes['values']!r}")
