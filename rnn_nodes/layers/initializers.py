"""Weight initialisers; each takes a ``numpy.random.Generator``, never a global seed."""

import numpy as np


def glorot_uniform(rng, n_in, n_out, dtype):
    """U(-a, a) with a = sqrt(6 / (n_in + n_out)) (Glorot & Bengio, 2010; the Keras default).

    Returns
    -------
    ndarray of shape (n_in, n_out)
    """
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_in, n_out)).astype(dtype)


def orthogonal(rng, n, dtype):
    """A random orthogonal matrix (Saxe et al., 2014; Keras' recurrent default).

    Returns
    -------
    ndarray of shape (n, n)
    """
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return (q * np.sign(np.diag(r))).astype(dtype)
