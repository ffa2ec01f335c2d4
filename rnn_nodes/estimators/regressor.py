"""RNNRegressor: sequence regression with the scikit-learn contract."""

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils import check_array, check_consistent_length

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


def r2_per_sample(t, y_hat, sample_weight=None):
    """R² with every sample's values (its outputs, or steps x outputs) as columns."""
    if len(t) < 2:
        return float("nan")
    n = len(t)
    return float(r2_score(t.reshape(n, -1), y_hat.reshape(n, -1), sample_weight=sample_weight))


class RNNRegressor(RegressorMixin, BaseRNNEstimator):
    __doc__ = """A recurrent network regressor: sequences in, values (or sequences) out.

    Many-to-one by default: ``X`` of shape ``(n_samples, time, features)`` (or
    ``(n_samples, time)`` for univariate series) and ``y`` of shape
    ``(n_samples,)`` or ``(n_samples, outputs)``. With ``return_sequences=True``
    every step has a target: ``y`` of shape ``(n_samples, time)`` or
    ``(n_samples, time, outputs)``. The cost is the mean squared error; the
    output layer is linear. ``score`` is R² (see :meth:`score`).

    Sequences of different lengths come as a list ``X`` of arrays
    ``(time_b, features)`` (or ``(time_b,)``), or padded with ``lengths``.
    With ``return_sequences=True`` their targets are a list ``y`` of arrays
    ``(time_b,)`` or ``(time_b, outputs)`` (or padded like ``X``); the padded
    steps add nothing to the cost or the gradients, and ``predict`` returns a
    list of ``(time_b,)`` or ``(time_b, outputs)`` arrays.
    """ + PARAMETERS + """
    Attributes
    ----------""" + ATTRIBUTES + """    n_outputs_ : int
        Outputs per sample (per step with ``return_sequences``).

    Examples
    --------
    >>> import numpy as np
    >>> from rnn_nodes import RNNRegressor
    >>> from rnn_nodes.preprocessing import sliding_windows
    >>> X, y = sliding_windows(np.sin(np.arange(300) / 5), window=20)
    >>> model = RNNRegressor(max_iter=30, learning_rate=0.01, random_state=0).fit(X, y)
    >>> model.predict(X[:2]).shape
    (2,)

    One target per step of sequences of different lengths:

    >>> rng = np.random.default_rng(0)
    >>> X = [rng.standard_normal(n) for n in rng.integers(3, 12, size=60)]
    >>> y = [np.cumsum(x) for x in X]
    >>> model = RNNRegressor(return_sequences=True, max_iter=10, random_state=0).fit(X, y)
    >>> [y_b.shape for y_b in model.predict(X[:2])] == [X[0].shape, X[1].shape]
    True
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _output(self):
        return "identity", "mse"

    def _score_outputs(self, y_hat, t):
        return r2_per_sample(t, y_hat)

    def _targets(self, y, X, reset, classes=None, lengths=None):
        """``y`` as the network's targets ``(n, outputs)`` or ``(n, time, outputs)``.

        Per-sequence targets (see ``_sequence_targets``) are zero-padded to
        ``X``'s time steps; ``lengths`` keeps the padding out of the cost.
        """
        if self._sequence_targets(y, lengths):
            values = self._step_values(y, X.shape[1], steps_of(len(X), X.shape[1], lengths))
            t = pad_steps([v.reshape(len(v), -1) for v in values], X.shape[1])
            ndim, shown = values[0].ndim + 1, f"one sequence of shape {values[0].shape}"
        else:
            t, shape = self._array_targets(y, X)
            ndim, shown = len(shape), f"shape {shape}"
        if reset:
            self.n_outputs_ = t.shape[-1]
            self._target_ndim = ndim
        elif t.shape[-1] != self.n_outputs_:
            raise ValueError(
                f"`y` has {t.shape[-1]} outputs ({shown}), but the fitted network has "
                f"{self.n_outputs_}")
        return t

    def _array_targets(self, y, X):
        """One array ``y`` as the network's targets, and the shape it came with."""
        with naming("y"):
            y = check_array(y, dtype="numeric", ensure_2d=False, allow_nd=True, input_name="y")
            check_consistent_length(X, y)
        if self.return_sequences:
            if y.ndim not in (2, 3) or y.shape[1] != X.shape[1]:
                raise ValueError(
                    "With return_sequences=True, `y` must be (n_samples, time) or "
                    f"(n_samples, time, outputs) with the {X.shape[1]} time steps of X; "
                    f"got shape {y.shape}. For one value per sequence, set "
                    "return_sequences=False.")
            return (y[..., None] if y.ndim == 2 else y), y.shape
        if y.ndim not in (1, 2):
            raise ValueError(
                "`y` must be (n_samples,) or (n_samples, outputs), one value per "
                f"sequence; got shape {y.shape}. For one value per time step, set "
                "return_sequences=True.")
        return (y[:, None] if y.ndim == 1 else y), y.shape

    @staticmethod
    def _step_values(y, time, steps):
        """Per-sequence targets, checked: a list of ``(steps[b],)`` or ``(steps[b], outputs)``
        float arrays, all of one kind and width.

        Parameters
        ----------
        y : list of array-like of shape (time_b,) or (time_b, outputs), or array-like
            of shape (n_samples, time) or (n_samples, time, outputs) padded like ``X``
        time : int
        steps : ndarray of int of shape (n_samples,)
        """
        values = []
        for b, y_b in enumerate(per_sequence(y, steps, time)):
            with naming(f"y[{b}]"):
                y_b = check_array(y_b, dtype="numeric", ensure_2d=False, allow_nd=True,
                                  input_name=f"y[{b}]")
            if y_b.ndim not in (1, 2):
                raise ValueError(
                    f"Argument `y[{b}]` must be (time,) or (time, outputs), the targets of "
                    f"each step of `X[{b}]`; got shape {y_b.shape}")
            if values and y_b.shape[1:] != values[0].shape[1:]:
                raise ValueError(
                    f"Argument `y` mixes target shapes: `y[{b}]` has shape {y_b.shape}, "
                    f"`y[0]` has {values[0].shape}; every sequence needs the same outputs "
                    "per step, all (time,) or all (time, outputs)")
            values.append(y_b)
        return values

    def partial_fit(self, X, y, lengths=None):
        """One epoch on ``X``, ``y``; builds the network on the first call.

        Parameters
        ----------
        X, y, lengths : see :meth:`fit`

        Returns
        -------
        self
        """
        return self._fit(X, y, None, partial=True, lengths=lengths)

    def predict(self, X, lengths=None, dtype="float64"):
        """Predicted values, float64.

        Parameters
        ----------
        X : array-like of shape (n_samples, time, features) or (n_samples, time)
            Any number of time steps; or a list of sequences of any lengths,
            ``(time_b, features)`` or ``(time_b,)``.
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
        ndarray or list of ndarray
            The shape of ``y`` in ``fit``: ``(n_samples,)`` or ``(n_samples,
            outputs)``; with ``return_sequences``, ``(n_samples, time)`` or
            ``(n_samples, time, outputs)`` for the time steps of ``X``. With
            ``return_sequences`` and a list ``X`` (or ``lengths``): a list of
            one array per sequence, ``(time_b,)`` or ``(time_b, outputs)``,
            each of its own sequence's length.
        """
        y_hat, steps = self._network_output(X, lengths, dtype)
        squeeze = self._target_ndim == (2 if self.network_.sequence_output else 1)
        y_hat = y_hat[..., 0] if squeeze else y_hat
        return y_hat if steps is None else split_steps(y_hat, steps)

    def score(self, X, y, sample_weight=None, lengths=None, dtype="float64"):
        """R² of the predictions, every sample's values taken as columns.

        For a 1-D ``y`` this is :func:`sklearn.metrics.r2_score`; otherwise
        the R² of each output (and time step) averaged uniformly. For per-step
        targets of sequences given as a list (or with ``lengths``) the real
        steps of all sequences are pooled as rows: the R² of each output over
        them, averaged uniformly; padded steps are not scored.

        Parameters
        ----------
        X, lengths, dtype : see :meth:`predict`
        y : array-like, or list of array-like
            As in :meth:`fit`.
        sample_weight : array-like of shape (n_samples,), optional
            One weight per sequence (given to each of its steps when they are
            pooled).

        Returns
        -------
        float
        """
        y_hat, steps = self._network_output(X, lengths, dtype)
        sample_weight = check_sample_weight(sample_weight, len(y_hat))
        if steps is not None:
            values = self._step_values(y, y_hat.shape[1], steps)
            truth = np.concatenate([v.reshape(len(v), -1) for v in values])
            if truth.shape[1] != self.n_outputs_:
                raise ValueError(
                    f"`y` has {truth.shape[1]} outputs per step (one sequence of shape "
                    f"{values[0].shape}), but the fitted network has {self.n_outputs_}")
            return float(r2_score(truth, np.concatenate(split_steps(y_hat, steps)),
                                  sample_weight=step_weights(sample_weight, steps)))
        squeeze = self._target_ndim == (2 if self.network_.sequence_output else 1)
        y_hat = y_hat[..., 0] if squeeze else y_hat
        with naming("y"):  # a y of another width than the predictions fails in r2_score
            y = check_array(y, dtype="numeric", ensure_2d=False, allow_nd=True, input_name="y")
            check_consistent_length(y_hat, y)
            n = len(y)
            return float(r2_score(y.reshape(n, -1) if y.ndim > 1 else y,
                                  y_hat.reshape(n, -1) if y.ndim > 1 else y_hat,
                                  sample_weight=sample_weight))
