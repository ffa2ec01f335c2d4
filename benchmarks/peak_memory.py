"""Peak memory against the size of the data: predict, fit, and the training forward pass.

``python -m benchmarks.peak_memory`` runs every measurement in a child
process of its own (an LSTM(16) network, float32, one input feature, a
many-to-one head; the data drawn from a seeded generator) and prints a
Markdown section for the README: for each number of sequences, the data's
size and the memory a call needs beyond the data it was given, as

- ``numpy``: the peak of the arrays numpy allocates during the call
  (``tracemalloc``), less the output;
- ``process``: the peak resident memory of the process during the call
  (``ru_maxrss``) less the resident memory when the call began (numpy and
  JAX, the interpreter's own allocations, BLAS buffers).

``predict`` runs the inference pass (:mod:`rnn_nodes.inference`), in chunks
of ``ACTIVATION_BUDGET`` bytes; ``forward`` is the training forward pass on the
whole data at once, which keeps every step for a backward pass; ``fit`` is
one epoch of ``train`` (batches of 32) with the same data scored as validation;
``chunked`` (on request) is what a caller had to do before: the training
forward pass on pieces of 1,000 sequences, the outputs concatenated.

Options: ``--time T`` (steps per sequence, default 500), ``--samples N ...``
(default 1000 2000 4000), ``--calls predict forward fit`` (and ``chunked``).
"""

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc

import numpy as np

MiB = 2**20
CALLER_CHUNK = 1000  # samples per call when the caller cuts the data (``chunked``)


def _resident_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measure(call, n_samples, n_steps, seed=0):
    """One measurement in this process: ``{"numpy": bytes, "process": bytes, "seconds": s}``."""
    from rnn_nodes import RNN

    net = (RNN(seed=seed, dtype="float32").add_InputLayer(1).add_LSTMLayer(16)
           .add_DenseLayer(1))
    net.is_trained = True
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_steps, 1)).astype(np.float32)
    t = rng.normal(size=(n_samples, 1)).astype(np.float32)
    net.predict(X[:2, :5])  # compile and load what a first call loads, outside the measure
    net.train(X[:2, :5], t[:2], epochs=1, batch_size=2)
    run = {"predict": lambda: net.predict(X),
           "forward": lambda: net.forward(X),
           "chunked": lambda: np.concatenate([net.forward(X[i:i + CALLER_CHUNK])
                                              for i in range(0, n_samples, CALLER_CHUNK)]),
           "fit": lambda: net.train(X, t, X, t, epochs=1, batch_size=32, shuffle=False)}[call]
    resident = _resident_bytes()
    tracemalloc.start()
    started = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    output = result.nbytes if isinstance(result, np.ndarray) else 0
    process = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - resident
    return {"numpy": peak - output, "process": max(process, 0), "seconds": seconds,
            "data": X.nbytes}


def _child(call, n_samples, n_steps):
    command = [sys.executable, "-m", "benchmarks.peak_memory", "--one", call,
               str(n_samples), str(n_steps)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(samples, n_steps, calls):
    """The Markdown section: one row per number of sequences, a column pair per call."""
    from rnn_nodes.inference import ACTIVATION_BUDGET

    header = ["sequences", "data (MiB)"] + [f"{call} {what}" for call in calls
                                            for what in ("numpy", "process", "s")]
    lines = [
        "## Memory bounded by a batch",
        "",
        (f"Peak memory beyond the data, MiB, of an LSTM(16) network (float32, sequences of "
        f"{n_steps} steps, one feature, a many-to-one head): `predict` runs in chunks of "
        f"{ACTIVATION_BUDGET // MiB} MiB of working arrays; `forward` is the training forward "
        "pass, which keeps every step; `fit` is one epoch of `train` with the same data "
        "as validation. `numpy`: peak of numpy's arrays (tracemalloc) less the output; "
         "`process`: peak resident memory during the call less that at its start."),
        "",
        "| " + " | ".join(header) + " |",
        "|" + " --- |" * len(header),
    ]
    for n_samples in samples:
        row = [str(n_samples), None]
        for call in calls:
            result = _child(call, n_samples, n_steps)
            row[1] = f"{result['data'] / MiB:.0f}"
            row += [f"{result['numpy'] / MiB:.0f}", f"{result['process'] / MiB:.0f}",
                    f"{result['seconds']:.1f}"]
        lines.append("| " + " | ".join(row) + " |")
    today = datetime.date.today().isoformat()
    lines += ["", (f"Command: `python -m benchmarks.peak_memory --time {n_steps} --samples "
                   f"{' '.join(map(str, samples))} --calls {' '.join(calls)}` (seed 0), "
                   f"load average {os.getloadavg()[0]:.1f} at the end, {platform.machine()} "
                   f"with {os.cpu_count()} cores, {today}.")]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peak_memory",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--time", type=int, default=500)
    parser.add_argument("--samples", type=int, nargs="+", default=[1000, 2000, 4000])
    parser.add_argument("--calls", nargs="+", default=["predict", "forward", "fit"],
                        choices=["predict", "forward", "chunked", "fit"])
    parser.add_argument("--one", nargs=3, metavar=("CALL", "SAMPLES", "STEPS"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        call, n_samples, n_steps = args.one
        print(json.dumps(measure(call, int(n_samples), int(n_steps))))
        return
    print(report(args.samples, args.time, args.calls))


if __name__ == "__main__":
    main()
