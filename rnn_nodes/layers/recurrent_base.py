"""Deprecated: :class:`~rnn_nodes.layers.RecurrentLayer` lives in :mod:`rnn_nodes.layers.through_time`."""

import warnings

from rnn_nodes.layers.through_time import RecurrentLayer

warnings.warn("rnn_nodes.layers.recurrent_base is deprecated; import RecurrentLayer from "
              "rnn_nodes.layers", DeprecationWarning, stacklevel=2)

__all__ = ["RecurrentLayer"]
