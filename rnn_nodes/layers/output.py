"""The output layer: a dense map at every time step (many-to-many)."""

from rnn_nodes.layers.dense_map import DenseMap


class OutputLayer(DenseMap):
    """``y_t = sigma(h_t W_layer + b_layer)`` for every step t; no recurrence.

    The steps do not depend on each other, so the layer's node computes the
    same equations for all of them at once, on ``(batch, time, n)`` arrays.

    Parameters
    ----------
    n_features : int
        Number of outputs per time step.
    activation : str or callable, default="identity"
    """

    def build(self, n_in, sequence_input, dtype, rng):
        if not sequence_input:
            raise ValueError(
                "OutputLayer maps every time step and needs a sequence below it; "
                "use DenseLayer after a DenseLayer"
            )
        super().build(n_in, sequence_input, dtype, rng)

    def forward(self, H, lengths=None):
        """H : (batch, time, n_in) -> (batch, time, n); every step alike, padded ones too."""
        return self._forward_rows(H)

    def backward(self, dC_dY=None, delta=None):
        """Backward for every step; contributions summed over time.

        Parameters
        ----------
        dC_dY : ndarray of shape (..., batch, time, n), optional
            Gradient with respect to the output.
        delta : ndarray of shape (batch, time, n), optional
            dC/dz given directly by a paired cost (then ``dC_dY`` is unused).

        Returns
        -------
        ndarray of shape (..., batch, time, n_in)
        """
        return self._backward_rows(dC_dY, delta)
