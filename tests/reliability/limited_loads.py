"""Model files for the file campaign, and a child process that loads files under a memory limit.

``make_originals(folder)`` writes the valid files every property spoils: a network with a
bidirectional LSTM, a GRU and a dense layer with Adam states (``network``), its training
checkpoint (``checkpoint``), a classifier (``classifier``) and the checkpoint of a fit with
early stopping and best weights (``fit``); the legacy ``.npz`` fixtures of
``tests/fixtures/legacy`` are the originals of the legacy campaign.

Run as a script (``python limited_loads.py FOLDER``), this module writes the originals to
``FOLDER``, loads each with
each of its loaders, then sets an address-space limit (``resource.RLIMIT_AS``) of
:data:`HEADROOM` above what the process then uses (JAX reserves most of that at import),
and serves requests on stdin, one JSON line each (``{"path", "loader", "original"}``),
answering one JSON line: ``outcome`` is ``"same"`` (a model equal to the original's in
every array, setting and fitted attribute), ``"refused"`` (a ``ModelFileError``, with its
message; in resuming also a ``ValueError``: a checkpoint of another run, with more epochs
or other data), ``"ran"`` (a resumed training that ran), ``"different"`` (with where, and
whether the weights and scheduler states are still the same) or ``"error"`` (any other
exception, ``MemoryError`` included: what a load must never give).
"""

import json
import math
import pathlib
import resource
import sys
import time
import traceback
import warnings

import numpy as np

from rnn_nodes import RNN, ModelFileError, RNNClassifier, RNNRegressor, load_checkpoint
from rnn_nodes.checkpoint import Run
from schedulers import Adam, Scheduler

HEADROOM = 400 * 2**20
"""Address space allowed above what the process uses after its first loads."""

LEGACY = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "legacy"


def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((12, 4, 2))
    y = X.sum(axis=(1, 2))
    return X, y, np.where(y > 0, "up", "down")


def network():
    net = RNN(seed=0, lmbd=0.01, scheduler=Adam(eta=0.01))
    return net.add_InputLayer(2).add_LSTMLayer(3, bidirectional=True).add_GRULayer(2) \
        .add_DenseLayer(1)


def estimator():
    return RNNClassifier(hidden_layer_sizes=(3,), max_iter=2, early_stopping=True,
                         validation_fraction=0.25, random_state=0)


def make_originals(folder):
    """Write the original files into ``folder``; return ``name -> path``."""
    folder = pathlib.Path(folder)
    X, y, labels = data()
    paths = {name: folder / f"{name}.safetensors"
             for name in ("network", "checkpoint", "classifier", "fit")}
    net = network()
    net.train(X, y[:, None], epochs=2, batch_size=4, checkpoint_path=paths["checkpoint"])
    net.save(paths["network"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        RNNClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0).fit(
            X, labels).save(paths["classifier"])
        estimator().fit(X, labels, checkpoint_path=paths["fit"])
    return paths


def resume(path):
    X, y, _ = data()
    network().train(X, y[:, None], epochs=3, batch_size=4, checkpoint_path=path, resume=True)


def resume_fit(path):
    X, _, labels = data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimator().fit(X, labels, checkpoint_path=path, resume=True)  # reads, restores


LOADERS = {"RNN": RNN.load, "RNNClassifier": RNNClassifier.load,
           "RNNRegressor": RNNRegressor.load, "load_checkpoint": load_checkpoint,
           "resume": resume, "resume fit": resume_fit}

ORIGINALS = {  # name -> (file, the loaders that read it)
    "network": ("network.safetensors", ["RNN"]),
    "checkpoint": ("checkpoint.safetensors", ["RNN", "load_checkpoint", "resume"]),
    "classifier": ("classifier.safetensors", ["RNNClassifier"]),
    "fit": ("fit.safetensors", ["RNNClassifier", "resume fit"]),
    "legacy network": (LEGACY / "rnn.npz", ["RNN"]),
    "legacy checkpoint": (LEGACY / "rnn-checkpoint.npz", ["RNN", "load_checkpoint"]),
    "legacy classifier": (LEGACY / "classifier.npz", ["RNNClassifier"]),
    "legacy fit": (LEGACY / "classifier-checkpoint.npz", ["RNNClassifier"]),
    "legacy regressor": (LEGACY / "regressor.npz", ["RNNRegressor"]),
    "legacy float64": (LEGACY / "rnn-float64-sequence.npz", ["RNN"]),
}


def described(obj):
    """Everything a loaded object holds, as nested plain values to compare."""
    if isinstance(obj, Run):
        return {"network": described(obj.network), "epoch": obj.epoch, "history": obj.history}
    if isinstance(obj, RNN):
        return {"config": {key: described(value) for key, value in vars(obj).items()
                           if key not in ("layers", "scheduler_states", "rng", "cost")},
                "cost": obj.cost.name, "rng": obj.rng.bit_generator.state,
                "layers": [(repr(layer), described(layer.params)) for layer in obj.layers],
                "states": {key: (type(state).__name__, described(state._asdict()))
                           for key, state in obj.scheduler_states.items()}}
    if isinstance(obj, Scheduler):
        return (type(obj).__name__, obj.get_params())
    if hasattr(obj, "network_"):
        return {key: described(value) for key, value in vars(obj).items()}
    if isinstance(obj, dict):
        return {key: described(value) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [described(value) for value in obj]
    return obj


def difference(a, b, where="model"):
    """Where ``a`` and ``b`` (from :func:`described`) differ, or None."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        same = (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype
                and a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
        return None if same else where
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"{where}: keys {sorted(map(str, a.keys() ^ b.keys()))}"
        return next((d for key in a if (d := difference(a[key], b[key], f"{where}.{key}"))),
                    None)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return f"{where}: lengths"
        return next((d for i, (x, y) in enumerate(zip(a, b))
                     if (d := difference(x, y, f"{where}[{i}]"))), None)
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return None
    return None if type(a) is type(b) and a == b else f"{where}: {a!r} != {b!r}"


def address_space():
    """Bytes of address space this process uses (Linux: ``VmSize`` of /proc/self/status)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmSize:"))
    return int(line.split()[1]) * 1024


def serve(folder):
    started = time.perf_counter()
    make_originals(folder)
    made = time.perf_counter()
    references, copy = {}, pathlib.Path(folder) / "warm-up copy"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, (file, loaders) in ORIGINALS.items():
            path = pathlib.Path(folder) / file
            for loader in loaders:
                copy.write_bytes(path.read_bytes())  # resuming writes to its file
                result = LOADERS[loader](str(copy))  # and compiles JAX's training steps
                references[name, loader] = None if result is None else described(result)
    limit = address_space() + HEADROOM
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    print(json.dumps({"ready": True, "limit": limit, "made": made - started,
                      "warmed": time.perf_counter() - made}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        print(json.dumps(answer(request, references)), flush=True)


def answer(request, references):
    loader = request["loader"]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = LOADERS[loader](request["path"])
    except ModelFileError as error:
        return {"outcome": "refused", "message": str(error), "where": error.where}
    except ValueError as error:  # resuming another run: another network, more epochs, other X
        if loader.startswith("resume") and type(error) is ValueError:
            return {"outcome": "refused", "message": str(error), "where": "resume"}
        return {"outcome": "error", "type": type(error).__name__, "message": str(error)[:2000],
                "traceback": traceback.format_exc()[-4000:]}
    except BaseException as error:  # noqa: BLE001 (MemoryError and RecursionError too)
        return {"outcome": "error", "type": type(error).__name__, "message": str(error)[:2000],
                "traceback": traceback.format_exc()[-4000:]}
    if result is None:
        return {"outcome": "ran"}
    loaded, reference = described(result), references[request["original"], loader]
    found = difference(loaded, reference)
    if found is None:
        return {"outcome": "same"}
    return {"outcome": "different", "what": found, "same weights":
            difference(arrays_in(weights_of(loaded)), arrays_in(weights_of(reference))) is None}


def weights_of(value):
    """The layers' and scheduler states' part of :func:`described`'s value."""
    network = value.get("network_", value.get("network", value))
    return [network["layers"], network["states"]]


def arrays_in(value, path="model"):
    """Every array inside ``value`` (from :func:`described`), by where it is."""
    if isinstance(value, np.ndarray):
        return {path: value}
    items = (value.items() if isinstance(value, dict) else enumerate(value)
             if isinstance(value, (list, tuple)) else ())
    return {where: array for key, item in items
            for where, array in arrays_in(item, f"{path}.{key}").items()}


if __name__ == "__main__":
    serve(sys.argv[1])
