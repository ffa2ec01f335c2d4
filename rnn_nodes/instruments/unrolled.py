"""The network unrolled in time: one box per node, the arrows BPTT follows."""

import numpy as np


def plot_unrolled(net, steps=4, trace=None, ax=None):
    """Draw ``net`` unrolled over ``steps`` time steps.

    One box per node (recurrent layer x step), arrows ``h_{t-1} -> h_t`` along
    each layer and ``layer -> layer`` up the stack, the input row below and the
    head above. With a :class:`~rnn_nodes.instruments.Trace`, each node's box
    is coloured and each arrow into it drawn as wide as ``||dC/dh_t||`` (mean
    over the batch) of that node, relative to the largest: the gradient that
    flows back along it.

    Parameters
    ----------
    net : RNN
    steps : int, default=4
        Steps to draw; with a trace, its last ``steps`` steps.
    trace : Trace, optional
        From :func:`~rnn_nodes.instruments.trace`.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Its patches are the boxes (``len(ax.patches)`` is nodes + arrows).

    Examples
    --------
    >>> from rnn_nodes import RNN
    >>> net = RNN().add_InputLayer(1).add_RNNLayer(3).add_RNNLayer(3).add_DenseLayer(1)
    >>> ax = plot_unrolled(net, steps=3)
    >>> sum(1 for text in ax.texts if text.get_text().startswith("h"))
    6
    """
    from matplotlib import colormaps
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"Received an invalid value for argument `steps`, expected a positive "
                         f"integer, got {steps!r}")
    recurrent = [(i, layer) for i, layer in enumerate(net.layers)
                 if hasattr(layer, "nodes") or hasattr(layer, "forward_layer")]
    if not recurrent:
        raise ValueError("plot_unrolled draws recurrent layers; the network has none")
    norms = _node_norms(trace, recurrent, steps)
    if ax is None:
        ax = Figure(figsize=(1.6 * steps + 1.5, 1.3 * (len(recurrent) + 2)),
                    layout="constrained").subplots()
    cmap = colormaps["viridis"]

    def box(x, y, text, level=None):
        colour = "white" if level is None else cmap(level)
        ax.add_patch(FancyBboxPatch((x - 0.35, y - 0.25), 0.7, 0.5,
                                    boxstyle="round,pad=0.02", fc=colour, ec="black"))
        ax.text(x, y, text, ha="center", va="center", fontsize=8,
                color="white" if level is not None and level < 0.5 else "black")

    def arrow(start, end, width=1.0):
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10,
                                     lw=0.5 + 3.5 * width, color="0.3"))

    for t in range(steps):
        box(t, 0, f"x_{t}")
        for row, (i, layer) in enumerate(recurrent, start=1):
            level = None if norms is None else norms[row - 1, t]
            box(t, row, f"h{row}_{t}" if len(recurrent) > 1 else f"h_{t}", level)
            arrow((t, row - 0.75), (t, row - 0.25), 0.2 if level is None else level)
            if t > 0:
                arrow((t - 0.65, row), (t - 0.35, row), 0.2 if level is None else level)
        head = len(recurrent) + 1
        if net.sequence_output or t == steps - 1:
            box(t, head, "y_hat" if not net.sequence_output else f"y_{t}")
            arrow((t, head - 0.75), (t, head - 0.25), 0.2)
    ax.set_xlim(-0.7, steps - 0.3)
    ax.set_ylim(-0.6, len(recurrent) + 1.6)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("unrolled in time" + (" (width: ||dC/dh_t||)" if norms is not None else ""))
    return ax


def _node_norms(trace, recurrent, steps):
    """``||dC/dh_t||`` of each drawn node over the largest, (layers, steps); None without a
    trace. A bidirectional layer shows its forward direction."""
    if trace is None:
        return None
    rows = []
    for i, _ in recurrent:
        dC_dh = trace[i]["dC_dh"]
        rows.append(np.linalg.norm(dC_dh, axis=-1).mean(axis=1)[-steps:])
    norms = np.array(rows)
    if norms.shape[1] < steps:
        raise ValueError(f"the trace has {norms.shape[1]} steps, fewer than steps={steps}")
    return norms / max(float(norms.max()), np.finfo(float).tiny)
