"""``python -m benchmarks.startup``: how long a newcomer waits, each step in a fresh interpreter.

The times the README states for the import and the demo come from this
command. Each step runs ``--repeats`` times in a new ``python`` process
(wall clock, including the interpreter's own start, measured by
``python -c pass``); the table gives the fastest, the median and the slowest,
because on a shared machine runs differ. Nothing is written to the
repository: the demo writes to a temporary folder.

Examples
--------
``python -m benchmarks.startup``               imports and ``experiments list``
``python -m benchmarks.startup --demo``        and the sine demo, quick and full
``python -m benchmarks.startup --repeats 5``
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version

STEPS = {
    "python -c pass": ["-c", "pass"],
    "import rnn_nodes": ["-c", "import rnn_nodes"],
    "python -m experiments list": ["-m", "experiments", "list"],
    "import + first derivative (JAX)": [
        "-c", ("import numpy as np; from rnn_nodes import get_activation; "
               "get_activation('tanh').derivative(np.zeros(3))")],
    "import + RNNRegressor (scikit-learn)": ["-c", "from rnn_nodes import RNNRegressor"],
}
DEMO = {
    "python -m experiments sine --quick": ["-m", "experiments", "sine", "--quick"],
    "python -m experiments sine (the demo)": ["-m", "experiments", "sine"],
}
REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def time_step(arguments, repeats, out=None):
    """Wall-clock seconds of ``python *arguments`` in fresh processes, one per repeat.

    Parameters
    ----------
    arguments : list of str
    repeats : int
    out : str, optional
        Appended as ``--out out`` (the demo's results folder).

    Returns
    -------
    list of float
    """
    command = [sys.executable, *arguments] + (["--out", out] if out else [])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [REPOSITORY, os.environ.get("PYTHONPATH")]))}
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(command, cwd=REPOSITORY, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds.append(time.perf_counter() - started)
    return seconds


def machine():
    """One line: where the times were measured."""
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, numpy {version('numpy')}, "
            f"JAX {version('jax')}, scikit-learn {version('scikit-learn')}, "
            f"{time.strftime('%Y-%m-%d')}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each step (default 3)")
    parser.add_argument("--demo", action="store_true",
                        help="also time the sine demo, quick and full (about 10 s a run)")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    steps = {**STEPS, **(DEMO if args.demo else {})}
    print(f"seconds over {args.repeats} fresh processes each; {machine()}")
    print(f"  {'step':40s} {'fastest':>8s} {'median':>8s} {'slowest':>8s}")
    with tempfile.TemporaryDirectory() as folder:
        for name, arguments in steps.items():
            out = os.path.join(folder, "sine") if name in DEMO else None
            seconds = time_step(arguments, args.repeats, out)
            print(f"  {name:40s} {min(seconds):8.2f} {statistics.median(seconds):8.2f} "
                  f"{max(seconds):8.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
