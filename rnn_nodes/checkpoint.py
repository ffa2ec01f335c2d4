"""Checkpoints: a training run kept in one file every N epochs, and resumed from it.

``RNN.train(..., checkpoint_path=path, checkpoint_every=n)`` and the
estimators' ``fit(..., checkpoint_path=path, checkpoint_every=n)`` write the run
to ``path`` after every n-th epoch (counted from the start of the run). A
checkpoint is a model file (:mod:`rnn_nodes.io`: one ``.npz`` read with
``allow_pickle=False``, written to a temporary file that is then renamed over
``path``), so a crash at any moment leaves the previous checkpoint whole. It
holds everything the rest of the run depends on:

- the weights and the scheduler states (Adam's moments and step counts);
- the state of the network's random generator (``bit_generator.state``), which
  draws the shuffles of the epochs still to come;
- the number of complete epochs and the history so far;
- for an estimator: its hyperparameters, fitted attributes and the state of its
  convergence monitor (best value, epochs without improvement, best weights).

Called again with ``resume=True`` and the same data, training reads the file
(when it exists; otherwise it starts afresh), checks that it was written by the
same network (or estimator hyperparameters) and runs the remaining epochs. The
weights, history and predictions at the end are bit-identical to those of a
run that was never interrupted (``tests/reliability/test_reliability_checkpoint.py``
kills a training process with SIGKILL to check it).

A checkpoint is also an ordinary model file: ``RNN.load(path)`` or
``RNNRegressor.load(path)`` read it as the model of its last complete epoch;
:func:`load_checkpoint` also gives the epoch count and the history.
"""

import json
import os
from dataclasses import dataclass

import numpy as np

from rnn_nodes import io
from rnn_nodes.training import Callback, restore, snapshot
from rnn_nodes.validation import check_bool, check_positive_int

NOT_COMPARED = ("rng", "is_trained", "blas_threads")
"""Entries of a network's configuration that may differ between a run and its resumption."""


class Checkpoint(Callback):
    """Writes the training run to ``path`` after every ``every``-th epoch.

    :meth:`rnn_nodes.RNN.train` adds one for ``checkpoint_path``.

    Parameters
    ----------
    path : str or os.PathLike
        Written exactly as given, atomically.
    every : int, default=1

    Attributes
    ----------
    epoch : int
        Complete epochs before this training call: 0, or those of the checkpoint resumed.
    earlier : dict of str to list of float, or None
        The history of those epochs, from the checkpoint resumed.
    """

    def __init__(self, path, every=1):
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError("Received an invalid value for argument `checkpoint_path`, expected "
                            f"a file path, got {type(path).__name__}: {path!r}")
        self.path = os.fspath(path)
        self.every = check_positive_int(every, "checkpoint_every")
        self.epoch = 0
        self.earlier = None

    # resuming -------------------------------------------------------------------------

    def resume(self, net, epochs):
        """Load the run saved at ``path`` into ``net``, in place; return its complete epochs.

        Returns 0, and changes nothing, when there is no file at ``path``.

        Raises
        ------
        rnn_nodes.io.ModelFileError
            If the file is not a checkpoint of an ``RNN`` (a ``ValueError``).
        ValueError
            If it was written by a network built differently, or holds more than
            ``epochs`` epochs.
        """
        if not os.path.exists(self.path):
            return 0
        record, arrays = read_checkpoint(self.path, ("RNN",))
        loaded = io.network_from_archive(record["network"], arrays, type(net), self.path)
        differences = _differences(comparable_config(net), comparable_config(loaded))
        if differences:
            raise ValueError(f"{self.path} holds a checkpoint of another network: its "
                             f"{', '.join(differences)} differ from this network's")
        self._take(record, arrays, epochs)
        restore(net, snapshot(loaded))
        net.rng, net.is_trained = loaded.rng, loaded.is_trained
        self.earlier = {key: arrays[f"history/{key}"].tolist()
                        for key in record["checkpoint"]["history"]}
        return self.epoch

    def _take(self, record, arrays, epochs):
        epoch = record["checkpoint"]["epoch"]
        if epoch > epochs:
            raise ValueError(f"{self.path} holds a run of {epoch} complete epochs, more than "
                             f"`epochs`={epochs}")
        self.epoch = epoch

    # writing --------------------------------------------------------------------------

    def on_train_begin(self, net, history):
        if self.earlier is not None and list(self.earlier) != list(history):
            raise ValueError(
                f"{self.path} recorded {list(self.earlier)} per epoch, this run records "
                f"{list(history)}: resume with the validation data and metrics of the run")
        self.archive(net, self.epoch, history)  # a network that cannot be stored fails now

    def on_epoch_end(self, net, epoch, history):
        if epoch % self.every == 0:
            io.write_archive(self.path, *self.archive(net, epoch, history))
        return False

    def archive(self, net, epoch, history):
        """The record and arrays of the checkpoint after ``epoch`` epochs."""
        config, arrays = io.network_to_archive(net)
        whole = self.whole_history(history)
        arrays |= {f"history/{key}": np.asarray(values, np.float64)
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
    ``best_epoch_`` None as the fit is not over) with the monitor's state and,
    under ``best/``, the best weights it keeps.
    """

    def __init__(self, estimator, path, every=1):
        super().__init__(path, every)
        self.estimator = estimator
        self.log, self.monitor, self._saved_monitor = None, None, None

    def resume(self, epochs):
        """Load the fit saved at ``path`` into the estimator; return its complete epochs.

        Returns 0, and changes nothing, when there is no file at ``path``.

        Raises
        ------
        rnn_nodes.io.ModelFileError
            If the file is not a checkpoint of this kind of estimator.
        ValueError
            If it was written by a fit with other hyperparameters (``verbose``
            aside), or holds more than ``epochs`` epochs.
        """
        estimator = self.estimator
        if not os.path.exists(self.path):
            return 0
        record, arrays = read_checkpoint(self.path, (type(estimator).__name__,))
        theirs = record.get("params")
        if "monitor" not in record["checkpoint"] or not isinstance(theirs, dict):
            raise io.ModelFileError(f"{self.path} is not a valid checkpoint: it holds no "
                                    "monitor state or no hyperparameters")
        ours = _jsonable(estimator._model_params())
        differences = [key for key in sorted(set(ours) | set(theirs))
                       if key != "verbose" and ours.get(key) != theirs.get(key)]
        if differences:
            raise ValueError(f"{self.path} holds a checkpoint of a fit with other "
                             f"hyperparameters: {', '.join(differences)} differ")
        self._take(record, arrays, epochs)
        loaded = type(estimator).load(self.path)
        estimator.__dict__.update({key: value for key, value in vars(loaded).items()
                                   if key.endswith("_") or key.startswith("_")})
        self._saved_monitor = record, arrays
        return self.epoch

    @property
    def stopped(self):
        """Whether the run resumed had already been stopped by its monitor."""
        return (self._saved_monitor is not None
                and self._saved_monitor[0]["checkpoint"]["monitor"]["stopped_epoch"] is not None)

    def watch(self, log, monitor):
        """The estimator's epoch log and convergence monitor of this fit."""
        self.log, self.monitor = log, monitor

    def on_train_begin(self, net, history):
        self.archive(net, self.epoch, history)  # an estimator that cannot be stored fails now
        if self._saved_monitor is not None and self.monitor is not None:
            record, arrays = self._saved_monitor
            state = record["checkpoint"]["monitor"]
            m = self.monitor
            m.best, m.best_epoch, m.stopped_epoch = (state["best"], state["best_epoch"],
                                                     state["stopped_epoch"])
            m._bad_epochs = state["bad_epochs"]
            if state["best_states"] is not None:
                best = {key[len("best/"):]: value for key, value in arrays.items()
                        if key.startswith("best/")}
                config = {**record["network"], "states": state["best_states"]}
                m._best_weights = snapshot(
                    io.network_from_archive(config, best, type(net), self.path))

    def archive(self, net, epoch, history):
        estimator = self.estimator
        record, arrays = estimator._model_record(
            history_=estimator._joined_history(history, self.log), best_epoch_=None)
        m, best_states = self.monitor, None
        if m is not None and m._best_weights is not None:
            best_arrays, best_states = io.network_arrays(*m._best_weights)
            arrays |= {f"best/{key}": value for key, value in best_arrays.items()}
        monitor = {"best": None if m is None or m.best is None else float(m.best),
                   "best_epoch": None if m is None else m.best_epoch,
                   "stopped_epoch": None if m is None else m.stopped_epoch,
                   "bad_epochs": 0 if m is None else m._bad_epochs,
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


def load_checkpoint(path):
    """Read a checkpoint written by ``RNN.train(..., checkpoint_path=path)``.

    Returns
    -------
    Run
        ``network`` (an ``RNN`` as at the end of epoch ``epoch``), ``epoch`` and
        ``history`` (per-epoch lists of the run so far).
    """
    from rnn_nodes.network import RNN  # network.py imports this module

    record, arrays = read_checkpoint(path, ("RNN",))
    net = io.network_from_archive(record["network"], arrays, RNN, os.fspath(path))
    history = {key: arrays[f"history/{key}"].tolist() for key in record["checkpoint"]["history"]}
    return Run(net, record["checkpoint"]["epoch"], history)


def read_checkpoint(path, kinds):
    """The record and arrays of a checkpoint file, its ``checkpoint`` entry checked.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    rnn_nodes.io.ModelFileError
        Naming the file, if it is not a model file of one of ``kinds`` or has no
        valid ``checkpoint`` entry.
    """
    path = os.fspath(path)
    record, arrays = io.read_archive(path, kinds)
    try:
        info = record.get("checkpoint")
        if not isinstance(info, dict):
            raise ValueError("it is a model file without a 'checkpoint' entry")
        epoch = info.get("epoch")
        if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 1:
            raise ValueError(f"its epoch count {epoch!r} is not a positive integer")
        keys = info.get("history")
        if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
            raise ValueError("its history names are not a list of strings")
        for key in keys:
            values = arrays.get(f"history/{key}")
            if values is None or values.dtype != np.float64 or values.ndim != 1 \
                    or len(values) > epoch:
                raise ValueError(f"its history entry {key!r} is missing or malformed")
        if "monitor" in info:
            _check_monitor(info["monitor"])
    except ValueError as error:
        raise io.ModelFileError(f"{path} is not a valid checkpoint: {error}") from error
    return record, arrays


def _check_monitor(state):
    """The state of a convergence monitor, as :meth:`EstimatorCheckpoint.archive` writes it."""
    def optional(value, kinds):
        return value is None or isinstance(value, kinds) and not isinstance(value, bool)

    if not (isinstance(state, dict) and optional(state.get("best"), (int, float))
            and optional(state.get("best_epoch"), int)
            and optional(state.get("stopped_epoch"), int)
            and isinstance(state.get("bad_epochs"), int)
            and optional(state.get("best_states"), list)):
        raise ValueError(f"its monitor state {state!r} is malformed")


def comparable_config(net):
    """The configuration of ``net`` that a run and its resumption must share, as JSON values."""
    config = io.network_config(net, portable=True)
    return _jsonable({key: value for key, value in config.items() if key not in NOT_COMPARED})


def _differences(ours, theirs):
    return [key for key in sorted(set(ours) | set(theirs)) if ours.get(key) != theirs.get(key)]


def _jsonable(value):
    """``value`` as it reads back from JSON (tuples as lists)."""
    return json.loads(json.dumps(value))
