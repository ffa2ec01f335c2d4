"""Plots of training curves, predictions and grid searches.

Every function draws on the ``ax`` you give, or on a new
:class:`matplotlib.figure.Figure` when ``ax`` is None, and returns the Axes;
none calls ``show()`` (``ax.figure.savefig(path)`` writes a file).

>>> from matplotlib.figure import Figure
>>> fig = Figure(); ax = fig.subplots()
>>> plot_history({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}, ax)  # doctest: +ELLIPSIS
<Axes: ...>
"""

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from mpl_toolkits.axes_grid1 import make_axes_locatable


def _axes(ax, figsize=(6, 4)):
    return Figure(figsize=figsize, layout="constrained").subplots() if ax is None else ax


def _history_of(source):
    """A history dict from a dict, or from an estimator's ``history_``."""
    history = getattr(source, "history_", source)
    if not isinstance(history, dict):
        raise TypeError(
            "Argument `history` must be a dict of per-epoch lists or a fitted "
            f"estimator with history_, got {type(source).__name__}")
    return history


def _plot_entries(ax, history, keys):
    drawn = []
    for key in keys:
        points = [(epoch, value) for epoch, value in enumerate(history.get(key, ()), 1)
                  if value is not None]
        if points:
            epochs, values = zip(*points)
            ax.plot(epochs, values, marker="o", markersize=3, label=key)
            drawn.append(key)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return drawn


def plot_history(history, ax=None, keys=("loss", "val_loss"), log_scale=True,
                 histograms=None):
    """Per-epoch curves of a training history, and the weights' histograms per epoch.

    Parameters
    ----------
    history : dict of str to list of float, or a fitted estimator
        As returned by :meth:`rnn_nodes.RNN.train`, or an estimator's
        ``history_``. ``None`` entries (epochs without validation) are skipped.
    ax : matplotlib.axes.Axes, optional
    keys : sequence of str
        Entries to draw; missing ones are skipped.
    log_scale : bool, default=True
    histograms : HistogramRecorder, optional
        A :class:`~rnn_nodes.instruments.HistogramRecorder` that was a callback of
        the same training: its histograms are drawn in panels after the curves
        (:func:`~rnn_nodes.instruments.plot_histograms`), in a new figure.

    Returns
    -------
    ax : matplotlib.axes.Axes
        Or, with ``histograms``, a list: the curves' axes, then one per histogram.
    """
    if histograms is not None:
        return _with_histograms(history, keys, log_scale, histograms)
    ax = _axes(ax)
    _plot_entries(ax, _history_of(history), keys)
    ax.set_xlabel("epoch")
    ax.set_ylabel("cost")
    if log_scale:
        ax.set_yscale("log")
    ax.legend()
    return ax


def _with_histograms(history, keys, log_scale, recorder):
    """The curves and every histogram of ``recorder``, one panel each, in one new figure."""
    from rnn_nodes.instruments import plot_histograms

    names = list(recorder.histograms)
    columns = min(4, len(names) + 1)
    rows = -(-(len(names) + 1) // columns)
    fig = Figure(figsize=(3.2 * columns, 2.6 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, columns)).ravel()
    for unused in axes[len(names) + 1:]:
        unused.set_visible(False)
    plot_history(history, axes[0], keys, log_scale)
    return [axes[0], *plot_histograms(recorder, names, axes[1:len(names) + 1])]


def plot_training_curves(history, ax=None, log_scale=True, score_panel=None):
    """Loss and validation loss, with an accuracy (or R²) panel below for classifiers.

    Parameters
    ----------
    history : dict or fitted estimator
        An estimator's ``history_`` (``score``, ``val_score``) or a network's
        history (``accuracy``, ``val_accuracy``).
    ax : matplotlib.axes.Axes, optional
        The loss panel; the score panel is appended below it, sharing the
        epoch axis, and is ``ax.figure.axes[-1]``.
    log_scale : bool, default=True
        Log scale for the loss.
    score_panel : bool, optional
        Draw the score panel. Default: for a classifier (an estimator with
        ``classes_``, or a history with ``accuracy``).

    Returns
    -------
    ax
        The loss panel.
    """
    records = _history_of(history)
    if score_panel is None:
        score_panel = hasattr(history, "classes_") or "accuracy" in records
    if ax is None and score_panel:
        figure = Figure(figsize=(6, 6), layout="constrained")
        ax, ax_score = figure.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    elif score_panel:
        ax_score = make_axes_locatable(ax).append_axes("bottom", size="70%", pad=0.5,
                                                       sharex=ax)
    else:
        ax = _axes(ax)
    plot_history(records, ax, log_scale=log_scale)
    ax.set_title("training curves")
    if score_panel:
        keys = ("accuracy", "val_accuracy") if "accuracy" in records else ("score", "val_score")
        _plot_entries(ax_score, records, keys)
        is_classifier = hasattr(history, "classes_") or "accuracy" in records
        ax_score.set_ylabel("accuracy" if is_classifier else "R²")
        ax_score.set_xlabel("epoch")
        ax_score.legend()
        ax.set_xlabel("")
    return ax


def _one_series(values, name):
    array = np.asarray(values, dtype=float)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"Argument `{name}` must be one series, (time,) or (time, 1); got shape "
            f"{array.shape}: select one, e.g. y[0, :, 0]")
    return array


def plot_predictions(target, prediction, ax=None, n_observed=None, time=None):
    """Predictions against targets for one sequence, the extrapolated tail marked.

    Parameters
    ----------
    target : array-like of shape (time,) or (time, 1)
        The true values.
    prediction : array-like of shape (time,) or (time, 1)
        The predictions at the same steps.
    ax : matplotlib.axes.Axes, optional
    n_observed : int, optional
        Steps the model saw; the predictions after them are an extrapolation,
        drawn dashed in another colour behind a dotted line and a shaded span.
    time : array-like of shape (time,), optional
        The x values; ``0, 1, ...`` by default.

    Returns
    -------
    ax
    """
    target, prediction = _one_series(target, "target"), _one_series(prediction, "prediction")
    if target.shape != prediction.shape:
        raise ValueError(
            f"Arguments `target` and `prediction` must have the same length, got "
            f"{len(target)} and {len(prediction)}")
    steps = np.arange(len(target)) if time is None else np.asarray(time)
    ax = _axes(ax)
    ax.plot(steps, target, color="0.5", label="target")
    seen = len(target) if n_observed is None else n_observed
    ax.plot(steps[:seen], prediction[:seen], color="C0", label="prediction")
    if seen < len(target):
        ax.plot(steps[seen:], prediction[seen:], color="C3", linestyle="--",
                label="extrapolation")
        boundary = steps[seen] - 0.5 * (steps[seen] - steps[seen - 1]) if seen else steps[0]
        ax.axvline(boundary, color="k", linestyle=":")
        ax.axvspan(boundary, steps[-1], color="C3", alpha=0.08)
    ax.set_xlabel("time step")
    ax.legend()
    return ax


def plot_grid_search(cv_results, param_x, param_y, ax=None, score="mean_test_score",
                     annotate=True):
    """A heat map of a grid search over two hyperparameters.

    Each cell is filled by looking up the parameter set that has its two
    values, not by reshaping the results, so any order of the grid works;
    combinations that were not run stay empty.

    Parameters
    ----------
    cv_results : dict or fitted search
        ``GridSearchCV.cv_results_``, or the search itself.
    param_x, param_y : str
        Parameter names as in the grid, e.g. ``"scheduler__eta"``, ``"alpha"``.
    ax : matplotlib.axes.Axes, optional
    score : str, default="mean_test_score"
        The ``cv_results_`` entry to show.
    annotate : bool, default=True
        Write each value in its cell.

    Returns
    -------
    ax

    Raises
    ------
    ValueError
        If a parameter is not in the grid, or two parameter sets share a cell
        (the grid varies a third parameter: plot a slice of it).
    """
    results = getattr(cv_results, "cv_results_", cv_results)
    params, values = results["params"], np.asarray(results[score], dtype=float)
    for name in (param_x, param_y):
        if not all(name in p for p in params):
            raise ValueError(
                f"Parameter {name!r} is not in every parameter set of the search; "
                f"its parameters are {sorted(set().union(*params))}")
    xs, ys = grid_levels(p[param_x] for p in params), grid_levels(p[param_y] for p in params)
    grid = np.full((len(ys), len(xs)), np.nan)
    for p, value in zip(params, values):
        cell = (ys.index(p[param_y]), xs.index(p[param_x]))
        if not np.isnan(grid[cell]):
            raise ValueError(
                f"Two parameter sets share the cell {param_x}={p[param_x]!r}, "
                f"{param_y}={p[param_y]!r}: the search varies another parameter too")
        grid[cell] = value
    ax = _axes(ax)
    image = ax.imshow(grid, origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(len(xs)), [f"{x:g}" if _is_number(x) else str(x) for x in xs])
    ax.set_yticks(range(len(ys)), [f"{y:g}" if _is_number(y) else str(y) for y in ys])
    ax.set_xlabel(param_x)
    ax.set_ylabel(param_y)
    ax.figure.colorbar(image, ax=ax, label=score)
    if annotate:
        middle = np.nanmean([np.nanmin(grid), np.nanmax(grid)])
        for (row, column), value in np.ndenumerate(grid):
            if not np.isnan(value):
                ax.text(column, row, f"{value:.3g}", ha="center", va="center",
                        color="k" if value > middle else "w", fontsize=8)
    return ax


def _is_number(value):
    return isinstance(value, (int, float, np.number)) and not isinstance(value, bool)


def grid_levels(values):
    """The distinct values in a grid's order: sorted if numbers, else as they come."""
    levels = []
    for value in values:
        if value not in levels:
            levels.append(value)
    return sorted(levels) if all(_is_number(v) for v in levels) else levels


def plot_series(ax, time, series, label, **style):
    """One series against time, on ``ax`` (a new figure's Axes if None); returns ``ax``."""
    ax = _axes(ax)
    ax.plot(time, series, label=label, **style)
    ax.set_xlabel("time step")
    ax.legend()
    return ax
