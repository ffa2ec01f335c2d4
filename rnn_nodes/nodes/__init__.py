"""Nodes: the equations of one time step of each cell, and the registry of cells by name.

=====================  ===========================================================
:class:`RecurrentNode`  what a cell states (states, gates, activations) and does
:class:`ElmanNode`      ``h_t = sigma(x_t W_layer + b_layer + h_{t-1} W_time + b_time)``
:class:`GRUNode`        PyTorch's ``nn.GRU`` step
:class:`LSTMNode`       PyTorch's ``nn.LSTM`` step
:class:`DenseNode`      ``y = sigma(z)`` of the layers without recurrence
=====================  ===========================================================
"""

from rnn_nodes.nodes.base import RecurrentNode
from rnn_nodes.nodes.dense import DenseNode
from rnn_nodes.nodes.elman import ElmanNode
from rnn_nodes.nodes.gru import GRUNode
from rnn_nodes.nodes.lstm import LSTMNode
from rnn_nodes.nodes.registry import NODES, node_class, node_name, register_node

__all__ = [
           "NODES",
           "DenseNode",
           "ElmanNode",
           "GRUNode",
           "LSTMNode",
           "RecurrentNode",
           "node_class",
           "node_name",
           "register_node",
]
