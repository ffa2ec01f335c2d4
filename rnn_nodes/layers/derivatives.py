"""The activation derivatives of a recurrent layer: all steps, all gates, one jitted call.

After its forward pass a layer holds the pre-activations of all its steps in
one array; sigma'(z) of all of them is one call into JAX, each activation's
derivative being its ``vmap(grad(f))`` (:class:`~rnn_nodes.activations.Activation`).
A gated layer's array holds blocks with different activations along its last
axis (an LSTM's ``i, f, g, o``): the call takes each block's own.

The call need not wait for the backward pass. :func:`start` dispatches it:
JAX computes on its own thread, on the other core, while the network works
out the cost and the layers above run their backward loops; :func:`finish`
waits for it when the layer's own loop begins.
"""

import functools

import jax
import jax.numpy as jnp

from rnn_nodes._jax import as_numpy, dispatch_at_precision


def start(blocks, *arrays):
    """Dispatch the blockwise derivatives of ``arrays`` to JAX; returns at once.

    Parameters
    ----------
    blocks : tuple of tuple of Activation
        For each array, the activations of its equal blocks along the last
        axis, in order: ``((tanh,),)`` for an Elman layer, ``((s, s, tanh,
        s), (tanh,))`` for an LSTM's gates and cell states.
    *arrays : ndarray
        The pre-activations, e.g. ``(time, batch, 4n)``; float32 or float64.

    Returns
    -------
    tuple of jax.Array
        For :func:`finish`.
    """
    return dispatch_at_precision(_jitted(blocks), *arrays)


def finish(pending):
    """The dispatched derivatives as numpy: one array of each input's shape and dtype."""
    return as_numpy(pending)


@functools.lru_cache(maxsize=None)
def _jitted(blocks):
    """Built and jitted once per tuple of activations."""
    def derivatives(*arrays):
        return tuple(
            jnp.concatenate([activation.derivative_function(block) for activation, block
                             in zip(activations, jnp.split(z, len(activations), axis=-1))],
                            axis=-1)
            for activations, z in zip(blocks, arrays))

    return jax.jit(derivatives)
