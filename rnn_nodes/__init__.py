"""rnn_nodes: a recurrent neural network you can read, one Node per time step.

>>> from rnn_nodes import RNN
>>> from schedulers import Adam
>>> net = RNN(cost="mse", scheduler=Adam(eta=1e-2), seed=0)
>>> net = net.add_InputLayer(1).add_RNNLayer(8).add_OutputLayer(1)
"""

from rnn_nodes.activations import ACTIVATIONS, Activation, get_activation
from rnn_nodes.costs import COSTS, Cost, get_cost
from rnn_nodes.layers import DenseLayer, InputLayer, Layer, OutputLayer, RNNLayer
from rnn_nodes.network import RNN, Gradients
from rnn_nodes.node import Node
from rnn_nodes.training import TrainingDivergedError

__all__ = [
    "RNN", "Gradients", "Node", "Layer", "InputLayer", "RNNLayer", "OutputLayer",
    "DenseLayer", "Activation", "ACTIVATIONS", "get_activation", "Cost", "COSTS",
    "get_cost", "TrainingDivergedError",
]
