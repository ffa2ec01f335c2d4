"""Keeping a model: the names earlier versions exported, now in :mod:`rnn_nodes.persistence`.

A model file is one safetensors file (the weights and scheduler states by name, and a
JSON record in its metadata); files of the earlier ``.npz`` format still load. See
:mod:`rnn_nodes.persistence` and ``docs/model-files.md``.
"""

from rnn_nodes.persistence import (
    LAYER_TYPES,
    ModelFile,
    ModelFileError,
    load_network,
    network_config,
    network_from_state,
    network_state,
    network_to_record,
    read_model_file,
    save_network,
    scheduler_config,
    write_model_file,
)

__all__ = [
    "LAYER_TYPES", "ModelFile", "ModelFileError", "load_network", "network_config",
    "network_from_state", "network_state", "network_to_record", "read_model_file",
    "save_network", "scheduler_config", "write_model_file",
]
