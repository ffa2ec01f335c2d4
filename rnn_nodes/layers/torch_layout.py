"""PyTorch's weight layout for recurrent layers: ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``."""

import numpy as np


def set_torch_weights(layer, gates, torch_name, weight_ih, weight_hh, bias_ih, bias_hh):
    """Check PyTorch-layout arrays against ``layer`` and load them, transposed.

    Parameters
    ----------
    layer : Layer
        A built recurrent layer with ``W_layer`` (n_in, G n), ``W_time`` (n, G n),
        ``b_layer`` and ``b_time`` (G n,).
    gates : tuple of str
        The G gates stacked along the output axis, in PyTorch's order.
    torch_name : str
        The PyTorch module, for error messages (``"nn.GRU"``).
    weight_ih : ndarray of shape (G n, n_in)
    weight_hh : ndarray of shape (G n, n)
    bias_ih, bias_hh : ndarray of shape (G n,)

    Raises
    ------
    ValueError
        Naming the argument whose shape is not PyTorch's.
    """
    n, n_in, stacked = layer.n_features, layer.n_in, len(gates) * layer.n_features
    expected = {"weight_ih": (stacked, n_in), "weight_hh": (stacked, n),
                "bias_ih": (stacked,), "bias_hh": (stacked,)}
    given = {"weight_ih": weight_ih, "weight_hh": weight_hh,
             "bias_ih": bias_ih, "bias_hh": bias_hh}
    for name, array in given.items():
        shape = np.shape(array)
        if shape != expected[name]:
            gate_note = f", gates {', '.join(gates)}" if len(gates) > 1 else ""
            raise ValueError(
                f"Argument `{name}` must have shape {expected[name]} (PyTorch's "
                f"{torch_name} layout{gate_note}), got {shape}"
            )
    layer.set_params(
        W_layer=np.asarray(weight_ih).T, W_time=np.asarray(weight_hh).T,
        b_layer=bias_ih, b_time=bias_hh,
    )
