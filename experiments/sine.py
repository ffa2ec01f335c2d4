"""Noisy sine waves: next-step prediction, then free-running extrapolation.

Every series is ``sin(omega * t * dt + phase)`` plus Gaussian noise, with a
random frequency and phase. The network reads the noisy series and predicts
the next value at every step (many-to-many). After training it observes the
first part of unseen series and extrapolates the rest by feeding its own
predictions back, starting from the last observed step.
"""

import time

import numpy as np
from matplotlib.figure import Figure

from experiments.common import output_folder, print_table, write_metrics
from rnn_nodes import RNN
from rnn_nodes.plotting import plot_history, plot_series
from schedulers import Adam

DT = 0.1
NOISE = 0.05


def make_sine_waves(rng, n_series, n_steps, noise=NOISE):
    """Noisy and clean sine waves.

    Returns
    -------
    noisy, clean : ndarray of shape (n_series, n_steps, 1)
    """
    omega = rng.uniform(0.8, 1.6, size=(n_series, 1))
    phase = rng.uniform(0, 2 * np.pi, size=(n_series, 1))
    clean = np.sin(omega * DT * np.arange(n_steps) + phase)[..., None]
    return clean + noise * rng.standard_normal(clean.shape), clean


def run(out="results/sine", quick=False, seed=0):
    """Train, evaluate, write ``metrics.json`` and figures to ``out``; return the metrics."""
    rng = np.random.default_rng(seed)
    n_train, n_val, n_steps, epochs = (128, 32, 60, 12) if quick else (384, 128, 120, 30)
    noisy, clean = make_sine_waves(rng, n_train + n_val, n_steps)
    X, t = noisy[:, :-1], noisy[:, 1:]
    X_train, t_train, X_val, t_val = X[:n_train], t[:n_train], X[n_train:], t[n_train:]

    net = RNN(cost="mse", scheduler=Adam(eta=1e-2), seed=seed)
    net.add_InputLayer(1).add_RNNLayer(16, activation="tanh").add_OutputLayer(1)
    started = time.perf_counter()
    history = net.train(X_train, t_train, X_val=X_val, t_val=t_val,
                        epochs=epochs, batch_size=32)
    train_seconds = time.perf_counter() - started

    # next step, scored against the clean signal (the noise itself is unpredictable)
    next_step = net.predict(X_val)
    next_step_mse = float(np.mean((next_step - clean[n_train:, 1:]) ** 2))

    # free running: observe the first 2/3 of the validation series, extrapolate the rest
    n_seen = 2 * n_steps // 3
    n_ahead = n_steps - n_seen
    future = net.extrapolate(noisy[n_train:, :n_seen], n_ahead)
    truth = clean[n_train:, n_seen:]
    extrapolation_mse = float(np.mean((future - truth) ** 2))
    persistence_mse = float(np.mean((noisy[n_train:, n_seen - 1:n_seen] - truth) ** 2))

    metrics = {
        "experiment": "sine", "seed": seed, "quick": quick, "epochs": epochs,
        "train_loss": history["loss"][-1], "val_loss": history["val_loss"][-1],
        "next_step_mse_vs_clean": next_step_mse, "noise_variance": NOISE**2,
        "extrapolation_steps": n_ahead, "extrapolation_mse": extrapolation_mse,
        "persistence_mse": persistence_mse, "train_seconds": train_seconds,
        "history": history,
    }
    folder = output_folder(out)
    write_metrics(folder, metrics)
    _draw(folder, history, noisy[n_train], next_step[0], n_seen, future[0], clean[n_train])
    print(f"sine: {epochs} epochs in {train_seconds:.1f} s, results in {folder}/")
    print_table([(k, metrics[k]) for k in (
        "train_loss", "val_loss", "next_step_mse_vs_clean", "noise_variance",
        "extrapolation_mse", "persistence_mse")])
    return metrics


def _draw(folder, history, series, next_step, n_seen, future, clean):
    fig = Figure(figsize=(6, 4), layout="constrained")
    plot_history(history, fig.subplots())
    fig.savefig(folder / "training_curve.png", dpi=120)

    fig = Figure(figsize=(9, 4), layout="constrained")
    ax_next, ax_free = fig.subplots(1, 2)
    steps = np.arange(len(series))
    plot_series(ax_next, steps, series[:, 0], "noisy input", color="0.6")
    plot_series(ax_next, steps[1:], next_step[:, 0], "next-step prediction", color="C0")
    ax_next.set_title("next step")
    plot_series(ax_free, steps, clean[:, 0], "clean signal", color="0.6")
    plot_series(ax_free, steps[n_seen:], future[:, 0], "extrapolation", color="C3")
    ax_free.axvline(n_seen - 0.5, color="k", linestyle=":")
    ax_free.set_title("free running after the dotted line")
    fig.savefig(folder / "predictions.png", dpi=120)
