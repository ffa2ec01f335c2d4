"""The benchmarked networks, their data and their weights.

Every implementation is built from the same :class:`Config`, fed the same
batch from :func:`make_batch` and starts from the same weights from
:func:`make_weights`. Weights are a dict of two dicts of float32 arrays,
``{"recurrent": {...}, "head": {...}}``, keyed by the project's parameter
names (``W_layer`` (n_in, m), ``b_layer`` (m,), ``W_time`` (n, m),
``b_time`` (m,), with ``m = n`` for an Elman layer and ``m = 4 n`` for an
LSTM, gates stacked in PyTorch's order i, f, g, o).
"""

from dataclasses import dataclass, replace

import numpy as np

DTYPE = np.float32
ETA = 1e-3  # Adam's learning rate in every implementation


@dataclass(frozen=True)
class Config:
    """One benchmarked network and batch.

    Parameters
    ----------
    name : str
    batch, time, n_in, hidden, n_out : int
        Batch size, time steps, input features, hidden units, outputs.
    cell : {"rnn", "lstm"}
        Elman layer (``tanh``) or LSTM.
    head : {"dense", "output"}
        ``"dense"``: softmax over the last step (many-to-one) with ``cce``;
        ``"output"``: identity at every step (many-to-many) with ``mse``.
    description : str
    """

    name: str
    batch: int
    time: int
    n_in: int
    hidden: int
    n_out: int
    cell: str = "rnn"
    head: str = "dense"
    description: str = ""

    @property
    def cost(self):
        return "cce" if self.head == "dense" else "mse"

    @property
    def head_activation(self):
        return "softmax" if self.head == "dense" else "identity"

    @property
    def gates(self):
        """Rows of stacked pre-activations per hidden unit: 1 (Elman) or 4 (LSTM)."""
        return 4 if self.cell == "lstm" else 1

    def summary(self):
        return {
            "batch": self.batch, "time": self.time, "n_in": self.n_in,
            "hidden": self.hidden, "n_out": self.n_out, "cell": self.cell,
            "head": self.head, "cost": self.cost, "dtype": np.dtype(DTYPE).name,
            "description": self.description,
        }


CONFIGS = {
    "A": Config("A", 64, 28, 28, 128, 10, "rnn", "dense",
                "row-wise MNIST shape: 128 tanh units, softmax over 10 classes, cce"),
    "B": Config("B", 32, 200, 1, 32, 1, "rnn", "output",
                "long regression: 32 tanh units, identity output at every step, mse"),
    "C": Config("C", 64, 28, 28, 128, 10, "lstm", "dense",
                "config A with an LSTM of 128 units"),
    # small versions of the three, for the smoke test (not run by default)
    "tinyA": Config("tinyA", 4, 6, 3, 8, 3, "rnn", "dense", "tiny config A"),
    "tinyB": Config("tinyB", 4, 12, 1, 8, 1, "rnn", "output", "tiny config B"),
    "tinyC": Config("tinyC", 4, 6, 3, 8, 3, "lstm", "dense", "tiny config C"),
}
DEFAULT_CONFIGS = ("A", "B", "C")


def sequence_config(time, hidden, batch=32):
    """A config B-shaped network of ``time`` steps and ``hidden`` units (the scaling sweep)."""
    return replace(CONFIGS["B"], name=f"T{time}_h{hidden}", time=time, hidden=hidden,
                   batch=batch, description="scaling sweep point")


def make_weights(config, rng):
    """Weights every implementation starts from.

    Parameters
    ----------
    config : Config
    rng : numpy.random.Generator

    Returns
    -------
    dict
        ``{"recurrent": {W_layer, b_layer, W_time, b_time}, "head": {W_layer, b_layer}}``,
        float32; uniform in +-1/sqrt(hidden) as PyTorch initialises recurrent
        layers, Glorot-uniform for the head.
    """
    n, m = config.hidden, config.gates * config.hidden
    a = 1 / np.sqrt(n)
    glorot = np.sqrt(6 / (n + config.n_out))
    recurrent = {
        "W_layer": rng.uniform(-a, a, (config.n_in, m)),
        "b_layer": rng.uniform(-a, a, m),
        "W_time": rng.uniform(-a, a, (n, m)),
        "b_time": rng.uniform(-a, a, m),
    }
    head = {
        "W_layer": rng.uniform(-glorot, glorot, (n, config.n_out)),
        "b_layer": np.zeros(config.n_out),
    }
    return {
        "recurrent": {k: v.astype(DTYPE) for k, v in recurrent.items()},
        "head": {k: v.astype(DTYPE) for k, v in head.items()},
    }


def make_batch(config, rng):
    """One batch of inputs and targets.

    Returns
    -------
    X : ndarray of shape (batch, time, n_in), float32
    t : ndarray
        One-hot ``(batch, n_out)`` for a dense head; for an output head the
        next values of noisy sine waves, ``(batch, time, n_out)``.
    """
    if config.head == "dense":
        X = rng.standard_normal((config.batch, config.time, config.n_in))
        t = np.eye(config.n_out)[rng.integers(0, config.n_out, config.batch)]
        return X.astype(DTYPE), t.astype(DTYPE)
    steps = np.arange(config.time + 1) * 0.1
    phase = rng.uniform(0, 2 * np.pi, (config.batch, 1, 1))
    waves = np.sin(steps[None, :, None] + phase) + 0.05 * rng.standard_normal(
        (config.batch, config.time + 1, 1))
    series = np.repeat(waves, max(config.n_in, config.n_out), axis=2)
    X, t = series[:, :-1, :config.n_in], series[:, 1:, :config.n_out]
    return np.ascontiguousarray(X, DTYPE), np.ascontiguousarray(t, DTYPE)


def make_dataset(config, rng, n_batches):
    """``n_batches`` batches and half a batch more, concatenated (for ``train``)."""
    batches = [make_batch(config, rng) for _ in range(n_batches + 1)]
    half = config.batch // 2 or 1
    X = np.concatenate([b[0] for b in batches])[: n_batches * config.batch + half]
    t = np.concatenate([b[1] for b in batches])[: n_batches * config.batch + half]
    return X, t
