"""Vanishing gradients: sigmoid against tanh in theory, and dC/dh_t measured in the nodes.

Seed 003, written question 2. Near zero, sigma(e) ~ 1/2 + e/4 and
tanh(e) ~ e (the linear Maclaurin terms), so by sigma' = sigma (1 - sigma) and
tanh' = 1 - tanh**2 the derivatives are approximately the polynomials::

    sigma'_approx(e) = 1/4 - e**2/16        tanh'_approx(e) = 1 - e**2

and sigma'_approx <= tanh'_approx for |e| <= 2/sqrt(5). Backpropagating
through T steps multiplies by the derivative T times, so the gradient that
reaches back T steps through sigmoid units is about
``rho(e)**T = (sigma'(e) / tanh'(e))**T`` times the one through tanh units:
about 4**-T. The true derivatives come from the project's activations
(``jax.grad``).

Then the measurement: a recurrent layer of ``N_UNITS`` units reads ``N_STEPS``
steps of noise and a dense layer predicts a target from the last step
(many-to-one, MSE), at initialisation. After one backward pass the total
gradient dC/dh_t that reached every node is read off the nodes by the
instrument :func:`rnn_nodes.instruments.gradient_norms` (the numbers of
:func:`rnn_nodes.plot_gradient_flow`), and its norm (averaged over the batch)
is plotted against t. ``CELLS`` lists the layers compared.
"""

import time

import numpy as np
from matplotlib.figure import Figure

from experiments.common import (
    mean_std,
    output_folder,
    print_table,
    run_seeds,
    write_metrics,
)
from rnn_nodes import RNN, get_activation
from rnn_nodes.instruments import gradient_norms

EPSILON = 0.05
MAX_T = 20
N_UNITS = 32
N_STEPS = 50

# recurrent layers compared: name -> how to add one of n units to a network
CELLS = {
    "tanh": lambda net, n: net.add_RNNLayer(n, activation="tanh"),
    "sigmoid": lambda net, n: net.add_RNNLayer(n, activation="sigmoid"),
    "relu": lambda net, n: net.add_RNNLayer(n, activation="relu"),
    "gru": lambda net, n: net.add_GRULayer(n),
    "lstm": lambda net, n: net.add_LSTMLayer(n),
}


def derivative_ratios(epsilon=EPSILON, max_t=MAX_T):
    """rho(e)**T and its polynomial approximation for T = 1 .. max_t.

    Returns
    -------
    dict
        ``T`` (list of int), ``true`` and ``approx`` (lists of float),
        ``rho`` and ``rho_approx`` (floats), and ``interval``, the bound
        2/sqrt(5) on |e| below which sigma'_approx <= tanh'_approx.
    """
    e = np.array([epsilon])
    sigmoid_slope = get_activation("sigmoid").derivative(e)[0]
    tanh_slope = get_activation("tanh").derivative(e)[0]
    rho = float(sigmoid_slope / tanh_slope)
    rho_approx = (0.25 - epsilon**2 / 16) / (1 - epsilon**2)
    T = np.arange(1, max_t + 1)
    return {"epsilon": epsilon, "T": T.tolist(), "rho": rho, "rho_approx": rho_approx,
            "true": (rho**T).tolist(), "approx": (rho_approx**T).tolist(),
            "interval": 2 / np.sqrt(5)}


def state_gradient_norms(cell, seed, batch=64, n_steps=N_STEPS, n_units=N_UNITS):
    """Mean over the batch of ||dC/dh_t|| for t = 0 .. n_steps-1, at initialisation.

    Returns
    -------
    ndarray of shape (n_steps,)
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, n_steps, 1))
    t = rng.standard_normal((batch, 1))
    net = RNN(cost="mse", dtype="float64", seed=seed)
    net.add_InputLayer(1)
    CELLS[cell](net, n_units)
    net.add_DenseLayer(1)
    _, norms = gradient_norms(net, X, t)  # the instrument behind plot_gradient_flow
    return norms[0]


def run(out="results/vanishing", quick=False, seed=0):
    """The ratio curves and the measured gradient norms; write ``metrics.json`` and figures."""
    started = time.perf_counter()
    seeds = run_seeds(seed, quick)
    ratios = derivative_ratios()
    n_steps = 20 if quick else N_STEPS
    norms = {cell: np.array([state_gradient_norms(cell, s, n_steps=n_steps) for s in seeds])
             for cell in CELLS}
    measured = {}
    for cell, per_seed in norms.items():
        first_over_last = per_seed[:, 0] / per_seed[:, -1]
        measured[cell] = {"norm_mean_over_seeds": per_seed.mean(axis=0).tolist(),
                          "first_over_last": mean_std(first_over_last)}
    metrics = {
        "experiment": "vanishing", "seeds": seeds, "quick": quick,
        "ratio": ratios,
        "relative_gap_at_max_T": ratios["approx"][-1] / ratios["true"][-1] - 1,
        "measured": {"n_units": N_UNITS, "n_steps": n_steps, "cost": "mse, last step only",
                     "at": "initialisation", **measured},
        "wall_seconds": time.perf_counter() - started,
    }
    folder = output_folder(out)
    write_metrics(folder, metrics)
    _draw(folder, ratios, norms)
    print(f"vanishing: seeds {seeds}, {metrics['wall_seconds']:.1f} s, results in {folder}/")
    print_table([
        (f"rho({EPSILON}) true", ratios["rho"]),
        (f"rho({EPSILON}) approx", ratios["rho_approx"]),
        (f"rho^{MAX_T} true", ratios["true"][-1]),
        (f"rho^{MAX_T} approx", ratios["approx"][-1]),
        *[(f"||dC/dh_0|| / ||dC/dh_{n_steps - 1}||, {cell}",
           measured[cell]["first_over_last"]["mean"]) for cell in CELLS],
    ])
    return metrics


def _draw(folder, ratios, norms):
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.subplots()
    ax.semilogy(ratios["T"], ratios["true"], "o-", label=r"true $\rho(\varepsilon)^T$")
    ax.semilogy(ratios["T"], ratios["approx"], "x--",
                label=r"approximation $\rho_{approx}(\varepsilon)^T$")
    ax.set_xlabel("T (steps back)")
    ax.set_ylabel("sigmoid' / tanh' to the power T")
    ax.set_title(rf"$\varepsilon$ = {ratios['epsilon']}")
    ax.legend()
    fig.savefig(folder / "ratio.png", dpi=120)

    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.subplots()
    for cell, per_seed in norms.items():
        ax.semilogy(np.arange(per_seed.shape[1]), per_seed.mean(axis=0), label=cell)
    ax.set_xlabel("time step t (the cost is at the last step)")
    ax.set_ylabel(r"mean $\|\partial C / \partial h_t\|$")
    ax.set_title(f"{N_UNITS} units, at initialisation")
    ax.legend()
    fig.savefig(folder / "state_gradients.png", dpi=120)
