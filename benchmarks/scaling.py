"""Step time against sequence length and width: it must grow linearly in T."""

import numpy as np

from benchmarks import project, reference_jax
from benchmarks.configs import make_batch, make_weights, sequence_config
from benchmarks.memory import report as memory_report
from benchmarks.timing import time_interleaved

TIMES = (25, 50, 100, 200, 400)
HIDDEN = (16, 32, 64, 128, 256, 512)
TIME_FOR_HIDDEN, HIDDEN_FOR_TIME = 50, 32
QUICK_TIMES, QUICK_HIDDEN, QUICK_BATCH = (10, 20, 40), (8, 16), 4
LINEAR_R2 = 0.98  # R² of the straight-line fit in T at least this


def linear_fit(x, y):
    """Least-squares ``y = slope * x + intercept`` and its R²."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    slope, intercept = np.polyfit(x, y, 1)
    residual = y - (slope * x + intercept)
    total = np.sum((y - y.mean()) ** 2)
    r2 = 1 - np.sum(residual**2) / total if total > 0 else 1.0
    return {"slope": float(slope), "intercept": float(intercept), "r2": float(r2)}


def _point(config, warmup, repeats, seed):
    rng = np.random.default_rng(seed)
    weights = make_weights(config, rng)
    X, t = make_batch(config, rng)
    net = project.build_network(config, weights)
    timed = time_interleaved({
        "rnn_nodes": (lambda: net.train_step(X, t), warmup, repeats),
        "reference_jax": (reference_jax.ReferenceStep(config, weights, X, t), warmup, repeats),
    }, rounds=min(3, repeats))
    return {
        "time": config.time, "hidden": config.hidden, "batch": config.batch,
        "rnn_nodes": timed["rnn_nodes"], "reference_jax": timed["reference_jax"],
        "memory": memory_report(net, config, X),
    }


def run_scaling(quick=False, seed=0, log=print):
    """The sweep over T (hidden 32) and over hidden (T 50), config B's network.

    Parameters
    ----------
    quick : bool
        Tiny sizes and repeats (the smoke test).
    seed : int
    log : callable

    Returns
    -------
    dict
        ``over_time`` and ``over_hidden`` (lists of points, each with both
        timings and the memory report), ``fit_over_time`` (median seconds of
        rnn_nodes against T: slope, intercept, R²), ``fit_over_time_of_minimum``
        (the same for the fastest step of each point), the reference's fit,
        and ``linear_in_time``: R² of the fit of the fastest steps at least
        0.98 (on a busy machine the medians scatter more than the minima);
        None for a quick sweep.
    """
    times, hidden = (QUICK_TIMES, QUICK_HIDDEN) if quick else (TIMES, HIDDEN)
    batch = QUICK_BATCH if quick else 32
    warmup, repeats = (1, 3) if quick else (2, 12)
    over_time = []
    for T in times:
        log(f"[scaling] T={T}, hidden={HIDDEN_FOR_TIME}")
        over_time.append(_point(sequence_config(T, HIDDEN_FOR_TIME, batch), warmup, repeats,
                                seed))
    over_hidden = []
    for n in hidden:
        log(f"[scaling] T={TIME_FOR_HIDDEN}, hidden={n}")
        over_hidden.append(_point(sequence_config(TIME_FOR_HIDDEN, n, batch), warmup,
                                  repeats, seed))

    def fit(name, statistic):
        return linear_fit([p["time"] for p in over_time],
                          [p[name][statistic] for p in over_time])

    fast = fit("rnn_nodes", "min")
    return {
        "over_time": over_time, "over_hidden": over_hidden,
        "fit_over_time": fit("rnn_nodes", "median"),
        "fit_over_time_of_minimum": fast,
        "reference_fit_over_time": fit("reference_jax", "median"),
        "linear_r2_threshold": LINEAR_R2,
        # judged on the fastest step of each point, the least disturbed by other load;
        # a quick sweep is too small and too short to judge
        "linear_in_time": None if quick else fast["r2"] >= LINEAR_R2,
    }
