"""Weights and hidden states per epoch, as histograms: what TensorBoard users look at."""

import numpy as np

from rnn_nodes.training import Callback


class HistogramRecorder(Callback):
    """A training callback that records, after every epoch, a histogram of each parameter
    and of each recurrent layer's hidden states on a fixed batch.

    Parameters
    ----------
    X : ndarray of shape (batch, time, n_in), optional
        The batch whose hidden states ``h_t`` (all steps) are recorded; None
        records the parameters only.
    bins : int, default=30

    Attributes
    ----------
    epochs : list of int
        The epochs recorded (counted from 1).
    histograms : dict of str to list of (counts, edges)
        Per name (``"layers.{i}.{param}"``, ``"layers.{i}.h"``), one
        ``numpy.histogram`` per recorded epoch.

    Examples
    --------
    >>> import numpy as np
    >>> from rnn_nodes import RNN
    >>> X = np.random.default_rng(0).normal(size=(16, 5, 1))
    >>> net = RNN(cost="mse", seed=0).add_InputLayer(1).add_RNNLayer(3).add_DenseLayer(1)
    >>> recorder = HistogramRecorder(X[:4])
    >>> _ = net.train(X, X.sum(axis=1), epochs=2, batch_size=8, callbacks=[recorder])
    >>> recorder.epochs, len(recorder.histograms["layers.1.h"])
    ([1, 2], 2)
    """

    def __init__(self, X=None, bins=30):
        if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
            raise ValueError("Received an invalid value for argument `bins`, expected a "
                             f"positive integer, got {bins!r}")
        self.X, self.bins = X, int(bins)
        self.epochs, self.histograms = [], {}

    def on_epoch_end(self, net, epoch, history):
        self.epochs.append(epoch)
        values = {f"layers.{i}.{name}": p for i, layer in net.trainable_layers
                  for name, p in layer.params.items()}
        if self.X is not None:
            net.forward(self.X)
            values |= {f"layers.{i}.h": layer.out for i, layer in enumerate(net.layers)
                       if hasattr(layer, "nodes") or hasattr(layer, "forward_layer")}
        for name, value in values.items():
            counts, edges = np.histogram(np.asarray(value, dtype=np.float64), bins=self.bins)
            self.histograms.setdefault(name, []).append((counts, edges))
        return False


def plot_histograms(recorder, names=None, axes=None):
    """One panel per recorded name: each epoch's histogram as a line, colour by epoch.

    Parameters
    ----------
    recorder : HistogramRecorder
    names : list of str, optional
        Which histograms (default: all).
    axes : sequence of matplotlib.axes.Axes, optional
        One per name.

    Returns
    -------
    list of matplotlib.axes.Axes
    """
    from matplotlib import colormaps
    from matplotlib.figure import Figure

    names = list(recorder.histograms) if names is None else list(names)
    unknown = [n for n in names if n not in recorder.histograms]
    if unknown or not names:
        raise ValueError(f"Received an invalid value for argument `names`: {unknown or names}; "
                         f"recorded: {list(recorder.histograms)}")
    if axes is None:
        columns = min(3, len(names))
        rows = -(-len(names) // columns)
        fig = Figure(figsize=(3.2 * columns, 2.4 * rows), layout="constrained")
        axes = np.atleast_1d(fig.subplots(rows, columns)).ravel()[:len(names)]
    cmap = colormaps["viridis"]
    for ax, name in zip(axes, names):
        series = recorder.histograms[name]
        for k, (counts, edges) in enumerate(series):
            centres = (edges[:-1] + edges[1:]) / 2
            ax.plot(centres, counts, color=cmap(k / max(1, len(series) - 1)), lw=1,
                    label=f"epoch {recorder.epochs[k]}" if k in (0, len(series) - 1) else None)
        ax.set_title(name, fontsize="small")
        ax.legend(fontsize="x-small")
    return list(axes)
