"""Learning-rate schedules: the update rule's ``eta`` as a function of the training's progress.

A schedule composes with every update rule (Constant, Momentum, Adagrad,
RMSprop, Adam): it does not compute updates, it sets the rule's ``eta``
before each one, as PyTorch's ``torch.optim.lr_scheduler`` sets an
optimizer's learning rate and optax's schedules feed a transform's step size.
The rule's own ``eta`` when training starts is the *base* rate; a schedule
multiplies it by a factor:

==========================  ==============================================
schedule                    factor after ``u`` updates (``u = 0, 1, ...``)
==========================  ==============================================
:class:`StepDecay`          ``gamma ** (u // step_updates)``
:class:`ExponentialDecay`   ``decay_rate ** (u / decay_updates)``
:class:`CosineDecay`        ``alpha + (1 - alpha) (1 + cos(pi u / decay_updates)) / 2``,
                            then ``alpha``
:class:`ReduceLROnPlateau`  ``factor ** k`` after ``k`` plateaus of the monitored value
==========================  ==============================================

The first three take ``warmup_updates=w``: during the first ``w`` updates the
factor rises linearly, ``(u + 1) / w``, and the decay starts after them
(``u - w`` in the formulas).

Use one as a callback of :meth:`rnn_nodes.RNN.train` (it is called before each
update and after each epoch, and the history records ``lr`` per epoch), or
give it to an estimator as ``learning_rate_schedule``::

    from schedulers import Adam, CosineDecay

    net = RNN(scheduler=Adam(eta=1e-2))
    ...
    history = net.train(X, t, epochs=20, callbacks=[CosineDecay(decay_updates=400)])
    history["lr"]  # eta in effect at the end of each epoch

A schedule is stateful like PyTorch's: it counts the updates it has seen
(``n_updates``) and keeps the base rate across calls of ``train``, so a
second ``train`` continues the schedule. Use :meth:`LearningRateSchedule.clone`
for a fresh one.
"""

import math
import numbers

from rnn_nodes.schedulers._validation import check_positive


class LearningRateSchedule:
    """Base of the schedules: a factor of the base rate per update, set before each update.

    Subclasses implement :meth:`factor`. The training loop calls the hooks
    ``on_train_begin``, ``on_batch_begin`` (before each update), ``on_epoch_end``
    and ``on_train_end``.

    Attributes
    ----------
    base_eta : float or None
        The update rule's ``eta`` when this schedule first started training.
    n_updates : int
        Updates made under this schedule so far.
    """

    def __init__(self):
        self.base_eta = None
        self.n_updates = 0

    def factor(self, update):
        """The multiplier of the base rate for update number ``update`` (from 0).

        Parameters
        ----------
        update : int

        Returns
        -------
        float
        """
        raise NotImplementedError

    def learning_rate(self, update):
        """``base_eta * factor(update)``: the ``eta`` used by update number ``update``."""
        if self.base_eta is None:
            raise ValueError(f"{type(self).__name__} has no base rate yet: it takes the update "
                             "rule's eta when training starts")
        return self.base_eta * self.factor(update)

    # training hooks -------------------------------------------------------------------

    def on_train_begin(self, net, history):
        eta = getattr(net.scheduler, "eta", None)
        if eta is None:
            raise ValueError(f"{type(self).__name__} schedules `eta`, which the update rule "
                             f"{net.scheduler!r} does not have")
        if self.base_eta is None:
            self.base_eta = float(eta)

    def on_batch_begin(self, net, update):
        net.scheduler.eta = self.learning_rate(self.n_updates)
        self.n_updates += 1

    def on_epoch_end(self, net, epoch, history):
        return False

    def on_train_end(self, net, history, interrupted):
        pass

    # parameters -----------------------------------------------------------------------

    def get_params(self):
        """The schedule's constructor arguments as a dict."""
        return {name: getattr(self, name) for name in self._param_names}

    def clone(self):
        """A fresh schedule with the same arguments (no base rate, no updates counted)."""
        return type(self)(**self.get_params())

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other):
        return type(self) is type(other) and self.get_params() == other.get_params()

    __hash__ = None


class _WarmupSchedule(LearningRateSchedule):
    """A decay that starts after ``warmup_updates`` updates of linear warm-up."""

    def __init__(self, warmup_updates):
        super().__init__()
        self.warmup_updates = _check_count(warmup_updates, "warmup_updates", minimum=0)

    def factor(self, update):
        update = _check_count(update, "update", minimum=0)
        if update < self.warmup_updates:
            return (update + 1) / self.warmup_updates
        return self.decay(update - self.warmup_updates)

    def decay(self, update):
        """The factor ``update`` updates after the warm-up."""
        raise NotImplementedError


class StepDecay(_WarmupSchedule):
    """Multiply the rate by ``gamma`` every ``step_updates`` updates (PyTorch's ``StepLR``).

    Parameters
    ----------
    step_updates : int
        Updates between two decays.
    gamma : float, default=0.1
        The factor of each decay, in (0, 1].
    warmup_updates : int, default=0
        Updates of linear warm-up before the first step.

    Examples
    --------
    >>> schedule = StepDecay(step_updates=2, gamma=0.5)
    >>> [schedule.factor(u) for u in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    _param_names = ("step_updates", "gamma", "warmup_updates")

    def __init__(self, step_updates, gamma=0.1, warmup_updates=0):
        super().__init__(warmup_updates)
        self.step_updates = _check_count(step_updates, "step_updates", minimum=1)
        self.gamma = _check_fraction(gamma, "gamma")

    def decay(self, update):
        return float(self.gamma ** (update // self.step_updates))


class ExponentialDecay(_WarmupSchedule):
    """Multiply the rate by ``decay_rate`` every ``decay_updates`` updates, smoothly.

    As Keras' ``ExponentialDecay``: ``decay_rate ** (u / decay_updates)``, or
    with ``staircase=True`` ``decay_rate ** (u // decay_updates)``.

    Parameters
    ----------
    decay_updates : int
    decay_rate : float, default=0.5
        In (0, 1].
    staircase : bool, default=False
    warmup_updates : int, default=0

    Examples
    --------
    >>> schedule = ExponentialDecay(decay_updates=2, decay_rate=0.25)
    >>> [schedule.factor(u) for u in range(4)]
    [1.0, 0.5, 0.25, 0.125]
    """

    _param_names = ("decay_updates", "decay_rate", "staircase", "warmup_updates")

    def __init__(self, decay_updates, decay_rate=0.5, staircase=False, warmup_updates=0):
        super().__init__(warmup_updates)
        self.decay_updates = _check_count(decay_updates, "decay_updates", minimum=1)
        self.decay_rate = _check_fraction(decay_rate, "decay_rate")
        if not isinstance(staircase, bool):
            raise TypeError("Received an invalid value for argument `staircase`, expected a "
                            f"bool, got {staircase!r}")
        self.staircase = staircase

    def decay(self, update):
        exponent = (update // self.decay_updates if self.staircase
                    else update / self.decay_updates)
        return float(self.decay_rate ** exponent)


class CosineDecay(_WarmupSchedule):
    """Half a cosine from the base rate down to ``alpha`` times it (Loshchilov & Hutter).

    ``alpha + (1 - alpha) * (1 + cos(pi * u / decay_updates)) / 2`` for
    ``u <= decay_updates``, then ``alpha`` (optax's ``cosine_decay_schedule``;
    with ``warmup_updates``, its ``warmup_cosine_decay_schedule``).

    Parameters
    ----------
    decay_updates : int
        Updates from the base rate to its floor (after the warm-up).
    alpha : float, default=0.0
        The floor, as a fraction of the base rate, in [0, 1].
    warmup_updates : int, default=0

    References
    ----------
    I. Loshchilov, F. Hutter (2017), "SGDR: Stochastic gradient descent with
    warm restarts", ICLR.

    Examples
    --------
    >>> schedule = CosineDecay(decay_updates=2, warmup_updates=2)
    >>> [round(schedule.factor(u), 12) for u in range(6)]
    [0.5, 1.0, 1.0, 0.5, 0.0, 0.0]
    """

    _param_names = ("decay_updates", "alpha", "warmup_updates")

    def __init__(self, decay_updates, alpha=0.0, warmup_updates=0):
        super().__init__(warmup_updates)
        self.decay_updates = _check_count(decay_updates, "decay_updates", minimum=1)
        self.alpha = _check_fraction(alpha, "alpha", zero=True)

    def decay(self, update):
        progress = min(update, self.decay_updates) / self.decay_updates
        return self.alpha + (1.0 - self.alpha) * 0.5 * (1.0 + math.cos(math.pi * progress))


class ReduceLROnPlateau(LearningRateSchedule):
    """Multiply the rate by ``factor`` when a history entry stops improving (Keras, PyTorch).

    After each epoch: if the monitored value has not improved on its best by
    more than ``tol`` for ``patience`` epochs, the rate is multiplied by
    ``factor`` (not below ``min_eta``), and no reduction follows for
    ``cooldown`` epochs.

    Parameters
    ----------
    monitor : str, default="loss"
        The history entry to watch (``"loss"``, ``"val_loss"``, ...).
    factor : float, default=0.5
        In (0, 1).
    patience : int, default=10
    tol : float, default=1e-4
    mode : {"min", "max"}, default="min"
    cooldown : int, default=0
    min_eta : float, default=0.0

    Attributes
    ----------
    n_reductions : int
        Reductions so far.
    """

    _param_names = ("monitor", "factor", "patience", "tol", "mode", "cooldown", "min_eta")

    def __init__(self, monitor="loss", factor=0.5, patience=10, tol=1e-4, mode="min",
                 cooldown=0, min_eta=0.0):
        super().__init__()
        if not isinstance(monitor, str):
            raise TypeError("Received an invalid value for argument `monitor`, expected the "
                            f"name of a history entry, got {monitor!r}")
        if mode not in ("min", "max"):
            raise ValueError("Received an invalid value for argument `mode`, expected 'min' "
                             f"or 'max', got {mode!r}")
        self.monitor, self.mode = monitor, mode
        self.factor = _check_fraction(factor, "factor", one=False)
        self.patience = _check_count(patience, "patience", minimum=1)
        self.tol = _check_non_negative(tol, "tol")
        self.cooldown = _check_count(cooldown, "cooldown", minimum=0)
        self.min_eta = _check_non_negative(min_eta, "min_eta")
        self.n_reductions = 0
        self._best, self._bad_epochs, self._cooling = None, 0, 0

    def learning_rate(self, update=None):
        """The current rate: ``max(min_eta, base_eta * factor ** n_reductions)``."""
        if self.base_eta is None:
            raise ValueError("ReduceLROnPlateau has no base rate yet: it takes the update "
                             "rule's eta when training starts")
        return max(self.min_eta, self.base_eta * self.factor ** self.n_reductions)

    def on_train_begin(self, net, history):
        super().on_train_begin(net, history)
        if self.monitor not in history:
            raise ValueError(f"ReduceLROnPlateau monitors {self.monitor!r}, which this "
                             f"training run does not record; it records {sorted(history)}")

    def on_batch_begin(self, net, update):
        net.scheduler.eta = self.learning_rate()
        self.n_updates += 1

    def on_epoch_end(self, net, epoch, history):
        value = history[self.monitor][-1]
        gain = (math.inf if self._best is None else
                (self._best - value) if self.mode == "min" else (value - self._best))
        if not math.isfinite(value):
            gain = -math.inf
        if self._best is None or gain > 0:
            self._best = value
        self._bad_epochs = 0 if gain > self.tol else self._bad_epochs + 1
        if self._cooling > 0:
            self._cooling -= 1
            self._bad_epochs = 0
        elif self._bad_epochs >= self.patience:
            self.n_reductions += 1
            self._bad_epochs, self._cooling = 0, self.cooldown
        net.scheduler.eta = self.learning_rate()
        return False


def _check_count(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"Received an invalid value for argument `{name}`, expected an "
                        f"integer, got {type(value).__name__}: {value!r}")
    if value < minimum:
        raise ValueError(f"Received an invalid value for argument `{name}`, expected an "
                         f"integer >= {minimum}, got {value}")
    return int(value)


def _check_fraction(value, name, zero=False, one=True):
    if zero:
        value = _check_non_negative(value, name)
    else:
        check_positive(name, value)
        value = float(value)
    if value > 1 or (value == 1 and not one):
        bound = "<= 1" if one else "< 1"
        raise ValueError(f"Received an invalid value for argument `{name}`, expected a "
                         f"number {bound}, got {value}")
    return value


def _check_non_negative(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"Received an invalid value for argument `{name}`, expected a real "
                        f"number, got {type(value).__name__}: {value!r}")
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"Received an invalid value for argument `{name}`, expected a finite "
                         f"number >= 0, got {value}")
    return float(value)
