"""The activation derivatives of a recurrent layer: all steps, all gates, one jitted call.

After its forward pass a layer holds the pre-activations of all its steps in
one array; sigma'(z) of all of them is one call into JAX, each activation's
derivative being its ``vmap(grad(f))`` (:class:`~rnn_nodes.activations.Activation`).
A gated layer's array holds blocks with different activations along its last
axis (an LSTM's ``i, f, g, o``): the call takes each block's own.

The call need not wait for the backward pass. :func:`start` dispatches it:
JAX computes on its own thread, on the other core, while the network works
out the cost and the layers above run their backward loops; :func:`finish`
waits for it when the layer's own loop begins. In training a layer starts
it earlier still, in pieces of consecutive steps during its forward pass
(:func:`piece_ends`), so that JAX works while the later steps are computed;
:func:`finish_pieces` reads them back, step by step.
"""

import functools

from rnn_nodes._jax import as_numpy, dispatch_at_precision, jax, jnp


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


PIECES_FROM = 2 ** 19
"""Values to differentiate in one pass from which a layer starts them in pieces (:func:`piece_ends`)."""


def piece_ends(time, size):
    """After which steps a forward pass starts the derivatives of the steps before.

    Every dispatch costs the calling thread time, so a layer with few values
    to differentiate (``size`` below :data:`PIECES_FROM`: configs A and B of
    ``python -m benchmarks``) starts them all at once when its last step is
    done. A larger one (config C, an LSTM with 1.1 million values) starts
    them in pieces while its later steps are computed. The benchmark times
    the other choice beside the network's on every config. The backward
    loop needs the last steps first, so the pieces shrink towards the end:
    half the steps, a quarter, an eighth, the rest. What JAX still has to do
    when the forward pass ends is the last piece only.

    Parameters
    ----------
    time : int
        Steps of the pass.
    size : int
        Values whose derivatives the layer needs (all steps, all gates).

    Returns
    -------
    tuple of int
        Increasing step counts, the last one ``time``.
    """
    if size < PIECES_FROM or time < 8:
        return (time,)
    return ((time + 1) // 2, (3 * time + 3) // 4, (7 * time + 7) // 8, time)


def finish_pieces(pieces):
    """The derivatives of consecutive pieces of steps, each array indexable by step.

    Parameters
    ----------
    pieces : list of (int, int, tuple of jax.Array)
        ``(start, stop, dispatched)``: the result of :func:`start` on the
        steps ``start .. stop - 1`` of time-major arrays, in order, covering
        every step.

    Returns
    -------
    tuple
        One item per array given to :func:`start`: ``item[t]`` is step
        ``t``'s derivatives. The numpy array itself for one piece; a list of
        the steps' arrays for several (the backward loop reads the last
        piece first, and the earlier ones were started earlier, so waiting
        for all of them costs little more than waiting for the last).
    """
    if len(pieces) == 1:
        return finish(pieces[0][2])
    finished = [finish(dispatched) for _, _, dispatched in pieces]
    return tuple([step for arrays in finished for step in arrays[k]]
                 for k in range(len(finished[0])))
