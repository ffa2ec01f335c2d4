"""scikit-learn's 8x8 digits read row by row (8 steps x 8 pixels) by ``RNNClassifier``.

The 1,797 images of :func:`sklearn.datasets.load_digits` (shipped with
scikit-learn, nothing downloaded) are scaled to [0, 1] and split 50/50,
stratified by label, with the run's seed. The same split is given to
scikit-learn's ``MLPClassifier`` (one hidden layer of 100 relu units) and
``SVC`` (RBF kernel, default ``C`` and ``gamma``) in the same run, so the
three accuracies are comparable. Target (issue 9): the RNN at >= 94 %.
"""

import time
import warnings

import numpy as np
from matplotlib.figure import Figure
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC

from experiments.common import (
    format_mean_std, mean_std, output_folder, print_table, run_seeds, write_metrics,
)
from rnn_nodes import RNNClassifier

TARGET = 0.94


def load_split(seed):
    """The digits as sequences, split 50/50 (stratified) with ``seed``.

    Returns
    -------
    X_train, X_test : ndarray of shape (n, 8, 8)
        Pixel rows in [0, 1], float32.
    y_train, y_test : ndarray of shape (n,)
    """
    digits = load_digits()
    X = (digits.images / 16).astype(np.float32)
    return train_test_split(X, digits.target, test_size=0.5, stratify=digits.target,
                            random_state=seed)


def models(seed, quick):
    """The three classifiers of one seed, by name (fresh, unfitted)."""
    return {
        "RNNClassifier (GRU 64)": RNNClassifier(
            (64,), cell="gru", learning_rate=3e-3, batch_size=32,
            max_iter=3 if quick else 40, clip_norm=1.0, n_iter_no_change=1000,
            random_state=seed),
        "MLPClassifier (100 relu)": MLPClassifier(
            (100,), max_iter=20 if quick else 500, random_state=seed),
        "SVC (RBF)": SVC(),
    }


def run_seed(seed, quick):
    """Fit the three classifiers on one split; test accuracy and fit seconds of each."""
    X_train, X_test, y_train, y_test = load_split(seed)
    result = {}
    for name, model in models(seed, quick).items():
        flat = not isinstance(model, RNNClassifier)
        started = time.perf_counter()
        with warnings.catch_warnings():  # fixed epoch budgets, by design
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_train.reshape(len(X_train), -1) if flat else X_train, y_train)
        seconds = time.perf_counter() - started
        accuracy = model.score(X_test.reshape(len(X_test), -1) if flat else X_test, y_test)
        result[name] = {"test_accuracy": float(accuracy), "fit_seconds": seconds}
        if not flat:
            result[name]["loss_curve"] = [float(v) for v in model.loss_curve_]
    return result


def run(out="results/digits", quick=False, seed=0):
    """Run every seed, write ``metrics.json`` and ``loss_curve.png``; return the metrics."""
    started = time.perf_counter()
    seeds = run_seeds(seed, quick)
    runs = {s: run_seed(s, quick) for s in seeds}
    names = list(runs[seeds[0]])
    summary = {name: {key: mean_std([runs[s][name][key] for s in seeds])
                      for key in ("test_accuracy", "fit_seconds")} for name in names}
    rnn = names[0]
    metrics = {
        "experiment": "digits", "seeds": seeds, "quick": quick,
        "split": "50/50 stratified, 899 train / 898 test", "target": TARGET,
        "models": summary,
        "rnn_meets_target": summary[rnn]["test_accuracy"]["mean"] >= TARGET,
        "runs": {str(s): r for s, r in runs.items()},
        "wall_seconds": time.perf_counter() - started,
    }
    folder = output_folder(out)
    write_metrics(folder, metrics)
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.subplots()
    for s in seeds:
        ax.plot(runs[s][rnn]["loss_curve"], label=f"seed {s}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (cross-entropy)")
    ax.set_yscale("log")
    ax.set_title(f"digits, {rnn}")
    ax.legend()
    fig.savefig(folder / "loss_curve.png", dpi=120)
    print(f"digits: seeds {seeds}, {metrics['wall_seconds']:.1f} s, results in {folder}/")
    print_table([(f"{name} test accuracy", format_mean_std(summary[name]["test_accuracy"]))
                 for name in names])
    return metrics
