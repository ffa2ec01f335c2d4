"""rnn_nodes: a recurrent neural network you can read, one Node per time step.

>>> from rnn_nodes import RNN
>>> from schedulers import Adam
>>> net = RNN(cost="mse", scheduler=Adam(eta=1e-2), seed=0)
>>> net = net.add_InputLayer(1).add_RNNLayer(8).add_OutputLayer(1)
"""

from rnn_nodes.activations import ACTIVATIONS, Activation, get_activation
from rnn_nodes.costs import COSTS, Cost, get_cost
from rnn_nodes.input_scale import InputScaleWarning
from rnn_nodes.io import ModelFileError
from rnn_nodes.layers import (
    Bidirectional,
    DenseLayer,
    GRULayer,
    InputLayer,
    Layer,
    LSTMLayer,
    OutputLayer,
    RecurrentLayer,
    RNNLayer,
)
from rnn_nodes.network import RNN, Gradients
from rnn_nodes.node import Node
from rnn_nodes.nodes import ElmanNode, GRUNode, LSTMNode, RecurrentNode, register_node
from rnn_nodes.one_step import Step, one_step
from rnn_nodes.prediction import FreeRunDivergedError, Stream
from rnn_nodes.runs import load_checkpoint
from rnn_nodes.sequences import States
from rnn_nodes.training import (
    Callback,
    EarlyStopping,
    TrainingDivergedError,
    TrainingInterruptedWarning,
)

# Imported at first use, not at ``import rnn_nodes``: these need scikit-learn,
# whose import takes longer than the rest of the package together.
_LAZY = {
    "RNNRegressor": "rnn_nodes.estimators",
    "RNNClassifier": "rnn_nodes.estimators",
    "SequenceScaler": "rnn_nodes.preprocessing",
    "from_channels_first": "rnn_nodes.preprocessing",
    "to_channels_first": "rnn_nodes.preprocessing",
    "sliding_windows": "rnn_nodes.preprocessing",
    "gradient_check": "rnn_nodes.instruments",
    "check_cell": "rnn_nodes.instruments",
    "trace": "rnn_nodes.instruments",
    "plot_gradient_flow": "rnn_nodes.instruments",
    "plot_unrolled": "rnn_nodes.instruments",
    "HistogramRecorder": "rnn_nodes.instruments",
    "plot_histograms": "rnn_nodes.instruments",
}


def __getattr__(name):
    """``rnn_nodes.RNNRegressor`` and the other names in ``_LAZY``, imported when first read."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'rnn_nodes' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "ACTIVATIONS",
    "COSTS",
    "RNN",
    "Activation",
    "Bidirectional",
    "Callback",
    "Cost",
    "DenseLayer",
    "EarlyStopping",
    "ElmanNode",
    "FreeRunDivergedError",
    "GRULayer",
    "GRUNode",
    "Gradients",
    "HistogramRecorder",
    "InputLayer",
    "InputScaleWarning",
    "LSTMLayer",
    "LSTMNode",
    "Layer",
    "ModelFileError",
    "Node",
    "OutputLayer",
    "RNNClassifier",
    "RNNLayer",
    "RNNRegressor",
    "RecurrentLayer",
    "RecurrentNode",
    "SequenceScaler",
    "States",
    "Step",
    "Stream",
    "TrainingDivergedError",
    "TrainingInterruptedWarning",
    "check_cell",
    "from_channels_first",
    "get_activation",
    "get_cost",
    "gradient_check",
    "load_checkpoint",
    "one_step",
    "plot_gradient_flow",
    "plot_histograms",
    "plot_unrolled",
    "register_node",
    "sliding_windows",
    "to_channels_first",
    "trace",
]
