"""The gradient that starts a backward pass: of a cost against targets, or given as ``dY``.

A network's output is its last layer's: a head (:class:`~rnn_nodes.layers.OutputLayer`,
:class:`~rnn_nodes.layers.DenseLayer`) or, as PyTorch's ``nn.RNN`` / ``nn.GRU`` /
``nn.LSTM``, a recurrent layer, whose hidden sequence ``(batch, time, n)`` is then the output.
:meth:`RNN.backward <rnn_nodes.RNN.backward>` starts from one of

- targets ``t``: the gradient of the network's cost. After a recurrent layer the cost is
  taken on the hidden sequence itself, as Keras allows for a ``SimpleRNN`` last layer (with
  ``tanh`` the states lie in (-1, 1), so the targets should too); the exact pairings of a
  cost with a head's activation (sigmoid + ``bce``, softmax + ``cce``) do not apply there;
- ``dY``: the gradient of whatever the caller computes from the output, PyTorch's
  ``output.backward(dY)``. Its backward pass gives the gradients of ``sum(Y * dY)``
  (plus ``sum(h_n * dh_n)`` and ``sum(c_n * dc_n)`` with the final states' gradients);
- neither: only the final states' gradients, if any.
"""

import numpy as np

from rnn_nodes.validation import as_float_array


def output_seed(net, t, dY):
    """The cost of the latest forward pass and the gradient that starts its backward pass.

    Parameters
    ----------
    net : RNN
        After a forward pass (its ``_output`` and ``_lengths``).
    t : ndarray of the output's shape, list, or None
        Targets (see :meth:`RNN.backward <rnn_nodes.RNN.backward>`).
    dY : ndarray of the output's shape, or None
        dC/dY of the output; zero at the padded steps of a padded sequence
        output whatever it holds there (the output is zero there whatever the
        weights).

    Returns
    -------
    cost : float
        The data cost; 0.0 without targets.
    seed : ndarray of the output's shape
        dC/dY, or dC/dz of a head whose activation pairs with the cost.
    is_delta : bool
        Which of the two ``seed`` is.

    Raises
    ------
    ValueError
        If both ``t`` and ``dY`` are given, or ``dY`` is not of the output's shape.
    """
    output, lengths = net._output, net._lengths
    mask = net.output_mask(lengths, output.shape[1])
    if t is not None and dY is not None:
        raise ValueError("Give targets `t` or the output's gradient `dY`, not both: "
                         "call backward(None, dY=...) for the gradient of sum(Y * dY)")
    if dY is not None:
        return 0.0, check_output_gradient(dY, output, mask, net.dtype), False
    if t is None:
        return 0.0, np.zeros_like(output), False
    t = net._check_targets(t, output.shape[:2], lengths=lengths)
    last = net.layers[-1]
    activation = None if last.recurrent else last.activation  # a state pairs with no cost
    return net.cost.value_and_seed(output, t, activation, mask)


def check_output_gradient(dY, output, mask, dtype):
    """``dY`` as a float array of exactly the output's shape, zero where ``mask`` is False."""
    layout = "(batch, time, n_out)" if output.ndim == 3 else "(batch, n_out)"
    dY = as_float_array(dY, "dY", output.ndim, dtype)
    if dY.shape != output.shape:
        raise ValueError(f"Argument `dY` must have the output's shape {layout} = "
                         f"{output.shape}, got {dY.shape}")
    if mask is not None:
        dY = np.where(mask[..., None], dY, 0).astype(dtype, copy=False)
    return dY
