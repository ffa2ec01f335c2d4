"""Schedulers by name: ``get_scheduler("adam", eta=0.01)``."""

from schedulers.adagrad import Adagrad, AdagradMomentum
from schedulers.adam import Adam
from schedulers.base import Scheduler
from schedulers.constant import Constant
from schedulers.momentum import Momentum
from schedulers.rmsprop import RMSprop

SCHEDULERS = {
    "constant": Constant,
    "momentum": Momentum,
    "adagrad": Adagrad,
    "adagrad_momentum": AdagradMomentum,
    "rmsprop": RMSprop,
    "adam": Adam,
}
"""Registered scheduler classes by lower-case name."""


def get_scheduler(name_or_object, **kwargs):
    """Return a new scheduler from a name or from an existing scheduler.

    Parameters
    ----------
    name_or_object : str or Scheduler
        A key of `SCHEDULERS` (case-insensitive), or a scheduler whose
        `~Scheduler.clone` is returned.
    **kwargs
        Hyperparameters: passed to the class for a name, or set on the
        clone with `~Scheduler.set_params` for a scheduler.

    Returns
    -------
    scheduler : Scheduler
        Always a new object, never ``name_or_object`` itself.

    Raises
    ------
    ValueError
        If the name is not registered (the message lists the known names).
    TypeError
        If ``name_or_object`` is neither a string nor a `Scheduler`.
    """
    if isinstance(name_or_object, Scheduler):
        return name_or_object.clone().set_params(**kwargs)
    if isinstance(name_or_object, str):
        key = name_or_object.lower()
        if key not in SCHEDULERS:
            raise ValueError(
                "Received an invalid value for argument `name_or_object`, expected "
                f"a Scheduler or one of {list(SCHEDULERS)}, got {name_or_object!r}"
            )
        return SCHEDULERS[key](**kwargs)
    raise TypeError(
        "Argument `name_or_object` must be a str or a Scheduler, "
        f"got {name_or_object!r} of type {type(name_or_object).__name__}"
    )
