"""Plots of training curves and predictions; every function draws on an ``ax`` you give.

>>> from matplotlib.figure import Figure
>>> fig = Figure(); ax = fig.subplots()
>>> plot_history({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}, ax)  # doctest: +ELLIPSIS
<Axes: ...>
"""


def plot_history(history, ax, keys=("loss", "val_loss"), log_scale=True):
    """Per-epoch curves of a training history.

    Parameters
    ----------
    history : dict of str to list of float
        As returned by :meth:`rnn_nodes.RNN.train`.
    ax : matplotlib.axes.Axes
    keys : sequence of str
        Entries to draw; missing ones are skipped.
    log_scale : bool, default=True

    Returns
    -------
    ax
    """
    for key in keys:
        if key in history:
            epochs = range(1, len(history[key]) + 1)
            ax.plot(epochs, history[key], marker="o", markersize=3, label=key)
    ax.set_xlabel("epoch")
    ax.set_ylabel("cost")
    if log_scale:
        ax.set_yscale("log")
    ax.legend()
    return ax


def plot_series(ax, time, series, label, **style):
    """One series against time; returns ``ax``."""
    ax.plot(time, series, label=label, **style)
    ax.set_xlabel("time step")
    ax.legend()
    return ax
