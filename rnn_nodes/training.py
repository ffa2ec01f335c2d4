"""The training loop: epochs of shuffled minibatches, a history, a divergence guard.

Watching a fit (``verbose``): 0 prints nothing, 1 shows one progress bar over
the epochs on stderr (tqdm) with the latest loss and validation loss, 2 prints
one line per epoch on stdout.

Ctrl-C (``KeyboardInterrupt``) ends training cleanly: the epoch it hit is
dropped, the weights and scheduler states go back to the end of the last
complete epoch, the callbacks' ``on_train_end`` runs (so :class:`EarlyStopping`
still restores the best weights), a :class:`TrainingInterruptedWarning` says so,
and the history of the complete epochs is returned.
"""

import sys
import time as clock
import warnings

import numpy as np
from tqdm.auto import tqdm


class TrainingDivergedError(FloatingPointError):
    """The training cost became NaN or infinite.

    Attributes
    ----------
    epoch : int
        The epoch (counted from 1) in which it happened.
    """

    def __init__(self, message, epoch):
        super().__init__(message)
        self.epoch = epoch


class TrainingInterruptedWarning(UserWarning):
    """Training was ended by Ctrl-C; the history of the complete epochs was kept."""


class Callback:
    """Hooks the training loop calls; subclass and override the ones you need.

    ``history`` is the dict of per-epoch lists the loop is filling; callbacks
    read it and must not change it.
    """

    def on_train_begin(self, net, history):
        """Called once, before the first epoch."""

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
                 restore_best=True):
        if mode not in ("min", "max"):
            raise ValueError(
                f"Received an invalid value for argument `mode`, expected 'min' or "
                f"'max', got {mode!r}"
            )
        self.monitor = monitor
        self.patience = patience
        self.tol = tol
        self.mode = mode
        self.restore_best = restore_best
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

    def on_epoch_end(self, net, epoch, history):
        value = history[self.monitor][-1]
        # how much better than the best so far (an undefined value is never better)
        gain = (np.inf if self.best is None else
                (self.best - value) if self.mode == "min" else (value - self.best))
        gain = gain if np.isfinite(value) else -np.inf
        self._bad_epochs = 0 if gain > self.tol else self._bad_epochs + 1
        if gain > 0:
            self.best, self.best_epoch = value, epoch
            if self.restore_best:
                self._best_weights = snapshot(net)
        if self._bad_epochs >= self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def on_train_end(self, net, history, interrupted):
        if self.restore_best and self._best_weights is not None:
            restore(net, self._best_weights)


def accuracy(y_hat, t, cost):
    """Share of correct predictions: argmax for ``cce``, threshold 0.5 for ``bce``."""
    if cost.name == "cce":
        return float(np.mean(np.argmax(y_hat, axis=-1) == np.argmax(t, axis=-1)))
    return float(np.mean((y_hat > 0.5) == (t > 0.5)))


def snapshot(net):
    """Copies of every layer's parameters and the scheduler states (immutable values)."""
    params = [{k: v.copy() for k, v in layer.params.items()} for layer in net.layers]
    return params, dict(net.scheduler_states)


def restore(net, saved):
    """Put back what :func:`snapshot` took, in place."""
    params, states = saved
    for layer, layer_params in zip(net.layers, params):
        for name, value in layer_params.items():
            layer.params[name][...] = value
    net.scheduler_states = dict(states)


def _check_verbose(verbose):
    if verbose not in (0, 1, 2):  # True == 1, False == 0
        raise ValueError(
            "Received an invalid value for argument `verbose`, expected 0 (silent), "
            f"1 (a progress bar) or 2 (one line per epoch), got {verbose!r}"
        )
    return int(verbose)


def _new_history(validation, metrics):
    keys = ["loss"] + (["val_loss"] if validation is not None else []) + list(metrics)
    if validation is not None:
        keys += [f"val_{name}" for name in metrics]
    return {key: [] for key in keys + ["time"]}


def _run_epoch(net, X, t, validation, batch_size, shuffle, metrics, epoch):
    """One pass over the data; returns the epoch's entries of the history."""
    started = clock.perf_counter()
    n_samples = len(X)
    order = net.rng.permutation(n_samples) if shuffle else np.arange(n_samples)
    total_cost, outputs = 0.0, []
    for start in range(0, n_samples, batch_size):
        batch = order[start:start + batch_size]
        cost, y_hat = net.train_step(X[batch], t[batch])
        if not np.isfinite(cost):
            raise TrainingDivergedError(
                f"The training cost became {cost} in epoch {epoch} (batch starting "
                f"at sample {start}); the weights were restored to those at the "
                "start of that epoch. Lower the learning rate or set clip_norm.",
                epoch,
            )
        total_cost += cost * len(batch)
        if metrics:
            outputs.append(y_hat)
    record = {"loss": total_cost / n_samples}
    if metrics:
        y_hat, t_seen = np.concatenate(outputs), t[order]
        record |= {name: float(f(y_hat, t_seen)) for name, f in metrics.items()}
    if validation is not None:
        X_val, t_val = validation
        y_val = net.forward(X_val)
        record["val_loss"] = net.cost(y_val, t_val)
        record |= {f"val_{name}": float(f(y_val, t_val)) for name, f in metrics.items()}
    record["time"] = clock.perf_counter() - started
    return record


def _report(verbose, bar, epoch, epochs, history):
    if verbose == 1:
        bar.set_postfix({k: f"{history[k][-1]:.4g}" for k in ("loss", "val_loss")
                         if k in history}, refresh=False)
        bar.update()
    elif verbose == 2:
        line = ", ".join(f"{k} {v[-1]:.4g}" for k, v in history.items())
        print(f"epoch {epoch}/{epochs}: {line}", flush=True)


def train_epochs(net, X, t, validation, epochs, batch_size, shuffle, verbose,
                 callbacks=(), metrics=None):
    """Train ``net`` in place; see :meth:`rnn_nodes.RNN.train` for the arguments.

    Returns
    -------
    dict of str to list of float
        Equal-length per-epoch lists.
    """
    verbose = _check_verbose(verbose)
    n_samples = len(X)
    if batch_size > n_samples:
        warnings.warn(
            f"batch_size={batch_size} is larger than the {n_samples} samples; "
            f"using batch_size={n_samples}",
            UserWarning,
            stacklevel=4,
        )
        batch_size = n_samples
    if metrics is None:
        scored = net.cost.is_classification and net.cost.name in ("bce", "cce")
        metrics = {"accuracy": lambda y_hat, t_: accuracy(y_hat, t_, net.cost)} if scored else {}
    history = _new_history(validation, metrics)
    for callback in callbacks:
        callback.on_train_begin(net, history)

    bar = tqdm(total=epochs, unit="epoch", file=sys.stderr, disable=verbose != 1,
               dynamic_ncols=True)
    interrupted = False
    try:
        for epoch in range(1, epochs + 1):
            saved = snapshot(net)
            try:
                record = _run_epoch(net, X, t, validation, batch_size, shuffle, metrics, epoch)
            except (TrainingDivergedError, KeyboardInterrupt):
                restore(net, saved)
                raise
            for key, value in record.items():
                history[key].append(value)
            _report(verbose, bar, epoch, epochs, history)
            stops = [callback.on_epoch_end(net, epoch, history) for callback in callbacks]
            if any(stops):
                break
    except KeyboardInterrupt:
        interrupted = True
        complete = min(len(values) for values in history.values())
        for values in history.values():
            del values[complete:]
        warnings.warn(
            f"Training interrupted (KeyboardInterrupt) after {complete} complete "
            f"epoch(s) of {epochs}; the history and weights of those epochs were kept.",
            TrainingInterruptedWarning,
            stacklevel=4,
        )
    finally:
        bar.close()
    for callback in callbacks:
        callback.on_train_end(net, history, interrupted)
    return history
