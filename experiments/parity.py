"""Parity (XOR) of a binary sequence: a hand-set RNN that is exact, and a trained one.

Seed 003, written question 1: ``y[T] = x[1] xor x[2] xor ... xor x[T]``. An
Elman RNN computes it by carrying the parity so far, ``p_t = x_t xor p_{t-1}``,
in its state.

The hand-set network has two relu units fed ``s_t = x_t + p_{t-1}`` (0, 1 or 2)::

    h1_t = relu(s_t)          h2_t = relu(s_t - 1)        p_t = h1_t - 2 h2_t

so ``p_t`` is 0, 1, 0 for ``s_t`` = 0, 1, 2: exactly the XOR. With row
vectors, ``p_{t-1} = h_{t-1} @ [1, -2]``, hence ``W_layer = [[1, 1]]``,
``b_layer = [0, -1]``, ``W_time = [[1, 1], [-2, -2]]``, ``b_time = 0`` and an
identity output ``y_t = h_t @ [[1], [-2]]``. Every value is a small integer,
exact in floating point, so the output is exactly the parity at every step of
a sequence of any length.

The trained network (32 tanh units, sigmoid output, binary cross-entropy)
learns the running parity at every step from random sequences of length 10,
fresh ones every epoch, and is scored on all 2**10 sequences of length 10,
and on random longer ones.
"""

import time

import numpy as np
from matplotlib.figure import Figure

from experiments.common import (
    format_mean_std, mean_std, output_folder, print_table, run_seeds, write_metrics,
)
from rnn_nodes import RNN
from rnn_nodes.plotting import plot_history
from schedulers import Adam

LENGTH = 10


def all_sequences(length):
    """Every binary sequence of ``length``.

    Returns
    -------
    ndarray of shape (2**length, length, 1)
    """
    codes = np.arange(2**length)[:, None]
    return ((codes >> np.arange(length)) & 1).astype(np.float64)[..., None]


def running_parity(X):
    """``p_t = x_1 xor ... xor x_t``; X and the result of shape (batch, time, 1)."""
    return np.cumsum(X, axis=1) % 2


def hand_set_network():
    """The two-unit relu RNN of the module docstring, weights set by hand."""
    net = RNN(cost="mse", dtype="float32")
    net.add_InputLayer(1).add_RNNLayer(2, activation="relu").add_OutputLayer(1)
    recurrent, output = net.layers[1], net.layers[2]
    recurrent.set_params(W_layer=[[1.0, 1.0]], b_layer=[0.0, -1.0],
                         W_time=[[1.0, 1.0], [-2.0, -2.0]], b_time=[0.0, 0.0])
    output.set_params(W_layer=[[1.0], [-2.0]], b_layer=[0.0])
    return net


def check_hand_set(net, max_exhaustive, long_length, rng):
    """Exact agreement on every sequence up to ``max_exhaustive`` steps and on long random ones.

    Returns
    -------
    dict
        ``exhaustive_lengths``, ``sequences_checked`` and ``all_exact`` (every
        output at every step equal to the parity, not merely rounded to it).
    """
    checked, exact = 0, True
    for length in range(1, max_exhaustive + 1):
        X = all_sequences(length)
        exact &= bool(np.array_equal(net.forward(X), running_parity(X)))
        checked += len(X)
    X = rng.integers(0, 2, size=(64, long_length, 1)).astype(np.float64)
    exact &= bool(np.array_equal(net.forward(X), running_parity(X)))
    return {"exhaustive_lengths": max_exhaustive, "long_length": long_length,
            "sequences_checked": checked + len(X), "all_exact": exact}


def train_parity(seed, n_per_epoch, epochs, n_units=32):
    """Train on fresh random sequences of length 10 every epoch; score on all 1024 and longer ones.

    The learning rate is 0.02, then 0.005 for the last quarter of the epochs.
    """
    rng = np.random.default_rng(seed)
    net = RNN(cost="bce", scheduler=Adam(eta=0.02), seed=seed)
    net.add_InputLayer(1).add_RNNLayer(n_units, "tanh").add_OutputLayer(1, "sigmoid")
    history = {"loss": [], "accuracy": []}
    started = time.perf_counter()
    for epoch in range(epochs):
        if epoch == 3 * epochs // 4:
            net.scheduler.set_params(eta=0.005)
        X = rng.integers(0, 2, size=(n_per_epoch, LENGTH, 1)).astype(np.float64)
        step = net.train(X, running_parity(X), epochs=1, batch_size=32)
        for key in history:
            history[key] += step[key]
    seconds = time.perf_counter() - started
    every = all_sequences(LENGTH)
    y_hat = net.predict(every)
    scores = {
        "final_step_accuracy": float(np.mean((y_hat[:, -1] > 0.5) == running_parity(every)[:, -1])),
        "every_step_accuracy": float(np.mean((y_hat > 0.5) == running_parity(every))),
    }
    for length in (20, 50):
        X_long = rng.integers(0, 2, size=(512, length, 1)).astype(np.float64)
        y_long = net.predict(X_long)[:, -1] > 0.5
        scores[f"final_step_accuracy_length_{length}"] = float(
            np.mean(y_long == running_parity(X_long)[:, -1]))
    return {**scores, "train_seconds": seconds, "history": history}


def run(out="results/parity", quick=False, seed=0):
    """Check the hand-set network, train one per seed; write ``metrics.json`` and a figure."""
    started = time.perf_counter()
    seeds = run_seeds(seed, quick)
    n_per_epoch, epochs = 512, 60
    hand_set = check_hand_set(hand_set_network(), 10 if quick else 14,
                              200 if quick else 2000, np.random.default_rng(seed))
    runs = {s: train_parity(s, n_per_epoch, epochs) for s in seeds}
    keys = ("final_step_accuracy", "every_step_accuracy",
            "final_step_accuracy_length_20", "final_step_accuracy_length_50")
    summary = {key: mean_std([r[key] for r in runs.values()]) for key in keys}
    metrics = {
        "experiment": "parity", "seeds": seeds, "quick": quick,
        "hand_set": hand_set,
        "trained": {"n_units": 32, "activation": "tanh", "sequences_per_epoch": n_per_epoch,
                    "epochs": epochs, "length": LENGTH, **summary},
        "runs": {str(s): r for s, r in runs.items()},
        "wall_seconds": time.perf_counter() - started,
    }
    folder = output_folder(out)
    write_metrics(folder, metrics)
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.subplots()
    for s, r in runs.items():
        plot_history({f"loss (seed {s})": r["history"]["loss"]}, ax,
                     keys=[f"loss (seed {s})"])
    ax.set_title("trained parity network, binary cross-entropy")
    fig.savefig(folder / "training_curve.png", dpi=120)
    print(f"parity: seeds {seeds}, {metrics['wall_seconds']:.1f} s, results in {folder}/")
    print_table([
        ("hand-set exact on all sequences", hand_set["all_exact"]),
        ("  sequences checked", hand_set["sequences_checked"]),
        ("trained, all 1024 of length 10", format_mean_std(summary["final_step_accuracy"])),
        ("trained, random of length 20", format_mean_std(summary["final_step_accuracy_length_20"])),
        ("trained, random of length 50", format_mean_std(summary["final_step_accuracy_length_50"])),
    ])
    return metrics
