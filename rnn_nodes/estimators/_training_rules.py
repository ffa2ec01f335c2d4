"""The estimators' training rules: batch size, stopping, schedules, "nothing was learned".

Chosen by measurement on the development suite of ``python -m experiments
defaults`` (see ``docs/defaults.md``).
"""

import numbers
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from rnn_nodes._frames import outside_stacklevel
from rnn_nodes.schedulers.schedules import LearningRateSchedule
from rnn_nodes.training import EarlyStopping
from rnn_nodes.validation import check_positive_int

DEFAULT_LEARNING_RATE = 1e-2
"""``eta`` of a scheduler given by name when ``learning_rate`` is None."""

AUTO_BATCH = (8, 32)
"""``batch_size="auto"``: ``min(32, max(8, n_samples // 10))`` samples per update."""

LEARNED_SHARE = 0.9
"""A fit learned something when its final training loss is below this share of the
loss of the best constant prediction (class priors for a classifier, the mean for a
regressor)."""


def check_batch_size(value):
    """``"auto"`` or a positive int."""
    if isinstance(value, str):
        if value != "auto":
            raise ValueError("Received an invalid value for argument `batch_size`, expected "
                             f"'auto' or a positive integer, got {value!r}")
        return value
    return check_positive_int(value, "batch_size")


def batch_size_for(batch_size, n_samples):
    """The samples per update for ``n_samples`` training samples.

    Parameters
    ----------
    batch_size : "auto" or int
        ``"auto"``: ``min(32, max(8, n_samples // 10))``, so that a small data
        set still gets about ten updates per epoch; an int is clipped to
        ``n_samples``.
    n_samples : int

    Returns
    -------
    int

    Examples
    --------
    >>> [batch_size_for("auto", n) for n in (5, 36, 200, 10_000)]
    [5, 8, 20, 32]
    """
    if batch_size == "auto":
        low, high = AUTO_BATCH
        batch_size = min(high, max(low, n_samples // 10))
    return min(batch_size, n_samples)


def check_optional_count(value, name):
    """None or an int >= 0."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"Received an invalid value for argument `{name}`, expected None or "
                         f"an integer >= 0, got {value!r}")
    return int(value)


def check_schedule(value):
    """None or a :class:`~schedulers.LearningRateSchedule`, as a fresh copy."""
    if value is None:
        return None
    if not isinstance(value, LearningRateSchedule):
        raise TypeError("Received an invalid value for argument `learning_rate_schedule`, "
                        "expected None or a schedule of schedulers.schedules (e.g. "
                        f"ReduceLROnPlateau()), got {type(value).__name__}: {value!r}")
    return value.clone()


def convergence_monitor(p, partial):
    """The estimator's :class:`~rnn_nodes.training.EarlyStopping` (None for ``partial_fit``).

    It stops after ``n_iter_no_change`` epochs *and* ``n_updates_no_change``
    updates without an improvement of more than ``tol``.
    """
    if partial:
        return None
    return EarlyStopping(
        monitor="val_score" if p["early_stopping"] else "loss",
        mode="max" if p["early_stopping"] else "min",
        patience=p["n_iter_no_change"], tol=p["tol"], restore_best=p["early_stopping"],
        patience_updates=p["n_updates_no_change"] or 0)


def constant_loss(net, t, lengths):
    """The cost of the best constant prediction of ``t``: its mean over the samples.

    For ``mse`` the mean is the best constant; for ``bce``/``cce`` the mean of
    the targets is the class priors, whose cost is their entropy.

    Parameters
    ----------
    net : RNN
    t : ndarray of shape (n_samples, outputs) or (n_samples, time, outputs)
    lengths : ndarray of shape (n_samples,) or None

    Returns
    -------
    float
    """
    mask = net.output_mask(lengths, t.shape[1]) if t.ndim == 3 else None
    if mask is None:
        mean = t.mean(axis=0)
    else:
        mean = t[mask.astype(bool)].mean(axis=0)
    return net.cost(np.broadcast_to(mean, t.shape).astype(t.dtype), t, mask)


def warn_if_nothing_learned(estimator, history, net, t, lengths):
    """A ``ConvergenceWarning`` when the final training loss is not clearly below the
    loss of the best constant prediction (see :data:`LEARNED_SHARE`)."""
    if not history["loss"]:
        return
    final = history["loss"][-1]
    constant = constant_loss(net, t, lengths)
    if not (np.isfinite(final) and np.isfinite(constant)) or final < LEARNED_SHARE * constant:
        return
    what = "the class priors" if net.cost.is_classification else "the mean of y"
    warnings.warn(
        f"{type(estimator).__name__} learned nothing: its final training loss {final:.4g} "
        f"is not clearly below {constant:.4g}, the loss of always predicting {what}. Try "
        "scaling X (rnn_nodes.SequenceScaler), a higher max_iter, another learning_rate, or "
        "the default cell, clip_norm and batch_size (see docs/defaults.md).",
        ConvergenceWarning,
        stacklevel=outside_stacklevel(),
    )
