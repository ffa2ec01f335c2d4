"""One time step of one layer: the forward equation and the backward equations.

Notation of the notes, with row vectors and the batch along the first axis::

    z_t = h_layer_t @ W_layer + b_layer + h_{t-1} @ W_time + b_time
    h_t = sigma(z_t)

Given the total gradient dC/dh_t, arriving from the layer above and from
step t+1, equations (1)-(6) of the notes::

    delta_t       = dC/dh_t * sigma'(z_t)             (1)
    dC/db_layer  += sum over batch of delta_t         (2)   (dC/db_time alike)
    dC/dW_layer  += h_layer_t.T @ delta_t             (3)
    dC/dW_time   += h_{t-1}.T @ delta_t               (4)
    dC/dh_layer_t = delta_t @ W_layer.T               (5)
    dC/dh_{t-1}   = delta_t @ W_time.T                (6)

The ``+=`` is what makes a weight shared by every time step correct: its
gradient is the sum of the per-step contributions, equations (7)-(10).
For softmax, (1) is the exact vector-Jacobian product instead of a product
with an elementwise derivative.
"""



class Node:
    """The cache and the equations of one time step.

    A node holds no parameters and no hyperparameters: it reads the weights
    from, and adds its gradient contributions into, dicts its layer owns.

    Parameters
    ----------
    params : dict of str to ndarray
        The layer's parameters: ``W_layer`` (n_in, n), ``b_layer`` (n,) and,
        for a recurrent layer, ``W_time`` (n, n) and ``b_time`` (n,).
    grads : dict of str to ndarray
        The layer's gradient buffers, same keys and shapes as ``params``.
    activation : Activation
        sigma and its backward rule.

    Notes
    -----
    Gradients may carry leading axes before ``(batch, n)``: a recurrent layer
    trained with truncated backpropagation through time keeps one slice per
    remaining number of steps (see :class:`~rnn_nodes.layers.RNNLayer`). The
    equations act on every slice; the parameter gradients sum over them.
    """

    def __init__(self, params, grads, activation):
        self.params = params
        self.grads = grads
        self.activation = activation
        self.h_layer = None
        self.h_time = None
        self.z_t = None
        self.h_t = None

    @property
    def is_recurrent(self):
        return "W_time" in self.params

    def forward(self, h_layer, h_time=None):
        """h_t = sigma(h_layer @ W_layer + b_layer [+ h_time @ W_time + b_time]).

        Parameters
        ----------
        h_layer : ndarray of shape (batch, n_in)
            Output of the layer below at this time step.
        h_time : ndarray of shape (batch, n), optional
            This layer's output at the previous step (recurrent layers only).

        Returns
        -------
        h_t : ndarray of shape (batch, n)
        """
        p = self.params
        z_t = h_layer @ p["W_layer"] + p["b_layer"]
        if self.is_recurrent:
            z_t = z_t + h_time @ p["W_time"] + p["b_time"]
        self.h_layer, self.h_time, self.z_t = h_layer, h_time, z_t
        self.h_t = self.activation(z_t)
        return self.h_t

    def backward(self, dC_dh=None, delta=None):
        """Equations (1)-(6) for this step.

        Parameters
        ----------
        dC_dh : ndarray of shape (..., batch, n), optional
            Total gradient of the cost with respect to ``h_t``.
        delta : ndarray of shape (..., batch, n), optional
            dC/dz_t given directly (a cost paired with this activation);
            then equation (1) is skipped.

        Returns
        -------
        dC_dh_layer : ndarray of shape (..., batch, n_in)
            Gradient with respect to ``h_layer``, equation (5).
        dC_dh_time : ndarray of shape (..., batch, n) or None
            Gradient with respect to ``h_time``, equation (6); None for a
            layer without recurrence.
        """
        p, g = self.params, self.grads
        if delta is None:
            delta = self.activation.vector_jacobian(self.z_t, dC_dh)  # (1)
        delta_all = _sum_leading_axes(delta)  # every slice feeds the weights
        g["b_layer"] += delta_all.sum(axis=0)  # (2)
        g["W_layer"] += self.h_layer.T @ delta_all  # (3)
        dC_dh_layer = delta @ p["W_layer"].T  # (5)
        if not self.is_recurrent:
            return dC_dh_layer, None
        g["b_time"] += delta_all.sum(axis=0)  # (2)
        g["W_time"] += self.h_time.T @ delta_all  # (4)
        dC_dh_time = delta @ p["W_time"].T  # (6)
        return dC_dh_layer, dC_dh_time


def _sum_leading_axes(array):
    """(..., batch, n) -> (batch, n)."""
    return array.reshape((-1,) + array.shape[-2:]).sum(axis=0)
