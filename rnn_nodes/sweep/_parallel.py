"""Where a sweep's fits run: joblib's local processes (loky) or a Dask cluster.

Threads. Every worker runs one fit at a time with one BLAS thread:

- loky (the default) starts ``n_jobs`` processes and limits the BLAS and
  OpenMP pools inside each to ``cpu_count // n_jobs`` threads (one on two
  cores);
- a Dask worker started by a nanny (``LocalCluster(processes=True)``,
  ``dask worker``) gets ``OMP_NUM_THREADS=MKL_NUM_THREADS=OPENBLAS_NUM_THREADS=1``
  before its process starts (Dask's ``distributed.nanny.pre-spawn-environ``);
  ``threads_per_worker=1`` (``dask worker --nthreads 1``) runs one fit at a
  time;
- and whatever the environment says, the network itself limits BLAS to
  ``RNN(blas_threads=1)`` thread while it computes (:mod:`rnn_nodes.threads`).

Progress. joblib hands every batch of fits to the backend with a callback
that runs on the client when the batch is done; :class:`_CountsFits` wraps it
to advance a tqdm bar there, so nothing but the results travels back from the
workers.
"""

import contextlib
import functools
import os

import joblib
# joblib's own backend classes; subclassed only to count finished batches
from joblib._parallel_backends import LokyBackend

DASK_EXTRA = 'pip install -e ".[dask]" (or pip install "dask[distributed]>=2024.1")'
"""How to install what ``dask=...`` needs."""


def check_dask(dask):
    """``dask`` validated: None, "local", a scheduler address or a ``distributed.Client``.

    Raises
    ------
    TypeError, ValueError
        Naming the argument and what came.
    """
    if dask is None or dask == "local" or hasattr(dask, "submit"):
        return dask
    if not isinstance(dask, str):
        raise TypeError(
            "Received an invalid value for argument `dask`, expected None, 'local', a "
            f"scheduler address such as 'tcp://HOST:8786' or a distributed.Client, got "
            f"{type(dask).__name__}: {dask!r}")
    if ":" not in dask:
        raise ValueError(
            "Received an invalid value for argument `dask`, expected 'local' or a "
            f"scheduler address with a port such as 'tcp://HOST:8786', got {dask!r}")
    return dask


def import_distributed():
    """The ``distributed`` package, or an ImportError saying how to install it."""
    try:
        import distributed
    except ImportError as error:
        raise ImportError(
            "Running a sweep on Dask (dask=... / --dask) needs Dask's distributed "
            f"scheduler, which is not installed: {DASK_EXTRA}") from error
    return distributed


@contextlib.contextmanager
def dask_client(dask, n_workers=None):
    """A ``distributed.Client`` for ``dask``, closed on exit if it was made here.

    Parameters
    ----------
    dask : "local", str or distributed.Client
        ``"local"`` starts a ``LocalCluster`` of ``n_workers`` processes with
        one thread each on 127.0.0.1 (no dashboard) and closes it on exit; a
        string such as ``"tcp://HOST:8786"`` connects to a running scheduler; a
        client is used as it is and left open.
    n_workers : int, optional
        Workers of the local cluster; default ``os.cpu_count()``.

    Yields
    ------
    distributed.Client
    """
    distributed = import_distributed()
    if isinstance(dask, distributed.Client):
        yield dask
        return
    if dask == "local":
        cluster = distributed.LocalCluster(
            n_workers=n_workers or os.cpu_count(), threads_per_worker=1, processes=True,
            host="127.0.0.1", dashboard_address=None)
        with cluster, distributed.Client(cluster, set_as_default=False) as client:
            yield client
        return
    try:
        client = distributed.Client(dask, set_as_default=False)
    except OSError as error:
        raise OSError(
            f"Could not connect to the Dask scheduler at dask={dask!r}: {error}. Start "
            "one with `dask scheduler` and workers with `dask worker ADDRESS --nthreads 1`, "
            "or use dask='local'") from error
    with client:
        yield client


class _CountsFits:
    """Mixin for a joblib backend: ``bar.update(n)`` when a batch of ``n`` fits is done.

    joblib calls ``submit(batch, callback)`` on the client for every batch and
    ``callback`` when its result is back, also on the client.
    """

    def __init__(self, *args, bar, **kwargs):
        super().__init__(*args, **kwargs)
        self.bar = bar

    def submit(self, func, callback=None):
        n_fits = len(func)

        def done(result):
            if callback is not None:
                callback(result)
            self.bar.update(n_fits)

        return super().submit(func, callback=done)


class _LokyCountingFits(_CountsFits, LokyBackend):
    """joblib's loky backend (local processes), counting finished fits."""


def _identity(value):
    return value


@functools.cache
def _dask_backend_class():
    from joblib._dask import DaskDistributedBackend

    class _DaskCountingFits(_CountsFits, DaskDistributedBackend):
        """joblib's Dask backend, counting finished fits; its data can be recomputed."""

        def __init__(self, *, bar, client, data):
            super().__init__(bar=bar, client=client)
            # joblib sends an argument it finds in data_futures (by id) as that future.
            # A future of a task that returns the array, unlike scattered data, has a
            # recipe: if the worker holding it dies, the scheduler computes it again.
            self._scatter = list(data)  # keeps the ids alive
            self.data_futures = {id(array): client.submit(_identity, array, pure=False)
                                 for array in self._scatter}

    return _DaskCountingFits


@contextlib.contextmanager
def sweep_backend(dask, bar, data=(), n_workers=None):
    """Run the joblib calls inside on local processes or on Dask, counting fits on ``bar``.

    Parameters
    ----------
    dask : None, "local", str or distributed.Client
        None: joblib's loky processes. Else see :func:`dask_client`.
    bar : tqdm.tqdm
        Advanced by one per finished fit.
    data : sequence of ndarray
        With Dask: the arrays every fit reads (``X``, ``y``, the split
        indices), the very objects the search passes on. Each is sent once,
        as the result of a small task, which the workers share. joblib would
        otherwise scatter each to one worker as data without a recipe: a
        worker that died would take it along, and every fit needing it would
        fail ("lose scattered data, which can't be recovered").
    n_workers : int, optional
        Workers of a local cluster (``dask="local"``).

    Yields
    ------
    distributed.Client or None
        The client, with Dask.
    """
    if dask is None:
        with joblib.parallel_config(backend=_LokyCountingFits(bar=bar)):
            yield None
        return
    with dask_client(dask, n_workers) as client:
        backend = _dask_backend_class()(bar=bar, client=client, data=data)
        with joblib.parallel_config(backend=backend):
            yield client
