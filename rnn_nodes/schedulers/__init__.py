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

from rnn_nodes.schedulers.adagrad import (
    Adagrad,
    AdagradMomentum,
    AdagradMomentumState,
    AdagradState,
)
from rnn_nodes.schedulers.adam import Adam, AdamState
from rnn_nodes.schedulers.base import Scheduler
from rnn_nodes.schedulers.constant import Constant, ConstantState
from rnn_nodes.schedulers.momentum import Momentum, MomentumState
from rnn_nodes.schedulers.registry import SCHEDULERS, get_scheduler
from rnn_nodes.schedulers.rmsprop import RMS_prop, RMSprop, RMSpropState
from rnn_nodes.schedulers.schedules import (
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
