"""Sequences of different lengths: classification with masking against padding without it.

Each sequence is a noisy run of +1 and -1 symbols, ``x_t = s_t + 0.3 e_t``,
of 4 to 40 steps; its class is whether ``sum_t x_t > 0``: it depends on every
step, so a classifier must count over the whole sequence and report at its end.

Three ways to give such a batch to a many-to-one Elman RNN (16 tanh units, a
sigmoid dense layer, binary cross-entropy, Adam):

``masked``
    A list of the sequences (``lengths``): every layer keeps its state through
    the padding and the dense layer reads each sequence's own last step.
``post-padded``
    Zeros after each sequence, no mask: the network reads the last step of
    the padded array, after up to 36 steps of zeros it must learn to ignore.
``pre-padded``
    Zeros before each sequence, no mask (Keras' default padding, for this
    reason): the last step is the sequence's own, the zeros come first.

Accuracy on fresh sequences is reported overall and by length (short
sequences carry the longest zero tails). The full run also trains a GRU the
same three ways: its update gate can learn to hold the state through zeros.
"""

import time

import numpy as np
from matplotlib.figure import Figure

from experiments.common import (
    format_mean_std, mean_std, output_folder, print_table, run_seeds, write_metrics,
)
from rnn_nodes import RNN
from schedulers import Adam

MIN_LENGTH, MAX_LENGTH = 4, 40
NOISE = 0.3
N_UNITS = 16
MODES = ("masked", "post-padded", "pre-padded")
BINS = ((4, 16), (17, 28), (29, 40))  # length ranges reported apart


def make_sequences(n, rng, min_length=MIN_LENGTH, max_length=MAX_LENGTH):
    """``n`` sequences of random lengths and their classes.

    Returns
    -------
    X : list of ndarray of shape (time_b, 1)
    y : ndarray of shape (n, 1)
        1.0 where the sequence sums to more than 0.
    """
    lengths = rng.integers(min_length, max_length + 1, n)
    X = [rng.choice([-1.0, 1.0], size=(n_b, 1)) + NOISE * rng.standard_normal((n_b, 1))
         for n_b in lengths]
    return X, np.array([[float(x.sum() > 0)] for x in X])


def pad(X, time, where):
    """Zero-padded array (n, time, 1), the zeros ``"post"`` (after) or ``"pre"`` (before)."""
    padded = np.zeros((len(X), time, X[0].shape[1]))
    for b, x in enumerate(X):
        if where == "post":
            padded[b, :len(x)] = x
        else:
            padded[b, time - len(x):] = x
    return padded


def as_given(X, mode):
    """The sequences as ``mode`` gives them to the network."""
    if mode == "masked":
        return X
    return pad(X, MAX_LENGTH, "post" if mode == "post-padded" else "pre")


def train_one(cell, mode, X, y, X_test, y_test, epochs, seed):
    """Train one network on ``X`` given the ``mode`` way; score it on the test sequences."""
    net = RNN(cost="bce", scheduler=Adam(eta=0.01), seed=seed).add_InputLayer(1)
    getattr(net, {"rnn": "add_RNNLayer", "gru": "add_GRULayer"}[cell])(N_UNITS)
    net.add_DenseLayer(1, "sigmoid")
    started = time.perf_counter()
    history = net.train(as_given(X, mode), y, epochs=epochs, batch_size=32)
    seconds = time.perf_counter() - started
    correct = (net.predict(as_given(X_test, mode)) > 0.5) == (y_test > 0.5)
    lengths = np.array([len(x) for x in X_test])
    by_length = {f"{lo}-{hi}": float(np.mean(correct[(lengths >= lo) & (lengths <= hi)]))
                 for lo, hi in BINS}
    return {"accuracy": float(np.mean(correct)), "accuracy_by_length": by_length,
            "train_seconds": seconds, "loss": history["loss"]}


def run(out="results/varlen", quick=False, seed=0):
    """Train every cell and mode per seed; write ``metrics.json`` and a figure."""
    started = time.perf_counter()
    seeds = run_seeds(seed, quick)
    n_train, epochs = (400, 8) if quick else (1500, 15)
    cells = ("rnn",) if quick else ("rnn", "gru")
    runs = {}
    for s in seeds:
        rng = np.random.default_rng(s)
        X, y = make_sequences(n_train, rng)
        X_test, y_test = make_sequences(1000, rng)
        for cell in cells:
            for mode in MODES:
                runs[f"{cell}/{mode}/{s}"] = train_one(cell, mode, X, y, X_test, y_test,
                                                       epochs, s)
    summary = {
        f"{cell}/{mode}": {
            "accuracy": mean_std([runs[f"{cell}/{mode}/{s}"]["accuracy"] for s in seeds]),
            "accuracy_by_length": {
                f"{lo}-{hi}": mean_std([runs[f"{cell}/{mode}/{s}"]["accuracy_by_length"]
                                        [f"{lo}-{hi}"] for s in seeds])
                for lo, hi in BINS},
        }
        for cell in cells for mode in MODES
    }
    metrics = {
        "experiment": "varlen", "seeds": seeds, "quick": quick, "n_train": n_train,
        "n_test": 1000, "epochs": epochs, "n_units": N_UNITS,
        "lengths": [MIN_LENGTH, MAX_LENGTH], "noise": NOISE,
        "summary": summary,
        "masking_gain_rnn": summary["rnn/masked"]["accuracy"]["mean"]
        - summary["rnn/post-padded"]["accuracy"]["mean"],
        "runs": runs,
        "wall_seconds": time.perf_counter() - started,
    }
    folder = output_folder(out)
    write_metrics(folder, metrics)
    _figure(summary, cells).savefig(folder / "accuracy_by_length.png", dpi=120)
    print(f"varlen: seeds {seeds}, {metrics['wall_seconds']:.1f} s, results in {folder}/")
    rows = []
    for key, entry in summary.items():
        by_length = ", ".join(f"{name} {format_mean_std(v, 2)}"
                              for name, v in entry["accuracy_by_length"].items())
        rows.append((f"{key} accuracy", f"{format_mean_std(entry['accuracy'])}  "
                                         f"(by length: {by_length})"))
    print_table(rows)
    return metrics


def _figure(summary, cells):
    fig = Figure(figsize=(7, 4), layout="constrained")
    axes = fig.subplots(1, len(cells), sharey=True, squeeze=False)[0]
    width = 0.8 / len(MODES)
    for ax, cell in zip(axes, cells):
        for k, mode in enumerate(MODES):
            entry = summary[f"{cell}/{mode}"]["accuracy_by_length"]
            ax.bar(np.arange(len(BINS)) + (k - 1) * width, [v["mean"] for v in entry.values()],
                   width, label=mode)
        ax.set_xticks(range(len(BINS)), [f"{lo}-{hi}" for lo, hi in BINS])
        ax.set_xlabel("sequence length")
        ax.set_title({"rnn": "Elman RNN", "gru": "GRU"}[cell])
        ax.axhline(0.5, color="gray", lw=0.8, ls=":")
    axes[0].set_ylabel("test accuracy")
    axes[0].set_ylim(0.4, 1.0)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside upper center", ncols=3)
    return fig
