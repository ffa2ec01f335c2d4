"""RNNClassifier: sequence classification with the scikit-learn contract."""

import math
import numbers
import re

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.utils import check_array, check_consistent_length, column_or_1d
from sklearn.utils.multiclass import check_classification_targets, unique_labels

from rnn_nodes.estimators._checks import check_sample_weight, naming
from rnn_nodes.estimators._docs import ATTRIBUTES, PARAMETERS
from rnn_nodes.estimators._steps import (
    pad_steps,
    per_sequence,
    split_steps,
    step_weights,
    steps_of,
)
from rnn_nodes.estimators.base import BaseRNNEstimator
from rnn_nodes.persistence.limits import MAX_LABEL_LENGTH
from rnn_nodes.training import accuracy
from rnn_nodes.validation import MAX_UNITS


class RNNClassifier(ClassifierMixin, BaseRNNEstimator):
    __doc__ = """A recurrent network classifier: one label per sequence (or per step).

    ``X`` of shape ``(n_samples, time, features)`` (or ``(n_samples, time)``
    for univariate series) and ``y`` of labels, shape ``(n_samples,)``; any
    labels, strings included. With ``return_sequences=True`` every step has a
    label: ``y`` of shape ``(n_samples, time)``. Two classes: one sigmoid
    output and binary cross-entropy; more: softmax and categorical
    cross-entropy. ``score`` is the accuracy.

    Sequences of different lengths come as a list ``X`` of arrays
    ``(time_b, features)`` (or ``(time_b,)``), or padded with ``lengths``.
    With ``return_sequences=True`` their labels are a list ``y`` of arrays
    ``(time_b,)`` (or padded like ``X``); ``classes_`` are the labels of all
    their steps, the padded steps add nothing to the cost or the gradients,
    and ``predict`` / ``predict_proba`` return lists of ``(time_b,)`` /
    ``(time_b, n_classes)`` arrays.
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

    One label per step of sequences of different lengths:

    >>> X = [rng.standard_normal(n) for n in rng.integers(3, 12, size=60)]
    >>> y = [np.where(x > 0, "up", "down") for x in X]
    >>> clf = RNNClassifier(return_sequences=True, max_iter=10, random_state=0).fit(X, y)
    >>> [labels.shape for labels in clf.predict(X[:2])] == [X[0].shape, X[1].shape]
    True
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

    def _targets(self, y, X, reset, classes=None, lengths=None):
        """Labels as the network's targets: 0/1 for two classes, one-hot for more.

        Per-sequence labels (see ``_sequence_targets``) are zero-padded to
        ``X``'s time steps; ``lengths`` keeps the padding out of the cost.
        """
        per_step = self._sequence_targets(y, lengths)
        if per_step:
            labels = self._step_labels(y, X.shape[1], steps_of(len(X), X.shape[1], lengths))
            every = np.concatenate(labels)
        else:
            with naming("y"):
                every = self._labels(y, X.shape[1])
                check_consistent_length(X, every)
                check_classification_targets(every)
        if reset:
            self.classes_ = np.unique(every if classes is None else classes)
            if len(self.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes, got 1 "
                    f"class: {self.classes_.tolist()[0]!r}")
            self.n_outputs_ = 1 if len(self.classes_) == 2 else len(self.classes_)
            self._target_ndim = 2 if per_step else every.ndim
        unseen = np.setdiff1d(every.ravel(), self.classes_)
        if unseen.size:
            raise ValueError(
                f"`y` holds labels {unseen.tolist()} that are not in classes_ = "
                f"{self.classes_.tolist()}; fit anew, or pass every label in `classes` "
                "on the first partial_fit call")
        if per_step:
            return pad_steps([self._encode(labels_b) for labels_b in labels], X.shape[1])
        return self._encode(every)

    def _encode(self, y):
        """Labels of ``classes_``, ``(...)``, as targets ``(..., n_outputs_)``."""
        index = np.searchsorted(self.classes_, y)
        if len(self.classes_) == 2:
            return (index == 1).astype(np.float64)[..., None]
        return np.eye(len(self.classes_))[index]

    @staticmethod
    def _step_labels(y, time, steps):
        """Per-sequence labels, checked: a list of ``(steps[b],)`` label arrays.

        Parameters
        ----------
        y : list of array-like of shape (time_b,), or array-like of shape
            (n_samples, time) padded like ``X``
        time : int
        steps : ndarray of int of shape (n_samples,)

        Raises
        ------
        ValueError
            Besides the checks of :func:`per_sequence`: a sequence of labels
            that is not 1-D, continuous values, and string labels in some
            sequences with numbers in others (which numpy would silently
            turn into strings).
        """
        labels = []
        for b, y_b in enumerate(per_sequence(y, steps, time)):
            with naming(f"y[{b}]"):
                y_b = check_array(y_b, dtype=None, ensure_2d=False, allow_nd=True,
                                  input_name=f"y[{b}]")
                if y_b.ndim != 1:
                    raise ValueError(
                        f"Argument `y[{b}]` must be 1-D, one label per step of `X[{b}]`; "
                        f"got shape {y_b.shape}")
                check_classification_targets(y_b)
            labels.append(y_b)
        with naming("y"):
            unique_labels(*labels)  # refuses string labels mixed with numbers
        return labels

    def partial_fit(self, X, y, classes=None, lengths=None):
        """One epoch on ``X``, ``y``; builds the network on the first call.

        Parameters
        ----------
        X : array-like of shape (n_samples, time, features) or (n_samples, time)
            Or a list of sequences, as in :meth:`fit`.
        y : array-like of shape (n_samples,), or per step as in :meth:`fit`
        classes : array-like of shape (n_classes,), optional
            Every label ``y`` may ever hold; required on the first call.
        lengths : array-like of int of shape (n_samples,), optional
            With a padded ``X``: the length of each sequence.

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
        return self._fit(X, y, None, partial=True, classes=classes, lengths=lengths)

    def predict_proba(self, X, lengths=None, dtype="float64"):
        """Class probabilities, columns in ``classes_`` order.

        Parameters
        ----------
        X : array-like of shape (n_samples, time, features) or (n_samples, time)
            Or a list of sequences of any lengths, ``(time_b, features)`` or
            ``(time_b,)``.
        lengths : array-like of int of shape (n_samples,), optional
            With a padded ``X``: the length of each sequence.
        dtype : {"float64", "float32"} or None, default="float64"
            Precision of the forward pass. float64 (a widened copy of the
            fitted weights, cached) makes a sample's prediction independent of
            the other samples in ``X`` on every CPU; None or the fit's own
            ``dtype`` runs the fitted network as it is (faster on large
            batches, last bits batch-dependent in float32).

        Returns
        -------
        ndarray of shape (n_samples, n_classes), or list of ndarray
            ``(n_samples, time, n_classes)`` with ``return_sequences``; with
            ``return_sequences`` and a list ``X`` (or ``lengths``), a list of
            one ``(time_b, n_classes)`` array per sequence.
        """
        output, steps = self._network_output(X, lengths, dtype)
        if steps is None:
            return self._probabilities(output)
        return [self._probabilities(rows) for rows in split_steps(output, steps)]

    @staticmethod
    def _probabilities(output):
        """The network's output ``(..., n_outputs_)`` as probabilities ``(..., n_classes)``;
        the padded steps (zeros) are cut off before."""
        if output.shape[-1] == 1:
            return np.concatenate([1 - output, output], axis=-1)
        return output / output.sum(axis=-1, keepdims=True)  # exact sums after the float64 cast

    def predict(self, X, lengths=None, dtype="float64"):
        """The most probable label of each sequence (or step), from ``classes_``.

        Parameters
        ----------
        X, lengths, dtype : see :meth:`predict_proba`

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, time), or list of ndarray
            With ``return_sequences`` and a list ``X`` (or ``lengths``), a list
            of one ``(time_b,)`` array of labels per sequence.
        """
        proba = self.predict_proba(X, lengths, dtype)
        if isinstance(proba, list):
            return [self.classes_[np.argmax(p, axis=-1)] for p in proba]
        return self.classes_[np.argmax(proba, axis=-1)]

    def score(self, X, y, sample_weight=None, lengths=None, dtype="float64"):
        """Accuracy: the share of correct labels (of correct steps, per sequence).

        For per-step labels of sequences given as a list (or with
        ``lengths``), the share of correct steps over the real steps of all
        sequences; padded steps are not scored.

        Parameters
        ----------
        X, lengths, dtype : see :meth:`predict_proba`
        y : array-like, or list of array-like
            As in :meth:`fit`.
        sample_weight : array-like of shape (n_samples,), optional
            One weight per sequence (given to each of its steps).

        Returns
        -------
        float
        """
        output, steps = self._network_output(X, lengths, dtype)
        sample_weight = check_sample_weight(sample_weight, len(output))
        if steps is not None:
            truth = np.concatenate(self._step_labels(y, output.shape[1], steps))
            index = [np.argmax(self._probabilities(rows), axis=-1)
                     for rows in split_steps(output, steps)]
            with naming("y"):
                return float(accuracy_score(truth, self.classes_[np.concatenate(index)],
                                            sample_weight=step_weights(sample_weight, steps)))
        y_pred = self.classes_[np.argmax(self._probabilities(output), axis=-1)]
        with naming("y"):
            y = self._labels(y, y_pred.shape[1] if y_pred.ndim == 2 else None)
            check_consistent_length(y_pred, y)
            check_classification_targets(y)
        if y_pred.ndim == 1:
            return float(accuracy_score(y, y_pred, sample_weight=sample_weight))
        return float(np.average(np.mean(y_pred == y, axis=1), weights=sample_weight))

    _EXTRA_FITTED = ("classes_",)

    def _extra_fitted(self):
        """``classes_`` for the model file: ``{"dtype": dtype.str, "values": [...]}``.

        Labels of an object array (a pandas column of strings) are stored as the
        array numpy makes of them (``<U...``, int64, ...): the dtypes ``fit``
        makes of plain labels.
        """
        classes = self.classes_
        if classes.dtype == object:
            classes = np.array(classes.tolist())
        if classes.dtype.kind not in CLASS_KINDS:
            raise ValueError(
                f"Cannot save classes_ of dtype {self.classes_.dtype}: a model file stores "
                "string, numeric and boolean labels only; pickle the estimator instead")
        return {"classes_": {"dtype": classes.dtype.str, "values": classes.tolist()}}

    def _set_extra_fitted(self, fitted):
        """Set ``classes_`` from the model file's record, every part checked.

        Raises
        ------
        ValueError, TypeError
            For a dtype ``fit`` does not make (or a label of more than
            ``MAX_LABEL_LENGTH`` characters), labels that do not fit it, labels
            not sorted and unique, or a number of labels that does not fit the
            output head (2 classes: 1 unit; more: one unit per class).
        """
        classes = fitted["classes_"]
        if not isinstance(classes, dict) or set(classes) != {"dtype", "values"}:
            raise ValueError(f"expected {{'dtype': ..., 'values': [...]}}, got {classes!r}")
        dtype, values = _label_dtype(classes["dtype"]), classes["values"]
        if not isinstance(values, list) or not 2 <= len(values) <= MAX_UNITS:
            raise ValueError(f"expected a list of 2 to {MAX_UNITS} labels")
        for value in values:
            _check_label(value, dtype)
        labels = np.array(values, dtype=dtype)
        if not np.array_equal(np.unique(labels), labels):
            raise ValueError(f"the labels {values[:10]} are not sorted and unique")
        units = 1 if len(labels) == 2 else len(labels)
        if units != self.n_outputs_:
            raise ValueError(
                f"{len(labels)} classes need an output head of {units} "
                f"{'sigmoid unit' if units == 1 else 'softmax units'}; the network has "
                f"{self.n_outputs_}")
        self.classes_ = labels


CLASS_KINDS = "biufU"
"""The kinds of label arrays ``fit`` makes: bool, integers, floats, strings."""

_LABEL_DTYPE = re.compile(r"\|b1|[<>|][iu][1248]|[<>]f[248]|[<>]U[1-9][0-9]{0,9}")


def _label_dtype(text):
    """The dtype of ``classes_`` a model file names, one ``fit`` makes (``<U5``, ``<i8``)."""
    if not isinstance(text, str) or not _LABEL_DTYPE.fullmatch(text):
        raise ValueError(f"the dtype {text!r} is not one of labels (bool, integers, floats, "
                         "strings)")
    dtype = np.dtype(text)
    if dtype.kind == "U" and dtype.itemsize // 4 > MAX_LABEL_LENGTH:
        raise ValueError(f"the dtype {text!r} gives labels of {dtype.itemsize // 4} "
                         f"characters, more than the {MAX_LABEL_LENGTH} a model file may hold")
    return dtype


def _check_label(value, dtype):
    """Refuse a label that the array of ``dtype`` would not hold as it is."""
    kind = dtype.kind
    if kind == "U":
        fits = isinstance(value, str) and len(value) <= dtype.itemsize // 4
    elif kind == "b":
        fits = isinstance(value, bool)
    elif kind in "iu":
        info = np.iinfo(dtype)
        fits = type(value) is int and info.min <= value <= info.max
    else:
        fits = (isinstance(value, numbers.Real) and not isinstance(value, bool)
                and math.isfinite(value))
    if not fits:
        raise ValueError(f"the label {value!r} does not fit the dtype {dtype.str}")
