"""rnn_nodes: a recurrent neural network you can read, one Node per time step.

>>> from rnn_nodes import RNN
>>> from schedulers import Adam
>>> net = RNN(cost="mse", scheduler=Adam(eta=1e-2), seed=0)
>>> net = net.add_InputLayer(1).add_RNNLayer(8).add_OutputLayer(1)
"""

from rnn_nodes.activations import ACTIVATIONS, Activation, get_activation
from rnn_nodes.costs import COSTS, Cost, get_cost
from rnn_nodes.gru_node import GRUNode
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
    RNNLayer,
)
from rnn_nodes.lstm_node import LSTMNode
from rnn_nodes.network import RNN, Gradients
from rnn_nodes.node import Node
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
    "RNN", "Gradients", "Node", "Layer", "InputLayer", "RNNLayer", "OutputLayer",
    "DenseLayer", "Activation", "ACTIVATIONS", "get_activation", "Cost", "COSTS",
    "get_cost", "TrainingDivergedError", "TrainingInterruptedWarning", "Callback",
    "EarlyStopping", "RNNRegressor", "RNNClassifier", "ModelFileError", "sliding_windows",
    "SequenceScaler", "from_channels_first", "to_channels_first", "GRULayer", "LSTMLayer",
    "Bidirectional", "GRUNode", "LSTMNode", "States", "load_checkpoint", "InputScaleWarning",
    "one_step", "Step", "Stream", "FreeRunDivergedError", "gradient_check", "trace",
    "plot_gradient_flow", "plot_unrolled", "HistogramRecorder", "plot_histograms",
]
