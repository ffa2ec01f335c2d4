"""What every experiment does with its results: a folder, metrics.json, figures, a table."""

import json
import pathlib
import platform
import re
import time
from importlib.metadata import version

import numpy as np


def output_folder(out):
    folder = pathlib.Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def machine():
    """Where a number was measured."""
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "jax": version("jax"),
        "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
        "date": time.strftime("%Y-%m-%d"),
    }


def write_metrics(folder, metrics):
    """Write ``metrics`` (with the machine) to ``folder/metrics.json``; return the path."""
    path = folder / "metrics.json"
    path.write_text(json.dumps({**metrics, "machine": machine()}, indent=2))
    return path


SKIPPED = "SKIPPED.txt"
"""The one file a study that did not run writes: why (see :func:`skipped`)."""


def skipped(folder, experiment, reason):
    """Say why ``experiment`` did not run, and write only that, to ``folder/SKIPPED.txt``.

    No ``metrics.json`` is written (an earlier run's is removed), so a
    results folder never holds metrics of a study that did not run.

    Returns
    -------
    dict
        ``{"experiment": experiment, "run": False, "reason": reason}``.
    """
    print(f"{experiment}: {reason}")
    (folder / "metrics.json").unlink(missing_ok=True)
    (folder / SKIPPED).write_text(reason + "\n", encoding="utf-8")
    return {"experiment": experiment, "run": False, "reason": reason}


def run_folder(name, quick=False, seed=0, **options):
    """The default results folder of a run: ``results/NAME/TAG``, one per set of options.

    Runs with different options never share a folder, so none overwrites
    another's results; ``--out`` chooses any other folder.

    Parameters
    ----------
    name : str
        The experiment's name.
    quick : bool
    seed : int
    **options
        Further options (``task="frequency"``, ``data="path/file.csv"``);
        those that are None are left out.

    Returns
    -------
    str

    Examples
    --------
    >>> run_folder("sweep")
    'results/sweep/full-seed0'
    >>> run_folder("sweep", quick=True, seed=2, task="frequency", dask=None)
    'results/sweep/quick-seed2-task-frequency'
    >>> run_folder("weather", data="/data/my weather.csv")
    'results/weather/full-seed0-data-my_weather'
    """
    parts = ["quick" if quick else "full", f"seed{seed}"]
    for option, value in options.items():
        if value is not None:
            text = pathlib.Path(value).stem if option == "data" else str(value)
            parts.append(f"{option}-{re.sub(r'[^A-Za-z0-9_.]+', '_', text)}")
    return f"results/{name}/{'-'.join(parts)}"


def print_table(rows):
    """Print ``[(name, value), ...]`` as two aligned columns."""
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        text = f"{value:.4g}" if isinstance(value, float) else str(value)
        print(f"  {name:<{width}}  {text}")


def run_seeds(seed, quick, n_full=3):
    """The seeds of a run: ``[seed]`` when quick, else ``seed, seed + 1, ...`` (``n_full``)."""
    return [seed] if quick else [seed + k for k in range(n_full)]


def mean_std(values):
    """Summary of a number measured once per seed.

    Returns
    -------
    dict
        ``mean``, ``std`` (sample standard deviation, ddof=1; 0 for one
        value) and the ``values`` themselves.
    """
    values = [float(v) for v in values]
    std = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
    return {"mean": float(np.mean(values)), "std": std, "values": values}


def format_mean_std(summary, digits=3):
    """``"mean ± std"`` of a :func:`mean_std` summary, ``digits`` significant digits."""
    if len(summary["values"]) == 1:
        return f"{summary['mean']:.{digits}g}"
    # equal values can leave a rounding residue of ~1e-16 in the standard deviation
    std = 0.0 if summary["std"] <= 1e-12 * abs(summary["mean"]) else summary["std"]
    return f"{summary['mean']:.{digits}g} ± {std:.2g}"


def train_in_stages(net, X, t, stages, **train_kwargs):
    """Train ``net`` with the learning rate changed between stages.

    The scheduler states (Adam's moments and step counts) carry over from one
    stage to the next; only ``eta`` changes.

    Parameters
    ----------
    net : rnn_nodes.RNN
    X, t : ndarray
        As for :meth:`rnn_nodes.RNN.train`.
    stages : sequence of (int, float)
        ``(epochs, eta)`` pairs, in order.
    **train_kwargs
        Passed on to :meth:`rnn_nodes.RNN.train` (``X_val``, ``batch_size``, ...).

    Returns
    -------
    dict of str to list of float
        The histories of the stages, concatenated.
    """
    history = {}
    for epochs, eta in stages:
        net.scheduler.set_params(eta=eta)
        stage = net.train(X, t, epochs=epochs, **train_kwargs)
        for key, values in stage.items():
            history.setdefault(key, []).extend(values)
    return history
