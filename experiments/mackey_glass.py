"""The Mackey-Glass delay series (tau = 17): one-step prediction, against persistence and AR.

The series solves the delay differential equation (Mackey & Glass, 1977)::

    dx/dt = beta x(t - tau) / (1 + x(t - tau)**n) - gamma x(t),
    beta = 0.2, gamma = 0.1, n = 10, tau = 17, x(t) = 1.2 for t <= 0,

integrated here with classical Runge-Kutta (RK4) at ``dt = 0.1`` (tau is 170
steps); the delayed value at a half step is the mean of its two grid
neighbours. It is sampled every time unit after a transient of 1,000 time
units is discarded, and z-scored with the training part's mean and standard
deviation. The test in ``tests/experiments`` checks the integration against
an independent one (scipy's DOP853 by the method of steps).

The network reads windows of ``WINDOW`` samples and predicts the next sample
at every step (many-to-many); the cost skips the first ``BURN_IN`` steps of a
window, where the state is still being built up from zero. The test part is
predicted in one pass, after a warm-up on the samples before it. NRMSE is the
RMSE divided by the standard deviation of the test targets.

References
----------
M. C. Mackey, L. Glass, "Oscillation and chaos in physiological control
systems", Science 197 (1977) 287-289.
H. Jaeger, H. Haas, "Harnessing nonlinearity: predicting chaotic systems and
saving energy in wireless communication", Science 304 (2004) 78-80.
"""

import time

import jax.numpy as jnp
import numpy as np
from matplotlib.figure import Figure
from sklearn.linear_model import Ridge

from experiments.common import (
    format_mean_std, mean_std, output_folder, print_table, run_seeds, train_in_stages,
    write_metrics,
)
from rnn_nodes import RNN
from rnn_nodes.plotting import plot_history
from schedulers import Adam

WINDOW = 50
BURN_IN = 10
WARM_UP = 200
AR_LAGS = 10


def mackey_glass(n_samples, tau=17.0, beta=0.2, gamma=0.1, power=10, history=1.2,
                 dt=0.1, sample_every=1.0, discard=0):
    """Samples of the Mackey-Glass series, integrated with RK4.

    Parameters
    ----------
    n_samples : int
        Samples returned, ``sample_every`` time units apart.
    tau, beta, gamma, power : float
        The equation's delay and coefficients.
    history : float
        x(t) for t <= 0.
    dt : float
        Integration step; ``tau``, ``sample_every`` must be multiples of it.
    discard : int
        Samples dropped at the start (the transient).

    Returns
    -------
    ndarray of shape (n_samples,)
        x at times ``(discard + k) * sample_every``, k = 0 .. n_samples-1.
    """
    delay = int(round(tau / dt))
    every = int(round(sample_every / dt))
    n_steps = (discard + n_samples - 1) * every
    x = np.empty(delay + n_steps + 1)
    x[:delay + 1] = history  # x[delay] is x(0)

    def slope(x_t, x_delayed):
        return beta * x_delayed / (1 + x_delayed**power) - gamma * x_t

    for i in range(delay, delay + n_steps):
        lag_start, lag_end = x[i - delay], x[i - delay + 1]
        lag_half = 0.5 * (lag_start + lag_end)
        k1 = slope(x[i], lag_start)
        k2 = slope(x[i] + 0.5 * dt * k1, lag_half)
        k3 = slope(x[i] + 0.5 * dt * k2, lag_half)
        k4 = slope(x[i] + dt * k3, lag_end)
        x[i + 1] = x[i] + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return x[delay::every][discard:]


def mse_after_burn_in(y_hat, t):
    """Mean squared error over the steps after the first ``BURN_IN`` of every window."""
    return jnp.mean((y_hat[:, BURN_IN:] - t[:, BURN_IN:]) ** 2)


def nrmse(y_hat, y):
    """RMSE divided by the standard deviation of ``y``; arrays of shape (n,)."""
    return float(np.sqrt(np.mean((y_hat - y) ** 2)) / np.std(y))


def ar_baseline(z, split, lags=AR_LAGS):
    """NRMSE of a linear autoregression on the last ``lags`` samples, fitted on the training part.

    Parameters
    ----------
    z : ndarray of shape (n_samples,)
    split : int
        Samples before ``split`` train the model; those from it on are predicted.
    """
    rows = np.arange(lags - 1, len(z) - 1)
    A = z[rows[:, None] - np.arange(lags)]
    train = rows < split - 1
    model = Ridge(alpha=1e-6).fit(A[train], z[rows[train] + 1])
    return nrmse(model.predict(A[~train]), z[rows[~train] + 1])


def predict_one_step(z, seed, n_train, stride, n_units, stages):
    """Train on windows of z[:n_train]; predict z[n_train:] one step ahead.

    Returns
    -------
    dict
        ``nrmse``, ``y_hat`` (test predictions, z units), ``history``,
        ``seconds_per_epoch``.
    """
    starts = np.arange(0, n_train - WINDOW, stride)
    steps = starts[:, None] + np.arange(WINDOW)
    X, t = z[steps][..., None], z[steps + 1][..., None]
    net = RNN(cost=mse_after_burn_in, scheduler=Adam(), seed=seed)
    net.add_InputLayer(1).add_RNNLayer(n_units, "tanh").add_OutputLayer(1)
    started = time.perf_counter()
    history = train_in_stages(net, X, t, stages, batch_size=32)
    seconds = time.perf_counter() - started
    seen = z[None, n_train - WARM_UP:-1, None]
    y_hat = net.predict(seen)[0, WARM_UP - 1:, 0]
    return {"nrmse": nrmse(y_hat, z[n_train:]), "y_hat": y_hat, "history": history,
            "seconds_per_epoch": seconds / len(history["loss"])}


def run(out="results/mackey-glass", quick=False, seed=0):
    """Integrate, train one network per seed, compare; write ``metrics.json`` and figures."""
    started = time.perf_counter()
    seeds = run_seeds(seed, quick)
    if quick:
        n_train, n_test, stride, n_units = 1000, 300, 2, 16
        stages = [(8, 1e-2), (4, 3e-3)]
    else:
        n_train, n_test, stride, n_units = 3000, 1000, 1, 32
        stages = [(15, 3e-3), (15, 1e-3), (10, 3e-4), (10, 1e-4)]
    series = mackey_glass(n_train + n_test, discard=1000)
    z = (series - series[:n_train].mean()) / series[:n_train].std()
    persistence = nrmse(z[n_train - 1:-1], z[n_train:])
    ar = ar_baseline(z, n_train)
    runs = {s: predict_one_step(z, s, n_train, stride, n_units, stages) for s in seeds}
    score = mean_std([r["nrmse"] for r in runs.values()])
    metrics = {
        "experiment": "mackey-glass", "seeds": seeds, "quick": quick,
        "series": {"tau": 17, "dt": 0.1, "sample_every": 1.0, "discarded": 1000,
                   "train_samples": n_train, "test_samples": n_test},
        "network": {"n_units": n_units, "window": WINDOW, "burn_in": BURN_IN,
                    "stride": stride, "stages": stages},
        "nrmse": score,
        "persistence_nrmse": persistence,
        f"ar{AR_LAGS}_nrmse": ar,
        "target_nrmse": 0.01,
        "seconds_per_epoch": mean_std([r["seconds_per_epoch"] for r in runs.values()]),
        "runs": {str(s): {k: v for k, v in r.items() if k != "y_hat"} for s, r in runs.items()},
        "wall_seconds": time.perf_counter() - started,
    }
    folder = output_folder(out)
    write_metrics(folder, metrics)
    _draw(folder, z[n_train:], runs[seeds[0]])
    print(f"mackey-glass: seeds {seeds}, {metrics['wall_seconds']:.1f} s, results in {folder}/")
    print_table([
        ("RNN one-step NRMSE", format_mean_std(score)),
        ("persistence NRMSE", persistence),
        (f"linear AR({AR_LAGS}) NRMSE", ar),
        ("target", 0.01),
    ])
    return metrics


def _draw(folder, truth, result):
    fig = Figure(figsize=(9, 4), layout="constrained")
    ax_series, ax_error = fig.subplots(1, 2)
    shown = slice(0, 300)
    ax_series.plot(truth[shown], color="0.5", label="Mackey-Glass (z-scored)")
    ax_series.plot(result["y_hat"][shown], color="C0", linestyle="--", label="one-step prediction")
    ax_series.set_xlabel("test sample")
    ax_series.legend()
    ax_error.plot(result["y_hat"] - truth, color="C3")
    ax_error.set_xlabel("test sample")
    ax_error.set_title("prediction error")
    fig.savefig(folder / "predictions.png", dpi=120)
    fig = Figure(figsize=(6, 4), layout="constrained")
    plot_history(result["history"], fig.subplots())
    fig.savefig(folder / "training_curve.png", dpi=120)
