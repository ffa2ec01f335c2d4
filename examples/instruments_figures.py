"""The figures of docs/instruments.md: gradient flow, the unrolled graph, histograms.

Run from the repository root: ``python examples/instruments_figures.py`` (about 10 s on
2 cores). Writes ``docs/figures/instruments_*.png``.
"""

import pathlib

import numpy as np
from matplotlib.figure import Figure

from rnn_nodes import (
    RNN,
    HistogramRecorder,
    plot_gradient_flow,
    plot_histograms,
    plot_unrolled,
)
from rnn_nodes import trace as trace_network
from schedulers import Adam

FIGURES = pathlib.Path(__file__).resolve().parents[1] / "docs" / "figures"


def first_input_task(rng, n=256, steps=30):
    """The sign of the first of ``steps`` noise values, to be reported at the last step."""
    X = rng.standard_normal((n, steps, 1))
    return X, (X[:, :1, 0] > 0).astype(float)


def main():
    rng = np.random.default_rng(0)
    X, t = first_input_task(rng)
    FIGURES.mkdir(parents=True, exist_ok=True)

    # gradient flow: an Elman layer and an LSTM layer at initialisation
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    axes = fig.subplots(2, 1)
    for ax, add in zip(axes, ("add_RNNLayer", "add_LSTMLayer")):
        net = RNN(cost="bce", seed=0, dtype="float64").add_InputLayer(1)
        getattr(net, add)(16)
        getattr(net, add)(16)
        net.add_DenseLayer(1, activation="sigmoid")
        plot_gradient_flow(net, X[:32], t[:32], ax=ax)
        ax.set_title(f"{add[4:]}: ||dC/dh_t|| at initialisation", fontsize="small")
    fig.savefig(FIGURES / "instruments_gradient_flow.png", dpi=110)

    # the unrolled graph of a trained two-layer GRU, arrows as wide as the gradient
    net = RNN(cost="bce", scheduler=Adam(eta=1e-2), seed=0).add_InputLayer(1)
    net.add_GRULayer(8).add_GRULayer(8).add_DenseLayer(1, activation="sigmoid")
    recorder = HistogramRecorder(X[:32])
    net.train(X, t, epochs=5, batch_size=32, callbacks=[recorder])
    ax = plot_unrolled(net, steps=6, trace=trace_network(net, X[:32], t[:32]))
    ax.figure.savefig(FIGURES / "instruments_unrolled.png", dpi=110)

    axes = plot_histograms(recorder, names=["layers.1.W_time", "layers.1.h", "layers.2.h"])
    axes[0].figure.savefig(FIGURES / "instruments_histograms.png", dpi=110)


if __name__ == "__main__":
    main()
