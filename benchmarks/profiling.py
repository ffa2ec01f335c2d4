"""Where the time of ``RNN.train_step`` goes: cProfile over repeated steps."""

import cProfile
import io
import pstats

import numpy as np

from benchmarks import project
from benchmarks.configs import make_batch, make_weights


def profile_train_step(config, steps=50, top=25, seed=0, tries=3):
    """Profile ``steps`` training steps of ``rnn_nodes`` on ``config`` after one warm-up.

    Of ``tries`` profiles the fastest is kept: on a shared machine a slow one
    mostly shows where the other processes happened to interrupt.

    Returns
    -------
    str
        The ``top`` functions by total (own) time, then by cumulative time.
    """
    rng = np.random.default_rng(seed)
    weights = make_weights(config, rng)
    X, t = make_batch(config, rng)
    net = project.build_network(config, weights)
    net.train_step(X, t)
    profiles = []
    for _ in range(tries):
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(steps):
            net.train_step(X, t)
        profiler.disable()
        profiles.append(pstats.Stats(profiler))
    text = io.StringIO()
    stats = min(profiles, key=lambda s: s.total_tt)
    stats.stream = text
    text.write(f"config {config.name}, {steps} steps of rnn_nodes.RNN.train_step "
               f"(fastest of {tries} profiles)\n")
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return text.getvalue()
