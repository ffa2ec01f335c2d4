"""rnn_nodes: a recurrent neural network you can read, one Node per time step.

>>> from rnn_nodes import RNN
>>> from schedulers import Adam
>>> net = RNN(cost="mse", scheduler=Adam(eta=1e-2), seed=0)
>>> net = net.add_InputLayer(1).add_RNNLayer(8).add_OutputLayer(1)
"""

from rnn_nodes.activations import ACTIVATIONS, Activation, get_activation
from rnn_nodes.costs import COSTS, Cost, get_cost
from rnn_nodes.estimators import RNNClassifier, RNNRegressor
from rnn_nodes.gru_node import GRUNode
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
from rnn_nodes.preprocessing import (
    SequenceScaler,
    from_channels_first,
    sliding_windows,
    to_channels_first,
)
from rnn_nodes.runs import load_checkpoint
from rnn_nodes.sequences import States
from rnn_nodes.training import (
    Callback,
    EarlyStopping,
    TrainingDivergedError,
    TrainingInterruptedWarning,
)

__all__ = [
    "RNN", "Gradients", "Node", "Layer", "InputLayer", "RNNLayer", "OutputLayer",
    "DenseLayer", "Activation", "ACTIVATIONS", "get_activation", "Cost", "COSTS",
    "get_cost", "TrainingDivergedError", "TrainingInterruptedWarning", "Callback",
    "EarlyStopping", "RNNRegressor", "RNNClassifier", "ModelFileError", "sliding_windows",
    "SequenceScaler", "from_channels_first", "to_channels_first", "GRULayer", "LSTMLayer",
    "Bidirectional", "GRUNode", "LSTMNode", "States", "load_checkpoint", "one_step", "Step",
]
