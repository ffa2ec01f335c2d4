"""Hyper-parameter sweep: scheduler x learning rate x L2 penalty, as heat maps (loky or Dask).

Every cell of the grid ``scheduler`` x ``scheduler__eta`` x ``alpha`` (the
estimators' L2 penalty, ``lmbd`` of the network) is cross-validated with
scikit-learn's ``GridSearchCV`` through :func:`rnn_nodes.sweep.sweep`, on
joblib's local processes or, with ``--dask local`` / ``--dask tcp://HOST:8786``,
on a Dask cluster. A fit that diverges scores NaN and its cell is reported
as failed; the sweep goes on.

Tasks (``--task``):

- ``sine`` (default): next value of a noisy sine series from a window of 20
  values (``RNNRegressor``, R²). The windows come from one series, so the
  splits are ``TimeSeriesSplit``: every training fold precedes its test fold.
- ``frequency``: is a noisy sine window slow (omega in [0.8, 1.2]) or fast
  ([1.6, 2.0])? (``RNNClassifier``, accuracy, stratified shuffled folds.)

Writes ``metrics.json`` (every cell's mean and standard deviation over the
folds, each fold's score, the failed cells and why, the wall time) and
``heatmaps.png`` (one map per scheduler, its best cell framed).
"""

import re
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning, FitFailedWarning
from sklearn.model_selection import StratifiedKFold, TimeSeriesSplit

from experiments.common import output_folder, print_table, write_metrics
from rnn_nodes import RNNClassifier, RNNRegressor, sliding_windows
from rnn_nodes.sweep import grid_labels, plot_sweep, sweep, sweep_report
from schedulers import Adam, Momentum, RMSprop

OPTIONS = ("dask", "task")
"""The command-line options ``python -m experiments sweep`` passes on to :func:`run`."""

TASKS = ("sine", "frequency")


def sine_task(rng, quick):
    """Windows of one noisy sine series and the value after each; a time-series split.

    Returns
    -------
    X : ndarray of shape (n_windows, 20)
    y : ndarray of shape (n_windows,)
    cv : TimeSeriesSplit
    """
    n_steps = 300 if quick else 1200
    series = np.sin(np.arange(n_steps) / 6) + 0.05 * rng.standard_normal(n_steps)
    X, y = sliding_windows(series, window=20)
    return X, y, TimeSeriesSplit(n_splits=2 if quick else 3)


def frequency_task(rng, quick):
    """Noisy sine windows labelled "slow" or "fast"; stratified shuffled folds.

    Returns
    -------
    X : ndarray of shape (n_series, 20)
    y : ndarray of shape (n_series,) of str
    cv : StratifiedKFold
    """
    n_series = 128 if quick else 600
    fast = rng.random(n_series) < 0.5
    omega = np.where(fast, rng.uniform(1.6, 2.0, n_series), rng.uniform(0.8, 1.2, n_series))
    phase = rng.uniform(0, 2 * np.pi, n_series)
    X = np.sin(omega[:, None] * 0.5 * np.arange(20) + phase[:, None])
    X += 0.1 * rng.standard_normal(X.shape)
    cv = StratifiedKFold(n_splits=2 if quick else 3, shuffle=True,
                         random_state=int(rng.integers(2**31)))
    return X, np.where(fast, "fast", "slow"), cv


def grid(quick):
    """The grid: schedulers (their eta is set by the grid) x eta x alpha."""
    if quick:
        return {"scheduler": [Momentum(eta=0.01), Adam()],
                "scheduler__eta": [1e-2, 1e-1], "alpha": [0.0, 1e-3]}
    return {"scheduler": [Momentum(eta=0.01), RMSprop(eta=0.01), Adam()],
            "scheduler__eta": [1e-3, 1e-2, 1e-1, 1.0], "alpha": [0.0, 1e-3, 1e-1]}


def run(out="results/sweep", quick=False, seed=0, dask=None, task=None):
    """Run the sweep; write ``metrics.json`` and ``heatmaps.png`` to ``out``; return the metrics.

    Parameters
    ----------
    out : str or path-like
    quick : bool
        A 2 x 2 x 2 grid, 2 folds, 3 epochs (tests).
    seed : int
        Seeds the data, the folds and every network (``random_state``).
    dask : None, "local" or str
        None: joblib's local processes. ``"local"``: a ``LocalCluster`` on
        127.0.0.1. ``"tcp://HOST:8786"``: a running Dask scheduler.
    task : {"sine", "frequency"}, optional
        Default ``"sine"``.
    """
    task = "sine" if task is None else task
    if task not in TASKS:
        raise ValueError(
            f"Received an invalid value for argument `task`, expected one of {list(TASKS)}, "
            f"got {task!r}")
    rng = np.random.default_rng(seed)
    X, y, cv = (sine_task if task == "sine" else frequency_task)(rng, quick)
    model = RNNRegressor if task == "sine" else RNNClassifier
    estimator = model(hidden_layer_sizes=(8,), max_iter=3 if quick else 30, random_state=seed)
    param_grid = grid(quick)
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("ignore", ConvergenceWarning)  # short fits, on purpose
        # numpy's overflow warnings come from the fits that diverge, reported as failed
        warnings.filterwarnings("ignore", "(overflow|invalid value) encountered", RuntimeWarning)
        warnings.filterwarnings("ignore", "One or more of the test scores are non-finite")
        warnings.simplefilter("always", FitFailedWarning)
        search = sweep(estimator, param_grid, X, y, cv=cv, dask=dask, verbose=1)
    wall_seconds = time.perf_counter() - started
    report = sweep_report(search)
    metrics = {
        "experiment": "sweep", "task": task, "quick": quick, "seed": seed,
        "runs_on": "joblib loky processes (n_jobs=-1)" if dask is None else f"dask={dask}",
        "estimator": repr(estimator), "cv": repr(cv),
        "grid": grid_labels(param_grid),
        "n_fits": report["n_cells"] * report["n_splits"], "wall_seconds": wall_seconds,
        "failure_reasons": _failure_reasons(caught),
        **report,
    }
    folder = output_folder(out)
    write_metrics(folder, metrics)
    # colours from R² = 0 (predicting the mean) or accuracy 0.5 (chance) up
    maps = plot_sweep(search, "scheduler__eta", "alpha", vmin=0.0 if task == "sine" else 0.5)
    next(iter(maps.values())).figure.savefig(folder / "heatmaps.png", dpi=120)
    best = report["best"]
    print(f"sweep ({task}): {metrics['n_fits']} fits in {wall_seconds:.1f} s on "
          f"{metrics['runs_on']}, results in {folder}/")
    print_table([("best cell", best["params"]), ("best mean score", best["mean"]),
                 ("best std over folds", best["std"]),
                 ("failed cells", len(report["failed"]))])
    for params in report["failed"]:
        print(f"  failed: {params}")
    return metrics


def _failure_reasons(caught):
    """The errors of the failed fits, from scikit-learn's FitFailedWarnings.

    Returns
    -------
    list of dict
        ``error`` (the exception's class), ``fits`` (how many fits raised
        it) and ``example`` (one of its messages).
    """
    reasons = {}
    for warning in caught:
        if not issubclass(warning.category, FitFailedWarning):
            warnings.showwarning(warning.message, warning.category, warning.filename,
                                 warning.lineno)
            continue
        for block in re.split(r"-{10,}\n", str(warning.message)):
            count = re.match(r"\s*(\d+) fits? failed with the following error", block)
            if count:
                last = [line for line in block.splitlines() if line and line[0] != " "][-1]
                error, _, text = last.partition(": ")
                reason = reasons.setdefault(error, {"error": error, "fits": 0, "example": text})
                reason["fits"] += int(count.group(1))
    return list(reasons.values())
