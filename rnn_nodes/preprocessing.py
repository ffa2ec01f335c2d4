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

from rnn_nodes.sequences import is_ragged, step_mask
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

    def fit(self, X, y=None, lengths=None):
        """Learn each feature's mean and standard deviation.

        Parameters
        ----------
        X : array-like of shape (n_samples, time, features) or (n_samples, time), or list
            A list holds sequences of different lengths, ``(time_b, features)``
            or ``(time_b,)``, as the estimators take them.
        y : ignored
        lengths : array-like of int of shape (n_samples,), optional
            With a padded array ``X``: the sequences' lengths; the padding is
            left out of the statistics.

        Returns
        -------
        self
        """
        X3, valid = _sequences_and_mask(X, lengths)
        values = X3[valid] if valid is not None else X3.reshape(-1, X3.shape[2])
        self.n_features_in_ = X3.shape[1]
        self.n_features_per_step_ = X3.shape[2]
        self.mean_ = values.mean(axis=0) if self.with_mean else np.zeros(X3.shape[2])
        std = values.std(axis=0) if self.with_std else np.ones(X3.shape[2])
        self.scale_ = np.where(std > 0, std, 1.0)
        return self

    def _apply(self, X, lengths, function):
        """``function`` of every valid value of ``X``, in the form ``X`` came in."""
        check_is_fitted(self)
        X3, valid = _sequences_and_mask(X, lengths)
        if X3.shape[2] != self.n_features_per_step_:
            raise ValueError(
                f"Argument `X` has {X3.shape[2]} features per time step (shape "
                f"{_shape(X)}), but SequenceScaler was fitted with "
                f"{self.n_features_per_step_}")
        if is_ragged(X) and lengths is None:  # a list in, a list out
            return [function(np.asarray(x, dtype=X3.dtype).reshape(-1, X3.shape[2]))
                    .reshape(np.shape(x)) for x in X]
        if valid is None:
            out = function(X3)
        else:  # padded: the padding is left as it came
            out = X3.copy()
            out[valid] = function(X3[valid])
        return out[:, :, 0] if np.ndim(X) == 2 else out

    def transform(self, X, lengths=None):
        """Scaled ``X``, in the form it came: same shape, or a list of the same sequences.

        Parameters
        ----------
        X : array-like or list, as in :meth:`fit`
        lengths : array-like of int, optional
            With a padded array: the padding is returned unchanged.
        """
        return self._apply(X, lengths, lambda x: (x - self.mean_) / self.scale_)

    def fit_transform(self, X, y=None, lengths=None):
        """:meth:`fit`, then :meth:`transform` of the same ``X`` (and ``lengths``)."""
        return self.fit(X, y, lengths).transform(X, lengths)

    def inverse_transform(self, X, lengths=None):
        """Undo :meth:`transform`, in the form ``X`` came."""
        return self._apply(X, lengths, lambda x: x * self.scale_ + self.mean_)


def _shape(X):
    return np.shape(X) if not is_ragged(X) else f"a list of {len(X)} sequences"


def _sequences_and_mask(X, lengths, name="X"):
    """``(n, time, features)`` and the mask ``(n, time)`` of its valid steps (None: all).

    A list of sequences of different lengths is padded; a padded array comes
    with ``lengths``; else a 3-D array, or a 2-D one read as univariate series.
    """
    if lengths is None and not is_ragged(X):
        return _as_sequences(X, name), None
    from rnn_nodes.estimators._checks import check_padded_sequences

    X3, lengths = check_padded_sequences(X, lengths, name)
    return X3, (None if lengths is None else step_mask(lengths, X3.shape[1]))


def from_channels_first(X):
    """``(n, channels, time)`` (aeon, sktime) to ``(n, time, channels)``.

    Parameters
    ----------
    X : array-like of shape (n, channels, time), or (n, time), or list
        A 2-D array is a univariate collection (aeon's convention). A list
        of series of different lengths, each ``(channels, time_b)`` (or
        ``(time_b,)``, univariate), as aeon holds unequal-length collections.

    Returns
    -------
    ndarray of shape (n, time, channels), or list of ndarray of shape (time_b, channels)
        A contiguous copy; a list for series of different lengths, as the
        estimators and :class:`SequenceScaler` take them.

    Examples
    --------
    >>> [x.shape for x in from_channels_first([np.zeros((2, 5)), np.zeros((2, 3))])]
    [(5, 2), (3, 2)]
    """
    if isinstance(X, (list, tuple)) and len({np.shape(s)[-1] for s in X}) > 1:
        return [_series_from_channels_first(s, b) for b, s in enumerate(X)]
    X = np.asarray(X)
    if X.ndim == 2:
        return np.ascontiguousarray(X[:, :, None])
    if X.ndim != 3:
        raise ValueError(
            "Argument `X` must be a channels-first collection (n, channels, time) or a "
            f"univariate one (n, time); got an array of shape {X.shape}")
    return np.ascontiguousarray(np.swapaxes(X, 1, 2))


def to_channels_first(X):
    """``(n, time, features)`` to ``(n, features, time)``, undoing :func:`from_channels_first`.

    A list of sequences ``(time_b, features)`` gives a list of ``(features, time_b)``.
    """
    if is_ragged(X):
        return [np.ascontiguousarray(np.asarray(x).reshape(len(x), -1).T) for x in X]
    X = np.asarray(X)
    if X.ndim != 3:
        raise ValueError(
            f"Argument `X` must be (n, time, features); got an array of shape {X.shape}")
    return np.ascontiguousarray(np.swapaxes(X, 1, 2))


def _series_from_channels_first(series, b):
    """One series ``(channels, time_b)`` or ``(time_b,)`` as ``(time_b, channels)``."""
    series = np.asarray(series)
    if series.ndim == 1:
        return np.ascontiguousarray(series[:, None])
    if series.ndim != 2:
        raise ValueError(
            f"Argument `X[{b}]` must be one series (channels, time) or (time,); got an "
            f"array of shape {series.shape}")
    return np.ascontiguousarray(series.T)
