"""Checkpoints: a training run kept in one file every N epochs, and resumed from it.

``RNN.train(..., checkpoint_path=path, checkpoint_every=n)`` and the
estimators' ``fit(..., checkpoint_path=path, checkpoint_every=n)`` write the run
to ``path`` after every n-th epoch (counted from the start of the run). A
checkpoint is a model file (:mod:`rnn_nodes.persistence`: one safetensors file,
written to a temporary file that is then renamed over ``path``), so a crash at
any moment leaves the previous checkpoint whole; a path that cannot be written
fails before the first epoch. It holds everything the rest of the run depends on:

- the weights and the scheduler states (Adam's moments and step counts);
- the state of the network's random generator (``bit_generator.state``), which
  draws the shuffles of the epochs still to come;
- the number of complete epochs and the history so far (arrays ``history.<key>``);
- for an estimator: its hyperparameters, fitted attributes and the state of its
  convergence monitor (best value, epochs without improvement, best weights as
  the arrays ``best.layers.*`` and ``best.scheduler.*``).

Called again with ``resume=True`` and the same data, training reads the file
(when it exists; otherwise it starts afresh), checks that it was written by the
same network (or estimator hyperparameters) and runs the remaining epochs. The
weights, history and predictions at the end are bit-identical to those of a
run that was never interrupted (``tests/reliability/test_reliability_checkpoint.py``
kills a training process with SIGKILL to check it).

A checkpoint is also an ordinary model file: ``RNN.load(path)`` or
``RNNRegressor.load(path)`` read it as the model of its last complete epoch;
:func:`rnn_nodes.load_checkpoint` also gives the epoch count and the history.

This module is below the network in the import order: it never imports
:mod:`rnn_nodes.network` or the estimators; their classes come in as arguments.
"""

import json
import os
import warnings
from dataclasses import dataclass

import numpy as np

from rnn_nodes.persistence import (
    ModelFileError,
    network_config,
    network_to_record,
    paths,
    read_model_file,
    write_model_file,
)
from rnn_nodes.persistence.arrays import BEST, history_name, network_arrays
from rnn_nodes.persistence.errors import field
from rnn_nodes.callbacks import Callback, restore, snapshot
from rnn_nodes.validation import check_bool, check_positive_int

NOT_COMPARED = ("rng", "is_trained", "blas_threads")
"""Entries of a network's configuration that may differ between a run and its resumption."""

ARGUMENT = "checkpoint_path"


class Checkpoint(Callback):
    """Writes the training run to ``path`` after every ``every``-th epoch.

    :meth:`rnn_nodes.RNN.train` adds one for ``checkpoint_path``.

    Parameters
    ----------
    path : str, bytes or os.PathLike
        Written exactly as given, atomically; ``.safetensors`` is the suffix to use.
    every : int, default=1

    Attributes
    ----------
    path : str or bytes
        The path as the file system takes it.
    shown : str
        The path as messages show it.
    epoch : int
        Complete epochs before this training call: 0, or those of the checkpoint resumed.
    earlier : dict of str to list of float, or None
        The history of those epochs, from the checkpoint resumed.
    """

    def __init__(self, path, every=1):
        self.path, self.shown = paths.checked_path(path, ARGUMENT)
        self.every = check_positive_int(every, "checkpoint_every")
        self.epoch = 0
        self.earlier = None

    # resuming -------------------------------------------------------------------------

    def resume(self, net, epochs):
        """Load the run saved at ``path`` into ``net``, in place; return its complete epochs.

        Returns 0, and changes nothing, when there is no file at ``path``.

        Raises
        ------
        rnn_nodes.ModelFileError
            If the file is not a checkpoint of an ``RNN`` (a ``ValueError``).
        ValueError
            If it was written by a network built differently, or holds more than
            ``epochs`` epochs.
        """
        if not os.path.exists(self.path):
            return 0
        run = read_checkpoint(self.path, ("RNN",), type(net))
        loaded = run.network
        differences = _differences(comparable_config(net), comparable_config(loaded))
        if differences:
            raise ValueError(f"{self.shown} holds a checkpoint of another network: its "
                             f"{', '.join(differences)} differ from this network's")
        self._take(run, epochs)
        restore(net, snapshot(loaded))
        net.rng, net.is_trained = loaded.rng, loaded.is_trained
        self.earlier = {key: run.arrays[history_name(key)].tolist()
                        for key in run.checkpoint["history"]}
        return self.epoch

    def _take(self, run, epochs):
        epoch = run.checkpoint["epoch"]
        if epoch > epochs:
            raise ValueError(f"{self.shown} holds a run of {epoch} complete epochs, more than "
                             f"`epochs`={epochs}")
        self.epoch = epoch

    # writing --------------------------------------------------------------------------

    def on_train_begin(self, net, history):
        if self.earlier is not None and list(self.earlier) != list(history):
            raise ValueError(
                f"{self.shown} recorded {list(self.earlier)} per epoch, this run records "
                f"{list(history)}: resume with the validation data and metrics of the run")
        self.archive(net, self.epoch, history)  # a network that cannot be stored fails now
        paths.check_writable(self.path, ARGUMENT)  # and a path that cannot be written

    def on_epoch_end(self, net, epoch, history):
        if epoch % self.every == 0:
            write_model_file(self.path, *self.archive(net, epoch, history), argument=ARGUMENT)
        return False

    def archive(self, net, epoch, history):
        """The record and arrays of the checkpoint after ``epoch`` epochs."""
        config, arrays = network_to_record(net)
        config["is_trained"] = True  # written after a complete epoch: it predicts
        whole = self.whole_history(history)
        arrays |= {history_name(key): np.asarray(values, np.float64)
                   for key, values in whole.items()}
        info = {"epoch": epoch, "every": self.every, "history": list(whole)}
        return {"kind": "RNN", "network": config, "checkpoint": info}, arrays

    def whole_history(self, history):
        """The history of the whole run: the resumed epochs', then ``history``'s (new lists)."""
        earlier = self.earlier or {key: [] for key in history}
        return {key: list(earlier[key]) + list(values) for key, values in history.items()}


class EstimatorCheckpoint(Checkpoint):
    """A :class:`Checkpoint` of an estimator's ``fit``: its model file and its convergence monitor.

    The file is the estimator's model file (``history_`` up to the epoch written,
    ``best_epoch_`` None as the fit is not over) with the monitor's state and the
    best weights it keeps (arrays ``best.*``).
    """

    def __init__(self, estimator, path, every=1):
        super().__init__(path, every)
        self.estimator = estimator
        self.log, self.monitor, self._saved = None, None, None

    def resume(self, epochs):
        """Load the fit saved at ``path`` into the estimator; return its complete epochs.

        Returns 0, and changes nothing, when there is no file at ``path``.

        Raises
        ------
        rnn_nodes.ModelFileError
            If the file is not a checkpoint of this kind of estimator.
        ValueError
            If it was written by a fit with other hyperparameters (``verbose``
            aside), or holds more than ``epochs`` epochs.
        """
        estimator = self.estimator
        if not os.path.exists(self.path):
            return 0
        loaded, run = type(estimator)._read_model_file(self.path, ARGUMENT)
        if run.checkpoint is None or "monitor" not in run.checkpoint:
            raise ModelFileError(self.shown, "it is a model file, not a checkpoint of a fit",
                                 field("checkpoint.monitor"))
        ours = _jsonable(estimator._model_params())
        theirs = _jsonable(loaded._model_params())
        differences = [key for key in sorted(set(ours) | set(theirs))
                       if key != "verbose" and ours.get(key) != theirs.get(key)]
        if differences:
            raise ValueError(f"{self.shown} holds a checkpoint of a fit with other "
                             f"hyperparameters: {', '.join(differences)} differ")
        self._take(run, epochs)
        estimator.__dict__.update({key: value for key, value in vars(loaded).items()
                                   if key.endswith("_") or key.startswith("_")})
        self._saved = run
        return self.epoch

    @property
    def stopped(self):
        """Whether the run resumed had already been stopped by its monitor."""
        return (self._saved is not None
                and self._saved.checkpoint["monitor"]["stopped_epoch"] is not None)

    def watch(self, log, monitor):
        """The estimator's epoch log and convergence monitor of this fit."""
        self.log, self.monitor = log, monitor

    def on_train_begin(self, net, history):
        self.archive(net, self.epoch, history)  # an estimator that cannot be stored fails now
        paths.check_writable(self.path, ARGUMENT)  # and a path that cannot be written
        if self._saved is not None and self.monitor is not None:
            state, m = self._saved.checkpoint["monitor"], self.monitor
            m.best, m.best_epoch, m.stopped_epoch = (state["best"], state["best_epoch"],
                                                     state["stopped_epoch"])
            m._bad_epochs = state["bad_epochs"]
            m._updates_since_best = state.get("updates_since_best", 0)
            m._best_weights = self._saved.best

    def archive(self, net, epoch, history):
        estimator = self.estimator
        record, arrays = estimator._model_record(
            history_=estimator._joined_history(history, self.log), best_epoch_=None)
        record["network"]["is_trained"] = True  # written after a complete epoch: it predicts
        m, best_states = self.monitor, None
        if m is not None and m._best_weights is not None:
            best_arrays, best_states = network_arrays(*m._best_weights, prefix=BEST)
            arrays |= best_arrays
        monitor = {"best": None if m is None or m.best is None else float(m.best),
                   "best_epoch": None if m is None else m.best_epoch,
                   "stopped_epoch": None if m is None else m.stopped_epoch,
                   "bad_epochs": 0 if m is None else m._bad_epochs,
                   "updates_since_best": 0 if m is None else m._updates_since_best,
                   "best_states": best_states}
        record["checkpoint"] = {"epoch": epoch, "every": self.every, "history": [],
                                "monitor": monitor}
        return record, arrays


def start(net, path, every, resume, initial_epoch, epochs):
    """The checkpoint callback of :meth:`RNN.train` and the epoch training starts after.

    Returns
    -------
    Checkpoint or None
        None without ``path``.
    initial_epoch : int
        The complete epochs of the checkpoint resumed, else ``initial_epoch``.
    """
    resume = check_bool(resume, "resume")
    every = check_positive_int(every, "checkpoint_every")
    if path is None:
        if resume:
            raise ValueError("Argument `resume=True` needs the `checkpoint_path` to resume from")
        return None, initial_epoch
    run = Checkpoint(path, every)
    if resume and os.path.exists(run.path):
        if initial_epoch:
            raise ValueError("Give `initial_epoch` or `resume=True`, not both: a resumed run "
                             "starts after the epochs of its checkpoint")
        initial_epoch = run.resume(net, epochs)
    run.epoch = initial_epoch
    return run, initial_epoch


@dataclass
class Run:
    """A training run read from a checkpoint: the network, its complete epochs, its history."""

    network: object
    epoch: int
    history: dict


def read_checkpoint(path, kinds, network_class, argument=ARGUMENT):
    """A checkpoint file read and checked, its ``checkpoint`` field required.

    Parameters
    ----------
    path : str, bytes or os.PathLike
    kinds : tuple of str
        The kinds of model the caller can resume (``("RNN",)``).
    network_class : type
        The network class to build (``RNN``).

    Returns
    -------
    rnn_nodes.persistence.ModelFile

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    rnn_nodes.ModelFileError
        Naming the file and the field, if it is not a checkpoint of one of ``kinds``.
    """
    run = read_model_file(path, kinds, network_class, argument=argument)
    if run.checkpoint is None:
        raise ModelFileError(run.path, "it is a model file, not a checkpoint",
                             field("checkpoint"))
    return run


def run_from_checkpoint(path, network_class, argument="path"):
    """The :class:`Run` of the checkpoint at ``path``; see :func:`rnn_nodes.load_checkpoint`."""
    run = read_checkpoint(path, ("RNN",), network_class, argument)
    history = {key: run.arrays[history_name(key)].tolist()
               for key in run.checkpoint["history"]}
    return Run(run.network, run.checkpoint["epoch"], history)


def comparable_config(net):
    """The configuration of ``net`` that a run and its resumption must share, as JSON values."""
    config = network_config(net, portable=True)
    return _jsonable({key: value for key, value in config.items() if key not in NOT_COMPARED})


def _differences(ours, theirs):
    return [key for key in sorted(set(ours) | set(theirs)) if ours.get(key) != theirs.get(key)]


def _jsonable(value):
    """``value`` as it reads back from JSON (tuples as lists)."""
    return json.loads(json.dumps(value))


def __getattr__(name):
    """``load_checkpoint`` is :func:`rnn_nodes.load_checkpoint` now (deprecated alias)."""
    if name == "load_checkpoint":
        warnings.warn("rnn_nodes.checkpoint.load_checkpoint is deprecated: import "
                      "load_checkpoint from rnn_nodes", DeprecationWarning, stacklevel=2)
        import rnn_nodes  # the package, imported before any of its modules

        return rnn_nodes.load_checkpoint
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
