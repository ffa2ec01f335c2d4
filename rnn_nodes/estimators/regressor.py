"""RNNRegressor: sequence regression with the scikit-learn contract."""

from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils import check_array, check_consistent_length

from rnn_nodes.estimators._checks import naming
from rnn_nodes.estimators._docs import ATTRIBUTES, PARAMETERS
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
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _output(self):
        return "identity", "mse"

    def _score_outputs(self, y_hat, t):
        return r2_per_sample(t, y_hat)

    def _targets(self, y, X, reset, classes=None):
        """``y`` as the network's targets ``(n, outputs)`` or ``(n, time, outputs)``."""
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
            t = y[..., None] if y.ndim == 2 else y
        else:
            if y.ndim not in (1, 2):
                raise ValueError(
                    "`y` must be (n_samples,) or (n_samples, outputs), one value per "
                    f"sequence; got shape {y.shape}. For one value per time step, set "
                    "return_sequences=True.")
            t = y[:, None] if y.ndim == 1 else y
        if reset:
            self.n_outputs_ = t.shape[-1]
            self._target_ndim = y.ndim
        elif t.shape[-1] != self.n_outputs_:
            raise ValueError(
                f"`y` has {t.shape[-1]} outputs (shape {y.shape}), but the fitted "
                f"network has {self.n_outputs_}")
        return t

    def partial_fit(self, X, y):
        """One epoch on ``X``, ``y``; builds the network on the first call.

        Returns
        -------
        self
        """
        return self._fit(X, y, None, partial=True)

    def predict(self, X, lengths=None):
        """Predicted values, float64.

        Parameters
        ----------
        X : array-like of shape (n_samples, time, features) or (n_samples, time)
            Any number of time steps; or a list of sequences of any lengths.
        lengths : array-like of int of shape (n_samples,), optional
            With a padded ``X``: the length of each sequence.

        Returns
        -------
        ndarray
            The shape of ``y`` in ``fit``: ``(n_samples,)`` or ``(n_samples,
            outputs)``; with ``return_sequences``, ``(n_samples, time)`` or
            ``(n_samples, time, outputs)`` for the time steps of ``X``.
        """
        y_hat = self._network_output(X, lengths)
        squeeze = self._target_ndim == (2 if self.network_.sequence_output else 1)
        return y_hat[..., 0] if squeeze else y_hat

    def score(self, X, y, sample_weight=None):
        """R² of the predictions, every sample's values taken as columns.

        For a 1-D ``y`` this is :func:`sklearn.metrics.r2_score`; otherwise
        the R² of each output (and time step) averaged uniformly.

        Returns
        -------
        float
        """
        y_hat = self.predict(X)
        with naming("y"):  # a y of another width than the predictions fails in r2_score
            y = check_array(y, dtype="numeric", ensure_2d=False, allow_nd=True, input_name="y")
            check_consistent_length(y_hat, y)
            n = len(y)
            return float(r2_score(y.reshape(n, -1) if y.ndim > 1 else y,
                                  y_hat.reshape(n, -1) if y.ndim > 1 else y_hat,
                                  sample_weight=sample_weight))
