"""Layers: each owns its parameters and wires one node per time step."""

from rnn_nodes.keywords import check_keywords_of
from rnn_nodes.layers.base import Layer
from rnn_nodes.layers.bidirectional import Bidirectional
from rnn_nodes.layers.dense import DenseLayer
from rnn_nodes.layers.gru import GRULayer
from rnn_nodes.layers.input import InputLayer
from rnn_nodes.layers.lstm import LSTMLayer
from rnn_nodes.layers.output import OutputLayer
from rnn_nodes.layers.recurrent import RNNLayer
from rnn_nodes.layers.through_time import RecurrentLayer

__all__ = [
    "Bidirectional",
    "DenseLayer",
    "GRULayer",
    "InputLayer",
    "LSTMLayer",
    "Layer",
    "OutputLayer",
    "RNNLayer",
    "RecurrentLayer",
]

# a misspelt keyword names the accepted ones and the closest (rnn_nodes/keywords.py)
for _layer in (InputLayer, RecurrentLayer, RNNLayer, OutputLayer, DenseLayer, GRULayer, LSTMLayer, Bidirectional):
    check_keywords_of(_layer)
del _layer
