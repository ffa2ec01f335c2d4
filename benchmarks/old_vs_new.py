"""Old against new rnn_nodes in one process: bit-identical weights, and step times.

A temporary tool for issue 17 (one loop through time for all cells): run
``python -m benchmarks.old_vs_new --old REF [--new PATH] [--task weights|speed|all]``.
The old code of git ref ``REF`` is unpacked into a temporary folder and
imported first; its ``rnn_nodes`` and ``schedulers`` modules are kept aside
and removed from ``sys.modules``, then the new code (the working tree, or
``PATH``) is imported the same way. Only the public API is used.
"""

import argparse
import contextlib
import importlib
import io
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from benchmarks.configs import CONFIGS, make_batch, make_weights

PACKAGES = ("rnn_nodes", "schedulers")
ROOT = Path(__file__).resolve().parent.parent


def _ours(name):
    return any(name == p or name.startswith(p + ".") for p in PACKAGES)


def load_version(root):
    """Import ``rnn_nodes`` and ``schedulers`` from ``root``; return them and unlink them from sys."""
    for name in [n for n in sys.modules if _ours(n)]:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        rnn_nodes = importlib.import_module("rnn_nodes")
        schedulers = importlib.import_module("schedulers")
        rnn_nodes.RNNClassifier  # noqa: B018 - the lazy estimators, imported now from root
        if not Path(rnn_nodes.__file__).resolve().is_relative_to(Path(root).resolve()):
            raise RuntimeError(f"rnn_nodes came from {rnn_nodes.__file__}, not {root}")
        modules = {n: m for n, m in sys.modules.items() if _ours(n)}
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if _ours(n)]:
            del sys.modules[name]
    return {"rnn_nodes": rnn_nodes, "schedulers": schedulers, "modules": modules}


def extract(ref, into):
    """The files of git ref ``ref`` under ``into``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


def check_separate(old, new):
    """Old and new classes and functions are distinct objects with their own globals."""
    assert old["rnn_nodes"].RNN is not new["rnn_nodes"].RNN
    f_old, f_new = old["rnn_nodes"].RNN.train_step, new["rnn_nodes"].RNN.train_step
    assert f_old.__globals__ is not f_new.__globals__
    assert old["rnn_nodes"].__file__ != new["rnn_nodes"].__file__
    assert not set(map(id, old["modules"].values())) & set(map(id, new["modules"].values()))


# ----------------------------------------------------------------- networks

def config_net(v, config, weights):
    """A benchmark config's network (as benchmarks.project builds it), public API only."""
    RNN, Adam = v["rnn_nodes"].RNN, v["schedulers"].Adam
    net = RNN(cost=config.cost, scheduler=Adam(eta=1e-3), dtype="float32", seed=0)
    net.add_InputLayer(config.n_in)
    if config.cell == "lstm":
        net.add_LSTMLayer(config.hidden)
    else:
        net.add_RNNLayer(config.hidden, activation="tanh")
    if config.head == "dense":
        net.add_DenseLayer(config.n_out, activation=config.head_activation)
    else:
        net.add_OutputLayer(config.n_out, activation=config.head_activation)
    for layer, arrays in zip(net.layers[1:], (weights["recurrent"], weights["head"])):
        for name, array in arrays.items():
            layer.params[name][...] = array
    return net


def small_net(v, recurrent, head="output", dtype="float32", n_in=3, **net_kw):
    """A small seeded network: ``recurrent`` is a list of (add_ method name, kwargs)."""
    net = v["rnn_nodes"].RNN(cost="cce" if head == "dense" else "mse",
                             scheduler=v["schedulers"].Adam(eta=1e-2), dtype=dtype, seed=3,
                             **net_kw)
    net.add_InputLayer(n_in)
    for method, kw in recurrent:
        getattr(net, method)(**kw)
    if head == "dense":
        net.add_DenseLayer(3, activation="softmax")
    elif head == "output":
        net.add_OutputLayer(2)
    return net


def _data(dtype, head, seed=1, batch=5, time=7, n_in=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, time, n_in)).astype(dtype)
    if head == "dense":
        t = np.eye(3, dtype=dtype)[rng.integers(0, 3, batch)]
    else:
        t = rng.standard_normal((batch, time, 2)).astype(dtype)
    return X, t


def flatten(obj, prefix=""):
    """Every array in ``obj`` (arrays, numbers, dicts, lists, tuples, plain objects), by path."""
    if obj is None:
        return {}
    if isinstance(obj, (np.ndarray, np.generic, float, int)) or hasattr(obj, "__array__"):
        return {prefix: np.asarray(obj)}
    if isinstance(obj, dict):
        items = obj.items()
    elif isinstance(obj, (list, tuple)):
        items = enumerate(obj)
    elif hasattr(obj, "__dict__"):
        items = vars(obj).items()
    else:
        return {}
    out = {}
    for key, value in items:
        out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return out


def params_of(net):
    return {f"layers[{i}].params": dict(layer.params) for i, layer in enumerate(net.layers)
            if getattr(layer, "params", None)}


def small_case(recurrent, head="output", dtype="float32", steps=5, lengths=False,
               headless=False, **net_kw):
    """A case function: train ``steps`` steps, then gradients and predictions."""
    def run(v):
        net = small_net(v, recurrent, None if headless else head, dtype, **net_kw)
        X, t = _data(dtype, head)
        kw = {}
        if lengths:
            kw["lengths"] = np.array([7, 3, 5, 1, 6])
        out = {}
        if headless:
            width = net.n_outputs
            dY = np.random.default_rng(2).standard_normal((5, 7, width)).astype(dtype)
            for k in range(steps):
                g = net.gradients(X, None, dY=dY, **kw)
                out[f"grad{k}"] = g
            out["forward"] = net.forward(X, **kw)
        else:
            for _ in range(steps - 1):
                net.train_step(X, t, **kw)
            # the last step through train(), which marks the network trained for predict
            net.train(X, t, epochs=1, batch_size=len(X), shuffle=False, **kw)
            out["gradients"] = net.gradients(X, t, **kw)
            out["predict"] = net.predict(X, **kw)
        out["params"] = params_of(net)
        return out
    return run


def config_case(name, steps):
    def run(v):
        config = CONFIGS[name]
        rng = np.random.default_rng(0)
        weights = make_weights(config, rng)
        X, t = make_batch(config, rng)
        net = config_net(v, config, weights)
        for _ in range(steps):
            net.train_step(X, t)
        return {"params": params_of(net), "forward": net.forward(X)}
    return run


def estimator_case(kind, cell):
    def run(v):
        rng = np.random.default_rng(4)
        X = rng.standard_normal((12, 6, 2)).astype(np.float32)
        if kind == "RNNClassifier":
            y = rng.integers(0, 2, 12)
        else:
            y = rng.standard_normal(12).astype(np.float32)
        est = getattr(v["rnn_nodes"], kind)(hidden_layer_sizes=(4,), cell=cell, max_iter=3,
                                            random_state=0)
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, y)
        return {"params": params_of(est.network_), "predict": est.predict(X)}
    return run


GRU = ("add_GRULayer", {"n_features": 4})
LSTM = ("add_LSTMLayer", {"n_features": 4})
ELMAN = ("add_RNNLayer", {"n_features": 4})


def cases(config_steps):
    return {
        **{f"config {n} ({config_steps} steps)": config_case(n, config_steps) for n in "ABC"},
        "GRU": small_case([GRU]),
        "LSTM": small_case([LSTM]),
        "Elman tanh, softmax head": small_case([ELMAN], head="dense"),
        "Elman relu": small_case([("add_RNNLayer", {"n_features": 4, "activation": "relu"})]),
        "Elman leaky_relu, sigmoid": small_case(
            [("add_RNNLayer", {"n_features": 4, "activation": "leaky_relu"}),
             ("add_RNNLayer", {"n_features": 3, "activation": "sigmoid"})]),
        "GRU relu, gate sigmoid": small_case(
            [("add_GRULayer", {"n_features": 4, "activation": "relu"})]),
        "LSTM forget_bias 0": small_case(
            [("add_LSTMLayer", {"n_features": 4, "forget_bias": 0.0})]),
        "bidir GRU concat": small_case(
            [("add_GRULayer", {"n_features": 4, "bidirectional": True})]),
        "bidir LSTM sum": small_case(
            [("add_LSTMLayer", {"n_features": 4, "bidirectional": True, "merge": "sum"})]),
        "bidir Elman concat, dense": small_case(
            [("add_RNNLayer", {"n_features": 4, "bidirectional": True})], head="dense"),
        "padded GRU": small_case([GRU], lengths=True),
        "padded LSTM, dense": small_case([LSTM], head="dense", lengths=True),
        "padded bidir LSTM": small_case(
            [("add_LSTMLayer", {"n_features": 4, "bidirectional": True})], lengths=True),
        "truncated Elman (bptt 3)": small_case([ELMAN], bptt_limit=3),
        "truncated LSTM (bptt 2)": small_case([LSTM], bptt_limit=2),
        "truncated GRU+L2+clip": small_case([GRU], bptt_limit=3, lmbd=1e-2, clip_norm=0.5),
        "stacked Elman-GRU-LSTM": small_case([ELMAN, GRU, LSTM]),
        "stacked LSTM-bidirGRU, dense": small_case(
            [LSTM, ("add_GRULayer", {"n_features": 3, "bidirectional": True})], head="dense"),
        "float64 LSTM": small_case([LSTM], dtype="float64"),
        "float64 stacked GRU-Elman": small_case([GRU, ELMAN], dtype="float64", head="dense"),
        "headless LSTM (dY)": small_case([LSTM], headless=True),
        "headless GRU-Elman (dY)": small_case([GRU, ELMAN], headless=True),
        "headless padded bidir GRU": small_case(
            [("add_GRULayer", {"n_features": 4, "bidirectional": True})], headless=True,
            lengths=True),
        "RNNClassifier GRU": estimator_case("RNNClassifier", "gru"),
        "RNNRegressor LSTM": estimator_case("RNNRegressor", "lstm"),
        "RNNRegressor rnn": estimator_case("RNNRegressor", "rnn"),
    }


def compare(a, b):
    """(identical, max abs diff, first differing key) of two flattened results."""
    fa, fb = flatten(a), flatten(b)
    if fa.keys() != fb.keys():
        return False, float("nan"), f"keys differ: {sorted(fa.keys() ^ fb.keys())[:3]}"
    worst, first = 0.0, ""
    for key in fa:
        x, y = fa[key], fb[key]
        if x.shape != y.shape or x.dtype != y.dtype:
            return False, float("nan"), f"{key}: {x.dtype}{x.shape} vs {y.dtype}{y.shape}"
        if not np.array_equal(x, y, equal_nan=x.dtype.kind == "f"):
            diff = float(np.max(np.abs(x.astype(float) - y.astype(float)), initial=0))
            if not first:
                first = key
            worst = float("nan") if np.isnan(diff) else max(worst, diff)
    return not first, worst, first


def task_weights(old, new, config_steps):
    print(f"{'case':36s} | identical | max abs diff | first differing")
    failed = 0
    for name, run in cases(config_steps).items():
        start = time.perf_counter()
        try:
            same, diff, where = compare(run(old), run(new))
        except Exception as error:  # noqa: BLE001 - a case that crashes is a failed case
            same, diff, where = False, float("nan"), f"{type(error).__name__}: {error}"
        failed += not same
        print(f"{name:36s} | {'yes' if same else 'NO':9s} | {diff:12.3g} | {where}"
              f"  ({time.perf_counter() - start:.1f} s)", flush=True)
    print(f"{failed} case(s) differ" if failed else "all cases bit-identical")
    return failed == 0


def task_speed(old, new, rounds, steps_per_round, warmup):
    print(f"\nspeed: {warmup} warm-up steps, then {rounds} rounds of old/new alternating, "
          f"{steps_per_round} timed steps per round; time = one train_step (ms)")
    print(f"{'config':6s} | {'old median':>10s} | {'new median':>10s} | new/old | "
          f"old IQR/med | new IQR/med")
    for name in "ABC":
        config = CONFIGS[name]
        rng = np.random.default_rng(0)
        weights = make_weights(config, rng)
        X, t = make_batch(config, rng)
        nets = {"old": config_net(old, config, weights), "new": config_net(new, config, weights)}
        for net in nets.values():
            for _ in range(warmup):
                net.train_step(X, t)
        times = {k: [] for k in nets}
        for _ in range(rounds):
            for k, net in nets.items():
                for _ in range(steps_per_round):
                    start = time.perf_counter()
                    net.train_step(X, t)
                    times[k].append(time.perf_counter() - start)
        stats = {}
        for k, ts in times.items():
            q1, med, q3 = np.percentile(ts, [25, 50, 75])
            stats[k] = (med, (q3 - q1) / med)
        print(f"{name:6s} | {stats['old'][0] * 1e3:10.2f} | {stats['new'][0] * 1e3:10.2f} | "
              f"{stats['new'][0] / stats['old'][0]:7.3f} | {stats['old'][1]:11.3f} | "
              f"{stats['new'][1]:11.3f}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", default="3c1e3d6", help="git ref of the old code")
    parser.add_argument("--new", default=str(ROOT), help="folder of the new code")
    parser.add_argument("--task", choices=("weights", "speed", "all"), default="all")
    parser.add_argument("--config-steps", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--steps-per-round", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        extract(args.old, tmp)
        old = load_version(tmp)
        new = load_version(Path(args.new))
        check_separate(old, new)
        print(f"old: {args.old} from {old['rnn_nodes'].__file__}\n"
              f"new: {new['rnn_nodes'].__file__}\n")
        ok = True
        if args.task in ("weights", "all"):
            ok = task_weights(old, new, args.config_steps)
        if args.task in ("speed", "all"):
            task_speed(old, new, args.rounds, args.steps_per_round, args.warmup)
    print(f"\ntotal {time.perf_counter() - start:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
