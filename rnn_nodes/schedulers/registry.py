"""Schedulers by name: ``get_scheduler("adam", eta=0.01)``."""

from rnn_nodes.schedulers.adagrad import Adagrad, AdagradMomentum
from rnn_nodes.schedulers.adam import Adam
from rnn_nodes.schedulers.base import Scheduler
from rnn_nodes.schedulers.constant import Constant
from rnn_nodes.schedulers.momentum import Momentum
from rnn_nodes.schedulers.rmsprop import RMSprop

SCHEDULERS = {
    "constant": Constant,
    "momentum": Momentum,
    "adagrad": Adagrad,
    "adagrad_momentum": AdagradMomentum,
    "rmsprop": RMSprop,
    "adam": Adam,
}
"""Registered scheduler classes by lower-case name."""


def get_scheduler(scheduler, **kwargs):
    """Return a new scheduler from a name or from an existing scheduler.

    Parameters
    ----------
    scheduler : str or Scheduler
        A key of `SCHEDULERS` (case-insensitive), or a scheduler whose
        `~Scheduler.clone` is returned.
    **kwargs
        Hyperparameters: passed to the class for a name, or set on the
        clone with `~Scheduler.set_params` for a scheduler.

    Returns
    -------
    scheduler : Scheduler
        Always a new object, never ``scheduler`` itself.

    Raises
    ------
    ValueError
        If the name is not registered (the message lists the known names).
    TypeError
        If ``scheduler`` is neither a string nor a `Scheduler`.
    """
    if isinstance(scheduler, Scheduler):
        return scheduler.clone().set_params(**kwargs)
    if isinstance(scheduler, str):
        key = scheduler.lower()
        if key not in SCHEDULERS:
            raise ValueError(
                "Received an invalid value for argument `scheduler`, expected "
                f"a Scheduler or one of {list(SCHEDULERS)}, got {scheduler!r}"
            )
        return SCHEDULERS[key](**kwargs)
    raise TypeError(
        "Argument `scheduler` must be a str or a Scheduler, "
        f"got {scheduler!r} of type {type(scheduler).__name__}"
    )
