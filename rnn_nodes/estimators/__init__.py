"""scikit-learn estimators on top of the network: ``RNNRegressor`` and ``RNNClassifier``."""

from rnn_nodes.estimators._cells import CELLS
from rnn_nodes.estimators.classifier import RNNClassifier
from rnn_nodes.estimators.regressor import RNNRegressor
from rnn_nodes.keywords import check_keywords_of

# a misspelt keyword names the accepted ones and the closest (rnn_nodes/keywords.py)
for _estimator in (RNNRegressor, RNNClassifier):
    check_keywords_of(_estimator, "__init__", "fit", "partial_fit", "predict", "score")
del _estimator

__all__ = ["RNNRegressor", "RNNClassifier", "CELLS"]
