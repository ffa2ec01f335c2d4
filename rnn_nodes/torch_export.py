"""A network out to PyTorch: its recurrent weights as a state dict, or the whole network as an ``nn.Module``.

:func:`torch_state_dict` is the inverse of :meth:`RNN.load_torch_state_dict
<rnn_nodes.RNN.load_torch_state_dict>`: the k-th recurrent layer's weights under
``weight_ih_l{k}``, ``weight_hh_l{k}``, ``bias_ih_l{k}``, ``bias_hh_l{k}`` (and
``..._l{k}_reverse`` for a bidirectional layer), in PyTorch's layout, numpy arrays; no torch
needed. :func:`to_torch` (torch installed) builds the network as PyTorch modules:

- consecutive recurrent layers of one kind (cell, width, directions, activations) become one
  ``nn.RNN`` / ``nn.GRU`` / ``nn.LSTM`` with ``num_layers`` (``batch_first=True``);
- an :class:`~rnn_nodes.OutputLayer` becomes ``nn.Linear`` on every step, a
  :class:`~rnn_nodes.DenseLayer` ``nn.Linear`` on the last step (for a bidirectional layer:
  the forward direction's last step and the reverse direction's first, as here), each
  followed by its activation's module (``nn.Tanh``, ``nn.Sigmoid``, ``nn.ReLU``,
  ``nn.LeakyReLU(0.01)``, ``nn.Softmax(dim=-1)``; nothing for ``identity``).

The module maps ``X`` (batch, time, n_in) to the network's output from zero initial states,
in the network's dtype, and is an ``nn.Sequential``: ``torch.jit.trace`` and
``torch.onnx.export`` take it as it is. What PyTorch has no module for is refused, naming the
layer: a user's activation, a recurrent layer whose activations PyTorch's cells do not have
(an Elman layer other than ``tanh`` / ``relu``, gated layers other than ``tanh`` and
``sigmoid``), a bidirectional layer merged by ``"sum"``.

>>> from rnn_nodes import RNN
>>> net = RNN(seed=0).add_InputLayer(2).add_LSTMLayer(3, bidirectional=True).add_LSTMLayer(3)
>>> sorted(net.torch_state_dict())[:4]
['bias_hh_l0', 'bias_hh_l0_reverse', 'bias_hh_l1', 'bias_ih_l0']
"""

import numpy as np

from rnn_nodes.layers import (
    Bidirectional,
    DenseLayer,
    GRULayer,
    LSTMLayer,
    OutputLayer,
    RNNLayer,
)

TORCH_NAMES = {"W_layer": "weight_ih", "W_time": "weight_hh", "b_layer": "bias_ih",
               "b_time": "bias_hh"}
CELLS = {RNNLayer: "RNN", GRULayer: "GRU", LSTMLayer: "LSTM"}
HEAD_ACTIVATIONS = {"identity": None, "tanh": ("Tanh", {}), "sigmoid": ("Sigmoid", {}),
                    "relu": ("ReLU", {}), "leaky_relu": ("LeakyReLU", {"negative_slope": 0.01}),
                    "softmax": ("Softmax", {"dim": -1})}


def directions(net):
    """``(k, layer, suffix)`` for every direction of every recurrent layer: k counts the
    recurrent layers, the suffix is ``""`` or ``"_reverse"``."""
    found = []
    for k, layer in enumerate(net.recurrent_layers):
        if isinstance(layer, Bidirectional):
            found += [(k, layer.forward_layer, ""), (k, layer.reverse_layer, "_reverse")]
        else:
            found.append((k, layer, ""))
    return found


def torch_state_dict(net):
    """The recurrent layers' weights in PyTorch's layout and names (the inverse of loading them).

    Parameters
    ----------
    net : RNN

    Returns
    -------
    dict of str to ndarray
        ``weight_ih_l{k}`` (G n, n_in) = ``W_layer.T``, ``weight_hh_l{k}`` (G n, n) =
        ``W_time.T``, ``bias_ih_l{k}`` = ``b_layer``, ``bias_hh_l{k}`` = ``b_time``
        for the k-th recurrent layer (``_reverse`` after them for its reverse
        direction); C-ordered copies in the network's dtype.
    """
    state = {}
    for k, layer, suffix in directions(net):
        if not layer.torch_name:
            raise ValueError(f"{layer!r} has no PyTorch counterpart: its cell "
                             f"{layer.cell!r} is not one of nn.RNN, nn.GRU, nn.LSTM")
        for ours, theirs in TORCH_NAMES.items():
            value = layer.params[ours]
            state[f"{theirs}_l{k}{suffix}"] = np.ascontiguousarray(
                value.T if value.ndim == 2 else value)
    return state


def to_torch(net):
    """The network as a ``torch.nn.Sequential`` with the same weights and the same outputs.

    Parameters
    ----------
    net : RNN
        Complete (an input layer and at least one more).

    Returns
    -------
    torch.nn.Sequential
        ``module(X)`` for a tensor ``X`` (batch, time, n_in) of the network's
        dtype equals ``net.forward(X)`` (float64: within 1e-12; float32: 1e-6).

    Raises
    ------
    ImportError
        Without torch.
    ValueError
        Naming the first layer PyTorch has no module for (see :mod:`rnn_nodes.torch_export`).
    """
    import torch  # optional: only this function needs it

    from rnn_nodes.torch_modules import LastStep, Recurrent

    net._check_complete()
    dtype = torch.float64 if np.dtype(net.dtype) == np.float64 else torch.float32
    stages, i = [], 1
    while i < len(net.layers):
        layer = net.layers[i]
        if layer.recurrent:
            group = _recurrent_group(net, i)
            stages.append(Recurrent(_recurrent_module(torch, net, group, dtype)))
            i += len(group)
            continue
        if isinstance(layer, DenseLayer) and layer.sequence_input:
            below = net.layers[i - 1]
            split = below.forward_layer.n_features if isinstance(below, Bidirectional) else None
            stages.append(LastStep(split))
        stages += _dense_modules(torch, i, layer, dtype)
        i += 1
    return torch.nn.Sequential(*stages)


def _kind(layer):
    """What must agree for layers to share one PyTorch module: cell, width, directions
    (and their merge), activations."""
    cell = layer.forward_layer if isinstance(layer, Bidirectional) else layer
    gates = getattr(cell, "gate_activation", None)
    return (type(cell), cell.n_features, getattr(layer, "merge", None),
            cell.activation.name, None if gates is None else gates.name)


def _recurrent_group(net, start):
    """Indices of the consecutive recurrent layers from ``start`` that one PyTorch module runs."""
    _check_recurrent(start, net.layers[start])
    group = [start]
    while (group[-1] + 1 < len(net.layers) and net.layers[group[-1] + 1].recurrent
           and _kind(net.layers[group[-1] + 1]) == _kind(net.layers[start])):
        group.append(group[-1] + 1)
    return group


def _check_recurrent(i, layer):
    where = f"net.layers[{i}], {layer!r},"
    if isinstance(layer, Bidirectional) and layer.merge != "concat":
        raise ValueError(f"{where} has no PyTorch module: PyTorch's bidirectional layers "
                         "concatenate the directions (merge='concat'), they do not add them")
    cell_type, _, _, activation, gates = _kind(layer)
    if cell_type not in CELLS:
        raise ValueError(f"{where} has no PyTorch module: only RNNLayer, GRULayer and "
                         "LSTMLayer have one (nn.RNN, nn.GRU, nn.LSTM)")
    if cell_type is RNNLayer and activation not in ("tanh", "relu"):
        raise ValueError(f"{where} has no PyTorch module: nn.RNN's nonlinearity is 'tanh' or "
                         f"'relu', this layer's activation is {activation!r}")
    if cell_type is not RNNLayer and (activation, gates) != ("tanh", "sigmoid"):
        raise ValueError(f"{where} has no PyTorch module: nn.{CELLS[cell_type]} has "
                         f"activation 'tanh' and gate_activation 'sigmoid', this layer "
                         f"{activation!r} and {gates!r}")


def _recurrent_module(torch, net, group, dtype):
    """One ``nn.RNN`` / ``nn.GRU`` / ``nn.LSTM`` for the layers ``group``, their weights loaded."""
    first = net.layers[group[0]]
    cell_type, n, merge, activation, _ = _kind(first)
    bidirectional = merge is not None
    options = {"nonlinearity": activation} if cell_type is RNNLayer else {}
    module = getattr(torch.nn, CELLS[cell_type])(
        first.n_in, n, num_layers=len(group), batch_first=True, bidirectional=bidirectional,
        dtype=dtype, **options)
    state = {}
    for j, i in enumerate(group):
        layer = net.layers[i]
        for cell, suffix in (layer.directions if bidirectional else ((layer, ""),)):
            for ours, theirs in TORCH_NAMES.items():
                value = cell.params[ours]
                state[f"{theirs}_l{j}{suffix}"] = torch.tensor(value.T if value.ndim == 2
                                                               else value, dtype=dtype)
    module.load_state_dict(state)
    return module


def _dense_modules(torch, i, layer, dtype):
    """``nn.Linear`` with the layer's weights, then its activation's module (none for identity)."""
    if type(layer) not in (OutputLayer, DenseLayer):  # a user's own layer
        raise ValueError(f"net.layers[{i}], {layer!r}, has no PyTorch module")
    name = layer.activation.name
    if name not in HEAD_ACTIVATIONS:
        raise ValueError(f"net.layers[{i}], {layer!r}, has activation {name!r}, for which "
                         f"torch.nn has no module; to_torch knows {sorted(HEAD_ACTIVATIONS)}")
    linear = torch.nn.Linear(layer.n_in, layer.n_features, dtype=dtype)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor(layer.params["W_layer"].T, dtype=dtype))
        linear.bias.copy_(torch.tensor(layer.params["b_layer"], dtype=dtype))
    if HEAD_ACTIVATIONS[name] is None:
        return [linear]
    module, options = HEAD_ACTIVATIONS[name]
    return [linear, getattr(torch.nn, module)(**options)]
