"""The arrays of a model file: their names, and the shapes and dtypes a network implies.

Names (the layout of the safetensors file; ``i`` is the index in ``net.layers``, so
``layers.0`` is never used: the input layer has no parameters):

- ``layers.{i}.{name}``: parameter ``name`` of layer ``i`` (a key of its ``params``:
  ``W_layer``, ``b_layer``, ``W_time``, ``b_time``; ``W_layer_reverse``... for the reverse
  direction of a bidirectional layer);
- ``scheduler.layers.{i}.{name}.{field}``: an array field of the update rule's state of
  that parameter (Adam's ``m`` and ``v``);
- ``best.layers.{i}.{name}``, ``best.scheduler.layers.{i}.{name}.{field}``: the best
  weights an estimator's checkpoint keeps for early stopping;
- ``history.{key}``: a checkpoint's per-epoch history (float64, one value an epoch).

Files of the legacy ``.npz`` format name them ``layers/{i}/{name}``,
``states/{i}/{name}/{field}``, ``best/...`` and ``history/{key}`` (:func:`legacy_name`).
"""

from typing import NamedTuple

import numpy as np

from rnn_nodes.layers import Bidirectional
from rnn_nodes.layers.bidirectional import REVERSE

BEST = "best."
HISTORY = "history."


class ArraySpec(NamedTuple):
    """What the record says an array must be, checked before its data is read.

    Attributes
    ----------
    dtype : numpy.dtype
    shape : tuple of int, or None
        None: any length of one axis up to ``max_length`` (a history).
    max_length : int or None
    finite : bool
        Whether NaN and infinity are refused (weights and states; not a history).
    """

    dtype: np.dtype
    shape: tuple | None
    max_length: int | None = None
    finite: bool = True

    def problem(self, dtype, shape):
        """Why an array of ``dtype`` and ``shape`` does not fit, or None."""
        if dtype != self.dtype:
            return f"it has dtype {dtype}, expected {self.dtype}"
        if self.shape is None:
            if len(shape) != 1 or shape[0] > self.max_length:
                return (f"it has shape {tuple(shape)}, expected one axis of at most "
                        f"{self.max_length} values")
        elif tuple(shape) != self.shape:
            return f"it has shape {tuple(shape)}, expected {self.shape}"
        return None

    @property
    def nbytes(self):
        """Bytes of data (the longest allowed for a history)."""
        count = self.max_length if self.shape is None else int(np.prod(self.shape, dtype=object))
        return count * self.dtype.itemsize


def param_name(i, name, prefix=""):
    return f"{prefix}layers.{i}.{name}"


def state_name(i, name, field, prefix=""):
    return f"{prefix}scheduler.layers.{i}.{name}.{field}"


def history_name(key):
    return f"{HISTORY}{key}"


def legacy_name(name):
    """The name of array ``name`` in a legacy ``.npz`` file (without ``.npy``).

    Examples
    --------
    >>> legacy_name("best.scheduler.layers.1.W_time.m")
    'best/states/1/W_time/m'
    >>> legacy_name("history.val_loss")
    'history/val_loss'
    """
    prefix = ""
    if name.startswith(BEST):
        prefix, name = "best/", name[len(BEST):]
    if name.startswith(HISTORY):
        return prefix + "history/" + name[len(HISTORY):]
    parts = name.split(".")
    if parts[0] == "scheduler":
        return prefix + "/".join(["states"] + parts[2:])
    return prefix + "/".join(parts)


def parameter_shapes(layer, n_in):
    """The shapes of the parameters ``layer`` will have once built on ``n_in`` inputs.

    Computed, not drawn: a file's declared sizes are compared with these before any
    weight is made. ``tests/estimators/test_model_files.py`` builds every exported layer
    type and checks this against its ``params``; a new layer type must be added here.

    Parameters
    ----------
    layer : Layer
        Constructed, not built.
    n_in : int or None
        Width of the layer below (None for the input layer).

    Returns
    -------
    dict of str to tuple of int
    """
    if isinstance(layer, Bidirectional):
        one = parameter_shapes(layer.forward_layer, n_in)
        return {name + suffix: shape for suffix in ("", REVERSE) for name, shape in one.items()}
    n = layer.n_features
    if n_in is None:  # the input layer
        return {}
    if layer.recurrent:  # gates stacked along the output axis
        width = len(layer.gates) * n
        return {"W_layer": (n_in, width), "b_layer": (width,), "W_time": (n, width),
                "b_time": (width,)}
    return {"W_layer": (n_in, n), "b_layer": (n,)}


def network_arrays(params, scheduler_states, prefix=""):
    """Parameters and scheduler states (as :func:`rnn_nodes.training.snapshot` gives them)
    as named arrays, and the states' other fields.

    Parameters
    ----------
    params : list of dict of str to ndarray
        One dict per layer.
    scheduler_states : dict
        ``(layer index, parameter name) -> state``.
    prefix : str, default=""
        ``"best."`` for the best weights of a checkpoint.

    Returns
    -------
    arrays : dict of str to ndarray
        C-contiguous copies, named as the module docstring says.
    scalars : list of dict
        One entry per scheduler state: ``layer``, ``param``, ``type`` (the state's
        class name) and ``scalars``, its fields that are not arrays (step counts).
    """
    arrays, scalars = {}, []
    for i, layer_params in enumerate(params):
        for name, value in layer_params.items():
            arrays[param_name(i, name, prefix)] = np.array(value, order="C")
    for (i, name), state in sorted(scheduler_states.items()):
        entry = {"layer": i, "param": name, "type": type(state).__name__, "scalars": {}}
        for field, value in state._asdict().items():
            if isinstance(value, np.ndarray):
                arrays[state_name(i, name, field, prefix)] = np.array(value, order="C")
            else:
                entry["scalars"][field] = value.item() if hasattr(value, "item") else value
        scalars.append(entry)
    return arrays, scalars
