"""What :meth:`RNN.gradients <rnn_nodes.RNN.gradients>` returns: every gradient of one batch, by name.

Parameter gradients are keyed ``"layers.{i}.{name}"``: ``i`` the layer's index in
``net.layers`` (0 is the input layer, which has none), ``name`` a key of its ``params``
(``W_layer``, ``b_time``, ``W_layer_reverse``, ...). These are the names of the arrays in a
model file (:meth:`RNN.save <rnn_nodes.RNN.save>`), so a gradient cannot be paired with the
wrong layer. The initial states' gradients come laid out as the final states of
``forward(..., return_states=True)``: a :class:`~rnn_nodes.sequences.States`.

>>> import numpy as np
>>> from rnn_nodes import RNN
>>> net = RNN(dtype="float64", seed=0).add_InputLayer(2).add_RNNLayer(3).add_OutputLayer(1)
>>> g = net.gradients(np.ones((4, 5, 2)), np.zeros((4, 5, 1)))
>>> list(g.params.keys())
['layers.1.W_layer', 'layers.1.b_layer', 'layers.1.W_time', 'layers.1.b_time', 'layers.2.W_layer', 'layers.2.b_layer']
>>> g.params["layers.1.W_time"].shape, g.states.h.shape
((3, 3), (1, 4, 3))
"""

import warnings
from dataclasses import dataclass, field

import numpy as np

from rnn_nodes.sequences import States, stack_states


def parameter_key(i, name):
    """``"layers.{i}.{name}"``: parameter ``name`` of ``net.layers[i]``."""
    return f"layers.{i}.{name}"


class ParameterGradients(list):
    """dC/d(parameter) for every parameter of a network, by name ``"layers.{i}.{name}"``.

    Parameters
    ----------
    per_layer : list of dict of str to ndarray
        One dict per layer of the network, in order (empty for a layer
        without parameters), keyed like the layer's ``params``.

    Notes
    -----
    Read it by name: ``params["layers.1.W_time"]``, ``keys()``, ``items()``,
    ``values()``, ``"layers.1.W_time" in params``, ``dict(params.items())``.
    The earlier layout, a list of one dict per layer of ``net.layers`` (the
    input layer's empty), stays as it was for existing code: ``len``,
    iteration and ``params[i][name]`` (which warns, as deprecated: use the
    names or :meth:`layer`).
    """

    def __init__(self, per_layer):
        super().__init__(per_layer)
        self._arrays = {parameter_key(i, name): grad for i, grads in enumerate(self)
                        for name, grad in grads.items()}

    def __getitem__(self, key):
        if isinstance(key, str):
            try:
                return self._arrays[key]
            except KeyError:
                raise KeyError(f"No parameter gradient {key!r}; the names are "
                               f"{list(self._arrays)}") from None
        warnings.warn(
            "Indexing Gradients.params by layer (params[i][name]) is deprecated: use the "
            "names, params['layers.{i}.{name}'], or params.layer(i)",
            DeprecationWarning, stacklevel=2)
        return super().__getitem__(key)

    def __contains__(self, key):
        return key in self._arrays if isinstance(key, str) else super().__contains__(key)

    def __repr__(self):
        shapes = ", ".join(f"{key!r}: {value.shape}" for key, value in self._arrays.items())
        return f"ParameterGradients({{{shapes}}})"

    def keys(self):
        """The names ``"layers.{i}.{name}"``, layer by layer in the order of ``params``."""
        return self._arrays.keys()

    def values(self):
        return self._arrays.values()

    def items(self):
        return self._arrays.items()

    def layer(self, i):
        """The gradients of ``net.layers[i]``'s parameters, keyed like its ``params`` ({} for none)."""
        return super().__getitem__(i)


@dataclass
class Gradients:
    """Gradients of the cost for one batch.

    Attributes
    ----------
    params : ParameterGradients
        ``params["layers.{i}.{name}"]`` is an ndarray shaped like the
        parameter (see :mod:`rnn_nodes.gradients`); also, for existing code,
        the list of one dict per layer it was (a list given is turned into this).
    X : ndarray of shape (batch, time, n_in)
        dC/dX.
    h0 : list of ndarray
        dC/dh0 for every recurrent layer, in order, each (batch, n_l)
        ((2, batch, n_l) for a bidirectional layer). The same arrays in the
        layout of ``forward(..., return_states=True)`` are ``states.h``.
    c0 : list of ndarray
        dC/dc0 for every LSTM layer, in order, shaped like its ``h0``
        (``states.c``).

    Notes
    -----
    :attr:`states` is the layout to use: the one ``forward`` returns and
    ``h0=`` / ``dh_n=`` accept. ``h0`` and ``c0``, lists, stay for existing code.
    """

    params: ParameterGradients
    X: np.ndarray
    h0: list
    c0: list = field(default_factory=list)

    def __post_init__(self):
        if not isinstance(self.params, ParameterGradients):
            self.params = ParameterGradients(self.params)

    @property
    def states(self):
        """dC/dh0 and dC/dc0 as a :class:`~rnn_nodes.sequences.States`, laid out as the
        final states of ``forward(..., return_states=True)``: one ``(layers, batch, n)``
        array when every recurrent layer's state has the same shape, else a list; None
        where the network has no such layer."""
        return States(stack_states(list(self.h0)), stack_states(list(self.c0)))
