"""Getting data into the shape the estimators read: windows, scaling, channel order.

- :func:`sliding_windows` cuts a long series into a supervised data set.
- :class:`SequenceScaler` standardises every feature over samples and time,
  inside a ``Pipeline``, and transforms back.
- :func:`from_channels_first` turns aeon / sktime collections
  ``(n, channels, time)`` into the batch-first ``(n, time, features)`` used
  here; :func:`to_channels_first` goes back.
"""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted

from rnn_nodes.validation import check_positive_int


def sliding_windows(series, window, horizon=1, stride=1):
    """Inputs of ``window`` steps and the ``horizon`` values that follow each.

    Parameters
    ----------
    series : array-like of shape (time,) or (time, features)
        One long series, oldest value first.
    window : int
        Time steps per input sequence.
    horizon : int, default=1
        Values to predict after each window.
    stride : int, default=1
        Steps between the starts of consecutive windows.

    Returns
    -------
    X : ndarray of shape (n_windows, window) or (n_windows, window, features)
        2-D for a 1-D series (the estimators read it as univariate series).
    y : ndarray
        For a 1-D series ``(n_windows,)`` if ``horizon == 1``, else
        ``(n_windows, horizon)``; for a 2-D series ``(n_windows, features)``
        or ``(n_windows, horizon, features)``.

    Notes
    -----
    Window ``i`` is ``series[i * stride : i * stride + window]`` and its target
    the next ``horizon`` values; ``n_windows = (time - window - horizon) //
    stride + 1``. Windows are in time order, so the estimators' default tail
    validation split validates on the latest ones. ``X`` and ``y`` are copies.

    Examples
    --------
    >>> X, y = sliding_windows(np.arange(6.0), window=3)
    >>> X.tolist(), y.tolist()
    ([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0], [2.0, 3.0, 4.0]], [3.0, 4.0, 5.0])
    """
    window = check_positive_int(window, "window")
    horizon = check_positive_int(horizon, "horizon")
    stride = check_positive_int(stride, "stride")
    array = check_array(series, dtype="numeric", ensure_2d=False, allow_nd=True,
                        input_name="series")
    if array.ndim not in (1, 2):
        raise ValueError(
            "Argument `series` must be one series, (time,) or (time, features), got "
            f"an array of shape {array.shape}; cut each series of a batch separately")
    if len(array) < window + horizon:
        raise ValueError(
            f"Argument `series` has {len(array)} time steps, fewer than window + horizon "
            f"= {window} + {horizon}; shorten the window or give a longer series")
    n_windows = (len(array) - window - horizon) // stride + 1
    starts = np.arange(n_windows) * stride
    X = array[starts[:, None] + np.arange(window)]
    y = array[starts[:, None] + window + np.arange(horizon)]
    return X, (y[:, 0] if horizon == 1 else y)


def _as_sequences(X, name="X"):
    """``(n, time, features)`` from a 3-D array, or a 2-D one read as univariate series."""
    X = check_array(X, dtype="numeric", ensure_2d=False, allow_nd=True, input_name=name)
    if X.ndim not in (2, 3):
        raise ValueError(
            f"Argument `{name}` must be (n_samples, time, features) or, for univariate "
            f"series, (n_samples, time); got an array of shape {X.shape}")
    return X[:, :, None] if X.ndim == 2 else X


class SequenceScaler(TransformerMixin, BaseEstimator):
    """Standardise each feature over all samples and time steps.

    ``(x - mean_) / scale_`` per feature, with the statistics of every value of
    that feature in the training set (not per time step, so sequences of any
    length transform alike). Use it in a ``Pipeline`` before an estimator, or
    as ``transformer`` of a ``TransformedTargetRegressor``.

    Parameters
    ----------
    with_mean : bool, default=True
        Subtract the mean.
    with_std : bool, default=True
        Divide by the standard deviation (a constant feature gets scale 1).

    Attributes
    ----------
    mean_ : ndarray of shape (n_features_per_step,)
    scale_ : ndarray of shape (n_features_per_step,)
    n_features_in_ : int
        ``X.shape[1]`` as scikit-learn counts it: the time steps in ``fit``.
    n_features_per_step_ : int
        Features per time step (1 for a 2-D ``X``).

    Examples
    --------
    >>> scaler = SequenceScaler().fit(np.array([[[0.0, 10.0], [2.0, 30.0]]]))
    >>> scaler.mean_.tolist(), scaler.scale_.tolist()
    ([1.0, 20.0], [1.0, 10.0])
    """

    def __init__(self, with_mean=True, with_std=True):
        self.with_mean = with_mean
        self.with_std = with_std

    def fit(self, X, y=None):
        """Learn each feature's mean and standard deviation.

        Parameters
        ----------
        X : array-like of shape (n_samples, time, features) or (n_samples, time)
        y : ignored

        Returns
        -------
        self
        """
        X3 = _as_sequences(X)
        values = X3.reshape(-1, X3.shape[2])
        self.n_features_in_ = X3.shape[1]
        self.n_features_per_step_ = X3.shape[2]
        self.mean_ = values.mean(axis=0) if self.with_mean else np.zeros(X3.shape[2])
        std = values.std(axis=0) if self.with_std else np.ones(X3.shape[2])
        self.scale_ = np.where(std > 0, std, 1.0)
        return self

    def _check(self, X):
        check_is_fitted(self)
        X3 = _as_sequences(X)
        if X3.shape[2] != self.n_features_per_step_:
            raise ValueError(
                f"Argument `X` has {X3.shape[2]} features per time step (shape "
                f"{np.shape(X)}), but SequenceScaler was fitted with "
                f"{self.n_features_per_step_}")
        return X3

    def transform(self, X):
        """Scaled ``X``, same shape (2-D stays 2-D)."""
        X3 = self._check(X)
        out = (X3 - self.mean_) / self.scale_
        return out[:, :, 0] if np.ndim(X) == 2 else out

    def inverse_transform(self, X):
        """Undo :meth:`transform`, same shape."""
        X3 = self._check(X)
        out = X3 * self.scale_ + self.mean_
        return out[:, :, 0] if np.ndim(X) == 2 else out


def from_channels_first(X):
    """``(n, channels, time)`` (aeon, sktime) to ``(n, time, channels)``.

    Parameters
    ----------
    X : array-like of shape (n, channels, time), or (n, time)
        A 2-D array is a univariate collection (aeon's convention).

    Returns
    -------
    ndarray of shape (n, time, channels)
        A contiguous copy.
    """
    X = np.asarray(X) if not isinstance(X, list) else _equal_length(X)
    if X.ndim == 2:
        return np.ascontiguousarray(X[:, :, None])
    if X.ndim != 3:
        raise ValueError(
            "Argument `X` must be a channels-first collection (n, channels, time) or a "
            f"univariate one (n, time); got an array of shape {X.shape}")
    return np.ascontiguousarray(np.swapaxes(X, 1, 2))


def to_channels_first(X):
    """``(n, time, features)`` to ``(n, features, time)``, undoing :func:`from_channels_first`."""
    X = np.asarray(X)
    if X.ndim != 3:
        raise ValueError(
            f"Argument `X` must be (n, time, features); got an array of shape {X.shape}")
    return np.ascontiguousarray(np.swapaxes(X, 1, 2))


def _equal_length(series):
    lengths = {np.shape(s)[-1] for s in series}
    if len(lengths) > 1:
        raise ValueError(
            "Argument `X` holds series of unequal lengths "
            f"{sorted(lengths)}; pad or truncate them to one length first")
    return np.asarray(series)
