"""The dense layer: one vector per sequence (many-to-one), or after another dense layer."""

from rnn_nodes.layers.dense_map import DenseMap


class DenseLayer(DenseMap):
    """``y = sigma(h W_layer + b_layer)`` on the last time step of a sequence, or on a vector.

    Parameters
    ----------
    n_features : int
        Number of outputs.
    activation : str or callable, default="identity"
    """

    sequence_output = False
    source = None
    """The layer below when it gives a sequence (set by the network): its ``last_step`` is read."""

    def forward(self, H, lengths=None):
        """H : (batch, time, n_in) (the last step is read) or (batch, n_in) -> (batch, n).

        With ``lengths`` (batch,), each sequence's own last step ``lengths[b] - 1`` is read.
        """
        self.time = H.shape[1] if self.sequence_input else None
        self.lengths = lengths
        if not self.sequence_input:
            return self._forward_rows(H)
        source = self.source or self  # no source given: Layer.last_step, the last step
        padded = () if lengths is None else (lengths,)
        return self._forward_rows(source.last_step(H, *padded))

    def backward(self, dC_dY=None, delta=None):
        """dC/dy (or a paired delta) of shape (batch, n) -> dC/dH of the input.

        Returns
        -------
        ndarray
            (batch, time, n_in) with zeros before the last step, for a
            sequence input (``source.last_step_backward`` when the source
            reads differently, as a bidirectional layer); (batch, n_in) otherwise.
        """
        dC_dh = self._backward_rows(dC_dY, delta)
        if not self.sequence_input:
            return dC_dh
        source = self.source or self
        padded = () if self.lengths is None else (self.lengths,)
        return source.last_step_backward(dC_dh, self.time, *padded)
