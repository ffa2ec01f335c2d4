"""The adding problem: the sum of the two marked numbers of a long sequence.

Each sequence has ``T`` steps of two features: a number drawn uniformly from
[0, 1], and a marker that is 1 at exactly two steps (one in each half of the
sequence, Le et al.'s variant) and 0 elsewhere. The target, read after the
last step (many-to-one), is the sum of the two marked numbers. Always
predicting its mean, 1, gives the mean squared error ``Var = 2/12 = 1/6 ~
0.167``: the baseline. A network must carry two numbers across up to ``T``
steps, so the tanh RNN is expected to beat the baseline at ``T = 50`` and
fail at ``T >= 100``, while GRU and LSTM (its gate biases chrono-initialised,
:func:`add_chrono_lstm`) reach MSE <= 1e-3.

Training: a fixed training set, Adam with gradients clipped to norm 1,
float32, the learning rate lowered in stages.

References
----------
Hochreiter, S. & Schmidhuber, J. (1997). Long short-term memory. Neural
Computation 9(8), experiment 4.
Le, Q. V., Jaitly, N. & Hinton, G. E. (2015). A simple way to initialize
recurrent networks of rectified linear units. arXiv:1504.00941.
Tallec, C. & Ollivier, Y. (2018). Can recurrent neural networks warp time?
ICLR 2018 (the chrono initialisation).
"""

import time

import numpy as np
from matplotlib.figure import Figure

from experiments.common import (
    format_mean_std, mean_std, output_folder, print_table, run_seeds, train_in_stages,
    write_metrics,
)
from rnn_nodes import RNN
from schedulers import Adam

BASELINE = 1 / 6
FULL_STAGES = [(50, 3e-3), (20, 1e-3), (10, 3e-4)]
TARGET = 1e-3


def add_chrono_lstm(net, n_units, n_steps, rng):
    """Add an LSTM layer whose gate biases start with the chrono initialisation.

    Tallec & Ollivier (2018): forget-gate biases ``log(u)``, ``u ~ U(1, T - 1)``,
    so that the units start out remembering over 1 to ``T`` steps, and the
    input-gate biases their negatives, so that little enters the cells until
    the network learns what to let in. At T = 200 with a forget bias of 3 (or
    5) and an open input gate, one of three seeds sat 72 of 80 epochs on the
    "always predict 1" plateau, its cells filled with the 200 unmarked
    numbers; with this start it left the plateau after 9.
    """
    net.add_LSTMLayer(n_units, forget_bias=0.0)
    b_layer = net.layers[-1].params["b_layer"]
    b_forget = np.log(rng.uniform(1, max(n_steps - 1, 1), n_units))
    b_layer[n_units:2 * n_units] = b_forget  # gates stacked i, f, g, o
    b_layer[:n_units] = -b_forget


CELLS = {  # (network, units, sequence length, generator) -> the network with its layer
    "gru": lambda net, n, n_steps, rng: net.add_GRULayer(n),
    "lstm": add_chrono_lstm,
    "rnn": lambda net, n, n_steps, rng: net.add_RNNLayer(n, activation="tanh"),
}


def make_adding(rng, n_samples, n_steps):
    """Adding-problem sequences and targets.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_samples : int
    n_steps : int
        Sequence length ``T`` (at least 2).

    Returns
    -------
    X : ndarray of shape (n_samples, n_steps, 2)
        Numbers in [0, 1] and the 0/1 markers, float32.
    t : ndarray of shape (n_samples, 1)
        The sum of the two marked numbers.
    """
    if n_steps < 2:
        raise ValueError(f"Received an invalid value for argument `n_steps`, expected an "
                         f"integer >= 2, got {n_steps!r}")
    values = rng.uniform(0, 1, size=(n_samples, n_steps))
    half = n_steps // 2
    first = rng.integers(0, half, size=n_samples)
    second = rng.integers(half, n_steps, size=n_samples)
    markers = np.zeros((n_samples, n_steps))
    rows = np.arange(n_samples)
    markers[rows, first] = markers[rows, second] = 1
    t = values[rows, first] + values[rows, second]
    return np.stack([values, markers], axis=-1).astype(np.float32), t[:, None].astype(np.float32)


def fit_one(cell, n_steps, seed, quick, stages=None):
    """Train one cell at one length; its test MSE, history and seconds.

    ``stages`` (``(epochs, eta)`` pairs) replaces the default schedule.
    """
    rng = np.random.default_rng([seed, n_steps])
    n_train, n_test, n_units = (512, 256, 16) if quick else (4_000, 1_000, 32)
    stages = stages or ([(2, 3e-3)] if quick else FULL_STAGES)
    X, t = make_adding(rng, n_train, n_steps)
    X_test, t_test = make_adding(rng, n_test, n_steps)
    net = RNN(cost="mse", scheduler=Adam(), seed=seed, clip_norm=1.0, dtype="float32")
    net.add_InputLayer(2)
    CELLS[cell](net, n_units, n_steps, rng)
    net.add_DenseLayer(1)
    started = time.perf_counter()
    history = train_in_stages(net, X, t, stages, X_val=X_test, t_val=t_test, batch_size=50)
    mse = float(np.mean((net.predict(X_test) - t_test) ** 2))
    return {"test_mse": mse, "train_seconds": time.perf_counter() - started,
            "history": history}


def run(out="results/adding", quick=False, seed=0, lengths=None, cells=tuple(CELLS),
        n_seeds=3, stages=None):
    """Every cell at every length; write ``metrics.json`` and ``mse.png``.

    Parameters
    ----------
    lengths : sequence of int, optional
        Default: (20,) when quick, else (50, 100, 200).
    cells : sequence of str
        Keys of ``CELLS``.
    n_seeds : int
        Seeds of a full run.
    stages : list of (int, float), optional
        ``(epochs, eta)`` pairs replacing the default schedule (quick: 2 epochs;
        full: ``FULL_STAGES``).
    """
    started = time.perf_counter()
    lengths = lengths or ((20,) if quick else (50, 100, 200))
    seeds = run_seeds(seed, quick, n_seeds)
    folder = output_folder(out)
    runs = {}
    for T in lengths:  # metrics.json is rewritten after every length: long runs keep results
        runs.update({(c, T, s): fit_one(c, T, s, quick, stages) for c in cells for s in seeds})
        metrics = _metrics(runs, seeds, quick, time.perf_counter() - started)
        write_metrics(folder, metrics)
    results = metrics["results"]
    fig = Figure(figsize=(4 * len(lengths), 4), layout="constrained")
    for ax, T in zip(np.atleast_1d(fig.subplots(1, len(lengths))), lengths):
        for c in cells:
            ax.plot(runs[c, T, seeds[0]]["history"]["val_loss"], label=c)
        ax.axhline(BASELINE, color="k", linestyle=":", label="predict 1")
        ax.set_yscale("log")
        ax.set_title(f"T = {T}")
        ax.set_xlabel("epoch")
        ax.set_ylabel("test MSE")
        ax.legend()
    fig.savefig(folder / "mse.png", dpi=120)
    print(f"adding: seeds {seeds}, {metrics['wall_seconds']:.1f} s, results in {folder}/")
    print_table([(f"{key} test MSE", format_mean_std(r["test_mse"]))
                 for key, r in results.items()] + [("baseline (predict 1)", BASELINE)])
    return metrics


def _metrics(runs, seeds, quick, seconds):
    """The metrics of the ``(cell, T, seed) -> result`` runs done so far."""
    keys = sorted({(c, T) for c, T, _ in runs}, key=lambda k: (k[1], list(CELLS).index(k[0])))
    results = {f"{c} T={T}": {**{k: mean_std([runs[c, T, s][k] for s in seeds])
                                 for k in ("test_mse", "train_seconds")},
                              "beats_baseline": all(runs[c, T, s]["test_mse"] < BASELINE
                                                    for s in seeds)}
               for c, T in keys}
    return {
        "experiment": "adding", "seeds": seeds, "quick": quick,
        "lengths": sorted({T for _, T in keys}),
        "baseline_mse": BASELINE, "target_mse": TARGET, "results": results,
        "meets_target": {f"{c} T={T}": results[f"{c} T={T}"]["test_mse"]["mean"] <= TARGET
                         for c, T in keys if c != "rnn" and T >= 100},
        "runs": {f"{c} T={T} seed={s}": r for (c, T, s), r in runs.items()},
        "wall_seconds": seconds,
    }
