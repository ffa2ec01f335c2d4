"""Every cell of a fitted search as JSON: parameters, mean and spread, failures."""

import inspect
import math
import numbers

import numpy as np


def param_label(value, swept=()):
    """A grid value as a JSON value: numbers and strings as they are, a scheduler by name.

    Parameters
    ----------
    value : object
        A value of the grid.
    swept : collection of str
        Hyperparameters of ``value`` the grid sets itself (``eta`` when the
        grid has ``scheduler__eta``): left out of its label.

    Returns
    -------
    str, int, float, bool, list or None
        An object with ``get_params`` (a scheduler) becomes its class name
        with the hyperparameters that differ from the defaults, e.g.
        ``"Adam"``, ``"Momentum(momentum=0.5)"``; tuples become lists; other
        objects their ``repr``.
    """
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, (tuple, list)):
        return [param_label(v) for v in value]
    if hasattr(value, "get_params") and not isinstance(value, type):
        defaults = {name: p.default for name, p in
                    inspect.signature(type(value)).parameters.items()}
        changed = [f"{name}={v!r}" for name, v in value.get_params(deep=False).items()
                   if name not in swept and not _same(defaults.get(name), v)]
        name = type(value).__name__
        return f"{name}({', '.join(changed)})" if changed else name
    return repr(value)


def _same(default, value):
    if default is inspect.Parameter.empty:
        return False
    try:
        return bool(default == value)
    except (TypeError, ValueError):
        return False


def cell_params(params):
    """One cell's parameters as JSON values (see :func:`param_label`)."""
    return {name: param_label(value, _swept(name, params)) for name, value in params.items()}


def grid_labels(param_grid):
    """The values of a grid (a dict of lists) as JSON values, as :func:`cell_params` writes them."""
    return {name: [param_label(value, _swept(name, param_grid)) for value in values]
            for name, values in param_grid.items()}


def _swept(name, params):
    prefix = f"{name}__"
    return {key[len(prefix):] for key in params if key.startswith(prefix)}


def _number(value):
    value = float(value)
    return value if math.isfinite(value) else None


def sweep_report(search):
    """Mean and spread of every cell, the best cell, the failed ones; ready for JSON.

    Parameters
    ----------
    search : fitted GridSearchCV or RandomizedSearchCV
        With one metric (``scoring`` a string, a callable or None).

    Returns
    -------
    dict
        ``cells``: one dict per cell, in ``cv_results_`` order, with
        ``params`` (:func:`cell_params`), ``mean`` and ``std`` of the test
        scores over the splits, ``splits`` (each split's score), ``n_failed``
        (splits whose fit raised: their score is ``error_score``), ``rank``
        and ``fit_seconds`` (mean over the splits). ``best``: the cell ranked
        first. ``failed``: the ``params`` of the cells with a failed split.
        A score that is not a number is written as None.

    Raises
    ------
    ValueError
        If the search scored several metrics.
    """
    results = search.cv_results_
    if "mean_test_score" not in results:
        raise ValueError(
            "Argument `search` was scored with several metrics (scoring="
            f"{search.scoring!r}); sweep_report reads one: mean_test_score")
    n_splits = sum(1 for key in results if key.startswith("split") and key.endswith("_test_score"))
    scores = np.array([results[f"split{k}_test_score"] for k in range(n_splits)]).T
    error_score = search.error_score
    if isinstance(error_score, str):  # "raise": a failure would have stopped the search
        failed = np.zeros(scores.shape, dtype=bool)
    elif math.isnan(error_score):
        failed = np.isnan(scores)
    else:
        failed = scores == error_score
    cells = [{
        "params": cell_params(params),
        "mean": _number(results["mean_test_score"][i]),
        "std": _number(results["std_test_score"][i]),
        "splits": [_number(s) for s in scores[i]],
        "n_failed": int(failed[i].sum()),
        "rank": int(results["rank_test_score"][i]),
        "fit_seconds": float(results["mean_fit_time"][i]),
    } for i, params in enumerate(results["params"])]
    best = min(range(len(cells)), key=lambda i: cells[i]["rank"])
    return {
        "n_cells": len(cells),
        "n_splits": n_splits,
        "cells": cells,
        "best": cells[best],
        "failed": [cell["params"] for cell in cells if cell["n_failed"]],
    }
