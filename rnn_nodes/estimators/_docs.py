"""The hyperparameters both estimators share, documented once."""

PARAMETERS = """
    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(32,)
        Units of each recurrent layer, first to last.
    cell : str, default="gru"
        Recurrent cell, a key of :data:`rnn_nodes.estimators.CELLS`: ``"rnn"``
        (Elman), ``"gru"`` or ``"lstm"``. The defaults (``docs/defaults.md``,
        ``python -m experiments defaults``) were chosen by measurement.
    activation : str or callable, default="tanh"
        Activation of the recurrent layers (see :mod:`rnn_nodes.activations`).
    dense_layer_sizes : tuple of int, default=()
        Dense layers between the last recurrent layer and the output: on the
        last step (many-to-one) or at every step with ``return_sequences``.
    dense_activation : str or callable, default="relu"
        Activation of those dense layers.
    return_sequences : bool, default=False
        False: one output per sequence (many-to-one). True: one output per
        time step (many-to-many); ``y`` then has a time axis, or, for
        sequences of different lengths, is a list of per-sequence arrays
        ``(time_b, ...)`` (``predict`` then returns such a list).
    scheduler : str or Scheduler, default="adam"
        Update rule: a name of :data:`schedulers.SCHEDULERS` or a scheduler
        object. It is cloned in ``fit`` and never changed; pass an object to
        grid-search its parameters, e.g. ``scheduler__eta``.
    learning_rate : float, optional
        Sets the scheduler's ``eta``. None: 1e-2 for a scheduler given by
        name (measured; Adam's paper default 1e-3 learned too slowly on small
        data sets), a scheduler object's own ``eta`` otherwise.
    learning_rate_schedule : LearningRateSchedule, optional
        A schedule of :mod:`schedulers.schedules` (``ReduceLROnPlateau()``,
        ``CosineDecay(decay_updates=...)``, ...) that sets the scheduler's
        ``eta`` before each update; cloned in ``fit`` and never changed. The
        rate of each epoch is in ``history_["lr"]``.
    alpha : float, default=0.0
        L2 penalty (the network's ``lmbd``): ``alpha / 2 * sum(W**2)`` over the
        weight matrices is added to the cost.
    batch_size : int or "auto", default="auto"
        Samples per update; clipped to the number of training samples.
        ``"auto"``: ``min(32, max(8, n_samples // 10))``, so that small data
        sets still get about ten updates an epoch.
    max_iter : int, default=200
        Most epochs per ``fit`` (``partial_fit`` runs one).
    shuffle : bool, default=True
        Reshuffle the training samples every epoch.
    clip_norm : float or None, default=1.0
        Scale gradients whose global norm exceeds this down to it (None: no
        clipping).
    tol : float, default=1e-4
        Convergence (as ``MLPRegressor``): training stops when the training
        loss (with ``early_stopping``: the validation score) has not improved
        by more than ``tol`` for ``n_iter_no_change`` consecutive epochs
        *and* ``n_updates_no_change`` updates. Reaching ``max_iter`` before
        that warns with ``ConvergenceWarning``; so does a fit whose final
        training loss is not clearly below that of a constant prediction
        (class priors, the mean): it learned nothing.
    n_iter_no_change : int, default=10
        The patience of that rule in epochs (scikit-learn's meaning).
    n_updates_no_change : int or None, default=300
        The patience in updates (batches): with few samples an epoch is one
        or two updates, and ten epochs would end the fit on the early plateau
        where recurrent networks sit. None or 0: epochs only.
    early_stopping : bool, default=False
        Hold out a validation set (or use ``validation_data``), stop when its
        score stops improving, and restore the weights of its best epoch
        (``best_epoch_``).
    validation_fraction : float, default=0.1
        Share of the samples held out for early stopping.
    validation_split : {"tail", "shuffle"}, default="tail"
        ``"tail"`` holds out the last samples, which for windows cut from one
        time series are the latest; ``"shuffle"`` a random subset.
    warm_start : bool, default=False
        ``fit`` continues the fitted network (weights, scheduler state,
        history) instead of building a new one; the architecture must not
        have changed.
    verbose : {0, 1, 2}, default=0
        0 silent, 1 a progress bar over epochs on stderr (tqdm) with loss and
        validation loss, 2 one line per epoch. Ctrl-C ends training cleanly,
        keeping the history so far (and, with early stopping, the best
        weights).
    random_state : int, RandomState or None, default=None
        Seeds the initial weights, the shuffling and the validation split:
        the same value on the same data gives the same model.
    dtype : {"float32", "float64"}, default="float32"
        Precision of the network and its training. ``predict`` computes in
        float64 from these weights by default (its ``dtype`` argument), so
        that a sample's prediction does not depend on the rest of the batch.
"""

ATTRIBUTES = """
    network_ : RNN
        The fitted network. ``predict``, ``predict_proba`` and ``score`` keep
        nothing on it and run in chunks of bounded memory: any number of
        threads may call them, also while a ``fit`` (warm start) or
        ``partial_fit`` runs in another thread; each call sees the weights
        before or after an update (see :class:`rnn_nodes.RNN`, Notes).
    n_features_in_ : int
        ``X.shape[1]`` in the first fit, as scikit-learn counts features: for
        these sequence arrays, the number of time steps. ``predict``,
        ``score``, ``partial_fit`` and a warm start need the same number (as
        in every scikit-learn pipeline); ``network_.predict`` reads any length.
    n_features_per_step_ : int
        Features per time step (1 for a 2-D ``X``).
    history_ : dict of str to list
        Equal-length per-epoch lists ``loss``, ``val_loss``, ``score``,
        ``val_score``, ``lr``, ``time`` over all fits of a warm start or
        ``partial_fit`` run; ``None`` where nothing was measured (no
        validation data). ``loss`` and ``score`` are taken on each batch's
        output before its update, ``val_*`` after the epoch. ``json.dumps``
        accepts it.
    loss_curve_ : list of float
        ``history_["loss"]``: the mean training cost of each epoch.
    validation_scores_ : list of float or None
        ``history_["val_score"]`` when validation data were scored, else None.
    best_loss_ : float
        The lowest training loss.
    best_validation_score_ : float or None
        The highest validation score.
    best_epoch_ : int
        With ``early_stopping``: the epoch (counted from 1, over all fits)
        whose weights were restored. Otherwise the epoch of the lowest loss.
    n_iter_ : int
        Epochs run, over all fits of a warm start or ``partial_fit`` run.
"""
