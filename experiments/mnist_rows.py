"""MNIST digits read row by row: 28 steps of 28 pixels, one label per image (many-to-one).

The images come from the official MNIST test-set IDX files
(``t10k-images-idx3-ubyte.gz``, ``t10k-labels-idx1-ubyte.gz``), read with
:func:`rnn_nodes.datasets.load_mnist_idx` from the folder given with
``--data`` (default: ``mnist/`` under the shared data folder). Pixels are
scaled to [0, 1] and z-scored with the training images' mean and standard
deviation.

(a) **the seed's setup**: images 0-599 for training, 600-699 for validation;
    300 relu units and a dense softmax layer; 20 epochs. The learning rate
    steps down twice (1e-3, 3e-4, 1e-4) and gradients are clipped to norm 1
    (a relu RNN's gradients can blow up through 28 steps).
(b) **seed 003's comparison**: images 0-7999 for training, 8000-9999 for the
    test, vanilla RNN, GRU and LSTM of 128 units, with the time per epoch.

Where the files come from, and how to pass them: ``python -m experiments
list`` (:data:`experiments.data.SOURCES`); nothing is downloaded.
"""

import time

import numpy as np
from matplotlib.figure import Figure

from experiments.common import (
    format_mean_std, mean_std, output_folder, print_table, run_seeds, train_in_stages,
    write_metrics,
)
from experiments.data import resolve_data
from rnn_nodes import RNN
from rnn_nodes.datasets import load_mnist_idx
from rnn_nodes.plotting import plot_history
from schedulers import Adam

DATA = "mnist"
IMAGES = "t10k-images-idx3-ubyte.gz"
LABELS = "t10k-labels-idx1-ubyte.gz"

# recurrent cells of part (b): name -> how to add one of n units to a network
CELLS = {
    "rnn": lambda net, n: net.add_RNNLayer(n, activation="tanh"),
    "gru": lambda net, n: net.add_GRULayer(n),
    "lstm": lambda net, n: net.add_LSTMLayer(n),
}
PART_B_CELLS = ("rnn", "gru", "lstm")


def load(folder):
    """Images as sequences and one-hot labels from the IDX files in ``folder``.

    Returns
    -------
    X : ndarray of shape (10000, 28, 28)
        Rows of pixels in [0, 1], float32.
    T : ndarray of shape (10000, 10)
        One-hot labels.
    """
    images, labels = load_mnist_idx(folder / IMAGES, folder / LABELS)
    return images.astype(np.float32) / 255, np.eye(10, dtype=np.float32)[labels]


def classify(X, T, train, test, build, stages, batch_size, seed, clip_norm):
    """Train a many-to-one classifier on ``train`` rows; score it on ``test`` rows.

    Parameters
    ----------
    X : ndarray of shape (n, 28, 28)
    T : ndarray of shape (n, 10)
    train, test : slice
    build : callable
        ``build(net)`` adds the recurrent layer(s) after the input layer.
    stages : list of (int, float)
        ``(epochs, eta)`` for :func:`experiments.common.train_in_stages`.

    Returns
    -------
    dict
        ``train_accuracy``, ``test_accuracy`` (after the last epoch),
        ``seconds_per_epoch`` and the ``history``.
    """
    mean, std = X[train].mean(), X[train].std()
    Z = (X - mean) / std
    net = RNN(cost="cce", scheduler=Adam(), seed=seed, clip_norm=clip_norm)
    net.add_InputLayer(X.shape[2])
    build(net)
    net.add_DenseLayer(10, activation="softmax")
    history = train_in_stages(net, Z[train], T[train], stages, X_val=Z[test], t_val=T[test],
                              batch_size=batch_size)
    return {
        "train_accuracy": history["accuracy"][-1],
        "test_accuracy": history["val_accuracy"][-1],
        "seconds_per_epoch": float(np.mean(history["time"])),
        "history": history,
    }


def part_a(X, T, seed, quick):
    """The seed's setup: 600 / 100 images, 300 relu units, 20 epochs."""
    stages = [(3, 1e-3)] if quick else [(8, 1e-3), (6, 3e-4), (6, 1e-4)]
    return classify(X, T, slice(0, 600), slice(600, 700),
                    lambda net: net.add_RNNLayer(300, activation="relu"),
                    stages, batch_size=32, seed=seed, clip_norm=1.0)


def part_b(X, T, seed, quick, cells=PART_B_CELLS):
    """Seed 003's comparison of cells, 8,000 / 2,000 images, 128 units, 10 epochs.

    Returns
    -------
    dict of str to dict
        One :func:`classify` result per cell of ``cells`` (all must be in ``CELLS``).
    """
    train, test = (slice(0, 500), slice(500, 600)) if quick else (slice(0, 8000),
                                                                  slice(8000, 10000))
    stages = [(1, 1e-3)] if quick else [(6, 1e-3), (4, 3e-4)]
    return {cell: classify(X, T, train, test, lambda net, c=cell: CELLS[c](net, 128),
                           stages, batch_size=64, seed=seed, clip_norm=1.0)
            for cell in cells}


def run(out="results/mnist-rows", quick=False, seed=0, data=None):
    """Parts (a) and (b); write metrics and figures."""
    started = time.perf_counter()
    folder_in = resolve_data(data, DATA, "mnist-rows")
    X, T = load(folder_in)
    seeds = run_seeds(seed, quick)
    runs_a = {s: part_a(X, T, s, quick) for s in seeds}
    runs_b = {s: part_b(X, T, s, quick) for s in seeds}
    part_b_metrics = {"run": True, **{
        cell: {key: mean_std([runs_b[s][cell][key] for s in seeds])
               for key in ("test_accuracy", "train_accuracy", "seconds_per_epoch")}
        for cell in PART_B_CELLS}}
    summary = {key: mean_std([r[key] for r in runs_a.values()])
               for key in ("test_accuracy", "train_accuracy", "seconds_per_epoch")}
    metrics = {
        "experiment": "mnist-rows", "seeds": seeds, "quick": quick, "data": str(folder_in),
        "part_a": {"train_images": 600, "validation_images": 100, "hidden": "300 relu",
                   "epochs": len(runs_a[seeds[0]]["history"]["loss"]),
                   "validation_accuracy": summary["test_accuracy"],
                   "train_accuracy": summary["train_accuracy"],
                   "seconds_per_epoch": summary["seconds_per_epoch"]},
        "part_b": part_b_metrics,
        "runs": {str(s): r for s, r in runs_a.items()},
        "wall_seconds": time.perf_counter() - started,
    }
    folder = output_folder(out)
    write_metrics(folder, metrics)
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.subplots()
    for s, r in runs_a.items():
        epochs = np.arange(1, len(r["history"]["val_accuracy"]) + 1)
        ax.plot(epochs, r["history"]["accuracy"], color="0.6", linestyle=":")
        ax.plot(epochs, r["history"]["val_accuracy"], label=f"validation, seed {s}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy (dotted: training)")
    ax.set_title("(a) 600 images, 300 relu units")
    ax.legend()
    fig.savefig(folder / "accuracy.png", dpi=120)
    fig = Figure(figsize=(6, 4), layout="constrained")
    plot_history(runs_a[seeds[0]]["history"], fig.subplots())
    fig.savefig(folder / "training_curve.png", dpi=120)
    print(f"mnist-rows: seeds {seeds}, {metrics['wall_seconds']:.1f} s, results in {folder}/")
    print_table([
        ("(a) validation accuracy", format_mean_std(summary["test_accuracy"])),
        ("(a) training accuracy", format_mean_std(summary["train_accuracy"])),
        ("(a) seconds per epoch", format_mean_std(summary["seconds_per_epoch"])),
    ] + [(f"(b) {cell} test accuracy", format_mean_std(part_b_metrics[cell]["test_accuracy"]))
         for cell in PART_B_CELLS])
    return metrics
