"""One config, all implementations: gradient checks, compilations, memory, timings."""

from dataclasses import dataclass

import numpy as np

from benchmarks import project, reference_jax, torch_rnn
from benchmarks.agreement import compare
from benchmarks.compilation import count_train_compilations
from benchmarks.configs import make_batch, make_weights
from benchmarks.memory import report as memory_report
from benchmarks.numpy_floor import NumpyFloor
from benchmarks.prototype import PrototypeNetwork
from benchmarks.timing import time_interleaved, time_steps
from rnn_nodes.threads import limit_blas_threads

TARGETS = {  # step time of rnn_nodes over the reference's, at most (issue 5)
    "A": 1.5, "B": 3.0, "C": 2.0,
}
PROTOTYPE_SPEEDUP = 20.0  # rnn_nodes at least this much faster than the prototype
REFERENCE = "reference_jax"
DESCRIPTIONS = {
    "rnn_nodes": "rnn_nodes.RNN.train_step, one BLAS thread (the default blas_threads=1)",
    "rnn_nodes_blas_default": "rnn_nodes.RNN.train_step with blas_threads=None "
                              "(OpenBLAS' default threads), timed alone after the others",
    "rnn_nodes_other_dispatch": "rnn_nodes.RNN.train_step with the activation derivatives "
                                "dispatched the other way: in four pieces during the forward "
                                "pass where rnn_nodes makes one call after it, or one call "
                                "where it makes pieces (rnn_nodes.layers.derivatives.piece_ends)",
    REFERENCE: "pure JAX over lax.scan, jit(value_and_grad + Adam)",
    "prototype": "per-node numpy loop, derivative rebuilt as un-jitted "
                 "vmap(vmap(grad(f))) at every node; one BLAS thread",
    "torch_1thread": "PyTorch nn.RNN / nn.LSTM + nn.Linear, torch.set_num_threads(1)",
    "numpy_floor": "bare numpy loop over time, no objects, no checks, derivatives from the "
                   "cached outputs; one BLAS thread: the floor under any numpy node design",
}


@dataclass(frozen=True)
class Repeats:
    """How many steps to time.

    Parameters
    ----------
    warmup, repeats : int
        For every implementation but the prototype.
    prototype_warmup, prototype_repeats : int
        For the prototype, which is slow.
    rounds : int
        Rounds the timed steps are spread over, implementations taking turns.
    """

    warmup: int = 10
    repeats: int = 200
    prototype_warmup: int = 1
    prototype_repeats: int = 10
    rounds: int = 10


FULL = Repeats()
QUICK = Repeats(warmup=1, repeats=3, prototype_warmup=0, prototype_repeats=2, rounds=1)


def _check_gradients(config, weights, X, t, reference):
    """Gradient agreement of every implementation that can build ``config``."""
    checks = {}
    if project.unavailable_reason(config) is None:
        net = project.build_network(config, weights)
        checks["rnn_nodes"] = compare(*project.gradients(net, X, t), *reference)
    checks["prototype"] = compare(*PrototypeNetwork(config, weights).gradients(X, t),
                                  *reference)
    checks["numpy_floor"] = compare(*NumpyFloor(config, weights).gradients(X, t), *reference)
    if torch_rnn.available():
        checks["torch_1thread"] = compare(
            *torch_rnn.TorchStep(config, weights, X, t).gradients(), *reference)
    return checks


def _steps(config, weights, X, t, repeats):
    """Name -> (step, warmup, repeats) of everything timed together on ``config``.

    The prototype and the numpy floor run with one BLAS thread, as rnn_nodes
    does by default, so that their ratios measure their designs rather than
    thread contention.
    """
    steps = {REFERENCE: (reference_jax.ReferenceStep(config, weights, X, t),
                         repeats.warmup, repeats.repeats)}
    if project.unavailable_reason(config) is None:
        net = project.build_network(config, weights)
        steps["rnn_nodes"] = (lambda: net.train_step(X, t), repeats.warmup, repeats.repeats)
        other = project.build_network(config, weights)
        steps["rnn_nodes_other_dispatch"] = (project.other_dispatch_step(other, config, X, t),
                                             repeats.warmup, repeats.repeats)
    steps["prototype"] = (_one_blas_thread(PrototypeNetwork(config, weights), X, t),
                          repeats.prototype_warmup, repeats.prototype_repeats)
    steps["numpy_floor"] = (_one_blas_thread(NumpyFloor(config, weights), X, t),
                            repeats.warmup, repeats.repeats)
    if torch_rnn.available():
        steps["torch_1thread"] = (torch_rnn.TorchStep(config, weights, X, t),
                                  repeats.warmup, repeats.repeats)
    return steps


def _one_blas_thread(network, X, t):
    """A training step of a numpy ``network`` run with one BLAS thread, as rnn_nodes runs."""
    def step():
        with limit_blas_threads(1):
            return network.train_step(X, t)

    return step


def _time_blas_default(config, weights, X, t, repeats):
    """rnn_nodes with ``blas_threads=None``, timed on its own, after the others.

    Alone because OpenBLAS' idle worker threads keep spinning for a while
    after a call and would slow whatever is timed next.
    """
    net = project.build_network(config, weights, blas_threads=None)
    return time_steps(lambda: net.train_step(X, t), repeats.warmup, repeats.repeats)


def _skipped(config):
    reasons = {}
    lstm = project.unavailable_reason(config)
    if lstm:
        for name in ("rnn_nodes", "rnn_nodes_blas_default", "rnn_nodes_other_dispatch"):
            reasons[name] = lstm
    if not torch_rnn.available():
        reasons["torch_1thread"] = "torch is not installed (never a dependency)"
    return reasons


def _targets(config_name, implementations):
    """Whether the issue's targets are met (information, never an assertion)."""
    ran = {k: v for k, v in implementations.items() if v["status"] == "ok"}
    if "rnn_nodes" not in ran:
        return {}
    ours = ran["rnn_nodes"]["timing"]["median"]
    out = {"ratio_to_reference": ran["rnn_nodes"]["ratio_to_reference"],
           "prototype_over_rnn_nodes": ran["prototype"]["timing"]["median"] / ours}
    out["prototype_speedup_met"] = out["prototype_over_rnn_nodes"] >= PROTOTYPE_SPEEDUP
    out["rnn_nodes_over_numpy_floor"] = ours / ran["numpy_floor"]["timing"]["median"]
    if config_name in TARGETS:
        out["max_ratio"] = TARGETS[config_name]
        out["ratio_met"] = out["ratio_to_reference"] <= TARGETS[config_name]
    if "torch_1thread" in ran:
        out["faster_than_torch_1thread"] = ours < ran["torch_1thread"]["timing"]["median"]
    return out


def run_config(config, repeats, seed=0, log=print):
    """Everything measured on one config.

    Parameters
    ----------
    config : Config
    repeats : Repeats
    seed : int
        Seeds the generator of the weights and the data.
    log : callable
        Progress lines.

    Returns
    -------
    dict
        ``config``, ``gradient_check``, ``compilations``, ``memory``,
        ``implementations`` (name -> status, timing, ratio to the reference,
        samples per second) and ``targets``.
    """
    rng = np.random.default_rng(seed)
    weights = make_weights(config, rng)
    X, t = make_batch(config, rng)
    result = {"config": config.summary()}

    log(f"[{config.name}] gradient check against the JAX reference")
    reference = reference_jax.gradients(config, weights, X, t)
    result["gradient_check"] = _check_gradients(config, weights, X, t, reference)

    if project.unavailable_reason(config) is None:
        log(f"[{config.name}] compilations over train, memory of the forward pass")
        result["compilations"] = count_train_compilations(config, weights, rng)
        result["memory"] = memory_report(project.build_network(config, weights), config, X)

    log(f"[{config.name}] timing")
    timed = time_interleaved(_steps(config, weights, X, t, repeats), repeats.rounds)
    if project.unavailable_reason(config) is None:
        timed["rnn_nodes_blas_default"] = _time_blas_default(config, weights, X, t, repeats)
    reference_median = timed[REFERENCE]["median"]
    implementations = {
        name: {
            "status": "ok", "what": DESCRIPTIONS[name], "timing": timing,
            "ratio_to_reference": timing["median"] / reference_median,
            "samples_per_second": config.batch / timing["median"],
        }
        for name, timing in timed.items()
    }
    for name, reason in _skipped(config).items():
        implementations[name] = {"status": "skipped", "what": DESCRIPTIONS[name],
                                 "reason": reason}
    result["implementations"] = implementations
    result["targets"] = _targets(config.name, implementations)
    return result
