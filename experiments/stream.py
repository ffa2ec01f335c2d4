"""One long stream: truncated BPTT over consecutive windows, with the state carried or not.

The task is an echo: the input is white noise ``x_t``, the target at step t is
``x_{t-DELAY}``, ``DELAY = 8``, and the streams are long (thousands of steps).
Training cuts them into consecutive windows of ``WINDOW = 10`` steps, one update
per window (``RNN.train(..., window=10)``), the gradient cut at the window:

``stateful``
    each window starts from the final state of the previous one, carried as a
    value (``stateful=True``): the first 8 targets of a window, whose inputs
    came in the previous window, are in the state;
``stateless``
    each window starts from zeros: those 8 targets are unpredictable, and
    the training signal says so 80 % of the time.

Both are scored on fresh streams read in chunks of ``WINDOW`` steps with
``predict(..., stateful=True)`` (checked to give the output of one call on the
whole stream), and on windows from zeros as the stateless run trained. An MSE
of 1 is the variance of the target: knowing nothing.
"""

import time

import numpy as np
from matplotlib.figure import Figure

from experiments.common import (
    format_mean_std, mean_std, output_folder, print_table, run_seeds, write_metrics,
)
from rnn_nodes import RNN
from rnn_nodes.plotting import plot_history
from rnn_nodes.training import windowed_output
from schedulers import Adam

DELAY = 8
WINDOW = 10
N_STREAMS = 8
N_UNITS = 32


def echo_streams(n, length, rng):
    """White-noise streams and their echoes.

    Returns
    -------
    X, y : ndarray of shape (n, length, 1)
        ``y[:, t] = X[:, t - DELAY]`` (the noise before the stream for t < DELAY).
    """
    noise = rng.standard_normal((n, length + DELAY, 1))
    return noise[:, DELAY:], noise[:, :-DELAY]


def stream_prediction(net, X, chunk):
    """Predict ``X`` chunk by chunk with the state carried; also the largest difference from
    one call on the whole streams."""
    net.reset_states()
    chunks = [net.predict(X[:, start:start + chunk], stateful=True)
              for start in range(0, X.shape[1], chunk)]
    net.reset_states()
    streamed = np.concatenate(chunks, axis=1)
    return streamed, float(np.max(np.abs(streamed - net.predict(X))))


def train_one(stateful, X, y, X_test, y_test, epochs, seed):
    net = RNN(scheduler=Adam(eta=0.005), seed=seed)
    net.add_InputLayer(1).add_RNNLayer(N_UNITS).add_OutputLayer(1)
    started = time.perf_counter()
    history = net.train(X, y, epochs=epochs, batch_size=N_STREAMS, window=WINDOW,
                        stateful=stateful)
    seconds = time.perf_counter() - started
    streamed, difference = stream_prediction(net, X_test, WINDOW)
    windows = windowed_output(net, X_test, WINDOW, stateful=False)
    error = (windows - y_test) ** 2
    start_of_window = (np.arange(X_test.shape[1]) % WINDOW) < DELAY
    return {
        "stream_mse": float(np.mean((streamed - y_test) ** 2)),
        "windows_mse": float(np.mean(error)),
        "windows_mse_first_steps": float(np.mean(error[:, start_of_window])),
        "windows_mse_last_steps": float(np.mean(error[:, ~start_of_window])),
        "chunks_vs_whole_max_abs_diff": difference,
        "train_seconds": seconds,
        "loss": history["loss"],
    }


def run(out="results/stream", quick=False, seed=0):
    """Train a stateful and a stateless network per seed; write ``metrics.json`` and a figure."""
    started = time.perf_counter()
    seeds = run_seeds(seed, quick)
    length, epochs = (1000, 4) if quick else (4000, 10)
    runs = {}
    for s in seeds:
        rng = np.random.default_rng(s)
        X, y = echo_streams(N_STREAMS, length, rng)
        X_test, y_test = echo_streams(N_STREAMS, 1000, rng)
        for mode in ("stateful", "stateless"):
            runs[f"{mode}/{s}"] = train_one(mode == "stateful", X, y, X_test, y_test, epochs, s)
    keys = ("stream_mse", "windows_mse", "windows_mse_first_steps", "windows_mse_last_steps")
    summary = {mode: {key: mean_std([runs[f"{mode}/{s}"][key] for s in seeds]) for key in keys}
               for mode in ("stateful", "stateless")}
    metrics = {
        "experiment": "stream", "seeds": seeds, "quick": quick, "delay": DELAY,
        "window": WINDOW, "n_streams": N_STREAMS, "stream_length": length,
        "epochs": epochs, "n_units": N_UNITS, "summary": summary,
        "chunks_vs_whole_max_abs_diff": max(r["chunks_vs_whole_max_abs_diff"]
                                            for r in runs.values()),
        "runs": runs,
        "wall_seconds": time.perf_counter() - started,
    }
    folder = output_folder(out)
    write_metrics(folder, metrics)
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.subplots()
    for mode in ("stateful", "stateless"):
        plot_history({f"{mode} training": runs[f"{mode}/{seeds[0]}"]["loss"]}, ax,
                     keys=[f"{mode} training"])
    ax.set_title(f"echo of {DELAY} steps, windows of {WINDOW}: training MSE")
    fig.savefig(folder / "training_curve.png", dpi=120)
    print(f"stream: seeds {seeds}, {metrics['wall_seconds']:.1f} s, results in {folder}/")
    print_table([(f"{mode} {key}", format_mean_std(summary[mode][key]))
                 for mode in summary for key in keys]
                + [("chunks vs one call, max |diff|", metrics["chunks_vs_whole_max_abs_diff"])])
    return metrics
