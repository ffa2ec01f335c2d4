"""The precision the estimators predict in: float64 by default, whatever they were fitted in.

A float32 matrix product gives each row a result whose last bits depend on how many rows
share the product: OpenBLAS picks its blocking and remainder loops from the shape, and its
kernel from the CPU. A sample's float32 prediction then changes in the last bits with the
other samples of the batch (3e-6 to 3e-5 relative measured, under the default SkylakeX and
the AVX2 Haswell kernels); under the Haswell kernels even scikit-learn's small
``check_methods_sample_order_invariance`` and ``check_methods_subset_invariance`` see it.
Computed in float64 from the same float32 weights, the same predictions differ by at most
5e-14 relative (``tests/estimators/test_estimator_checks.py``), far within any tolerance a
float32 model can claim.

The estimators therefore predict through a float64 copy of the fitted network (the
float32 weights widened exactly), kept per network while its weights stay the same.
``predict(X, dtype=None)`` (or ``"float32"``) runs the fitted float32 network itself:
faster on large batches, batch-dependent in the last bits. ``python -m
benchmarks.predict_precision`` measured (2026-12-03, a shared 2-core AMD EPYC, 50 steps): the
float64 path as fast to 1.3x as slow for 1-32 sequences of an Elman RNN, 1.6x for 1,000
sequences with 64 units, 1.5-2.0x for an LSTM of 64 units; the copy takes 1-2 ms, once.
"""

import weakref

import numpy as np

from rnn_nodes.inference import weights_lock
from rnn_nodes.persistence.config import network_from_state, network_state
from rnn_nodes.sequences import as_padded
from rnn_nodes.training import snapshot
from rnn_nodes.validation import check_dtype, check_sequences

PREDICT_DTYPE = "float64"
"""The default precision of the estimators' ``predict``, ``predict_proba`` and ``score``."""

_COPIES = weakref.WeakKeyDictionary()
"""network -> (its parameters when copied, the copy in another dtype), per dtype."""


def check_predict_dtype(dtype):
    """``dtype`` as numpy float32 or float64; None means the network's own dtype (None).

    Raises
    ------
    ValueError
        For anything but "float32", "float64" (or their numpy types) and None.
    """
    return None if dtype is None else check_dtype(dtype)


def predict_in(net, X, lengths=None, dtype=PREDICT_DTYPE):
    """``net.predict(X, lengths=lengths)`` computed in ``dtype``.

    Parameters
    ----------
    net : RNN
        A trained network, of any dtype.
    X : ndarray of shape (batch, time, n_in)
        Read as ``net`` reads it: cast to ``net.dtype`` (a value that overflows it
        is refused), then widened (or narrowed) to ``dtype``.
    lengths : ndarray of int of shape (batch,), optional
    dtype : {"float64", "float32"} or None, default="float64"
        The precision of the forward pass; None: the network's own.

    Returns
    -------
    ndarray of shape (batch, n_out) or (batch, time, n_out), of ``dtype``
    """
    dtype = check_predict_dtype(dtype)
    if dtype is None or dtype == net.dtype:
        return net.predict(X, lengths=lengths)
    # the inputs the fitted network reads: a value that overflows its dtype is refused,
    # the others rounded to it, whatever the dtype of the arithmetic
    X, lengths = as_padded(X, lengths, "X", net.n_features_in, net.dtype)
    X = check_sequences(X, "X", net.n_features_in, net.dtype)
    return network_in(net, dtype).predict(X, lengths=lengths)


def network_in(net, dtype):
    """A copy of the trained ``net`` whose parameters are cast to ``dtype``, cached.

    The copy is made again when ``net``'s parameters changed since (a further fit,
    ``partial_fit``, weights set by hand); it holds no scheduler state.

    Parameters
    ----------
    net : RNN
    dtype : numpy.dtype
        float32 or float64.

    Returns
    -------
    RNN
    """
    with weights_lock(net):  # one update's weights, never a mixture (see threads)
        cached = _COPIES.get(net, {}).get(dtype)
        if cached is not None and _same(cached[0], net):
            return cached[1]
        params = snapshot(net)[0]
        state = network_state(net)
    state["config"] = {**state["config"], "dtype": str(dtype)}
    state["scheduler_states"] = {}
    copy = network_from_state(state, type(net))
    _COPIES.setdefault(net, {})[dtype] = (params, copy)
    return copy


def _same(params, net):
    """Whether ``net``'s parameters equal ``params`` (a :func:`~rnn_nodes.training.snapshot`)."""
    return len(params) == len(net.layers) and all(
        saved.keys() == layer.params.keys()
        and all(np.array_equal(saved[k], layer.params[k]) for k in saved)
        for saved, layer in zip(params, net.layers))
