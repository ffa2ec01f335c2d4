"""A table of a network's layers, as Keras' ``model.summary()``: type, output shape, parameters.

>>> from rnn_nodes import RNN
>>> net = RNN(seed=0).add_InputLayer(2).add_LSTMLayer(8, bidirectional=True).add_DenseLayer(1)
>>> net.summary()
RNN(cost='mse', dtype='float32')
#  Layer                                        Output shape       Params
=========================================================================
0  InputLayer(2)                                (batch, time, 2)        0
1  Bidirectional(LSTMLayer(8), merge='concat')  (batch, time, 16)     768
2  DenseLayer(1)                                (batch, 1)             17
=========================================================================
Total params: 785 (float32: 3,140 bytes)

Counted as PyTorch counts: the LSTM layer has 2 directions * (4 * 8 * (2 + 8) weights +
2 * 4 * 8 biases) = 768, as ``nn.LSTM(2, 8, bidirectional=True)``; the dense layer 16 + 1.
"""

import numpy as np

HEADER = ("#", "Layer", "Output shape", "Params")


def output_shape(layer):
    """``"(batch, time, n)"`` for a sequence output, ``"(batch, n)"`` for one vector per sequence."""
    if layer.sequence_output:
        return f"(batch, time, {layer.n_features})"
    return f"(batch, {layer.n_features})"


def summary_text(net):
    """The table of :meth:`RNN.summary <rnn_nodes.RNN.summary>` as a string.

    Parameters
    ----------
    net : RNN

    Returns
    -------
    str
        One row per layer of ``net.layers``: index, layer, output shape and
        number of parameters (every one trainable), then the total and its
        size in bytes in the network's dtype.
    """
    rows = [(str(i), repr(layer), output_shape(layer),
             f"{sum(value.size for value in layer.params.values()):,}")
            for i, layer in enumerate(net.layers)]
    widths = [max(len(row[k]) for row in [HEADER, *rows]) for k in range(4)]

    def line(row):
        cells = [row[k].ljust(widths[k]) for k in range(3)] + [row[3].rjust(widths[3])]
        return "  ".join(cells)

    rule = "=" * len(line(HEADER))
    total = sum(value.size for layer in net.layers for value in layer.params.values())
    size = total * np.dtype(net.dtype).itemsize
    title = f"RNN(cost={net.cost.name!r}, dtype={np.dtype(net.dtype).name!r})"
    body = [line(row) for row in rows] or ["(no layers: start with add_InputLayer)"]
    footer = f"Total params: {total:,} ({np.dtype(net.dtype).name}: {size:,} bytes)"
    return "\n".join([title, line(HEADER), rule, *body, rule, footer])
