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


def print_table(rows):
    """Print ``[(name, value), ...]`` as two aligned columns."""
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        text = f"{value:.4g}" if isinstance(value, float) else str(value)
        print(f"  {name:<{width}}  {text}")
