"""Adding layers to a network: ``add_layer`` and one ``add_*`` method per layer type.

A part of :class:`~rnn_nodes.RNN` (which inherits it), kept in its own file.
"""

from rnn_nodes.layers import (
    Bidirectional,
    DenseLayer,
    GRULayer,
    InputLayer,
    Layer,
    LSTMLayer,
    OutputLayer,
    RecurrentLayer,
    RNNLayer,
)


class BuildingMethods:
    """Adding layers to a network; a part of :class:`~rnn_nodes.RNN`."""

    def add_layer(self, layer):
        """Append ``layer``, sized to the layer below, and draw its weights.

        Returns
        -------
        self
        """
        if not isinstance(layer, Layer):
            raise TypeError("Received an invalid value for argument `layer`, expected a "
                            f"Layer, got {type(layer).__name__}: {layer!r}")
        if not self.layers and not isinstance(layer, InputLayer):
            raise ValueError("The first layer must be an InputLayer: call "
                             "add_InputLayer(n_features) first")
        if self.layers and isinstance(layer, InputLayer):
            raise ValueError("A network has one InputLayer, and it comes first")
        if layer.is_built:
            raise ValueError(f"{layer!r} already belongs to a network")
        if layer.recurrent:
            layer.bptt_limit = self.bptt_limit
        below = self.layers[-1] if self.layers else layer
        layer.build(below.n_features, below.sequence_output, self.dtype, self.rng)
        if isinstance(layer, DenseLayer) and below.sequence_output:
            layer.source = below  # many-to-one: reads below.last_step
        self.layers.append(layer)
        self.scheduler_states = {}
        return self

    def add_InputLayer(self, n_features):
        """Input of ``n_features`` features per time step."""
        return self.add_layer(InputLayer(n_features))

    def add_RNNLayer(self, n_features, activation="tanh", bidirectional=False, merge="concat"):
        """An Elman recurrent layer of ``n_features`` hidden units.

        ``bidirectional=True`` wraps it in :class:`Bidirectional` with ``merge``
        (``"concat"``: ``2 * n_features`` outputs per step, or ``"sum"``).
        """
        return self._add_recurrent(RNNLayer(n_features, activation), bidirectional, merge)

    def add_GRULayer(self, n_features, activation="tanh", gate_activation="sigmoid",
                     bidirectional=False, merge="concat"):
        """A GRU layer (PyTorch's ``nn.GRU`` equations); see :meth:`add_RNNLayer` for the rest."""
        return self._add_recurrent(GRULayer(n_features, activation, gate_activation),
                                   bidirectional, merge)

    def add_LSTMLayer(self, n_features, activation="tanh", gate_activation="sigmoid",
                      forget_bias=1.0, bidirectional=False, merge="concat"):
        """An LSTM layer (PyTorch's ``nn.LSTM`` equations); see :meth:`add_RNNLayer` for the rest."""
        layer = LSTMLayer(n_features, activation, gate_activation, forget_bias)
        return self._add_recurrent(layer, bidirectional, merge)

    def add_RecurrentLayer(self, n_features, cell="elman", activation="tanh",
                           gate_activation="sigmoid", bidirectional=False, merge="concat"):
        """A recurrent layer of any cell: a node class of your own or a registered name.

        See :class:`~rnn_nodes.layers.RecurrentLayer` and :meth:`add_RNNLayer` for the rest.

        Examples
        --------
        >>> from rnn_nodes import RNN
        >>> net = RNN(seed=0).add_InputLayer(1).add_RecurrentLayer(4, cell="gru")
        >>> net.layers[1]
        RecurrentLayer(4, cell='gru')
        """
        layer = RecurrentLayer(n_features, cell, activation, gate_activation)
        return self._add_recurrent(layer, bidirectional, merge)

    def _add_recurrent(self, layer, bidirectional, merge):
        if not isinstance(bidirectional, bool):
            raise TypeError("Received an invalid value for argument `bidirectional`, expected "
                            f"True or False, got {bidirectional!r}")
        return self.add_layer(Bidirectional(layer, merge) if bidirectional else layer)

    def add_OutputLayer(self, n_features, activation="identity"):
        """A dense map at every time step: many-to-many output ``(batch, time, n)``."""
        return self.add_layer(OutputLayer(n_features, activation))

    def add_DenseLayer(self, n_features, activation="identity"):
        """A dense map of the last time step (many-to-one) or of the dense layer below."""
        return self.add_layer(DenseLayer(n_features, activation))
