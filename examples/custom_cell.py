"""A cell of your own: the minimal gated unit, written as a node and checked.

The minimal gated unit (Zhou, Wu, Zhang & Zhou, 2016) keeps one gate, ``f``, that
both forgets and lets the candidate in. As in PyTorch's GRU, the gate multiplies
the candidate's recurrent term after the product with ``W_time``, which keeps the
cell within the two linear maps every cell of rnn-nodes shares. Row vectors, the
batch first, gates stacked ``f, h``::

    x_f, x_h = x_t @ W_layer + b_layer              (batch, 2n)  all steps, the layer
    u_f, u_h = h_{t-1} @ W_time + b_time            (batch, 2n)  the node
    f   = s(a_f),     a_f = x_f + u_f
    h~  = tanh(a_h),  a_h = x_h + f * u_h
    h_t = (1 - f) * h_{t-1} + f * h~

Backward, given the total gradient g = dC/dh_t::

    delta_h = g * f * tanh'(a_h)
    delta_f = (g * (h~ - h_{t-1}) + delta_h * u_h) * s'(a_f)
    delta_layer = (delta_f, delta_h)          dC/d(x_f, x_h)
    delta_time  = (delta_f, delta_h * f)      dC/d(u_f, u_h)
    dC/dh_{t-1} = g * (1 - f) + delta_time @ W_time.T

Run it (about 10 s on 2 cores)::

    python examples/custom_cell.py

It checks the cell with :func:`rnn_nodes.instruments.check_cell`, against finite differences
and against ``jax.grad`` of :func:`mgu_step` below, then trains a network of it.
"""

import numpy as np

from rnn_nodes import RNN, RecurrentLayer, RecurrentNode, check_cell, register_node


@register_node
class MGUNode(RecurrentNode):
    """One step of a minimal gated unit."""

    name = "mgu"
    states = ("h",)
    gates = ("f", "h")
    gate_activations = ("gate_activation", "activation")

    def forward(self, z_t, h_prev, out=None, state_out=None):
        n = h_prev.shape[-1]
        u = h_prev @ self.params["W_time"] + self.params["b_time"]
        a_f = z_t[:, :n] + u[:, :n]
        f = self.gate_activation(a_f)
        a_h = z_t[:, n:] + f * u[:, n:]
        h_candidate = self.activation(a_h)
        h_t = (1 - f) * h_prev + f * h_candidate
        # what backward needs
        self.f, self.u_h, self.h_prev, self.h_candidate = f, u[:, n:], h_prev, h_candidate
        return np.concatenate([a_f, a_h], axis=-1), (h_t,)

    def backward(self, gradients, derivatives, W_time_T, out=None):
        (g,), (d_a,) = gradients, derivatives  # d_a: s'(a_f), tanh'(a_h)
        n = self.f.shape[-1]
        delta_h = g * self.f * d_a[:, n:]
        delta_f = (g * (self.h_candidate - self.h_prev) + delta_h * self.u_h) * d_a[:, :n]
        delta_layer = np.concatenate([delta_f, delta_h], axis=-1)
        delta_time = np.concatenate([delta_f, delta_h * self.f], axis=-1)
        dC_dh_prev = g * (1 - self.f) + delta_time @ W_time_T
        return delta_layer, delta_time, (dC_dh_prev,)


def mgu_step(p, x, h):
    """The same step in ``jax.numpy``, for ``jax.grad`` to differentiate: the reference."""
    import jax

    n = h.shape[-1]
    x_terms = x @ p["W_layer"] + p["b_layer"][None, :]  # rows: the batch
    u = h @ p["W_time"] + p["b_time"][None, :]
    f = jax.nn.sigmoid(x_terms[:, :n] + u[:, :n])
    h_candidate = jax.numpy.tanh(x_terms[:, n:] + f * u[:, n:])
    return (1 - f) * h + f * h_candidate


def main():
    result = check_cell(MGUNode, reference=mgu_step)
    print(result)
    # a network of it learns the sum of a sequence, as any other
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (256, 10, 1))
    y = X.sum(axis=1)
    net = RNN(cost="mse", seed=0).add_InputLayer(1)
    net.add_layer(RecurrentLayer(16, cell=MGUNode)).add_DenseLayer(1)
    history = net.train(X, y, epochs=30, batch_size=32, verbose=False)
    print(f"mse {history['loss'][0]:.3f} -> {history['loss'][-1]:.4f} "
          f"(predicting the mean: {y.var():.3f})")


if __name__ == "__main__":
    main()
