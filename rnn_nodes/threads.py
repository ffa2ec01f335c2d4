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

The limit is counted across threads (:func:`limit_blas_threads`): any
number of threads may predict or train at once, and when the last call
returns the setting is the caller's again.
"""

import collections
import contextlib
import functools
import threading

from threadpoolctl import ThreadpoolController

_controller = None
_inside = threading.local()

_lock = threading.Lock()
_requests = collections.Counter()  # n_threads -> calls inside a limit of n_threads
_first = None  # the limiter of the first call in: it knows the caller's setting
_current = None  # the limit in force while calls are inside


def _get_controller():
    global _controller
    if _controller is None:
        _controller = ThreadpoolController()  # inspects the loaded libraries once
    return _controller


@contextlib.contextmanager
def limit_blas_threads(n_threads):
    """A context manager limiting BLAS to ``n_threads``; does nothing for None.

    OpenBLAS has one thread setting for the whole process, so the limits
    are counted, not stacked: the first call in (from any thread) saves the
    caller's setting, while calls are inside the smallest limit any of them
    asked for holds, and the last call out restores the saved setting,
    whatever order the calls leave in. A setting changed by other code
    while calls are inside is overwritten when the last one leaves.

    Examples
    --------
    >>> from rnn_nodes.threads import limit_blas_threads
    >>> with limit_blas_threads(1):
    ...     pass  # matrix products here run on one BLAS thread
    """
    if n_threads is None:
        yield
        return
    _enter(n_threads)
    try:
        yield
    finally:
        _leave(n_threads)


def _enter(n_threads):
    global _first, _current
    with _lock:
        _requests[n_threads] += 1
        if _first is None:
            _first = _get_controller().limit(limits=n_threads, user_api="blas")
            _current = n_threads
        else:
            _apply(min(_requests))


def _leave(n_threads):
    global _first, _current
    with _lock:
        _requests[n_threads] -= 1
        if not _requests[n_threads]:
            del _requests[n_threads]
        if _requests:
            _apply(min(_requests))
        else:
            _first.restore_original_limits()
            _first = _current = None


def _apply(n_threads):
    """Set the limit in force while calls are inside (the caller's setting stays saved)."""
    global _current
    if n_threads != _current:
        _get_controller().limit(limits=n_threads, user_api="blas")
        _current = n_threads


def network_blas_limit(net):
    """``limit_blas_threads(net.blas_threads)``, or nothing when a network method of this
    thread already set the limit (for functions that take a network, not methods)."""
    if getattr(_inside, "limited", False):
        return contextlib.nullcontext()
    return limit_blas_threads(net.blas_threads)


def with_blas_threads(method):
    """Run a network ``method`` under ``limit_blas_threads(self.blas_threads)``.

    Thread-safe: a call nested in another of the same thread counts once;
    calls of several threads count each (see :func:`limit_blas_threads`).
    """

    @functools.wraps(method)
    def limited(self, *args, **kwargs):
        if getattr(_inside, "limited", False):  # an outer method of this thread set it
            return method(self, *args, **kwargs)
        with limit_blas_threads(self.blas_threads):
            _inside.limited = True
            try:
                return method(self, *args, **kwargs)
            finally:
                _inside.limited = False

    return limited
