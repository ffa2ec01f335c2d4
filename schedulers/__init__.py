"""Gradient-descent update rules ("schedulers", in the FYS-STK4155 word).

Each rule is a small class holding only hyperparameters; the per-parameter
state is a ``NamedTuple`` value returned by ``init`` and by ``update_change``
(see `Scheduler` for the contract)::

    from schedulers import Adam

    scheduler = Adam(eta=1e-3)
    states = {name: scheduler.init(p) for name, p in params.items()}
    # once per batch:
    for name, p in params.items():
        change, states[name] = scheduler.update_change(grads[name], states[name])
        p -= change
"""

from schedulers.adagrad import (
    Adagrad,
    AdagradMomentum,
    AdagradMomentumState,
    AdagradState,
)
from schedulers.adam import Adam, AdamState
from schedulers.base import Scheduler
from schedulers.constant import Constant, ConstantState
from schedulers.momentum import Momentum, MomentumState
from schedulers.registry import SCHEDULERS, get_scheduler
from schedulers.rmsprop import RMS_prop, RMSprop, RMSpropState
from schedulers.schedules import (
    CosineDecay,
    ExponentialDecay,
    LearningRateSchedule,
    ReduceLROnPlateau,
    StepDecay,
)

__all__ = [
    "Scheduler",
    "Constant",
    "Momentum",
    "Adagrad",
    "AdagradMomentum",
    "RMSprop",
    "RMS_prop",
    "Adam",
    "ConstantState",
    "MomentumState",
    "AdagradState",
    "AdagradMomentumState",
    "RMSpropState",
    "AdamState",
    "SCHEDULERS",
    "get_scheduler",
    "LearningRateSchedule",
    "StepDecay",
    "ExponentialDecay",
    "CosineDecay",
    "ReduceLROnPlateau",
]
