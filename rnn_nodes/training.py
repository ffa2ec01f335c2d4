"""The training loop: epochs of shuffled minibatches, a history, a divergence guard.

Watching a fit (``verbose``): 0 prints nothing, 1 shows one progress bar over
the epochs on stderr (tqdm) with the latest loss and validation loss, 2 prints
one line per epoch on stdout.

Ctrl-C (``KeyboardInterrupt``) ends training cleanly: the epoch it hit is
dropped, the weights and scheduler states go back to the end of the last
complete epoch, the callbacks' ``on_train_end`` runs (so :class:`EarlyStopping`
still restores the best weights), a :class:`TrainingInterruptedWarning` says so,
and the history of the complete epochs is returned.

Sequences as they come (:class:`Layout`): with ``lengths``, the cost and the
metrics of a sequence output see the valid steps only; with ``window``, long
sequences are trained on
consecutive windows in time order, one update per window, the states carried
from one window to the next when ``stateful`` (truncated BPTT: the gradient
stops at the window's start).
"""

import numbers
import sys
import time as clock
import warnings
from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from rnn_nodes import inference
from rnn_nodes._frames import outside_stacklevel
from rnn_nodes.callbacks import (  # noqa: F401 (their home before rnn_nodes.callbacks)
    Callback,
    EarlyStopping,
    TrainingDivergedError,
    TrainingInterruptedWarning,
    restore,
    snapshot,
)
from rnn_nodes.schedulers.schedules import LearningRateSchedule
from rnn_nodes.sequences import take_rows


@dataclass(frozen=True)
class Layout:
    """How the training loop cuts the samples into batches.

    Attributes
    ----------
    lengths : ndarray of shape (n_samples,) or None
        The sequences' lengths in a padded array (None: none is padded).
    window : int or None
        Train on consecutive windows of this many steps, in time order, one
        update per window and batch; the samples keep their batches.
    stateful : bool
        With ``window``: each window starts from the final states of the
        previous one (detached); else from zeros.
    """

    lengths: object = None
    window: object = None
    stateful: bool = False


def accuracy(y_hat, t, cost):
    """Share of correct predictions: argmax for ``cce``, threshold 0.5 for ``bce``."""
    if cost.name == "cce":
        return float(np.mean(np.argmax(y_hat, axis=-1) == np.argmax(t, axis=-1)))
    return float(np.mean((y_hat > 0.5) == (t > 0.5)))


def _check_verbose(verbose):
    if verbose not in (0, 1, 2):  # True == 1, False == 0
        raise ValueError(
            "Received an invalid value for argument `verbose`, expected 0 (silent), "
            f"1 (a progress bar) or 2 (one line per epoch), got {verbose!r}"
        )
    return int(verbose)


def check_callbacks(callbacks):
    """``callbacks`` (None or an iterable of :class:`Callback`-like objects) as a list."""
    hooks = ("on_train_begin", "on_epoch_end", "on_train_end")
    try:
        callbacks = list(callbacks or ())
    except TypeError:
        raise TypeError("Received an invalid value for argument `callbacks`, expected a list "
                        f"of Callback, got {type(callbacks).__name__}: {callbacks!r}") from None
    for callback in callbacks:
        if not all(callable(getattr(callback, hook, None)) for hook in hooks):
            raise TypeError("Received an invalid value for argument `callbacks`, expected a "
                            f"list of Callback, got an element {callback!r}")
    return callbacks


def _check_metrics(metrics):
    if metrics is not None and not (
            isinstance(metrics, dict)
            and all(isinstance(k, str) and callable(f) for k, f in metrics.items())):
        raise TypeError("Received an invalid value for argument `metrics`, expected a dict of "
                        f"name -> f(y_hat, t), got {metrics!r}")


def _check_initial_epoch(initial_epoch, epochs):
    if isinstance(initial_epoch, bool) or not isinstance(initial_epoch, numbers.Integral):
        raise TypeError("Received an invalid value for argument `initial_epoch`, expected an "
                        f"integer, got {type(initial_epoch).__name__}: {initial_epoch!r}")
    if not 0 <= initial_epoch <= epochs:
        raise ValueError("Received an invalid value for argument `initial_epoch`, expected "
                         f"0 <= initial_epoch <= epochs={epochs}, got {initial_epoch}")
    return int(initial_epoch)


def _new_history(validation, metrics, lr=False):
    keys = ["loss"] + (["val_loss"] if validation is not None else []) + list(metrics)
    if validation is not None:
        keys += [f"val_{name}" for name in metrics]
    return {key: [] for key in keys + (["lr"] if lr else []) + ["time"]}


def _update_hooks(callbacks):
    """One function calling every callback's ``on_batch_begin(net, update)``, counting updates."""
    hooks = [callback.on_batch_begin for callback in callbacks
             if callable(getattr(callback, "on_batch_begin", None))]
    count = iter(range(2**62))

    def before_update(net):
        update = next(count)
        for hook in hooks:
            hook(net, update)
    return before_update if hooks else None


def _run_epoch(net, X, t, validation, batch_size, shuffle, metrics, epoch, layout=None,
               before_update=None):
    """One pass over the data; returns the epoch's entries of the history.

    ``before_update()`` (if given) is called before every update.
    """
    layout = layout or Layout()
    before_update = before_update or _nothing
    if layout.window is not None:
        return _run_window_epoch(net, X, t, validation, batch_size, metrics, epoch, layout,
                                 before_update)
    started = clock.perf_counter()
    n_samples = len(X)
    order = net.rng.permutation(n_samples) if shuffle else np.arange(n_samples)
    lengths = layout.lengths
    total_cost, total_weight, outputs = 0.0, 0, []
    for start in range(0, n_samples, batch_size):
        batch = order[start:start + batch_size]
        before_update()
        cost, y_hat = _train_batch(net, X, t, lengths, batch)
        if not np.isfinite(cost):
            _diverged(cost, epoch, f"batch starting at sample {start}")
        # a batch's cost is a mean over its samples (over its valid steps, when padded)
        weight = len(batch) if lengths is None else _valid_steps(net, lengths[batch])
        total_cost, total_weight = total_cost + cost * weight, total_weight + weight
        if metrics:
            outputs.append(y_hat)
    record = {"loss": total_cost / total_weight}
    if metrics:
        y_hat, t_seen = np.concatenate(outputs), t[order]
        record |= _scores(metrics, y_hat, t_seen,
                          net.output_mask(take_rows(lengths, order), y_hat.shape[1]))
    if validation is not None:
        record |= _validate(net, validation, metrics, layout)
    record["time"] = clock.perf_counter() - started
    return record


def _nothing():
    pass


def _finite_weights(net):
    return all(np.all(np.isfinite(p)) for layer in net.layers for p in layer.params.values())


def _diverged(cost, epoch, where):
    raise TrainingDivergedError(
        f"The training cost became {cost} in epoch {epoch} ({where}); the weights were "
        "restored to those at the start of that epoch. Lower the learning rate or set "
        "clip_norm.",
        epoch,
    )


def _train_batch(net, X, t, lengths, batch):
    """One update on the samples ``batch``: the cost and the output before it.

    A padded batch keeps the whole time axis, even when its sequences are all
    shorter: one shape for every batch, so the jitted derivatives compile once
    (cutting each batch to its longest sequence measured 9x slower in the
    first epoch, 2x in the next, on lengths 4..40).
    """
    return net.train_step(X[batch], t[batch], lengths=take_rows(lengths, batch))


def _valid_steps(net, lengths):
    """What a padded batch's cost is the mean over: its valid steps, or its samples."""
    return int(lengths.sum()) if net.sequence_output else len(lengths)


def _scores(metrics, y_hat, t, mask, prefix=""):
    """The metrics; of a padded sequence output, on the valid steps as rows (n_valid, n_out)."""
    if mask is not None:
        y_hat, t = y_hat[mask], t[mask]
    return {prefix + name: float(f(y_hat, t)) for name, f in metrics.items()}


def _validate(net, validation, metrics, layout):
    """``val_loss`` and the validation metrics; windows as in training, starting from zeros."""
    X_val, t_val, lengths = validation
    if layout.window is not None:
        y_val = windowed_output(net, X_val, layout.window, layout.stateful)
    else:
        y_val = inference.output(net, X_val, lengths)  # no caches, in chunks
    mask = net.output_mask(lengths, y_val.shape[1])
    return {"val_loss": net.cost(y_val, t_val, mask),
            **_scores(metrics, y_val, t_val, mask, prefix="val_")}


def _run_window_epoch(net, X, t, validation, batch_size, metrics, epoch, layout,
                      before_update):
    """One pass over consecutive windows of long sequences: one update per window and batch.

    The samples keep fixed batches (sample ``i`` stays in the same rows, so a
    state carried from its previous window is its own) and the windows go in
    time order. With ``layout.stateful`` a batch starts each window from the
    final states of its previous window, detached: the gradient stops at the
    window's start (truncated BPTT with ``k1 = k2 = window``).
    """
    started = clock.perf_counter()
    n_samples, time = X.shape[:2]
    batches = [slice(start, start + batch_size) for start in range(0, n_samples, batch_size)]
    carried = [(None, None)] * len(batches)
    total_cost = 0.0
    y_hat_all = np.zeros_like(t) if metrics else None
    for start in range(0, time, layout.window):
        steps = slice(start, start + layout.window)
        for k, rows in enumerate(batches):
            before_update()
            cost, y_hat = net.train_step(X[rows, steps], t[rows, steps], *carried[k])
            if not np.isfinite(cost):
                _diverged(cost, epoch, f"window starting at step {start}, batch starting "
                                       f"at sample {rows.start}")
            if layout.stateful:
                carried[k] = net._final_states()  # values only: no gradient crosses back
            total_cost += cost * y_hat.shape[0] * y_hat.shape[1]
            if metrics:
                y_hat_all[rows, steps] = y_hat
    record = {"loss": total_cost / (n_samples * time)}
    if metrics:
        record |= _scores(metrics, y_hat_all, t, None)
    if validation is not None:
        record |= _validate(net, validation, metrics, layout)
    record["time"] = clock.perf_counter() - started
    return record


def windowed_output(net, X, window, stateful):
    """The output over consecutive windows of ``X``, as training sees them.

    Stateful: one call, which is what the windows give with the states
    carried. Else every window from zero states, the outputs concatenated.
    """
    if stateful:
        return inference.output(net, X)
    return np.concatenate([inference.output(net, X[:, start:start + window])
                           for start in range(0, X.shape[1], window)], axis=1)


def _report(verbose, bar, epoch, epochs, history):
    if verbose == 1:
        bar.set_postfix({k: f"{history[k][-1]:.4g}" for k in ("loss", "val_loss")
                         if k in history}, refresh=False)
        bar.update()
    elif verbose == 2:
        line = ", ".join(f"{k} {v[-1]:.4g}" for k, v in history.items())
        print(f"epoch {epoch}/{epochs}: {line}", flush=True)


def train_epochs(net, X, t, validation, epochs, batch_size, shuffle, verbose,
                 callbacks=(), metrics=None, initial_epoch=0, layout=None):
    """Train ``net`` in place; see :meth:`rnn_nodes.RNN.train` for the arguments.

    ``validation`` is None or ``(X_val, t_val, lengths_val)``; ``layout`` a
    :class:`Layout` (None: equal lengths, whole sequences).

    Runs epochs ``initial_epoch + 1 .. epochs`` (a resumed run counts on).

    Returns
    -------
    dict of str to list of float
        Equal-length per-epoch lists.
    """
    verbose = _check_verbose(verbose)
    callbacks = check_callbacks(callbacks)
    _check_metrics(metrics)
    initial_epoch = _check_initial_epoch(initial_epoch, epochs)
    n_samples = len(X)
    if batch_size > n_samples:
        warnings.warn(
            f"batch_size={batch_size} is larger than the {n_samples} samples; "
            f"using batch_size={n_samples}",
            UserWarning,
            stacklevel=outside_stacklevel(),
        )
        batch_size = n_samples
    if metrics is None:
        scored = net.cost.is_classification and net.cost.name in ("bce", "cce")
        metrics = {"accuracy": lambda y_hat, t_: accuracy(y_hat, t_, net.cost)} if scored else {}
    schedules = [cb for cb in callbacks if isinstance(cb, LearningRateSchedule)]
    history = _new_history(validation, metrics, lr=bool(schedules))
    hooks = _update_hooks(callbacks)
    before_update = None if hooks is None else (lambda: hooks(net))
    for callback in callbacks:
        callback.on_train_begin(net, history)

    bar = tqdm(total=epochs, initial=initial_epoch, unit="epoch", file=sys.stderr,
               disable=verbose != 1, dynamic_ncols=True)
    interrupted = False
    try:
        for epoch in range(initial_epoch + 1, epochs + 1):
            saved = snapshot(net)
            try:
                record = _run_epoch(net, X, t, validation, batch_size, shuffle, metrics, epoch,
                                    layout, before_update)
                if schedules:
                    record["lr"] = float(net.scheduler.eta)
                if not _finite_weights(net):  # the last update comes after the last cost
                    raise TrainingDivergedError(
                        f"The weights became NaN or infinite in epoch {epoch} (its last "
                        "update); they were restored to those at the start of that epoch. "
                        "Lower the learning rate or set clip_norm.", epoch)
            except (TrainingDivergedError, KeyboardInterrupt):
                restore(net, saved)
                raise
            for key, value in record.items():
                history[key].append(value)
            _report(verbose, bar, epoch, epochs, history)
            stops = [callback.on_epoch_end(net, epoch, history) for callback in callbacks]
            if any(stops):
                break
    except TrainingDivergedError as error:
        error.history = history
        raise
    except KeyboardInterrupt:
        interrupted = True
        complete = min(len(values) for values in history.values())
        for values in history.values():
            del values[complete:]
        warnings.warn(
            f"Training interrupted (KeyboardInterrupt) after {initial_epoch + complete} complete "
            f"epoch(s) of {epochs}; the history and weights of those epochs were kept.",
            TrainingInterruptedWarning,
            stacklevel=outside_stacklevel(),
        )
    finally:
        bar.close()
    for callback in callbacks:
        callback.on_train_end(net, history, interrupted)
    return history
