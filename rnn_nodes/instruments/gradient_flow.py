"""How far the gradient reaches back in time: ||dC/dh_t|| per layer and step, drawn."""

import numpy as np

from rnn_nodes.instruments.tracing import trace as run_trace


def gradient_norms(net, X, t=None, **trace_kwargs):
    """``||dC/dh_t||`` for every recurrent layer (direction) and step.

    The norm is taken over the units and averaged over the batch.

    Parameters
    ----------
    net : RNN
    X : ndarray of shape (batch, time, n_in)
    t : ndarray, optional
        Targets (or give ``dY``, ``h0``, ``c0``, ``lengths`` as for :func:`trace`).

    Returns
    -------
    names : list of str
        One per row: ``"layers.{i}"`` (and ``"layers.{i}.reverse"``, whose
        steps are put back in input order).
    norms : ndarray of shape (len(names), time)
    """
    traced = run_trace(net, X, t, **trace_kwargs)
    names, rows = [], []
    for layer in traced:
        norms = np.linalg.norm(layer["dC_dh"], axis=-1).mean(axis=1)  # (time,)
        rows.append(norms[::-1] if layer.name.endswith(".reverse") else norms)
        names.append(layer.name)
    return names, np.array(rows)


def plot_gradient_flow(net, X, t=None, ax=None, kind="heatmap", **trace_kwargs):
    """Draw ``||dC/dh_t||`` of every recurrent layer against the step ``t``.

    The picture of vanishing (or exploding) gradients for any network and data:
    a heat map of layers x time with a logarithmic colour scale, or one line
    per layer on a logarithmic axis.

    Parameters
    ----------
    net : RNN
    X : ndarray of shape (batch, time, n_in)
    t : ndarray, optional
        Targets; or ``dY`` etc. as keywords, as for :func:`~rnn_nodes.instruments.trace`.
    ax : matplotlib.axes.Axes, optional
        Drawn into; a new figure's axes otherwise.
    kind : {"heatmap", "line"}, default="heatmap"

    Returns
    -------
    matplotlib.axes.Axes
        With the norms as its image (``ax.images[0].get_array()``) or lines.

    Examples
    --------
    >>> import numpy as np
    >>> from rnn_nodes import RNN
    >>> net = RNN(cost="mse", seed=0).add_InputLayer(1).add_RNNLayer(4).add_DenseLayer(1)
    >>> X = np.random.default_rng(0).normal(size=(8, 20, 1))
    >>> ax = plot_gradient_flow(net, X, X[:, -1], kind="line")
    >>> len(ax.lines)
    1
    """
    from matplotlib.colors import LogNorm
    from matplotlib.figure import Figure

    if kind not in ("heatmap", "line"):
        raise ValueError("Received an invalid value for argument `kind`, expected 'heatmap' or "
                         f"'line', got {kind!r}")
    names, norms = gradient_norms(net, X, t, **trace_kwargs)
    if ax is None:
        ax = Figure(figsize=(6, 1.2 + 0.5 * len(names)), layout="constrained").subplots()
    steps = np.arange(norms.shape[1])
    if kind == "line":
        for name, row in zip(names, norms):
            ax.semilogy(steps, row, label=name)
        ax.set_ylabel(r"$\|\partial C / \partial h_t\|$")
        ax.legend(fontsize="small")
    else:
        positive = norms[norms > 0]
        low = positive.min() if positive.size else 1e-12
        image = ax.imshow(np.maximum(norms, low), aspect="auto", interpolation="nearest",
                          norm=LogNorm(vmin=low, vmax=max(low * 10, norms.max())),
                          cmap="viridis")
        ax.set_yticks(range(len(names)), names)
        ax.figure.colorbar(image, ax=ax, label=r"$\|\partial C / \partial h_t\|$")
    ax.set_xlabel("time step t")
    ax.set_title("gradient reaching each step")
    return ax
