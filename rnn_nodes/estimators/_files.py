"""An estimator's model file: the record written, and read back with every field checked.

The record of an estimator holds, besides the network (:mod:`rnn_nodes.persistence`):

- ``params``: the hyperparameters (``get_params``), a scheduler object as
  ``{"scheduler": {"name", "params"}}``, a learning-rate schedule as
  ``{"schedule": {"name", "params"}}``, tuples as lists;
- ``fitted``: the fitted attributes :data:`FITTED` (and a subclass's, e.g. ``classes_``).

Reading checks each hyperparameter with the estimator's own checks, one at a time (so
the message names it), each fitted attribute against its range and against the network
(input width, output units, the output head's activation and cost), all before the
arrays are read.
"""

import functools
import math
import numbers

from rnn_nodes.activations import get_activation
from rnn_nodes.network import RNN
from rnn_nodes.nodes import RecurrentNode, node_class, node_name
from rnn_nodes.persistence import (
    ModelFileError,
    network_to_record,
    read_model_file,
    scheduler_config,
    write_model_file,
)
from rnn_nodes.persistence.config import scheduler_from_config
from rnn_nodes.persistence.errors import checking, field
from rnn_nodes.persistence.records import require_fields
from rnn_nodes.schedulers import Scheduler
from rnn_nodes.schedulers.schedules import (
    CosineDecay,
    ExponentialDecay,
    LearningRateSchedule,
    ReduceLROnPlateau,
    StepDecay,
)
from rnn_nodes.validation import MAX_STEPS, MAX_UNITS, check_positive_int

FITTED = ("n_features_in_", "n_features_per_step_", "n_outputs_", "history_",
          "best_epoch_", "_target_ndim", "_built_with")
"""Fitted attributes a model file keeps (the others follow from ``history_``)."""

SCHEDULES = {cls.__name__: cls for cls in (StepDecay, ExponentialDecay, CosineDecay,
                                            ReduceLROnPlateau)}
"""The learning-rate schedules a model file may name."""

ACTIVATION_PARAMS = ("activation", "dense_activation")
SIZE_PARAMS = ("hidden_layer_sizes", "dense_layer_sizes")


def jsonable(value):
    """Tuples as lists, recursively, so a stored architecture compares with a fresh one;
    a cell's node class as its registered name."""
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, type) and issubclass(value, RecurrentNode):
        return node_name(node_class(value))
    return value


def encode_param(key, value):
    """A hyperparameter as a model file stores it (JSON)."""
    if isinstance(value, Scheduler):
        return {"scheduler": scheduler_config(value, portable=True)}
    if isinstance(value, LearningRateSchedule):
        return {"schedule": {"name": type(value).__name__, "params": value.get_params()}}
    if key == "random_state" and not (value is None or isinstance(value, numbers.Integral)):
        return None  # a RandomState only seeds the next fresh fit
    if isinstance(value, type) and issubclass(value, RecurrentNode):
        return jsonable(value)  # by its registered name
    if callable(value):
        raise ValueError(
            f"Cannot save the parameter `{key}`={value!r}: a model file stores "
            "names and numbers only; pickle the estimator instead")
    return jsonable(value)


def decode_param(value):
    """A hyperparameter as :func:`encode_param` stored it."""
    if isinstance(value, dict) and set(value) == {"schedule"}:
        return _schedule_from_config(value["schedule"])
    if isinstance(value, dict):
        if set(value) != {"scheduler"}:
            raise ValueError(f"expected a name, a number, a list, {{'scheduler': ...}} or "
                             f"{{'schedule': ...}}, got {value!r}")
        return scheduler_from_config(value["scheduler"])
    if isinstance(value, list):
        return tuple(decode_param(v) for v in value)
    return value


def _schedule_from_config(config):
    """A learning-rate schedule from ``{"name", "params"}``, its class one of
    :data:`SCHEDULES` and its arguments checked by its constructor."""
    if not (isinstance(config, dict) and set(config) == {"name", "params"}
            and isinstance(config["params"], dict)):
        raise ValueError(f"expected {{'name': ..., 'params': {{...}}}}, got {config!r}")
    cls = SCHEDULES.get(config["name"]) if isinstance(config["name"], str) else None
    if cls is None:
        raise ValueError(f"expected a schedule of {sorted(SCHEDULES)}, got {config['name']!r}")
    return cls(**config["params"])


def model_record(estimator, **fitted):
    """The record and arrays of ``estimator``'s model file; ``fitted`` replaces attributes."""
    config, arrays = network_to_record(estimator.network_)
    record = {
        "kind": type(estimator).__name__,
        "params": estimator._model_params(),
        "fitted": {key: fitted[key] if key in fitted else getattr(estimator, key)
                   for key in FITTED} | estimator._extra_fitted(),
        "network": config,
    }
    return record, arrays


def save(estimator, path):
    """Write ``estimator`` (fitted) to ``path``; see :meth:`BaseRNNEstimator.save`."""
    write_model_file(path, *model_record(estimator))


def read(cls, path, history_keys, argument="path"):
    """An estimator of class ``cls`` read from ``path``, and the :class:`ModelFile`.

    Raises
    ------
    rnn_nodes.ModelFileError
        Naming the file and the field at fault.
    """
    check = functools.partial(_estimator_from_record, cls, history_keys)
    model = read_model_file(path, (cls.__name__,), RNN, check=check, argument=argument)
    estimator = model.checked
    estimator.network_ = model.network
    return estimator, model


def _estimator_from_record(cls, history_keys, record, plan, path):
    for key in ("params", "fitted"):
        if key not in record:
            raise ModelFileError(path, "the record has no such field", field(key))
    estimator = _with_params(cls, record["params"], path)
    _set_fitted(estimator, record["fitted"], plan, path, history_keys, "checkpoint" in record)
    return estimator


def _with_params(cls, params, path):
    """``cls(**params)``, each hyperparameter checked by the estimator's own checks."""
    require_fields(params, "params", path, (), cls().get_params(deep=False))
    decoded = {}
    for key, value in params.items():
        with checking(path, field(f"params.{key}")):
            decoded[key] = decode_param(value)
            cls(**{key: decoded[key]})._checked_params()
            if key in ACTIVATION_PARAMS:
                get_activation(decoded[key])
            if key in SIZE_PARAMS:  # the layers' own bound, which fit meets later
                sizes = decoded[key]
                for i, size in enumerate((sizes,) if isinstance(sizes, int) else sizes):
                    check_positive_int(size, f"{key}[{i}]", MAX_UNITS)
    with checking(path, field("params")):
        estimator = cls(**decoded)
        estimator._checked_params()
    return estimator


def _set_fitted(estimator, fitted, plan, path, history_keys, checkpoint):
    """Set the fitted attributes, checked; ``checkpoint``: the file is a fit's checkpoint."""
    require_fields(fitted, "fitted", path, FITTED + estimator._EXTRA_FITTED)
    inputs, head = plan.layers[0].n_features, plan.layers[-1]
    checks = {
        "n_features_in_": lambda v: check_positive_int(v, "n_features_in_", MAX_STEPS),
        "n_features_per_step_": lambda v: _equal(v, "n_features_per_step_", inputs,
                                                 "the network's input width"),
        "n_outputs_": lambda v: _equal(v, "n_outputs_", head.n_features,
                                       "the network's output units"),
        "history_": lambda v: _history(v, history_keys),
        "_target_ndim": lambda v: _choice(v, (1, 2, 3)),
        "_built_with": lambda v: _type(v, list),
    }
    for key, check in checks.items():
        with checking(path, field(f"fitted.{key}")):
            setattr(estimator, key, check(fitted[key]))
    with checking(path, field("fitted.best_epoch_")):
        epochs = len(estimator.history_["loss"])
        best = fitted["best_epoch_"]
        if best is not None and not (type(best) is int and 1 <= best <= epochs):
            raise ValueError(f"expected null or an epoch in 1..{epochs}, got {best!r}")
        estimator.best_epoch_ = best
    for key in estimator._EXTRA_FITTED:
        with checking(path, field(f"fitted.{key}")):
            estimator._set_extra_fitted(fitted)
    if checkpoint and estimator._built_with != jsonable(
            estimator._architecture(estimator._checked_params())):
        raise ModelFileError(path, "a fit's checkpoint was built with its hyperparameters, "
                                   "these differ", field("fitted._built_with"))
    activation, cost = estimator._output()
    found = (getattr(getattr(head, "activation", None), "name", None), plan.network.cost.name)
    if found != (activation, cost):
        raise ModelFileError(path, f"the output head has {found[0]} units with the cost "
                                   f"{found[1]!r}; this {type(estimator).__name__} needs "
                                   f"{activation} units with {cost!r}",
                             field(f"network.layers[{len(plan.layers) - 1}]"))
    estimator._sync_history()


def _equal(value, name, expected, what):
    value = check_positive_int(value, name, MAX_UNITS)
    if value != expected:
        raise ValueError(f"expected {expected}, {what}, got {value}")
    return value


def _choice(value, choices):
    if type(value) is not int or value not in choices:
        raise ValueError(f"expected one of {list(choices)}, got {value!r}")
    return value


def _type(value, kind):
    if not isinstance(value, kind):
        raise ValueError(f"expected a {kind.__name__}, got {type(value).__name__}")
    return value


def _history(history, keys):
    """``history_``: the lists ``keys``, of one length, of finite numbers or null."""
    if not isinstance(history, dict) or set(history) != set(keys):
        raise ValueError(f"expected the lists {list(keys)}")
    history = {key: history[key] for key in keys}
    lengths = {len(values) if isinstance(values, list) else -1 for values in history.values()}
    if len(lengths) != 1 or -1 in lengths or lengths.pop() > MAX_STEPS:
        raise ValueError("expected lists of one length, one value per epoch")
    for key, values in history.items():
        for value in values:
            if value is not None and (isinstance(value, bool)
                                      or not isinstance(value, numbers.Real)
                                      or not math.isfinite(value)):
                raise ValueError(f"{key} holds {value!r}: expected finite numbers or null")
    return history
