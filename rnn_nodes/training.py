"""The training loop: epochs of shuffled minibatches, a history, a divergence guard."""

import time as clock
import warnings

import numpy as np


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


def accuracy(y_hat, t, cost):
    """Share of correct predictions: argmax for ``cce``, threshold 0.5 for ``bce``."""
    if cost.name == "cce":
        return float(np.mean(np.argmax(y_hat, axis=-1) == np.argmax(t, axis=-1)))
    return float(np.mean((y_hat > 0.5) == (t > 0.5)))


def _snapshot(net):
    return [{k: v.copy() for k, v in layer.params.items()} for layer in net.layers]


def _restore(net, snapshot):
    for layer, params in zip(net.layers, snapshot):
        for name, value in params.items():
            layer.params[name][...] = value


def train_epochs(net, X, t, validation, epochs, batch_size, shuffle, verbose):
    """Train ``net`` in place; see :meth:`rnn_nodes.RNN.train` for the arguments.

    Returns
    -------
    dict of str to list of float
    """
    n_samples = len(X)
    if batch_size > n_samples:
        warnings.warn(
            f"batch_size={batch_size} is larger than the {n_samples} samples; "
            f"using batch_size={n_samples}",
            UserWarning,
            stacklevel=3,
        )
        batch_size = n_samples
    scored = net.cost.is_classification and net.cost.name in ("bce", "cce")
    history = {"loss": []}
    if validation is not None:
        history["val_loss"] = []
    if scored:
        history["accuracy"] = []
        if validation is not None:
            history["val_accuracy"] = []
    history["time"] = []

    for epoch in range(1, epochs + 1):
        started = clock.perf_counter()
        snapshot = _snapshot(net)
        order = net.rng.permutation(n_samples) if shuffle else np.arange(n_samples)
        total_cost, total_correct = 0.0, 0.0
        for start in range(0, n_samples, batch_size):
            batch = order[start:start + batch_size]
            cost, y_hat = net.train_step(X[batch], t[batch])
            if not np.isfinite(cost):
                _restore(net, snapshot)
                raise TrainingDivergedError(
                    f"The training cost became {cost} in epoch {epoch} (batch starting "
                    f"at sample {start}); the weights were restored to those at the "
                    "start of that epoch. Lower the learning rate or set clip_norm.",
                    epoch,
                )
            total_cost += cost * len(batch)
            if scored:
                total_correct += accuracy(y_hat, t[batch], net.cost) * len(batch)
        history["loss"].append(total_cost / n_samples)
        if scored:
            history["accuracy"].append(total_correct / n_samples)
        if validation is not None:
            X_val, t_val = validation
            y_val = net.forward(X_val)
            history["val_loss"].append(net.cost(y_val, t_val))
            if scored:
                history["val_accuracy"].append(accuracy(y_val, t_val, net.cost))
        history["time"].append(clock.perf_counter() - started)
        if verbose:
            line = ", ".join(f"{k} {v[-1]:.4g}" for k, v in history.items())
            print(f"epoch {epoch}/{epochs}: {line}")
    return history
