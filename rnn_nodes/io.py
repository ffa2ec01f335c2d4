"""Keeping a model: one ``.npz`` file with the weights and a JSON record.

A model file is a numpy ``.npz`` archive. Its ``record`` entry is UTF-8 JSON
(as ``uint8``): the format name and version, what kind of object it holds
(``"RNN"``, ``"RNNRegressor"``, ``"RNNClassifier"``), the network's
configuration (cost, scheduler, layers, dtype, generator state) and, for an
estimator, its hyperparameters, fitted metadata and history. Every other entry
is an array: the parameters as ``layers/<index>/<name>``, the scheduler states
as ``states/<index>/<name>/<field>``.

Reading uses ``allow_pickle=False`` and ``json.loads``, so a file can never run
code. A truncated, foreign or tampered file raises :class:`ModelFileError`,
naming the file. Writing goes to a temporary file in the same folder that is
then renamed over the target (``os.replace``), so a crash mid-write leaves the
previous file intact.

The same configuration, with Python objects instead of names where a name is
not enough (a user's activation function, a custom scheduler), is what an
:class:`~rnn_nodes.RNN` pickles: no jitted function or JAX array is pickled.
"""

import contextlib
import inspect
import json
import os
import tempfile
import zipfile
import zlib

import numpy as np

from rnn_nodes import layers
from rnn_nodes.activations import ACTIVATIONS, Activation
from rnn_nodes.costs import COSTS
from rnn_nodes.training import snapshot
from schedulers import SCHEDULERS

FORMAT = "rnn-nodes"
VERSION = 1

LAYER_TYPES = {name: cls for name, cls in vars(layers).items()
               if isinstance(cls, type) and issubclass(cls, layers.Layer)
               and not inspect.isabstract(cls)}
"""Layer classes a file may name: those :mod:`rnn_nodes.layers` exports. A layer is
stored as its constructor arguments, read from attributes of the same names (as
scikit-learn's ``get_params``), and rebuilt by calling the class with them."""

ATTRIBUTE_OF = {("Bidirectional", "layer"): "forward_layer"}
"""Constructor arguments a layer keeps under another attribute name."""

NETWORK_SET = ("bptt_limit",)
"""Constructor arguments the network sets on its layers; not stored per layer."""

BIT_GENERATORS = ("PCG64", "PCG64DXSM", "Philox", "SFC64", "MT19937")


class ModelFileError(ValueError):
    """A file is not a readable model file of the expected kind."""


# the network's configuration ------------------------------------------------------


def _name_or_object(obj, registry, what, portable):
    """The registered name of ``obj`` (an Activation or Cost), else its function."""
    if registry.get(obj.name) is obj:
        return obj.name
    if portable:
        raise ValueError(
            f"Cannot save the {what} {obj.name!r}: a model file stores registered "
            f"names only ({sorted(registry)}); pickle the object instead "
            "(a module-level function pickles by reference)"
        )
    return obj.function


def scheduler_config(scheduler, portable=True):
    """A registered scheduler as ``{"name", "params"}``; others kept as is unless ``portable``."""
    for name, cls in SCHEDULERS.items():
        if type(scheduler) is cls:
            return {"name": name, "params": scheduler.get_params()}
    if portable:
        raise ValueError(
            f"Cannot save the scheduler {scheduler!r}: a model file stores the "
            f"registered schedulers only ({sorted(SCHEDULERS)}); pickle it instead"
        )
    return scheduler


def _layer_config(layer, portable):
    """``{"type": class name, argument: value, ...}``; a wrapped layer nests."""
    kind = type(layer).__name__
    if LAYER_TYPES.get(kind) is not type(layer):
        raise ValueError(f"Cannot store a {kind}: rnn_nodes.layers does not export it")
    config = {"type": kind}
    for name in inspect.signature(type(layer).__init__).parameters:
        if name in ("self",) + NETWORK_SET:
            continue
        attribute = ATTRIBUTE_OF.get((kind, name), name)
        if not hasattr(layer, attribute):
            raise ValueError(
                f"Cannot store a {kind}: it does not keep its constructor argument "
                f"`{name}` as an attribute (add it to rnn_nodes.io.ATTRIBUTE_OF)")
        value = getattr(layer, attribute)
        if isinstance(value, Activation):
            value = _name_or_object(value, ACTIVATIONS, "activation", portable)
        elif isinstance(value, layers.Layer):
            value = _layer_config(value, portable)
        elif portable and not isinstance(value, (str, int, float, bool, type(None))):
            raise ValueError(f"Cannot store the argument `{name}`={value!r} of a {kind}")
        config[name] = value
    return config


def _layer_from_config(config):
    kind = config.get("type") if isinstance(config, dict) else None
    if kind not in LAYER_TYPES:
        raise ValueError(f"unknown layer type {kind!r}")
    arguments = {name: _layer_from_config(value)
                 if isinstance(value, dict) and "type" in value else value
                 for name, value in config.items() if name != "type"}
    return LAYER_TYPES[kind](**arguments)


def network_config(net, portable=True):
    """Everything but the arrays needed to rebuild ``net``.

    Parameters
    ----------
    net : RNN
    portable : bool, default=True
        True: JSON values only (registered names); raises ValueError for a
        user's function or scheduler. False: such objects are kept as they are,
        for pickling.

    Returns
    -------
    dict
    """
    rng_state = net.rng.bit_generator.state
    return {
        "cost": _name_or_object(net.cost, COSTS, "cost", portable),
        "scheduler": scheduler_config(net.scheduler, portable),
        "lmbd": net.lmbd,
        "bptt_limit": net.bptt_limit,
        "clip_norm": net.clip_norm,
        "dtype": str(net.dtype),
        "blas_threads": net.blas_threads,
        "layers": [_layer_config(layer, portable) for layer in net.layers],
        "is_trained": net.is_trained,
        "rng": rng_state if portable else net.rng,
    }


def network_arrays(params, scheduler_states):
    """Parameters and scheduler states (as :func:`rnn_nodes.training.snapshot` gives them)
    as named arrays, and the states' scalars.

    Parameters
    ----------
    params : list of dict of str to ndarray
        One dict per layer.
    scheduler_states : dict
        ``(layer index, parameter name) -> state``.

    Returns
    -------
    arrays : dict of str to ndarray
        ``layers/<i>/<name>`` and ``states/<i>/<name>/<field>`` (copies).
    scalars : list of dict
        One entry per scheduler state: layer index, parameter name, state type
        and its non-array fields (step counts).
    """
    arrays, scalars = {}, []
    for i, layer_params in enumerate(params):
        for name, value in layer_params.items():
            arrays[f"layers/{i}/{name}"] = value.copy()
    for (i, name), state in sorted(scheduler_states.items()):
        entry = {"layer": i, "param": name, "type": type(state).__name__, "scalars": {}}
        for field, value in state._asdict().items():
            if isinstance(value, np.ndarray):
                arrays[f"states/{i}/{name}/{field}"] = value.copy()
            else:
                entry["scalars"][field] = value.item() if hasattr(value, "item") else value
        scalars.append(entry)
    return arrays, scalars


def _build(config, cls):
    scheduler = config["scheduler"]
    if isinstance(scheduler, dict):
        if scheduler.get("name") not in SCHEDULERS:
            raise ValueError(f"unknown scheduler {scheduler.get('name')!r}")
        scheduler = SCHEDULERS[scheduler["name"]](**scheduler["params"])
    net = cls(cost=config["cost"], scheduler=scheduler, lmbd=config["lmbd"],
              bptt_limit=config["bptt_limit"], clip_norm=config["clip_norm"],
              dtype=config["dtype"], blas_threads=config["blas_threads"])
    for layer in config["layers"]:
        net.add_layer(_layer_from_config(layer))
    net.is_trained = bool(config["is_trained"])
    return net


def _set_generator(net, state):
    if isinstance(state, np.random.Generator):
        net.rng = state
        return
    name = state.get("bit_generator") if isinstance(state, dict) else None
    if name not in BIT_GENERATORS:
        raise ValueError(f"unknown random bit generator {name!r}")
    bit_generator = getattr(np.random, name)()
    bit_generator.state = state
    net.rng = np.random.Generator(bit_generator)


def _set_arrays(net, arrays, scalars):
    expected = {f"layers/{i}/{name}" for i, layer in enumerate(net.layers)
                for name in layer.params}
    given = {key for key in arrays if key.startswith("layers/")}
    if given != expected:
        raise ValueError(
            f"the weights do not fit the layers: missing {sorted(expected - given)}, "
            f"unexpected {sorted(given - expected)}"
        )
    for key in sorted(expected):
        _, i, name = key.split("/")
        _check_array(arrays[key], net.layers[int(i)].params[name], key)
        net.layers[int(i)].set_params(**{name: arrays[key]})
    states = {}
    for entry in scalars:
        i, name = entry["layer"], entry["param"]
        if not (type(i) is int and 0 <= i < len(net.layers) and name in net.layers[i].params):
            raise ValueError(f"a scheduler state names layer {i!r}, parameter {name!r}: no "
                             "such parameter")
        template = net.scheduler.init(net.layers[i].params[name])
        if type(template).__name__ != entry["type"]:
            raise ValueError(f"state {entry['type']!r} does not fit {net.scheduler!r}")
        fields = {}
        for field, value in template._asdict().items():
            if isinstance(value, np.ndarray):
                key = f"states/{i}/{name}/{field}"
                if key not in arrays:
                    raise ValueError(f"missing array {key!r}")
                _check_array(arrays[key], value, key)
                if not np.all(np.isfinite(arrays[key])):
                    raise ValueError(f"array {key!r} holds NaN or infinite values")
                fields[field] = arrays[key].copy()
            else:  # a step count
                steps = entry["scalars"][field]
                if type(steps) is not int or steps < 0:
                    raise ValueError(f"the step count {field!r} of {name!r} in layer {i} must "
                                     f"be a non-negative integer, got {steps!r}")
                fields[field] = type(value)(steps)
        states[(i, name)] = type(template)(**fields)
    net.scheduler_states = states


def _check_array(array, like, key):
    if array.shape != like.shape or array.dtype != like.dtype:
        raise ValueError(
            f"array {key!r} has shape {array.shape} and dtype {array.dtype}, "
            f"expected {like.shape} and {like.dtype}"
        )


# pickling an RNN (used by RNN.__getstate__ / __setstate__) -------------------------


def network_state(net):
    """What an RNN pickles: its configuration, parameters, scheduler states and generator."""
    params, scheduler_states = snapshot(net)
    return {
        "config": network_config(net, portable=False),
        "params": params,
        "scheduler_states": scheduler_states,
    }


def network_from_state(state, cls):
    """An RNN of class ``cls`` rebuilt from :func:`network_state`."""
    net = _build(state["config"], cls)
    for layer, params in zip(net.layers, state["params"]):
        layer.set_params(**params)
    net.scheduler_states = dict(state["scheduler_states"])
    _set_generator(net, state["config"]["rng"])
    return net


# files ------------------------------------------------------------------------------


def write_archive(path, record, arrays):
    """Write ``record`` (JSON) and ``arrays`` to ``path`` atomically.

    Parameters
    ----------
    path : str or os.PathLike
        Written exactly as given (add the ``.npz`` suffix yourself).
    record : dict
        JSON-serialisable; ``format`` and ``version`` are added.
    arrays : dict of str to ndarray
        Numeric or string arrays (never object arrays).
    """
    path = os.fspath(path)
    record = {"format": FORMAT, "version": VERSION, **record}
    payload = np.frombuffer(json.dumps(record, allow_nan=False).encode("utf-8"), np.uint8)
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(
        prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez(file, record=payload, **arrays)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, _file_mode(path))  # mkstemp makes it private (0600)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _file_mode(path):
    """The permissions of the file being replaced, or those ``open`` would give a new one."""
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def read_archive(path, kinds):
    """Read a model file written by :func:`write_archive`.

    Parameters
    ----------
    path : str or os.PathLike
    kinds : tuple of str
        The kinds of object the caller can load (``record["kind"]``).

    Returns
    -------
    record : dict
    arrays : dict of str to ndarray

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ModelFileError
        If the file is truncated, not an ``.npz`` archive, holds pickled data,
        has no valid record, or holds another kind of object.
    """
    path = os.fspath(path)
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError("it is a single .npy array, not an .npz archive")
        with archive:
            arrays = {key: archive[key] for key in archive.files}
    except FileNotFoundError:
        raise
    except (OSError, ValueError, EOFError, KeyError, OverflowError, zipfile.BadZipFile,
            zlib.error, RuntimeError) as error:  # RuntimeError: encrypted, unknown compression
        raise ModelFileError(
            f"{path} is not a readable {FORMAT} model file (truncated, corrupted or "
            f"of another format): {error}"
        ) from error
    payload = arrays.pop("record", None)
    try:
        if payload is None or payload.dtype != np.uint8 or payload.ndim != 1:
            raise ValueError("it holds no 'record' entry")
        record = json.loads(payload.tobytes().decode("utf-8"))
        if not isinstance(record, dict) or record.get("format") != FORMAT:
            raise ValueError(f"its record is not an {FORMAT} record")
        if not isinstance(record.get("version"), int) or record["version"] > VERSION:
            raise ValueError(f"format version {record.get('version')!r} is newer than "
                             f"this library's ({VERSION})")
    except (ValueError, UnicodeDecodeError) as error:
        raise ModelFileError(f"{path} is not an {FORMAT} model file: {error}") from error
    if record.get("kind") not in kinds:
        raise ModelFileError(
            f"{path} holds a {record.get('kind')!r}, expected {' or '.join(kinds)}"
        )
    return record, arrays


def network_to_archive(net):
    """The JSON record and the arrays of a network, for :func:`write_archive`."""
    arrays, scalars = network_arrays([layer.params for layer in net.layers],
                                     net.scheduler_states)
    return {**network_config(net, portable=True), "states": scalars}, arrays


def _check_sizes(configs, arrays):
    """Refuse a layer size larger than any dimension of its arrays, before drawing weights.

    Building draws initial weights (an orthogonal matrix per gate: a QR of n x n), so a
    tampered ``n_features`` of a million would allocate terabytes before the arrays are
    compared. A layer's size is a dimension of its own arrays (the input layer's, of the
    next layer's); the exact shapes are checked once the layers are built.
    """
    if len(configs) < 2:  # an InputLayer alone has no arrays
        return
    for i, config in enumerate(configs):
        owner = max(i, 1)
        largest = max((d for key, value in arrays.items() if key.startswith(f"layers/{owner}/")
                       for d in value.shape), default=0)
        while isinstance(config, dict):
            size = config.get("n_features")
            if isinstance(size, int) and size > largest:
                raise ValueError(f"the weights do not fit the layers: layer {i} has {size} "
                                 f"features, more than any dimension of the arrays of layer "
                                 f"{owner} ({largest})")
            config = config.get("layer")  # a wrapped layer (Bidirectional)


def network_from_archive(config, arrays, cls, path):
    """Rebuild a network of class ``cls`` from what :func:`network_to_archive` gave.

    Raises
    ------
    ModelFileError
        Naming ``path``, if the record or the arrays are inconsistent.
    """
    try:
        _check_sizes(config["layers"], arrays)
        net = _build(config, cls)
        _set_arrays(net, arrays, config["states"])
        _set_generator(net, config["rng"])
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError) as error:
        raise ModelFileError(f"{path} holds an inconsistent model: {error}") from error
    return net


def save_network(net, path):
    """Write ``net`` to ``path`` (see the module docstring); used by :meth:`RNN.save`."""
    config, arrays = network_to_archive(net)
    write_archive(path, {"kind": "RNN", "network": config}, arrays)


def load_network(path, cls):
    """Read a network written by :func:`save_network`; used by :meth:`RNN.load`."""
    record, arrays = read_archive(path, ("RNN",))
    return network_from_archive(record.get("network"), arrays, cls, os.fspath(path))
