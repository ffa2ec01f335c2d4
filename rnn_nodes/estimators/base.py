"""What the two RNN estimators share: hyperparameters, building, the training run, files."""

import inspect
import math
import warnings

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted

from rnn_nodes._frames import outside_stacklevel
from rnn_nodes.checkpoint import EstimatorCheckpoint
from rnn_nodes.estimators import _checks as checks
from rnn_nodes.estimators import _files
from rnn_nodes.estimators import _training_rules as rules
from rnn_nodes.estimators._cells import cell_builder
from rnn_nodes.estimators._file_methods import HISTORY_KEYS, EstimatorFiles
from rnn_nodes.estimators._parameter_checks import ParameterChecks
from rnn_nodes.estimators._precision import (
    PREDICT_DTYPE,
    check_predict_dtype,
    predict_in,
)
from rnn_nodes.estimators._steps import steps_of
from rnn_nodes.input_scale import warn_if_badly_scaled
from rnn_nodes.network import RNN
from rnn_nodes.schedulers import SCHEDULERS, Scheduler, get_scheduler
from rnn_nodes.sequences import is_ragged, step_mask, take_rows
from rnn_nodes.training import Callback, TrainingDivergedError
from rnn_nodes.validation import (
    check_bool,
)

_FITTED = _files.FITTED
"""Fitted attributes a model file keeps (the others follow from ``history_``)."""


class _EpochLog(Callback):
    """Records each epoch's learning rate, and whether training was interrupted."""

    def __init__(self):
        self.lr = []
        self.interrupted = False

    def on_epoch_end(self, net, epoch, history):
        eta = getattr(net.scheduler, "eta", None)
        self.lr.append(None if eta is None else float(eta))
        return False

    def on_train_end(self, net, history, interrupted):
        self.interrupted = interrupted


class BaseRNNEstimator(ParameterChecks, EstimatorFiles, BaseEstimator):
    """Base of :class:`RNNRegressor` and :class:`RNNClassifier`; not for direct use.

    The parameters are documented on the two estimators. ``__init__`` stores
    them; ``fit`` validates them, builds a fresh :class:`~rnn_nodes.RNN` (or
    continues the fitted one with ``warm_start``) and trains it.

    Subclasses provide ``_targets`` (y to network targets), ``_output``
    (output activation and cost) and ``_score_outputs`` (the score of network
    outputs against network targets).
    """

    def __init__(self, hidden_layer_sizes=(32,), *, cell="gru", activation="tanh",
                 dense_layer_sizes=(), dense_activation="relu", return_sequences=False,
                 scheduler="adam", learning_rate=None, learning_rate_schedule=None,
                 alpha=0.0, batch_size="auto", max_iter=200, shuffle=True, clip_norm=1.0,
                 tol=1e-4, n_iter_no_change=10, n_updates_no_change=300,
                 early_stopping=False, validation_fraction=0.1,
                 validation_split="tail", warm_start=False, verbose=0,
                 random_state=None, dtype="float32"):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.cell = cell
        self.activation = activation
        self.dense_layer_sizes = dense_layer_sizes
        self.dense_activation = dense_activation
        self.return_sequences = return_sequences
        self.scheduler = scheduler
        self.learning_rate = learning_rate
        self.learning_rate_schedule = learning_rate_schedule
        self.alpha = alpha
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.clip_norm = clip_norm
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.n_updates_no_change = n_updates_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.validation_split = validation_split
        self.warm_start = warm_start
        self.verbose = verbose
        self.random_state = random_state
        self.dtype = dtype

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags

    # fitting ------------------------------------------------------------------------

    def fit(self, X, y, validation_data=None, checkpoint_path=None, checkpoint_every=1,
            resume=False, lengths=None):
        """Train on ``X``, ``y`` for up to ``max_iter`` epochs.

        Parameters
        ----------
        X : array-like of shape (n_samples, time, features) or (n_samples, time)
            A 2-D ``X`` is a batch of univariate series. A list of arrays
            ``(time_b, features)`` (or ``(time_b,)``) holds sequences of
            different lengths: padded, the padding skipped.
        y : array-like, or list of array-like
            See the estimator's class docstring for the shapes. With
            ``return_sequences=True`` and sequences of different lengths (a
            list ``X``, or ``lengths``): a list of one array per sequence,
            ``(time_b, ...)``, or an array padded like ``X`` whose padded
            steps are never read.
        validation_data : tuple (X_val, y_val), optional
            Scored after every epoch (``val_loss``, ``val_score``); with
            ``early_stopping`` it is monitored instead of a split of ``X``.
        checkpoint_path : str or os.PathLike, optional
            Write the fit (the model file, with the state of the convergence
            monitor) to this file after every ``checkpoint_every``-th epoch,
            atomically; see :mod:`rnn_nodes.checkpoint`.
        checkpoint_every : int, default=1
        resume : bool, default=False
            If the file at ``checkpoint_path`` exists, continue the fit saved in
            it (same hyperparameters and data; an int ``random_state``) to the
            result of an uninterrupted fit, bit for bit.
        lengths : array-like of int of shape (n_samples,), optional
            With a padded ``X``: the length of each sequence (see
            :meth:`rnn_nodes.RNN.forward`). Padded steps add nothing to the
            cost or to any gradient.

        Returns
        -------
        self
        """
        resume = check_bool(resume, "resume")
        if resume and checkpoint_path is None:
            raise ValueError("Argument `resume=True` needs the `checkpoint_path` to resume from")
        run = (None if checkpoint_path is None else
               EstimatorCheckpoint(self, checkpoint_path, checkpoint_every))
        return self._fit(X, y, validation_data, partial=False, run=run, resume=resume,
                         lengths=lengths)

    def _fit(self, X, y, validation_data, partial, classes=None, run=None, resume=False,
             lengths=None):
        p = self._checked_params()
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None")
        initial_epoch = run.resume(p["max_iter"]) if resume else 0
        reuse = (partial or p["warm_start"] or initial_epoch > 0) and hasattr(self, "network_")
        X, lengths = self._check_X_lengths(X, lengths, reset=not reuse)
        warn_if_badly_scaled(X, None if lengths is None else step_mask(lengths, X.shape[1]),
                             type(self).__name__)
        t = self._targets(y, X, reset=not reuse, classes=classes, lengths=lengths)
        if reuse:
            self._continue_network(p)
        else:
            self.network_ = self._new_network(p)
            self.history_ = {key: [] for key in HISTORY_KEYS}
        X, t, lengths, validation = self._validation(X, t, validation_data, p, partial, lengths)
        checks.check_in_dtype_range(p["dtype"], X=X, y=t, validation_data=validation
                                    if validation_data is not None else None)
        log = _EpochLog()
        monitor = rules.convergence_monitor(p, partial)
        schedule = p["learning_rate_schedule"]
        X_val, t_val, lengths_val = validation if validation is not None else (None,) * 3
        callbacks = ([log] + ([schedule] if schedule else []) + ([monitor] if monitor else [])
                     + ([run] if run else []))
        if run is not None:
            run.watch(log, monitor)
        offset = len(self.history_["loss"]) - initial_epoch  # epochs before this fit
        try:
            history = self.network_.train(
                X, t, X_val, t_val,
                epochs=1 if partial else initial_epoch if run and run.stopped else p["max_iter"],
                batch_size=rules.batch_size_for(p["batch_size"], len(X)), shuffle=p["shuffle"],
                verbose=p["verbose"], callbacks=callbacks,
                metrics={"score": self._score_outputs}, initial_epoch=initial_epoch,
                lengths=lengths, lengths_val=lengths_val)
        except TrainingDivergedError as error:
            # keep the complete epochs, and the best weights when early stopping keeps them
            self._extend_history(error.history, log)
            if monitor is not None:
                monitor.on_train_end(self.network_, error.history, True)
            self._set_best_epoch(offset, monitor)
            self.network_.is_trained = self.n_iter_ > 0  # predicts after a complete epoch
            raise
        self._extend_history(history, log)
        self._set_best_epoch(offset, monitor)
        if not partial and not log.interrupted:
            rules.warn_if_nothing_learned(self, history, self.network_, t, lengths)
        if monitor is not None and monitor.stopped_epoch is None and not log.interrupted:
            watched = ("validation score" if p["early_stopping"] else "training loss")
            warnings.warn(
                f"{type(self).__name__} reached max_iter={p['max_iter']} epochs without "
                f"converging: the {watched} still improved by more than tol={p['tol']} "
                f"within the last n_iter_no_change={p['n_iter_no_change']} epochs. "
                "Increase max_iter or tol.",
                ConvergenceWarning,
                stacklevel=outside_stacklevel(),
            )
        return self

    def _scheduler(self, p):
        """A new scheduler (the parameter is never mutated), with ``learning_rate`` as eta.

        ``learning_rate=None``: a scheduler object keeps its own ``eta``; a name gets
        :data:`~rnn_nodes.estimators._training_rules.DEFAULT_LEARNING_RATE`.
        """
        eta = {} if p["learning_rate"] is None else {"eta": p["learning_rate"]}
        if isinstance(self.scheduler, Scheduler):
            return get_scheduler(self.scheduler, **eta)
        if not eta and "eta" in _parameters(self.scheduler):
            eta = {"eta": rules.DEFAULT_LEARNING_RATE}
        return get_scheduler(self.scheduler, **eta)

    def _architecture(self, p):
        activation, _ = self._output()
        return [p["hidden_layer_sizes"], self.cell, self.activation,
                p["dense_layer_sizes"], self.dense_activation, p["return_sequences"],
                p["dtype"], self.n_features_per_step_, self.n_outputs_, activation]

    def _new_network(self, p):
        activation, cost = self._output()
        net = RNN(cost=cost, scheduler=self._scheduler(p), lmbd=p["alpha"],
                  clip_norm=p["clip_norm"], dtype=p["dtype"],
                  seed=checks.seed_from(self.random_state))
        net.add_InputLayer(self.n_features_per_step_)
        add_recurrent = cell_builder(self.cell)
        for n_units in p["hidden_layer_sizes"]:
            add_recurrent(net, n_units, activation=self.activation)
        add_dense = net.add_OutputLayer if p["return_sequences"] else net.add_DenseLayer
        for n_units in p["dense_layer_sizes"]:
            add_dense(n_units, self.dense_activation)
        add_dense(self.n_outputs_, activation)
        self._built_with = _jsonable(self._architecture(p))
        return net

    def _continue_network(self, p):
        """warm_start / partial_fit: same weights, current training hyperparameters."""
        if _jsonable(self._architecture(p)) != self._built_with:
            raise ValueError(
                "warm_start=True (or partial_fit) continues the fitted network, but the "
                "architecture parameters or the data's shape changed since it was "
                "built; set warm_start=False to fit a new network")
        net = self.network_
        scheduler = self._scheduler(p)
        if type(scheduler) is not type(net.scheduler):
            net.scheduler_states = {}
        net.scheduler, net.lmbd, net.clip_norm = scheduler, p["alpha"], p["clip_norm"]

    def _validation(self, X, t, validation_data, p, partial, lengths=None):
        """(X_train, t_train, lengths_train, (X_val, t_val, lengths_val) or None)."""
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError(
                    "Argument `validation_data` must be a pair (X_val, y_val), got "
                    f"{type(validation_data).__name__}")
            X_val, lengths_val = self._check_X_lengths(
                validation_data[0], None, reset=False, name="validation_data[0]")
            t_val = self._targets(validation_data[1], X_val, reset=False, lengths=lengths_val)
            return X, t, lengths, (X_val, t_val, lengths_val)
        if not p["early_stopping"] or partial:
            return X, t, lengths, None
        n_val = checks.n_validation(len(X), p["validation_fraction"])
        if p["validation_split"] == "tail":  # time order: validate on the latest samples
            order = np.arange(len(X))
        else:
            order = np.random.default_rng(checks.seed_from(self.random_state)).permutation(len(X))
        train, val = order[:-n_val], order[-n_val:]
        return X[train], t[train], take_rows(lengths, train), (X[val], t[val],
                                                                take_rows(lengths, val))

    # history ------------------------------------------------------------------------

    def _extend_history(self, history, log):
        self.history_ = self._joined_history(history, log)
        self._sync_history()

    def _joined_history(self, history, log):
        """``history_`` followed by the epochs of the network's ``history`` (new lists)."""
        n_epochs = len(history["loss"])
        new = {**history, "lr": log.lr[:n_epochs]}
        joined = {key: list(values) for key, values in self.history_.items()}
        for key in HISTORY_KEYS:
            values = new.get(key, [None] * n_epochs)
            # R² of a single sample is undefined (NaN): recorded as None, like a missing value
            joined[key].extend(None if v is None or not math.isfinite(v) else v
                               for v in values)
        return joined

    def _sync_history(self):
        """The attributes that follow from ``history_``."""
        history = self.history_
        self.n_iter_ = len(history["loss"])
        self.loss_curve_ = list(history["loss"])
        self.best_loss_ = min(history["loss"]) if history["loss"] else None
        scores = [s for s in history["val_score"] if s is not None]
        self.validation_scores_ = list(history["val_score"]) if scores else None
        self.best_validation_score_ = max(scores) if scores else None

    def _set_best_epoch(self, offset, monitor):
        if monitor is not None and monitor.best_epoch is not None and monitor.restore_best:
            self.best_epoch_ = offset + monitor.best_epoch
        elif self.history_["loss"]:
            self.best_epoch_ = int(np.argmin(self.history_["loss"])) + 1
        else:
            self.best_epoch_ = None

    # predicting ---------------------------------------------------------------------

    def _network_output(self, X, lengths=None, dtype=PREDICT_DTYPE):
        """The network's output for ``X`` (of any lengths, as ``fit`` takes them) as float64,
        computed in ``dtype`` (see :mod:`rnn_nodes.estimators._precision`).

        Returns
        -------
        output : ndarray of shape (n_samples, outputs) or (n_samples, time, outputs)
            Zero at the padded steps of a sequence output.
        steps : ndarray of int of shape (n_samples,) or None
            Each sequence's number of steps when the output is per step and
            ``X`` came as a list or with ``lengths``: the prediction is then a
            list of per-sequence arrays. None otherwise.
        """
        check_is_fitted(self)
        dtype = check_predict_dtype(dtype)
        listed = lengths is not None or is_ragged(X)
        X, lengths = self._check_X_lengths(X, lengths, reset=False)
        output = np.asarray(predict_in(self.network_, X, lengths, dtype), dtype=np.float64)
        if not (listed and self.network_.sequence_output):
            return output, None
        return output, steps_of(len(X), X.shape[1], lengths)

    def _sequence_targets(self, y, lengths):
        """Whether ``y`` holds per-step targets of sequences given one by one (a list of
        arrays, or padded with ``lengths``): the per-sequence path of ``_targets``."""
        return bool(self.return_sequences) and (
            lengths is not None or isinstance(y, (list, tuple)))

    # keeping ------------------------------------------------------------------------

    _EXTRA_FITTED = ()
    """Fitted attributes of a subclass that its model file keeps (see ``_extra_fitted``)."""









def _parameters(name):
    """Arguments of the scheduler registered as ``name`` (none if unknown)."""
    cls = SCHEDULERS.get(name.lower())
    return [] if cls is None else list(inspect.signature(cls).parameters)


def _jsonable(value):
    """Tuples as lists, recursively, so a stored architecture compares with a fresh one."""
    return _files.jsonable(value)
