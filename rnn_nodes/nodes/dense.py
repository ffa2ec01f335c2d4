"""The node of a layer without recurrence: ``y = sigma(z)``, every step (or row) at once."""


class DenseNode:
    """The cache and the equation (1) of a dense map, on arrays of any leading shape.

    Parameters
    ----------
    activation : Activation
        sigma and its backward rule.
    """

    def __init__(self, activation):
        self.activation = activation
        self.z = None

    def forward(self, z):
        """``sigma(z)`` for the input terms ``z = h @ W_layer + b_layer``, shape (..., n)."""
        self.z = z
        return self.activation(z)

    def backward(self, dC_dy):
        """Equation (1): delta = dC/dz from dC/dy, shape (..., n); leading (budget) axes carried."""
        return self.activation.vector_jacobian(self.z, dC_dy)
