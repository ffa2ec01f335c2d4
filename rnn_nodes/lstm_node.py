"""Deprecated: :class:`~rnn_nodes.nodes.LSTMNode` lives in :mod:`rnn_nodes.nodes.lstm`."""

import warnings

from rnn_nodes.nodes.lstm import LSTMNode

warnings.warn("rnn_nodes.lstm_node is deprecated; import LSTMNode from rnn_nodes.nodes",
              DeprecationWarning, stacklevel=2)

__all__ = ["LSTMNode"]
