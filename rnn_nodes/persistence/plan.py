"""A network's configuration read from a file: every field checked, the arrays it implies
computed, and only then the network built.

:class:`Plan` checks each field of ``record["network"]`` with the rules of the
constructors themselves (``RNN(...)``, the layer classes, the scheduler classes), one
field at a time so that a failure names the field; constructing draws nothing. It then
knows the name, dtype and shape of every array the file must hold (:attr:`Plan.specs`),
which the readers compare with what the file declares before reading any data.
:meth:`Plan.build` makes the network from the arrays read: adding the layers draws
initial weights as large as the arrays themselves, which the file holds.
"""

import numpy as np

from rnn_nodes.layers import InputLayer
from rnn_nodes.persistence import limits
from rnn_nodes.persistence.arrays import ArraySpec, param_name, parameter_shapes, state_name
from rnn_nodes.persistence.config import (
    NETWORK_ARGUMENTS,
    generator_from_state,
    layer_from_config,
    scheduler_from_config,
)
from rnn_nodes.persistence.errors import ModelFileError, array, checking, field
from rnn_nodes.persistence.records import require_fields
from rnn_nodes.validation import check_bool

NETWORK_FIELDS = NETWORK_ARGUMENTS + ("scheduler", "layers", "is_trained", "rng", "states")
STATE_FIELDS = ("layer", "param", "type", "scalars")
PROBE_SHAPE = (2, 3)
"""The shape of the parameter a scheduler makes a state for, to learn the state's fields."""


class Plan:
    """The network a record's configuration describes, checked, not yet built.

    Parameters
    ----------
    config : object
        ``record["network"]`` as parsed.
    cls : type
        The network class (``RNN`` or a subclass), passed in by the caller.
    path : str
        The file, for messages.

    Attributes
    ----------
    network : RNN
        Constructed with the file's settings; no layers yet.
    layers : list of Layer
        Constructed, not built.
    shapes : list of dict of str to tuple
        Each layer's parameter shapes, once built.
    specs : dict of str to ArraySpec
        The parameters and scheduler states the file must hold.
    states : list of tuple
        ``(layer index, parameter name, scalars)`` of each scheduler state.

    Raises
    ------
    ModelFileError
        Naming the field at fault.
    """

    def __init__(self, config, cls, path):
        self.path = path
        require_fields(config, "network", path, NETWORK_FIELDS)
        for key in NETWORK_ARGUMENTS:  # one at a time, so that the message names the field
            with checking(path, field(f"network.{key}")):
                cls(**{key: config[key]})
        with checking(path, field("network.scheduler")):
            if not isinstance(config["scheduler"], dict):
                raise ValueError(f"expected {{'name': ..., 'params': {{...}}}}, got "
                                 f"{config['scheduler']!r}")
            scheduler = scheduler_from_config(config["scheduler"])
        with checking(path, field("network")):
            self.network = cls(scheduler=scheduler,
                               **{key: config[key] for key in NETWORK_ARGUMENTS})
        with checking(path, field("network.is_trained")):
            self.is_trained = check_bool(config["is_trained"], "is_trained")
        with checking(path, field("network.rng")):
            self.rng = generator_from_state(config["rng"])
        self.layers = self._layers(config["layers"])
        self.shapes = [parameter_shapes(layer, self.layers[i - 1].n_features if i else None)
                       for i, layer in enumerate(self.layers)]
        dtype = self.network.dtype
        self.specs = {param_name(i, name): ArraySpec(dtype, shape)
                      for i, shapes in enumerate(self.shapes) for name, shape in shapes.items()}
        self._probe = self.network.scheduler.init(np.zeros(PROBE_SHAPE, dtype))
        self.states = self.state_entries(config["states"], "network.states")
        self.specs |= self.state_specs(self.states)

    def _layers(self, configs):
        if not isinstance(configs, list) or not 1 <= len(configs) <= limits.MAX_LAYERS:
            raise ModelFileError(self.path, f"expected a list of 1 to {limits.MAX_LAYERS} "
                                            "layers", field("network.layers"))
        layers = []
        for i, config in enumerate(configs):
            with checking(self.path, field(f"network.layers[{i}]")):
                layer = layer_from_config(config)
                if (i == 0) != isinstance(layer, InputLayer):
                    raise ValueError("the first layer, and only the first, is an InputLayer")
            layers.append(layer)
        return layers

    # scheduler states -------------------------------------------------------------------

    @property
    def _array_fields(self):
        """The fields of a scheduler state that are arrays shaped like the parameter."""
        fields = [key for key, value in self._probe._asdict().items()
                  if isinstance(value, np.ndarray)]
        for key in fields:
            value = getattr(self._probe, key)
            if value.shape != PROBE_SHAPE or value.dtype != self.network.dtype:
                raise RuntimeError(f"{self.network.scheduler!r} breaks the scheduler contract:"
                                   f" its state's {key} is not shaped like the parameter")
        return fields

    def state_entries(self, entries, name):
        """The scheduler states listed at field ``name``, checked: ``(i, param, scalars)``."""
        n_params = sum(len(shapes) for shapes in self.shapes)
        if not isinstance(entries, list) or len(entries) > n_params:
            raise ModelFileError(self.path, f"expected a list of at most {n_params} scheduler "
                                            "states, one per parameter", field(name))
        scalar_fields = [key for key in self._probe._fields if key not in self._array_fields]
        checked, seen = [], set()
        for k, entry in enumerate(entries):
            where = f"{name}[{k}]"
            require_fields(entry, where, self.path, STATE_FIELDS)
            i, param = entry["layer"], entry["param"]
            if not (type(i) is int and 0 <= i < len(self.layers)):
                raise ModelFileError(self.path, f"no layer {i!r}", field(f"{where}.layer"))
            if not isinstance(param, str) or param not in self.shapes[i] or (i, param) in seen:
                raise ModelFileError(self.path, f"layer {i} has no parameter {param!r} "
                                     "without a state", field(f"{where}.param"))
            seen.add((i, param))
            kind = type(self._probe).__name__
            if entry["type"] != kind:
                raise ModelFileError(self.path, f"a {entry['type']!r} does not fit the "
                                     f"scheduler {self.network.scheduler!r} ({kind})",
                                     field(f"{where}.type"))
            scalars = entry["scalars"]
            require_fields(scalars, f"{where}.scalars", self.path, scalar_fields)
            for key, value in scalars.items():
                if not (type(value) is int and 0 <= value <= limits.MAX_STEP_COUNT):
                    raise ModelFileError(self.path, f"expected a count in 0..2**63-1, got "
                                         f"{value!r}", field(f"{where}.scalars.{key}"))
            checked.append((i, param, scalars))
        return checked

    def state_specs(self, states, prefix=""):
        """The arrays of the scheduler states ``states`` (from :meth:`state_entries`)."""
        return {state_name(i, param, key, prefix):
                ArraySpec(self.network.dtype, self.shapes[i][param])
                for i, param, _ in states for key in self._array_fields}

    def param_specs(self, prefix):
        """The parameters' arrays under ``prefix`` (``"best."``)."""
        return {prefix + name: spec for name, spec in self.specs.items()
                if name.startswith("layers.")}

    # building ---------------------------------------------------------------------------

    def snapshot(self, arrays, states, prefix=""):
        """Parameters and scheduler states, as :func:`rnn_nodes.training.snapshot` gives
        them, from ``arrays`` (read and checked against :attr:`specs`)."""
        params = [{name: np.array(arrays[param_name(i, name, prefix)]) for name in shapes}
                  for i, shapes in enumerate(self.shapes)]
        kind, array_fields = type(self._probe), self._array_fields
        scheduler_states = {}
        for i, param, scalars in states:
            values = {key: np.array(arrays[state_name(i, param, key, prefix)])
                      if key in array_fields else type(getattr(self._probe, key))(scalars[key])
                      for key in kind._fields}
            scheduler_states[(i, param)] = kind(**values)
        return params, scheduler_states

    def build(self, arrays):
        """The network, its layers built and its arrays set from ``arrays``.

        Raises
        ------
        ModelFileError
            If the layers do not stack (a recurrent layer above a many-to-one one).
        """
        net = self.network
        for i, layer in enumerate(self.layers):
            with checking(self.path, field(f"network.layers[{i}]")):
                net.add_layer(layer)  # draws initial weights, as large as the arrays read
            built = {name: value.shape for name, value in layer.params.items()}
            if built != self.shapes[i]:
                raise RuntimeError(f"rnn_nodes.persistence.arrays.parameter_shapes does not "
                                   f"describe {layer!r}: {self.shapes[i]} against {built}")
        params, states = self.snapshot(arrays, self.states)
        for i, (layer, values) in enumerate(zip(self.layers, params)):
            for name, value in values.items():
                with checking(self.path, array(param_name(i, name))):
                    layer.set_params(**{name: value})
        net.scheduler_states = states
        net.rng, net.is_trained = self.rng, self.is_trained
        return net
