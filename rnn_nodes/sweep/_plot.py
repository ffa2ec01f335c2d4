"""Heat maps of a sweep: one per scheduler (or per value of any parameter), best cell marked."""

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from rnn_nodes.plotting import grid_levels, plot_grid_search
from rnn_nodes.sweep._results import cell_params


def plot_sweep(search, param_x, param_y, by="scheduler", axes=None,
               score="mean_test_score", vmin=None, vmax=None):
    """One heat map of ``score`` over ``param_x`` × ``param_y`` per value of ``by``.

    Each map is :func:`rnn_nodes.plotting.plot_grid_search` of that value's
    cells (every cell filled by looking up its parameter set), with its best
    cell framed in red and cells whose score is not a number (failed fits)
    marked "failed". All maps share one colour scale.

    Parameters
    ----------
    search : fitted search or dict
        ``GridSearchCV`` / ``RandomizedSearchCV``, or its ``cv_results_``.
    param_x, param_y : str
        Grid parameters on the axes, e.g. ``"scheduler__eta"``, ``"alpha"``.
    by : str or None, default="scheduler"
        One map per value of this parameter (labelled as in
        :func:`~rnn_nodes.sweep.param_label`); None for a single map.
    axes : sequence of matplotlib.axes.Axes, optional
        One per value of ``by``, in the order the values first appear in the
        results; default: a new figure with the maps side by side.
    score : str, default="mean_test_score"
    vmin, vmax : float, optional
        Ends of the shared colour scale; default the lowest and highest score.
        Scores beyond them take the end colour (their numbers are still
        written): ``vmin=0`` keeps one diverged cell with R² = -40 from
        washing out the others.

    Returns
    -------
    dict of str to matplotlib.axes.Axes
        The map of each value of ``by`` (the key ``"all"`` if ``by`` is None).

    Raises
    ------
    ValueError
        If ``by`` is not a parameter of every cell, if ``axes`` has the
        wrong length, or (from ``plot_grid_search``) if a map would hold two
        cells in one place.
    """
    results = getattr(search, "cv_results_", search)
    params, values = list(results["params"]), np.asarray(results[score], dtype=float)
    groups = _groups(params, by)
    if axes is None:
        figure = Figure(figsize=(4.6 * len(groups), 4), layout="constrained")
        axes = np.atleast_1d(figure.subplots(1, len(groups)))
    if len(axes) != len(groups):
        raise ValueError(
            f"Argument `axes` must hold one Axes per value of {by!r} ({len(groups)}: "
            f"{list(groups)}), got {len(axes)}")
    finite = values[np.isfinite(values)]
    best_overall = np.nanargmax(values) if finite.size else None
    limits = (finite.min() if vmin is None and finite.size else vmin,
              finite.max() if vmax is None and finite.size else vmax)
    drawn = {}
    for ax, (label, indices) in zip(axes, groups.items()):
        cells = {"params": [params[i] for i in indices], score: values[indices]}
        plot_grid_search(cells, param_x, param_y, ax=ax, score=score)
        _mark(ax, cells["params"], values[indices], param_x, param_y)
        _rescale(ax, *limits)
        title = "" if by is None else f"{by}={label}"
        if best_overall in indices:
            title += " (best overall)"
        ax.set_title(title.strip(), fontsize=10)
        drawn[label] = ax
    return drawn


def _groups(params, by):
    """Indices of the cells of each value of ``by``, in order of first appearance."""
    if by is None:
        return {"all": list(range(len(params)))}
    groups = {}
    for i, p in enumerate(params):
        if by not in p:
            raise ValueError(
                f"Argument `by`={by!r} is not a parameter of every cell; the cells have "
                f"{sorted(set().union(*params))}")
        groups.setdefault(cell_params(p)[by], []).append(i)
    return {str(label): indices for label, indices in groups.items()}


def _mark(ax, params, values, param_x, param_y):
    """Frame the best cell; write "failed" in the cells without a number."""
    xs, ys = grid_levels(p[param_x] for p in params), grid_levels(p[param_y] for p in params)

    def position(p):
        return xs.index(p[param_x]), ys.index(p[param_y])

    for p, value in zip(params, values):
        if np.isnan(value):
            ax.text(*position(p), "failed", ha="center", va="center", color="C3", fontsize=8)
    if np.any(np.isfinite(values)):
        column, row = position(params[int(np.nanargmax(values))])
        ax.add_patch(Rectangle((column - 0.5, row - 0.5), 1, 1, fill=False, edgecolor="red",
                               linewidth=2.5, label="best"))


def _rescale(ax, vmin, vmax):
    """Set the map's colour limits; write each number in black or white to suit its cell."""
    image = ax.images[0]
    image.set_clim(vmin, vmax)
    for text in ax.texts:
        try:
            value = float(text.get_text())
        except ValueError:  # "failed"
            continue
        text.set_color("k" if image.norm(value) > 0.5 else "w")
