"""Prediction, extrapolation and validation scoring need memory bounded by a chunk, not the data.

Measured with ``tracemalloc`` (numpy reports its arrays to it) on a CI-sized
input, with a small :data:`~rnn_nodes.inference.ACTIVATION_BUDGET`. The same
input through the training forward pass, which keeps every step, needs many
times the bound: the measure can tell the two apart.
"""

import tracemalloc

import numpy as np
import pytest

from rnn_nodes import RNN, inference
from rnn_nodes.estimators import RNNRegressor

BUDGET = 2**20  # 1 MiB of working arrays per chunk
BOUND = 2 * BUDGET  # what a chunk may take, with the step temporaries and the states
N_SAMPLES, N_STEPS = 800, 100  # LSTM(16) in float32: 31 MiB of working arrays in all


def peak_bytes(call):
    """numpy's peak allocation during ``call()`` beyond what existed before, and the result."""
    tracemalloc.start()
    try:
        result = call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, result


@pytest.fixture
def small_budget(monkeypatch):
    monkeypatch.setattr(inference, "ACTIVATION_BUDGET", BUDGET)


def lstm_network(head="dense"):
    net = RNN(seed=0, dtype="float32").add_InputLayer(1).add_LSTMLayer(16)
    net.add_DenseLayer(1) if head == "dense" else net.add_OutputLayer(1)
    net.is_trained = True
    return net


def series():
    return np.random.default_rng(0).normal(size=(N_SAMPLES, N_STEPS, 1)).astype(np.float32)


def test_predict_stays_within_a_chunk(small_budget):
    net, X = lstm_network(), series()
    peak, output = peak_bytes(lambda: net.predict(X))
    assert peak - output.nbytes < BOUND, peak
    whole, _ = peak_bytes(lambda: net.forward(X))
    assert whole > 10 * BOUND, whole  # what the bound saves: the training pass keeps it all


def test_a_sequence_output_costs_the_output_and_a_chunk(small_budget):
    net, X = lstm_network("sequence"), series()
    peak, output = peak_bytes(lambda: net.predict(X))
    assert peak - output.nbytes < BOUND, peak


def test_extrapolate_stays_within_a_chunk(small_budget):
    net, X = lstm_network("sequence"), series()
    peak, output = peak_bytes(lambda: net.extrapolate(X, 20))
    assert peak - output.nbytes < BOUND, peak


def test_validation_scoring_stays_within_a_chunk(small_budget):
    # what train() calls to score the validation data after every epoch
    net, X = lstm_network(), series()
    peak, output = peak_bytes(lambda: inference.output(net, X))
    assert peak - output.nbytes < BOUND, peak


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_estimator_predict_stays_within_a_chunk_and_its_copies(small_budget):
    X = series()
    model = RNNRegressor(hidden_layer_sizes=(16,), cell="lstm", max_iter=1, random_state=0,
                         dtype="float32").fit(X[:20, :, 0], np.zeros(20))
    peak, _ = peak_bytes(lambda: model.predict(X[..., 0]))
    # the estimator's own copies of the data: float64 (check_array), then float32
    copies = X.size * (8 + 4)
    assert peak - copies < BOUND, peak


def test_one_long_series_stays_within_a_chunk(small_budget):
    net = lstm_network()
    X = np.random.default_rng(1).normal(size=(2, 20_000, 1)).astype(np.float32)
    peak, output = peak_bytes(lambda: net.predict(X))
    assert peak - output.nbytes < BOUND, peak
    np.testing.assert_allclose(output, net.forward(X), rtol=1e-5, atol=1e-6)
