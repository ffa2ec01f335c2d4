"""A network's configuration: everything but its arrays, as JSON values or as objects.

A model file stores the configuration as JSON (registered names only); a pickled
:class:`~rnn_nodes.RNN` stores the same with Python objects where a name is not enough
(a user's activation function, a custom scheduler), and never a jitted function or a
JAX array. Rebuilding from a file goes through :mod:`rnn_nodes.persistence.plan`, which
checks every field first; :func:`network_from_state` rebuilds a pickle, which is trusted.
"""

import inspect

import numpy as np

from rnn_nodes import layers
from rnn_nodes.activations import ACTIVATIONS, Activation
from rnn_nodes.costs import COSTS
from rnn_nodes.schedulers import SCHEDULERS
from rnn_nodes.training import snapshot

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
"""numpy bit generators whose state a file may hold."""

NETWORK_ARGUMENTS = ("cost", "lmbd", "bptt_limit", "clip_norm", "dtype", "blas_threads")
"""The fields of a network's configuration that are arguments of ``RNN`` as they are."""


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
    """A registered scheduler as ``{"name", "params"}``; others kept as is unless ``portable``.

    Raises
    ------
    ValueError
        If ``portable`` and the scheduler is not of a registered class.
    """
    for name, cls in SCHEDULERS.items():
        if type(scheduler) is cls:
            return {"name": name, "params": scheduler.get_params()}
    if portable:
        raise ValueError(
            f"Cannot save the scheduler {scheduler!r}: a model file stores the "
            f"registered schedulers only ({sorted(SCHEDULERS)}); pickle it instead"
        )
    return scheduler


def scheduler_from_config(config):
    """A new scheduler from :func:`scheduler_config`'s dict (or the object it kept).

    Raises
    ------
    ValueError, TypeError
        For an unknown name or invalid hyperparameters (the class's own checks).
    """
    if not isinstance(config, dict):
        return config
    if set(config) != {"name", "params"} or not isinstance(config["params"], dict):
        raise ValueError(f"expected {{'name': ..., 'params': {{...}}}}, got {config!r}")
    if config["name"] not in SCHEDULERS:
        raise ValueError(f"unknown scheduler {config['name']!r}; known: {sorted(SCHEDULERS)}")
    return SCHEDULERS[config["name"]](**config["params"])


def layer_config(layer, portable=True):
    """``{"type": class name, argument: value, ...}`` of ``layer``; a wrapped layer nests."""
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
                f"`{name}` as an attribute (add it to rnn_nodes.persistence.config.ATTRIBUTE_OF)")
        value = getattr(layer, attribute)
        if isinstance(value, Activation):
            value = _name_or_object(value, ACTIVATIONS, "activation", portable)
        elif isinstance(value, layers.Layer):
            value = layer_config(value, portable)
        elif portable and not isinstance(value, (str, int, float, bool, type(None))):
            raise ValueError(f"Cannot store the argument `{name}`={value!r} of a {kind}")
        config[name] = value
    return config


def layer_from_config(config):
    """A new (unbuilt) layer from :func:`layer_config`'s dict.

    Raises
    ------
    ValueError, TypeError
        For an unknown type, an argument that is not the class's, or an invalid
        value (the class's own checks).
    """
    kind = config.get("type") if isinstance(config, dict) else None
    if kind not in LAYER_TYPES:
        raise ValueError(f"unknown layer type {kind!r}; known: {sorted(LAYER_TYPES)}")
    arguments = {}
    for name, value in config.items():
        if name in ("type",) + NETWORK_SET:
            if name != "type":
                raise ValueError(f"`{name}` is set by the network, not stored per layer")
            continue
        arguments[name] = (layer_from_config(value) if isinstance(value, dict)
                           else _scalar(value, name))
    return LAYER_TYPES[kind](**arguments)


def _scalar(value, name):
    if isinstance(value, (list, dict)):
        raise ValueError(f"the argument `{name}` must be a name or a number, got {value!r}")
    return value


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
        ``cost``, ``scheduler``, ``lmbd``, ``bptt_limit``, ``clip_norm``,
        ``dtype``, ``blas_threads``, ``layers``, ``is_trained``, ``rng``.
    """
    return {
        "cost": _name_or_object(net.cost, COSTS, "cost", portable),
        "scheduler": scheduler_config(net.scheduler, portable),
        "lmbd": net.lmbd,
        "bptt_limit": net.bptt_limit,
        "clip_norm": net.clip_norm,
        "dtype": str(net.dtype),
        "blas_threads": net.blas_threads,
        "layers": [layer_config(layer, portable) for layer in net.layers],
        "is_trained": net.is_trained,
        "rng": net.rng.bit_generator.state if portable else net.rng,
    }


def generator_from_state(state):
    """A ``numpy.random.Generator`` in the state ``bit_generator.state`` gave.

    Raises
    ------
    ValueError, TypeError, OverflowError
        For an unknown bit generator or a state it does not read back as given
        (numpy rounds a float, for instance).
    """
    name = state.get("bit_generator") if isinstance(state, dict) else None
    if name not in BIT_GENERATORS:
        raise ValueError(f"unknown random bit generator {name!r}; known: {list(BIT_GENERATORS)}")
    bit_generator = getattr(np.random, name)()
    bit_generator.state = state
    if _plain(bit_generator.state) != _plain(state) or _has_bool(state):
        raise ValueError(f"the state of the {name} bit generator is malformed")
    return np.random.Generator(bit_generator)


def _plain(value):
    """``value`` with arrays as lists, for comparing a generator's state with a file's."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(item) for item in value]
    return value.item() if isinstance(value, np.generic) else value


def _has_bool(value):
    if isinstance(value, dict):
        return any(_has_bool(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_bool(item) for item in value)
    return isinstance(value, bool)


# pickling an RNN (RNN.__getstate__ / __setstate__): trusted, not checked ------------------


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
    config = state["config"]
    net = cls(scheduler=scheduler_from_config(config["scheduler"]),
              **{key: config[key] for key in NETWORK_ARGUMENTS})
    for layer in config["layers"]:
        net.add_layer(layer_from_config(layer))
    net.is_trained = bool(config["is_trained"])
    for layer, params in zip(net.layers, state["params"]):
        layer.set_params(**params)
    net.scheduler_states = dict(state["scheduler_states"])
    rng = config["rng"]
    net.rng = rng if isinstance(rng, np.random.Generator) else generator_from_state(rng)
    return net
