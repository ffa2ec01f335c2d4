"""A warning when an estimator's inputs are on a scale that saturates its first layer.

A recurrent layer starts with weights of order ``1 / sqrt(n_in)``; inputs in
the hundreds put its tanh or sigmoid units at +-1 from the first step, where
their derivative is zero, and the network does not learn (issue 23: raw
series with values in the thousands kept an ``RNNClassifier`` at chance, and
:class:`~rnn_nodes.preprocessing.SequenceScaler` in front made it learn).
The estimators do not rescale silently; they warn and name the fix.
"""

import warnings

import numpy as np

from rnn_nodes._frames import outside_stacklevel

LARGE_INPUT_RMS = 10.0
"""A feature whose root mean square over all samples and steps exceeds this is
badly scaled: standardised data have 1, data in [-1, 1] at most 1."""


class InputScaleWarning(UserWarning):
    """The inputs' scale saturates the first layer: put a ``SequenceScaler`` in front.

    Silence it, where the scale is meant, with
    ``warnings.filterwarnings("ignore", category=InputScaleWarning)``.
    """


def warn_if_badly_scaled(X, valid, owner):
    """Warn with :class:`InputScaleWarning` if a feature of ``X`` is far from unit scale.

    Parameters
    ----------
    X : ndarray of shape (n_samples, time, features)
    valid : ndarray of bool of shape (n_samples, time) or None
        The steps that are not padding (None: all).
    owner : str
        The estimator's name, for the message.

    Returns
    -------
    ndarray of shape (features,)
        Each feature's root mean square over the valid steps.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     rms = warn_if_badly_scaled(np.full((2, 3, 1), 500.0), None, "RNNClassifier")
    >>> rms.tolist(), caught[0].category.__name__
    ([500.0], 'InputScaleWarning')
    """
    values = X[valid] if valid is not None else X.reshape(-1, X.shape[-1])
    rms = np.sqrt(np.mean(np.square(values, dtype=np.float64), axis=0))
    large = np.flatnonzero(rms > LARGE_INPUT_RMS)
    if large.size:
        shown = ", ".join(f"feature {i}: {rms[i]:.3g}" for i in large[:5])
        warnings.warn(
            f"{owner} got inputs far from unit scale (root mean square {shown}; "
            f"above {LARGE_INPUT_RMS:g}): they saturate the first layer, whose "
            "derivatives then vanish and training stalls. Standardise them with "
            "rnn_nodes.SequenceScaler, e.g. make_pipeline(SequenceScaler(), "
            f"{owner}()); silence with warnings.filterwarnings('ignore', "
            "category=rnn_nodes.InputScaleWarning) where the scale is meant.",
            InputScaleWarning, stacklevel=outside_stacklevel())
    return rms
