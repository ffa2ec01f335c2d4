"""What every node computed in one forward and backward pass, by layer, quantity and step.

``trace(net, X, t)`` runs one forward and one backward pass and records, for
each recurrent layer (each direction of a bidirectional one) and each time
step, what its node computed:

============  =======================================  =====================
quantity      what                                     cells
============  =======================================  =====================
``z``         pre-activation ``z_t``                   Elman
``h``         hidden state ``h_t``                     all
``c``         cell state ``c_t``                       LSTM (a cell with ``c``
                                                       that keeps ``c_t``)
``gates``     ``(r, z, n)`` or ``(i, f, g, o)``:        cells with gates
              each gate's activation of its
              pre-activation
``dC_dh``     total gradient ``dC/dh_t`` that reached   all
              the node (from the layer above and from
              step ``t + 1``)
``dC_dc``     total gradient ``dC/dc_t``                LSTM, cells with ``c``
``delta``     ``delta_t``, the gradient of the          all
              pre-activations (gate blocks side by
              side for GRU and LSTM)
============  =======================================  =====================

Nothing is recorded unless :func:`trace` is called: it wraps the nodes' own
``backward`` for one pass (the layers are not changed), so training costs the
same with or without this module. Under truncated BPTT a node receives one
gradient per truncation window; ``dC_dh`` is their sum.
"""

import numpy as np

NODE_QUANTITIES = {
    "RNNLayer": ("z", "h", "dC_dh", "delta"),
    "GRULayer": ("h", "gates", "dC_dh", "delta"),
    "LSTMLayer": ("h", "c", "gates", "dC_dh", "dC_dc", "delta"),
}


class LayerTrace:
    """The quantities of one recurrent layer (one direction), step by step.

    ``layer_trace["h"]`` is an array ``(time, batch, n)``; ``layer_trace["gates"]``
    a tuple of such arrays; ``layer_trace.step(t)`` a dict of one step's values
    ``(batch, n)``.

    Attributes
    ----------
    name : str
        ``"layers.{i}"``, or ``"layers.{i}.reverse"`` for the reverse
        direction of a bidirectional layer (whose step 0 reads the last input).
    kind : str
        The layer's class name.
    quantities : tuple of str
    """

    def __init__(self, name, kind, values):
        self.name, self.kind, self._values = name, kind, values
        self.quantities = tuple(values)

    def __getitem__(self, quantity):
        if quantity not in self._values:
            raise KeyError(f"{self.name} ({self.kind}) recorded {list(self.quantities)}, "
                           f"not {quantity!r}")
        return self._values[quantity]

    def __len__(self):
        return len(self._values["h"])

    def step(self, t):
        """The quantities of step ``t`` (counted in this direction's own order)."""
        return {name: (tuple(g[t] for g in value) if isinstance(value, tuple) else value[t])
                for name, value in self._values.items()}

    def __repr__(self):
        return f"<LayerTrace {self.name} ({self.kind}): {', '.join(self.quantities)}>"


class Trace:
    """What :func:`trace` recorded: a :class:`LayerTrace` per recurrent layer and direction.

    Index by name (``trace["layers.1"]``, ``trace["layers.1.reverse"]``) or by
    the layer's index in ``net.layers`` (``trace[1]``, its forward direction).

    Attributes
    ----------
    names : list of str
    output : ndarray
        The network's output of the pass.
    """

    def __init__(self, layers, output):
        self._layers = layers
        self.names = list(layers)
        self.output = output

    def __getitem__(self, key):
        name = f"layers.{key}" if isinstance(key, (int, np.integer)) else key
        if name not in self._layers:
            raise KeyError(f"no recurrent layer {key!r}; traced: {self.names}")
        return self._layers[name]

    def __iter__(self):
        return iter(self._layers.values())

    def __len__(self):
        return len(self._layers)

    def __repr__(self):
        return "<Trace of " + "; ".join(repr(layer)[1:-1] for layer in self) + ">"


def _directions(net):
    """``(name, layer)`` of every recurrent layer, both directions of a bidirectional one."""
    for i, layer in enumerate(net.layers):
        if hasattr(layer, "forward_layer"):
            yield f"layers.{i}", layer.forward_layer
            yield f"layers.{i}.reverse", layer.reverse_layer
        elif layer.recurrent:
            yield f"layers.{i}", layer


def _record_backward(node, record):
    """Make ``node`` record the gradients its ``backward`` receives and the delta it returns."""
    original = node.backward

    def backward(gradients, *args, **kwargs):
        returned = original(gradients, *args, **kwargs)
        record["dC_dh"] = np.array(gradients[0])
        if len(gradients) > 1:
            record["dC_dc"] = np.array(gradients[1])
        record["delta"] = np.array(returned[0])
        return returned

    node.backward = backward


def _summed(value):
    """A gradient of one step, summed over truncation windows when it has them."""
    return value.sum(axis=0) if value.ndim == 3 else value


def _forward_values(layer, t):
    node = layer.nodes[t]
    if hasattr(node, "z_t"):  # an Elman node
        return {"z": np.array(node.z_t), "h": np.array(node.h_t)}
    values = {"h": np.array(layer.out[:, t])}
    if layer.gates:
        values["gates"] = _gate_values(layer, t)
    if hasattr(node, "c_t"):
        values["c"] = np.array(node.c_t)
    return values


def _gate_values(layer, t):
    """Every gate of step ``t``, ``(batch, n)`` each: its activation of the pre-activation
    the layer keeps (``layer.Z[t]``, the blocks in the order of the cell's ``gates``)."""
    n, a_t = layer.n_features, layer.Z[t]
    activations = layer.activations
    return tuple(np.array(activations[role](a_t[:, i * n:(i + 1) * n]))
                 for i, role in enumerate(layer.node_class.gate_activations))


def _quantities(layer, per_step):
    """The quantities of ``layer`` in the order of the table above."""
    known = NODE_QUANTITIES.get(type(layer).__name__)
    if known is not None:
        return known
    order = ("z", "h", "c", "gates", "dC_dh", "dC_dc", "delta")
    return tuple(name for name in order if name in per_step[0])


def trace(net, X, t=None, *, dY=None, h0=None, c0=None, lengths=None):
    """Run one forward and backward pass of ``net`` and record what each node computed.

    Parameters
    ----------
    net : RNN
        A built network; its weights are not changed.
    X : ndarray of shape (batch, time, n_in)
    t : ndarray, optional
        Targets, as :meth:`RNN.train <rnn_nodes.RNN.train>` takes them; or give ``dY``.
    dY : ndarray, optional
        For a network that ends with a recurrent layer: the gradient of its
        output sequence (see :meth:`RNN.backward <rnn_nodes.RNN.backward>`).
    h0, c0 : ndarray, optional
    lengths : array-like of int, optional

    Returns
    -------
    Trace

    Examples
    --------
    >>> import numpy as np
    >>> from rnn_nodes import RNN
    >>> net = RNN(cost="mse", dtype="float64", seed=0)
    >>> net = net.add_InputLayer(1).add_RNNLayer(3).add_DenseLayer(1)
    >>> X = np.ones((2, 4, 1))
    >>> tr = trace(net, X, np.zeros((2, 1)))
    >>> tr[1]["h"].shape, tr[1]["dC_dh"].shape
    ((4, 2, 3), (4, 2, 3))
    >>> bool(np.allclose(tr[1]["h"][-1], net.layers[1].out[:, -1]))
    True
    """
    output = net.forward(X, h0, c0, lengths=lengths)
    records = {}
    for name, layer in _directions(net):
        kind = type(layer).__name__
        records[name] = (layer, kind, [{} for _ in layer.nodes])
        for node, record in zip(layer.nodes, records[name][2]):
            _record_backward(node, record)
    net.backward(t, dY=dY) if dY is not None else net.backward(t)
    layers = {}
    for name, (layer, kind, steps) in records.items():
        per_step = [_forward_values(layer, k) | step for k, step in enumerate(steps)]
        values = {}
        for quantity in _quantities(layer, per_step):
            column = [s[quantity] for s in per_step]
            if quantity == "gates":
                values[quantity] = tuple(np.stack(g) for g in zip(*column))
            elif quantity in ("dC_dh", "dC_dc"):
                values[quantity] = np.stack([_summed(v) for v in column])
            else:
                values[quantity] = np.stack([_summed(v) if quantity == "delta" else v
                                             for v in column])
        layers[name] = LayerTrace(name, kind, values)
        for node in layer.nodes:  # the nodes' own methods again
            node.__dict__.pop("backward", None)
    return Trace(layers, output)
