"""The JSON record of a model file: its fields, and the checks of those that are not a network.

A record is one JSON object::

    {"format": "rnn-nodes", "version": 2, "kind": "RNN" | "RNNRegressor" | "RNNClassifier",
     "network": {...},            # rnn_nodes.persistence.plan
     "params": {...}, "fitted": {...},   # estimators (rnn_nodes.estimators._files)
     "checkpoint": {...},         # checkpoints (below)
     "arrays": {name: sha256 hex digest of the array's bytes, ...}}   # version 2

Version 1 is the legacy ``.npz`` format: the same record without ``arrays``.
"""

import numbers
import re

import numpy as np

from rnn_nodes.persistence import limits
from rnn_nodes.persistence.arrays import ArraySpec, history_name
from rnn_nodes.persistence.errors import ModelFileError, checking, field
from rnn_nodes.validation import MAX_STEPS, check_positive_int

FORMAT = "rnn-nodes"
VERSION = 2
LEGACY_VERSION = 1

RECORD_FIELDS = ("format", "version", "kind", "network")
OPTIONAL_FIELDS = ("params", "fitted", "checkpoint", "arrays")
CHECKPOINT_FIELDS = ("epoch", "every", "history")
MONITOR_FIELDS = ("best", "best_epoch", "stopped_epoch", "bad_epochs", "best_states")
MAX_UPDATES = 2**53
MAX_HISTORY_KEYS = 64
MAX_KEY_LENGTH = 256
_DIGEST = re.compile(r"[0-9a-f]{64}")


def require_fields(value, name, path, required, optional=()):
    """Refuse ``value`` unless it is an object with every ``required`` field and no field
    outside ``required`` and ``optional``; ``name`` is its field (``""``: the record)."""
    def named(key):
        return field(f"{name}.{key}" if name else key)

    if not isinstance(value, dict):
        raise ModelFileError(path, f"expected a JSON object, got {type(value).__name__}",
                             field(name) if name else "record")
    for key in required:
        if key not in value:
            raise ModelFileError(path, "the record has no such field", named(key))
    for key in value:
        if key not in required and key not in optional:
            raise ModelFileError(path, "the record has an unknown field", named(key))


def check_record(record, path, kinds, version):
    """Check the record's own fields: format, version, kind and digests.

    Parameters
    ----------
    record : object
        Parsed JSON.
    path : str
    kinds : tuple of str
        The kinds the caller can load.
    version : int
        The version the file's container implies (:data:`VERSION` for safetensors,
        :data:`LEGACY_VERSION` for ``.npz``).

    Raises
    ------
    ModelFileError
        Naming the field.
    """
    require_fields(record, "", path, RECORD_FIELDS, OPTIONAL_FIELDS)
    if record["format"] != FORMAT:
        raise ModelFileError(path, f"expected {FORMAT!r}, got {record['format']!r}",
                             field("format"))
    found = record["version"]
    if type(found) is not int or found != version:
        newer = type(found) is int and found > VERSION
        raise ModelFileError(path, f"format version {found!r} is newer than this library's "
                                   f"({VERSION}): update rnn-nodes" if newer else
                             f"expected version {version} in this file, got {found!r}",
                             field("version"))
    if record["kind"] not in kinds:
        raise ModelFileError(path, f"it holds a {record['kind']!r}, expected "
                                   f"{' or '.join(kinds)}", field("kind"))
    digests = record.get("arrays")
    if (digests is None) != (version == LEGACY_VERSION):
        raise ModelFileError(path, "the digests of the arrays are missing" if digests is None
                             else "a legacy file has no digests", field("arrays"))
    if digests is not None:
        if not isinstance(digests, dict) or len(digests) > limits.MAX_ARRAYS:
            raise ModelFileError(path, "expected an object of array names and digests",
                                 field("arrays"))
        for name, digest in digests.items():
            if not (isinstance(digest, str) and _DIGEST.fullmatch(digest)):
                raise ModelFileError(path, f"expected a sha256 hex digest, got {digest!r}",
                                     field(f"arrays.{name}"))


def checkpoint_info(record, path):
    """The record's ``checkpoint`` field, checked; None when there is none.

    ``epoch`` (complete epochs, >= 1), ``every``, ``history`` (the names of the
    per-epoch lists, each stored as the array ``history.{name}``) and, for an
    estimator's fit, ``monitor``: the convergence monitor's ``best`` value,
    ``best_epoch``, ``stopped_epoch``, ``bad_epochs`` and ``best_states`` (the
    scheduler states of the best weights, as ``network.states``; None when none are kept).
    """
    info = record.get("checkpoint")
    if info is None:
        return None
    require_fields(info, "checkpoint", path, CHECKPOINT_FIELDS, ("monitor",))
    with checking(path, field("checkpoint.epoch")):
        epoch = check_positive_int(info["epoch"], "epoch", MAX_STEPS)
    with checking(path, field("checkpoint.every")):
        check_positive_int(info["every"], "every", MAX_STEPS)
    keys = info["history"]
    if not (isinstance(keys, list) and len(keys) <= MAX_HISTORY_KEYS
            and all(isinstance(key, str) and 0 < len(key) <= MAX_KEY_LENGTH for key in keys)
            and len(set(keys)) == len(keys)):
        raise ModelFileError(path, f"expected a list of at most {MAX_HISTORY_KEYS} distinct "
                                   "names", field("checkpoint.history"))
    if "monitor" in info:
        _check_monitor(info["monitor"], epoch, path)
    return info


def _check_monitor(state, epoch, path):
    require_fields(state, "checkpoint.monitor", path, MONITOR_FIELDS, ("updates_since_best",))

    def problem(key, text):
        return ModelFileError(path, text, field(f"checkpoint.monitor.{key}"))

    best = state["best"]
    if best is not None and (isinstance(best, bool) or not isinstance(best, numbers.Real)
                             or best != best or abs(best) == float("inf")):
        raise problem("best", f"expected a finite number or null, got {best!r}")
    for key in ("best_epoch", "stopped_epoch"):
        value = state[key]
        if value is not None and not (type(value) is int and 1 <= value <= epoch):
            raise problem(key, f"expected null or an epoch in 1..{epoch}, got {value!r}")
    if not (type(state["bad_epochs"]) is int and 0 <= state["bad_epochs"] <= epoch):
        raise problem("bad_epochs", f"expected a count in 0..{epoch}, got "
                                    f"{state['bad_epochs']!r}")
    since = state.get("updates_since_best", 0)
    if not (type(since) is int and 0 <= since <= MAX_UPDATES):
        raise problem("updates_since_best", f"expected a count in 0..{MAX_UPDATES}, got "
                                            f"{since!r}")
    if state["best_states"] is not None and not isinstance(state["best_states"], list):
        raise problem("best_states", "expected a list or null")


def history_specs(info):
    """The arrays of a checkpoint's history: float64, at most one value per epoch."""
    return {history_name(key): ArraySpec(np.dtype(np.float64), None, info["epoch"], finite=False)
            for key in info["history"]}
