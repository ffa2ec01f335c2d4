"""Calling jitted JAX functions from numpy code, at the caller's precision.

JAX computes in float32 unless 64-bit mode is on, and the project never turns
that mode on globally. A float64 network therefore runs its JAX calls inside
``jax.enable_x64(True)``, a thread-local context: float64 arrays go in, float64
arrays come out, and everyone else's JAX keeps its own setting.

JAX takes more than a second to import, so ``import rnn_nodes`` does not
import it: modules write ``from rnn_nodes._jax import jax, jnp`` and get
stand-ins that import the real modules on first use (the first jitted
function built, which happens at the first derivative or cost a network
needs).
"""

import importlib

import numpy as np


class LazyModule:
    """A stand-in for a module, imported at its first attribute read.

    Parameters
    ----------
    name : str
        The module's import name, e.g. ``"jax.numpy"``.

    Examples
    --------
    >>> math = LazyModule("math")
    >>> math.sqrt(4.0)
    2.0
    """

    def __init__(self, name):
        self._name = name
        self._module = None

    def __getattr__(self, attribute):
        # only called for names not found on the stand-in itself
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attribute)

    def __repr__(self):
        state = "imported" if self._module is not None else "not imported yet"
        return f"<LazyModule {self._name!r}, {state}>"


jax = LazyModule("jax")
jnp = LazyModule("jax.numpy")


def call_at_precision(function, *arrays):
    """Call a jitted JAX ``function`` on numpy ``arrays`` and return numpy.

    Parameters
    ----------
    function : callable
        A jitted JAX function of the arrays.
    *arrays : ndarray
        Inputs, all float32 or all float64.

    Returns
    -------
    ndarray or tuple of ndarray
        The result (each result, for a function returning a tuple) as a
        numpy array of the inputs' dtype.
    """
    return as_numpy(dispatch_at_precision(function, *arrays))


def dispatch_at_precision(function, *arrays):
    """Start a jitted JAX ``function`` on numpy ``arrays`` without waiting for it.

    JAX computes on its own thread; :func:`as_numpy` waits for the result.
    Meanwhile the caller's numpy work runs on the other core.

    Returns
    -------
    jax.Array or tuple of jax.Array
    """
    if arrays[0].dtype == np.float64:
        with jax.enable_x64(True):
            return function(*arrays)
    return function(*arrays)


def as_numpy(result):
    """A dispatched result (an array or a tuple of arrays) as numpy, once JAX has it."""
    if isinstance(result, tuple):
        return tuple(np.asarray(part) for part in result)
    return np.asarray(result)
