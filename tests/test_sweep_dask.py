"""Sweeps on a Dask LocalCluster: the same scores as local processes, a killed worker, threads.

One cluster of two single-threaded worker processes serves the whole module.
"""

import os
import pickle
import signal
import threading
import time

import joblib
import numpy as np
import pytest
from sklearn.model_selection import TimeSeriesSplit
from threadpoolctl import threadpool_info

from rnn_nodes import RNNRegressor, sliding_windows
from rnn_nodes.sweep import sweep
from rnn_nodes.sweep._parallel import sweep_backend
from schedulers import Adam

distributed = pytest.importorskip(
    "distributed", reason='Dask is not installed: pip install -e ".[test]" (or ".[dask]")')

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    # no dashboard, but the scheduler's HTTP server falls back to a free port if 8787 is taken
    pytest.mark.filterwarnings("ignore:Port 8787 is already in use"),
]

GRID = {"scheduler__eta": [1e-3, 1e-2], "alpha": [0.0, 1e-3]}  # 2 x 2 cells, cv=2: 8 fits


def data():
    series = np.sin(np.arange(400) / 6) + 0.05 * np.random.default_rng(0).standard_normal(400)
    return sliding_windows(series, window=12)  # 388 windows


def grid_sweep(dask, **kwargs):
    """8 seeded fits of 30 epochs (13-25 batches each): half a second or so."""
    X, y = data()
    estimator = RNNRegressor(hidden_layer_sizes=(4,), scheduler=Adam(), max_iter=30,
                             random_state=0)
    return sweep(estimator, GRID, X, y, cv=TimeSeriesSplit(2), dask=dask, **kwargs)


def split_scores(search):
    return np.array([search.cv_results_[f"split{k}_test_score"] for k in range(2)])


@pytest.fixture(scope="module")
def client():
    try:
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           host="127.0.0.1", dashboard_address=None)
    except Exception as error:  # the sandbox may forbid sockets or processes
        if os.environ.get("CI"):  # CI's machine runs it: a failure there is a failure
            raise
        pytest.skip(f"a Dask LocalCluster cannot start here: {type(error).__name__}: {error}")
    with cluster, distributed.Client(cluster, set_as_default=False) as client:
        yield client


@pytest.fixture(scope="module")
def local_search():
    """The grid on joblib's local processes (loky): the reference."""
    return grid_sweep(dask=None)


def test_a_sweep_on_dask_gives_the_scores_of_local_processes(client, local_search):
    on_dask = grid_sweep(dask=client)
    assert on_dask.cv_results_["params"] == local_search.cv_results_["params"]
    scores = split_scores(on_dask)
    assert np.all(np.isfinite(scores))
    np.testing.assert_array_equal(scores, split_scores(local_search))  # same seeds, bit for bit


def test_workers_fit_one_at_a_time_with_one_blas_thread(client):
    assert set(client.nthreads().values()) == {1}
    for pools in client.run(threadpool_info).values():
        blas = [pool["num_threads"] for pool in pools if pool["user_api"] == "blas"]
        assert blas and set(blas) == {1}  # numpy's and scipy's OpenBLAS


def test_progress_is_counted_on_the_client(client):
    class Bar:
        n = calls = 0

        def update(self, n):
            self.n += n
            self.calls += 1

    bar = Bar()
    with sweep_backend(client, bar):
        out = joblib.Parallel()(joblib.delayed(abs)(-i) for i in range(12))
    assert out == list(range(12)) and bar.n == 12 and bar.calls > 1


def test_a_fitted_estimator_comes_back_from_a_worker_without_jax(client):
    X, y = data()

    def fit():
        return RNNRegressor(hidden_layer_sizes=(4,), max_iter=2, random_state=0).fit(X, y)

    model = client.submit(fit, pure=False).result()
    assert b"jax" not in pickle.dumps(model)  # no jitted function, no JAX array on it
    on_worker = client.submit(model.predict, X, pure=False).result()
    np.testing.assert_allclose(model.predict(X), on_worker, rtol=1e-6)


def fitting(client):
    """The keys of the batches of fits each worker is running (or holds ready to run)."""
    busy = {worker: [key for key in keys if "_fit_and_score" in key]
            for worker, keys in client.processing().items()}
    return {worker: keys for worker, keys in busy.items() if keys}


def test_a_worker_killed_mid_sweep_loses_no_cell(client, local_search):
    """Kill (SIGKILL) a worker process while it runs a fit: the sweep still scores every cell."""
    pids = client.run(os.getpid)
    finished = {}
    thread = threading.Thread(target=lambda: finished.update(search=grid_sweep(dask=client)))
    thread.start()
    deadline = time.monotonic() + 60
    while not (busy := fitting(client)) and time.monotonic() < deadline:
        time.sleep(0.02)
    victim = max(busy, key=lambda worker: len(client.has_what()[worker]))  # the one with data
    os.kill(pids[victim], signal.SIGKILL)
    thread.join(timeout=120)

    assert not thread.is_alive() and "search" in finished
    # the fits the victim held ran again: each batch of them went to processing twice
    starts = client.run_on_scheduler(lambda dask_scheduler: [
        key for key, start, finish, *_ in dask_scheduler.transition_log
        if finish == "processing"])
    assert busy[victim] and all(starts.count(key) >= 2 for key in busy[victim])
    np.testing.assert_array_equal(split_scores(finished["search"]), split_scores(local_search))
    client.wait_for_workers(2, timeout=60)  # the nanny restarted it
    assert pids[victim] not in client.run(os.getpid).values()
