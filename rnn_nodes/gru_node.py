"""Deprecated: :class:`~rnn_nodes.nodes.GRUNode` lives in :mod:`rnn_nodes.nodes.gru`."""

import warnings

from rnn_nodes.nodes.gru import GRUNode

warnings.warn("rnn_nodes.gru_node is deprecated; import GRUNode from rnn_nodes.nodes",
              DeprecationWarning, stacklevel=2)

__all__ = ["GRUNode"]
