"""What every experiment does with its results: a folder, metrics.json, figures, a table."""

import json
import pathlib
import platform
import time

import jax
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
        "jax": jax.__version__,
        "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
        "date": time.strftime("%Y-%m-%d"),
    }


def write_metrics(folder, metrics):
    """Write ``metrics`` (with the machine) to ``folder/metrics.json``; return the path."""
    path = folder / "metrics.json"
    path.write_text(json.dumps({**metrics, "machine": machine()}, indent=2))
    return path


def skipped(folder, experiment, reason):
    """Say why ``experiment`` did not run and write that as its ``metrics.json``; the metrics."""
    print(f"{experiment}: {reason}")
    metrics = {"experiment": experiment, "run": False, "reason": reason}
    write_metrics(folder, metrics)
    return metrics


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
