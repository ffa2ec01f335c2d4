"""Time step functions: warm-up excluded, median and spread of the rest."""

import time

import numpy as np


def time_steps(step, warmup, repeats):
    """Call ``step()`` ``warmup`` times untimed, then ``repeats`` times timed.

    Parameters
    ----------
    step : callable
        One training step; must return only once its work is done (JAX
        callers block on their result).
    warmup, repeats : int

    Returns
    -------
    dict
        Seconds: ``median``, ``q1``, ``q3`` (quartiles), ``iqr``, ``min``,
        ``max``, and ``n``, ``warmup`` and every timing in ``times``.
    """
    for _ in range(warmup):
        step()
    times = np.empty(repeats)
    for k in range(repeats):
        start = time.perf_counter()
        step()
        times[k] = time.perf_counter() - start
    return summarize(times, warmup)


def summarize(times, warmup):
    """Median and spread of ``times`` (seconds), as :func:`time_steps` reports them."""
    times = np.asarray(times, float)
    q1, median, q3 = np.percentile(times, [25, 50, 75])
    return {
        "median": float(median), "q1": float(q1), "q3": float(q3), "iqr": float(q3 - q1),
        "min": float(times.min()), "max": float(times.max()),
        "n": len(times), "warmup": warmup, "times": times.tolist(),
    }


def time_interleaved(steps, rounds=3):
    """Time several step functions in alternating rounds, so load changes hit all alike.

    Parameters
    ----------
    steps : dict of str to (callable, int, int)
        Name -> (step, warmup, repeats). Each is warmed up first; its repeats
        are then split over ``rounds`` rounds, the names taking turns.
    rounds : int, default=3

    Returns
    -------
    dict of str to dict
        Name -> the summary of :func:`summarize`.
    """
    for step, warmup, _ in steps.values():
        for _ in range(warmup):
            step()
    times = {name: [] for name in steps}
    for r in range(rounds):
        for name, (step, _, repeats) in steps.items():
            share = repeats // rounds + (r < repeats % rounds)
            for _ in range(share):
                start = time.perf_counter()
                step()
                times[name].append(time.perf_counter() - start)
    return {name: summarize(times[name], steps[name][1]) for name in steps}
