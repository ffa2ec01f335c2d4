"""Tomorrow's highest temperature from daily weather, against persistence and ridge regression.

The data are the course notes' daily table (``date, tmax, tmin, rain,
tmax_tomorrow``, 1970-2022, °F and inches), read with
:func:`rnn_nodes.datasets.load_weather_csv` (missing values forward-filled,
and counted in ``metrics.json``). Two setups:

(a) **the seed's**: one sequence of rows 0-99 for training, rows 1000-1069
    for validation, inputs tmax/tmin/rain, target tmax_tomorrow at every day,
    one identity hidden unit. Reported next to persistence (tomorrow's
    maximum = today's) on the same 70 rows, whatever the outcome.
(b) **a real split**: the first 80 % of the days (chronologically) for
    training, the last 20 % for the test. The network reads tmax/tmin/rain
    over a window of ``WINDOW`` days and predicts tmax_tomorrow at every day
    of the window (many-to-many); the test scores its prediction at the
    window's last day. The baselines are computed on the same test days in
    the same run: persistence, and ridge regression on the last 7 days of
    tmax fitted on the training days.

Inputs and target are z-scored with the training rows' mean and standard
deviation; RMSEs are in °F.

Where the file comes from, and how to pass it: ``python -m experiments list``
(:data:`experiments.data.SOURCES`); nothing is downloaded.
"""

import time

import numpy as np
from matplotlib.figure import Figure
from sklearn.linear_model import Ridge

from experiments.common import (
    format_mean_std, mean_std, output_folder, print_table, run_seeds, train_in_stages,
    write_metrics,
)
from experiments.data import resolve_data
from rnn_nodes import RNN
from rnn_nodes.datasets import load_weather_csv
from rnn_nodes.plotting import plot_history
from schedulers import Adam

DATA = "clean_weather.csv"
INPUTS = ("tmax", "tmin", "rain")
TARGET = "tmax_tomorrow"
SEED_TRAIN_ROWS = (0, 100)
SEED_VALIDATION_ROWS = (1000, 1070)
TRAIN_FRACTION = 0.8
WINDOW = 14
RIDGE_LAGS = 7


def rmse(y_hat, y):
    """Root mean squared error of two arrays of the same shape, as a float."""
    return float(np.sqrt(np.mean((np.asarray(y_hat) - np.asarray(y)) ** 2)))


class Standardizer:
    """z-scores of the columns, with the mean and std of the rows it was fitted on.

    Parameters
    ----------
    values : ndarray of shape (n_rows, n_columns)
        The rows whose statistics are used (the training rows only).
    """

    def __init__(self, values):
        self.mean = values.mean(axis=0)
        self.std = values.std(axis=0)

    def __call__(self, values):
        """(n, n_columns) -> z-scores of the same shape."""
        return (values - self.mean) / self.std

    def inverse(self, z, column):
        """z-scores of one ``column`` (any shape) -> the column's units."""
        return z * self.std[column] + self.mean[column]


def seed_setup(data, seed, epochs):
    """(a) One identity unit trained on rows 0-99, validated on rows 1000-1069.

    Returns
    -------
    dict
        ``rmse`` of the network and ``persistence_rmse`` on the validation
        rows (°F), and the training ``history``.
    """
    inputs = [data.columns.index(name) for name in INPUTS]
    target = data.columns.index(TARGET)
    train = data.values[slice(*SEED_TRAIN_ROWS)]
    valid = data.values[slice(*SEED_VALIDATION_ROWS)]
    scale = Standardizer(train)
    X, t = scale(train)[None, :, inputs], scale(train)[None, :, [target]]
    X_val, t_val = scale(valid)[None, :, inputs], scale(valid)[None, :, [target]]
    net = RNN(cost="mse", scheduler=Adam(eta=0.01), seed=seed)
    net.add_InputLayer(len(INPUTS)).add_RNNLayer(1, "identity").add_OutputLayer(1)
    history = net.train(X, t, X_val=X_val, t_val=t_val, epochs=epochs, batch_size=1)
    y_hat = scale.inverse(net.predict(X_val)[0, :, 0], target)
    return {
        "rmse": rmse(y_hat, valid[:, target]),
        "persistence_rmse": rmse(valid[:, data.columns.index("tmax")], valid[:, target]),
        "history": history,
    }


def windows(Z, ends, width, columns):
    """Windows of ``width`` rows ending at each of ``ends``.

    Returns
    -------
    ndarray of shape (len(ends), width, len(columns))
    """
    steps = np.asarray(ends)[:, None] + np.arange(1 - width, 1)
    return Z[steps][..., columns]


def baselines(data, split, test_rows):
    """Persistence and ridge on the last ``RIDGE_LAGS`` days of tmax, on ``test_rows``.

    Returns
    -------
    dict of str to float
        RMSEs in °F.
    """
    tmax, target = data.column("tmax"), data.column(TARGET)
    lags = np.arange(RIDGE_LAGS)

    def lagged(rows):
        return tmax[rows[:, None] - lags]  # (rows, lags): today, yesterday, ...

    train_rows = np.arange(RIDGE_LAGS - 1, split)
    ridge = Ridge(alpha=1.0).fit(lagged(train_rows), target[train_rows])
    return {
        "persistence_rmse": rmse(tmax[test_rows], target[test_rows]),
        "ridge_7_lags_rmse": rmse(ridge.predict(lagged(test_rows)), target[test_rows]),
    }


def real_split(data, seed, n_units, stages):
    """(b) Chronological 80/20 split, windows of ``WINDOW`` days, many-to-many training.

    Returns
    -------
    dict
        ``rmse`` on the test days (°F), the training ``history``,
        ``seconds_per_epoch``, and ``y_hat`` (test predictions, °F).
    """
    n_rows = len(data.values)
    split = int(TRAIN_FRACTION * n_rows)
    scale = Standardizer(data.values[:split])
    Z = scale(data.values)
    inputs = [data.columns.index(name) for name in INPUTS]
    target = data.columns.index(TARGET)
    train_ends = np.arange(WINDOW - 1, split)
    test_ends = np.arange(split, n_rows)
    X = windows(Z, train_ends, WINDOW, inputs)
    t = windows(Z, train_ends, WINDOW, [target])
    net = RNN(cost="mse", scheduler=Adam(), seed=seed)
    net.add_InputLayer(len(INPUTS)).add_RNNLayer(n_units, "tanh").add_OutputLayer(1)
    started = time.perf_counter()
    history = train_in_stages(net, X, t, stages, batch_size=64)
    seconds = time.perf_counter() - started
    y_hat = scale.inverse(net.predict(windows(Z, test_ends, WINDOW, inputs))[:, -1, 0], target)
    return {
        "rmse": rmse(y_hat, data.values[test_ends, target]),
        "history": history,
        "seconds_per_epoch": seconds / len(history["loss"]),
        "y_hat": y_hat,
    }


def run(out="results/weather", quick=False, seed=0, data=None):
    """Both setups; write ``metrics.json`` and figures to ``out``; return the metrics."""
    started = time.perf_counter()
    path = resolve_data(data, DATA, "weather")
    table = load_weather_csv(path)
    seeds = run_seeds(seed, quick)
    if quick:
        seed_epochs, n_units, stages = 100, 16, [(2, 0.003)]
    else:
        seed_epochs, n_units, stages = 1000, 32, [(4, 0.003), (4, 0.001), (2, 0.0003)]

    setup_a = {s: seed_setup(table, s, seed_epochs) for s in seeds}
    split = int(TRAIN_FRACTION * len(table.values))
    test_rows = np.arange(split, len(table.values))
    reference = baselines(table, split, test_rows)
    setup_b = {s: real_split(table, s, n_units, stages) for s in seeds}

    a_rmse = mean_std([r["rmse"] for r in setup_a.values()])
    b_rmse = mean_std([r["rmse"] for r in setup_b.values()])
    metrics = {
        "experiment": "weather", "seeds": seeds, "quick": quick, "data": str(path),
        "missing_values": {
            "handling": table.missing, "rows_read": table.n_rows_read,
            "rows_with_missing": table.n_rows_with_missing, "per_column": table.n_missing,
            "rows_dropped": table.n_rows_dropped,
        },
        "seed_setup": {
            "train_rows": SEED_TRAIN_ROWS, "validation_rows": SEED_VALIDATION_ROWS,
            "hidden": "1 identity unit", "epochs": seed_epochs,
            "rmse": a_rmse,
            "persistence_rmse": setup_a[seeds[0]]["persistence_rmse"],
            "beats_persistence": a_rmse["mean"] < setup_a[seeds[0]]["persistence_rmse"],
        },
        "real_split": {
            "train_days": split, "test_days": len(test_rows), "window": WINDOW,
            "n_units": n_units, "epochs": len(setup_b[seeds[0]]["history"]["loss"]),
            "stages": stages, "rmse": b_rmse, **reference,
            "beats_both": b_rmse["mean"] < min(reference.values()),
            "seconds_per_epoch": mean_std([r["seconds_per_epoch"] for r in setup_b.values()]),
        },
        "runs": {str(s): {"seed_setup": {k: v for k, v in setup_a[s].items()},
                          "real_split": {k: v for k, v in setup_b[s].items() if k != "y_hat"}}
                 for s in seeds},
        "wall_seconds": time.perf_counter() - started,
    }
    folder = output_folder(out)
    write_metrics(folder, metrics)
    _draw(folder, setup_a[seeds[0]], setup_b[seeds[0]], table, test_rows)
    print(f"weather: seeds {seeds}, {metrics['wall_seconds']:.1f} s, results in {folder}/")
    print(f"  missing values: {table.n_rows_with_missing} of {table.n_rows_read} rows, "
          f"forward-filled ({table.n_missing})")
    print_table([
        ("(a) seed setup, RNN validation RMSE °F", format_mean_std(a_rmse)),
        ("(a) persistence on the same rows", metrics["seed_setup"]["persistence_rmse"]),
        ("(b) 80/20 split, RNN test RMSE °F", format_mean_std(b_rmse)),
        ("(b) persistence", reference["persistence_rmse"]),
        ("(b) ridge on 7 days of tmax", reference["ridge_7_lags_rmse"]),
    ])
    return metrics


def _draw(folder, setup_a, setup_b, table, test_rows):
    fig = Figure(figsize=(10, 4), layout="constrained")
    ax_a, ax_b = fig.subplots(1, 2)
    plot_history(setup_a["history"], ax_a)
    ax_a.set_title("(a) seed setup: 1 identity unit")
    plot_history(setup_b["history"], ax_b, keys=("loss",))
    ax_b.set_title("(b) 80/20 split")
    fig.savefig(folder / "training_curves.png", dpi=120)

    fig = Figure(figsize=(10, 4), layout="constrained")
    ax = fig.subplots()
    shown = slice(0, 120)
    days = table.dates[test_rows][shown]
    ax.plot(days, table.column(TARGET)[test_rows][shown], color="0.5", label="tmax tomorrow")
    ax.plot(days, table.column("tmax")[test_rows][shown], color="C1", linestyle=":",
            label="persistence")
    ax.plot(days, setup_b["y_hat"][shown], color="C0", label="RNN")
    ax.set_ylabel("°F")
    ax.set_title("(b) first 120 test days")
    ax.legend()
    fig.savefig(folder / "test_predictions.png", dpi=120)
