"""How many BLAS threads the network's matrix products use.

Measured on the project's 2-core machines (``python -m benchmarks``): with
nothing else running, OpenBLAS' two threads made a training step between 5 %
slower and 7 % faster than one (2026-12-01: config A 3.96 against 3.76 ms, C
13.5 against 13.8 ms); with other work on the machine they made config A 14
times slower (an earlier run: 80 ms against 5.6 ms): the matrices of one time
step are too small to split, and the spinning threads fight with JAX's pool
and everything else. So the
network limits BLAS to one thread while it computes, by default, and
restores the caller's setting afterwards; ``RNN(blas_threads=None)`` leaves
the setting alone, for a machine you have to yourself.
"""

import contextlib
import functools
import threading

from threadpoolctl import ThreadpoolController

_controller = None
_inside = threading.local()


def limit_blas_threads(n_threads):
    """A context manager limiting BLAS to ``n_threads``; does nothing for None."""
    global _controller
    if n_threads is None:
        return contextlib.nullcontext()
    if _controller is None:
        _controller = ThreadpoolController()  # inspects the loaded libraries once
    return _controller.limit(limits=n_threads, user_api="blas")


def with_blas_threads(method):
    """Run a network ``method`` under ``limit_blas_threads(self.blas_threads)``."""

    @functools.wraps(method)
    def limited(self, *args, **kwargs):
        if getattr(_inside, "limited", False):  # an outer method already set it
            return method(self, *args, **kwargs)
        with limit_blas_threads(self.blas_threads):
            _inside.limited = True
            try:
                return method(self, *args, **kwargs)
            finally:
                _inside.limited = False

    return limited
