"""What the training loop calls back: callbacks, early stopping, and the errors it raises.

A :class:`Callback` hears of every epoch (and batch) of :meth:`RNN.train
<rnn_nodes.RNN.train>`; :class:`EarlyStopping` is one, which keeps the best
weights (:func:`snapshot`, :func:`restore`).
"""

import numbers

import numpy as np

from rnn_nodes import inference
from rnn_nodes.validation import check_non_negative_float, check_positive_int


class TrainingDivergedError(FloatingPointError):
    """The training cost became NaN or infinite.

    Attributes
    ----------
    epoch : int
        The epoch (counted from 1) in which it happened.
    history : dict of str to list of float or None
        The history of the complete epochs before it, set by the training loop.
    """

    def __init__(self, message, epoch):
        super().__init__(message)
        self.epoch = epoch
        self.history = None


class TrainingInterruptedWarning(UserWarning):
    """Training was ended by Ctrl-C; the history of the complete epochs was kept."""


class Callback:
    """Hooks the training loop calls; subclass and override the ones you need.

    ``history`` is the dict of per-epoch lists the loop is filling; callbacks
    read it and must not change it.
    """

    def on_train_begin(self, net, history):
        """Called once, before the first epoch."""

    def on_batch_begin(self, net, update):
        """Called before every update (``update`` counts this run's updates from 0).

        Optional: the loop calls it only on callbacks that have it; a
        learning-rate schedule (:mod:`schedulers.schedules`) sets the update
        rule's ``eta`` here.
        """

    def on_epoch_end(self, net, epoch, history):
        """Called after every epoch (counted from 1); return True to stop training."""
        return False

    def on_train_end(self, net, history, interrupted):
        """Called once at the end, also after Ctrl-C (``interrupted`` is then True)."""


class EarlyStopping(Callback):
    """Stop when a history entry stops improving; optionally keep the best weights.

    Parameters
    ----------
    monitor : str, default="val_loss"
        The history entry to watch, e.g. ``"loss"``, ``"val_loss"``,
        ``"val_accuracy"``.
    patience : int, default=10
        Stop after this many consecutive epochs that do not improve on the best
        value by more than ``tol`` (scikit-learn's ``n_iter_no_change``).
    tol : float, default=1e-4
        The least change that counts as an improvement.
    mode : {"min", "max"}, default="min"
        Whether lower or higher values are better.
    restore_best : bool, default=True
        At the end of training, put back the weights of the best epoch.
    patience_updates : int, default=0
        Also wait this many updates (batches) since the best epoch before
        stopping: with few samples an epoch is one or two updates, and
        ``patience`` epochs alone would end training on the early plateau
        where recurrent networks commonly sit. Training stops when both
        counts are reached.

    Attributes
    ----------
    best : float or None
        The best value seen.
    best_epoch : int or None
        The epoch (counted from 1) of that value.
    stopped_epoch : int or None
        The epoch after which training was stopped; None if it ran to the end.
    """

    def __init__(self, monitor="val_loss", patience=10, tol=1e-4, mode="min",
                 restore_best=True, patience_updates=0):
        if mode not in ("min", "max"):
            raise ValueError(
                f"Received an invalid value for argument `mode`, expected 'min' or "
                f"'max', got {mode!r}"
            )
        if not isinstance(monitor, str):
            raise TypeError("Received an invalid value for argument `monitor`, expected the "
                            f"name of a history entry, got {monitor!r}")
        self.monitor = monitor
        self.patience = check_positive_int(patience, "patience")
        self.tol = check_non_negative_float(tol, "tol")
        self.mode = mode
        self.restore_best = restore_best
        if isinstance(patience_updates, bool) or not isinstance(patience_updates,
                                                                numbers.Integral):
            raise TypeError("Received an invalid value for argument `patience_updates`, "
                            f"expected an integer >= 0, got {patience_updates!r}")
        if patience_updates < 0:
            raise ValueError("Received an invalid value for argument `patience_updates`, "
                             f"expected an integer >= 0, got {patience_updates}")
        self.patience_updates = int(patience_updates)
        self._updates_since_best = 0
        self.best = None
        self.best_epoch = None
        self.stopped_epoch = None
        self._bad_epochs = 0
        self._best_weights = None

    def on_train_begin(self, net, history):
        if self.monitor not in history:
            raise ValueError(
                f"EarlyStopping monitors {self.monitor!r}, which this training run "
                f"does not record; it records {sorted(history)}"
            )
        self.best, self.best_epoch, self.stopped_epoch = None, None, None
        self._bad_epochs, self._best_weights = 0, None
        self._updates_since_best = 0

    def on_batch_begin(self, net, update):
        self._updates_since_best += 1

    def on_epoch_end(self, net, epoch, history):
        value = history[self.monitor][-1]
        # how much better than the best so far (an undefined value is never better)
        gain = (np.inf if self.best is None else
                (self.best - value) if self.mode == "min" else (value - self.best))
        gain = gain if np.isfinite(value) else -np.inf
        self._bad_epochs = 0 if gain > self.tol else self._bad_epochs + 1
        if gain > self.tol:
            self._updates_since_best = 0
        if gain > 0:
            self.best, self.best_epoch = value, epoch
            if self.restore_best:
                self._best_weights = snapshot(net)
        if (self._bad_epochs >= self.patience
                and self._updates_since_best >= self.patience_updates):
            self.stopped_epoch = epoch
            return True
        return False

    def on_train_end(self, net, history, interrupted):
        if self.restore_best and self._best_weights is not None:
            restore(net, self._best_weights)


def snapshot(net):
    """Copies of every layer's parameters and the scheduler states (immutable values)."""
    params = [{k: v.copy() for k, v in layer.params.items()} for layer in net.layers]
    return params, dict(net.scheduler_states)


def restore(net, saved):
    """Put back what :func:`snapshot` took, in place."""
    params, states = saved
    with inference.weights_lock(net):  # a prediction sees these weights or the others
        for layer, layer_params in zip(net.layers, params):
            for name, value in layer_params.items():
                layer.params[name][...] = value
    net.scheduler_states = dict(states)
