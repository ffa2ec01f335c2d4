"""Keeping a model: one safetensors file with the arrays and a checked JSON record.

The tier below the network and the estimators: nothing here imports
:mod:`rnn_nodes.network` or :mod:`rnn_nodes.estimators`; the callers pass their classes
in. ``docs/model-files.md`` says what a model file can and cannot do.

Modules: :mod:`~.model_file` (write and read, in order), :mod:`~.safetensors_file` and
:mod:`~.legacy_npz` (the containers), :mod:`~.records` and :mod:`~.plan` (the record's
checks), :mod:`~.config` (a network's configuration), :mod:`~.arrays` (array names and
shapes), :mod:`~.jsontext` (JSON within limits), :mod:`~.limits`, :mod:`~.paths` (paths,
atomic writes), :mod:`~.errors`.
"""

from rnn_nodes.persistence.config import (
    LAYER_TYPES,
    network_config,
    network_from_state,
    network_state,
    scheduler_config,
)
from rnn_nodes.persistence.errors import ModelFileError
from rnn_nodes.persistence.model_file import (
    ModelFile,
    load_network,
    network_to_record,
    read_model_file,
    save_network,
    write_model_file,
)

__all__ = [
    "LAYER_TYPES", "ModelFile", "ModelFileError", "load_network", "network_config",
    "network_from_state", "network_state", "network_to_record", "read_model_file",
    "save_network", "scheduler_config", "write_model_file",
]
