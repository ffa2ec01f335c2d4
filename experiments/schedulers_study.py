"""All six update rules ("schedulers") on one task, their training curves in one figure.

The task is the sine demo's (:mod:`experiments.sine`): noisy sine waves of
random frequency and phase, next-step prediction, 16 tanh units, MSE,
minibatches of 32. Every scheduler starts from the same initial weights (the
same network seed) and sees the same batches.

Learning rates: each rule's best final training loss on the grid
{0.3, 0.1, 0.03, 0.01, 0.003} in a 15-epoch pilot on seed 0 (128 series of
60 steps), one step down the grid where that choice proved fragile:
Momentum (0.3 diverged, 0.1 was best, 0.03 is used) and RMSprop (0.03 was
best in the pilot, but its loss jumped between 0.01 and 0.04 from epoch to
epoch in full runs; 0.01 is used). Other hyperparameters are the classes'
defaults.
"""

import time

import numpy as np
from matplotlib.figure import Figure

from experiments.common import (
    format_mean_std, mean_std, output_folder, print_table, run_seeds, write_metrics,
)
from experiments.sine import NOISE, make_sine_waves
from rnn_nodes import RNN, TrainingDivergedError
from schedulers import Adagrad, AdagradMomentum, Adam, Constant, Momentum, RMSprop

RULES = {
    "Constant": lambda: Constant(eta=0.1),
    "Momentum": lambda: Momentum(eta=0.03),
    "Adagrad": lambda: Adagrad(eta=0.1),
    "AdagradMomentum": lambda: AdagradMomentum(eta=0.03),
    "RMSprop": lambda: RMSprop(eta=0.01),
    "Adam": lambda: Adam(eta=0.03),
}


def train_with(rule, seed, X, t, epochs):
    """Train a fresh network (weights from ``seed``) with the scheduler ``rule``.

    Returns
    -------
    dict
        ``loss`` per epoch, ``final_loss`` (NaN if training diverged),
        ``diverged`` and ``seconds``.
    """
    net = RNN(cost="mse", scheduler=RULES[rule](), seed=seed)
    net.add_InputLayer(1).add_RNNLayer(16, activation="tanh").add_OutputLayer(1)
    started = time.perf_counter()
    try:
        loss = net.train(X, t, epochs=epochs, batch_size=32)["loss"]
        diverged = False
    except TrainingDivergedError:
        loss, diverged = [], True
    return {"loss": loss, "final_loss": loss[-1] if loss else float("nan"),
            "diverged": diverged, "seconds": time.perf_counter() - started}


def run(out="results/schedulers", quick=False, seed=0):
    """Train once per rule and seed; write ``metrics.json`` and the overlaid curves."""
    started = time.perf_counter()
    seeds = run_seeds(seed, quick)
    n_series, n_steps, epochs = (64, 40, 4) if quick else (256, 80, 30)
    results = {rule: {} for rule in RULES}
    for s in seeds:
        noisy, _ = make_sine_waves(np.random.default_rng(s), n_series, n_steps)
        X, t = noisy[:, :-1], noisy[:, 1:]
        for rule in RULES:
            results[rule][s] = train_with(rule, s, X, t, epochs)
    summary = {rule: {"final_loss": mean_std([r["final_loss"] for r in per_seed.values()]),
                      "diverged": sum(r["diverged"] for r in per_seed.values()),
                      "eta": RULES[rule]().eta}
               for rule, per_seed in results.items()}
    metrics = {
        "experiment": "schedulers", "seeds": seeds, "quick": quick, "epochs": epochs,
        "series": n_series, "steps": n_steps, "noise_variance": NOISE**2,
        "schedulers": summary,
        "curves": {rule: {str(s): r["loss"] for s, r in per_seed.items()}
                   for rule, per_seed in results.items()},
        "wall_seconds": time.perf_counter() - started,
    }
    folder = output_folder(out)
    write_metrics(folder, metrics)
    _draw(folder, results)
    print(f"schedulers: seeds {seeds}, {epochs} epochs, {metrics['wall_seconds']:.1f} s, "
          f"results in {folder}/")
    print_table([(f"{rule} (eta {summary[rule]['eta']})",
                  format_mean_std(summary[rule]["final_loss"])) for rule in RULES])
    return metrics


def _draw(folder, results):
    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.subplots()
    for k, (rule, per_seed) in enumerate(results.items()):
        curves = [r["loss"] for r in per_seed.values() if not r["diverged"]]
        if curves:
            epochs = np.arange(1, len(curves[0]) + 1)
            ax.plot(epochs, np.mean(curves, axis=0), marker="o", markersize=3,
                    color=f"C{k}", label=rule)
    ax.axhline(NOISE**2, color="0.5", linestyle=":", label="noise variance")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training MSE (mean over seeds)")
    ax.set_title("sine waves, 16 tanh units, batches of 32")
    ax.legend()
    fig.savefig(folder / "training_curves.png", dpi=120)
