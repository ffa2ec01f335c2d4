"""Gradient-descent update rules ("schedulers"): the public name of :mod:`rnn_nodes.schedulers`.

The code lives in ``rnn_nodes/schedulers/``, and ``rnn_nodes`` imports only
that copy: a folder or a module named ``schedulers`` in the working
directory (which Python finds before this package) then cannot break
``import rnn_nodes``. This package re-exports the same objects, and its
submodules (``schedulers.adam``, ``schedulers.schedules``, ...) are the
``rnn_nodes.schedulers`` ones::

    from schedulers import Adam          # or: from rnn_nodes.schedulers import Adam

    scheduler = Adam(eta=1e-3)
"""

import sys

from rnn_nodes.schedulers import (
    SCHEDULERS,
    Adagrad,
    AdagradMomentum,
    AdagradMomentumState,
    AdagradState,
    Adam,
    AdamState,
    Constant,
    ConstantState,
    CosineDecay,
    ExponentialDecay,
    LearningRateSchedule,
    Momentum,
    MomentumState,
    ReduceLROnPlateau,
    RMS_prop,
    RMSprop,
    RMSpropState,
    Scheduler,
    StepDecay,
    _validation,
    adagrad,
    adam,
    base,
    constant,
    get_scheduler,
    momentum,
    registry,
    rmsprop,
    schedules,
)

# ``import schedulers.adam`` gives the module object ``rnn_nodes.schedulers.adam``
for _module in (_validation, adagrad, adam, base, constant, momentum, registry, rmsprop,
                schedules):
    sys.modules[f"{__name__}.{_module.__name__.rsplit('.', 1)[1]}"] = _module
del _module

__all__ = [
    "SCHEDULERS",
    "Adagrad",
    "AdagradMomentum",
    "AdagradMomentumState",
    "AdagradState",
    "Adam",
    "AdamState",
    "Constant",
    "ConstantState",
    "CosineDecay",
    "ExponentialDecay",
    "LearningRateSchedule",
    "Momentum",
    "MomentumState",
    "RMS_prop",
    "RMSprop",
    "RMSpropState",
    "ReduceLROnPlateau",
    "Scheduler",
    "StepDecay",
    "get_scheduler",
]
