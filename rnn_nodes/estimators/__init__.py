"""scikit-learn estimators on top of the network: ``RNNRegressor`` and ``RNNClassifier``."""

from rnn_nodes.estimators._cells import CELLS
from rnn_nodes.estimators.classifier import RNNClassifier
from rnn_nodes.estimators.regressor import RNNRegressor

__all__ = ["RNNRegressor", "RNNClassifier", "CELLS"]
