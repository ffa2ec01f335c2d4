"""Numerical faults: extreme inputs, exploding gradients, a cost that turns NaN.

- every registered activation, its derivative (or softmax's vector-Jacobian product), every
  cost, its gradient and the exact pairings stay finite for pre-activations up to ±1e4, in
  float32 and float64 (``test_activations.py`` / ``test_costs.py`` check fixed points; these
  properties draw arrays);
- a whole network of any layer type and activation keeps a finite output, cost and gradients
  for inputs up to ±1e4;
- a deliberately large initialisation makes the gradients explode: without ``clip_norm``
  training diverges, with it every update is at most ``eta * clip_norm`` and the loss stays
  finite;
- a cost that turns NaN stops ``RNN.train`` and the estimators with ``TrainingDivergedError``
  naming the epoch; the estimator keeps the history of the complete epochs and the last
  finite weights, or the best ones under early stopping.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.exceptions import NotFittedError

from campaign import count, examples
from rnn_nodes import ACTIVATIONS, COSTS, RNN, RNNClassifier, RNNRegressor, TrainingDivergedError
from rnn_nodes.layers.initializers import orthogonal
from schedulers import Constant

LIMIT = 1e4
DTYPES = (np.float32, np.float64)


SHAPES = st.sampled_from([(1, 1), (3, 2), (2, 1, 4), (1, 3, 3)])  # few shapes: few compilations


def extreme_arrays(dtype, shape=SHAPES):
    elements = st.one_of(st.floats(-LIMIT, LIMIT, width=32),
                         st.sampled_from([-LIMIT, LIMIT, 0.0, -30.0, 30.0, 88.7, -745.0]))
    return hnp.arrays(dtype, shape, elements=elements)


def finite(*arrays):
    return all(np.all(np.isfinite(np.asarray(a))) for a in arrays)


@examples(60)
@given(dtype=st.sampled_from(DTYPES), data=st.data())
def test_activations_and_their_derivatives_stay_finite(dtype, data):
    count("numerics: activations and derivatives on |z| <= 1e4")
    z = data.draw(extreme_arrays(dtype), label="z")
    g = data.draw(extreme_arrays(dtype, st.just(z.shape)), label="dC/dh")
    for name, activation in ACTIVATIONS.items():
        h = activation(z)
        assert h.dtype == dtype and finite(h), name
        assert finite(activation.vector_jacobian(z, g)), name
        if activation.elementwise:
            assert finite(activation.derivative(z)), name


@examples(60)
@given(dtype=st.sampled_from(DTYPES), data=st.data())
def test_costs_gradients_and_pairings_stay_finite(dtype, data):
    count("numerics: costs, gradients and exact pairings on |z| <= 1e4")
    z = data.draw(extreme_arrays(dtype), label="z")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16), label="seed"))
    for cost_name, activation_name, target in [
        ("mse", "identity", rng.uniform(-LIMIT, LIMIT, z.shape)),
        ("bce", "sigmoid", rng.integers(0, 2, z.shape)),
        ("cce", "softmax", np.eye(z.shape[-1])[rng.integers(0, z.shape[-1], z.shape[:-1])]),
    ]:
        cost, activation = COSTS[cost_name], ACTIVATIONS[activation_name]
        y_hat, t = activation(z), target.astype(dtype)
        assert finite(cost(y_hat, t), cost.gradient(y_hat, t)), cost_name
        value, seed, is_delta = cost.value_and_seed(y_hat, t, activation)
        assert is_delta == (cost_name != "mse") and finite(value, seed), cost_name
        # the probabilities a saturated unpaired output gives: exact 0 and 1
        if cost_name != "mse":
            saturated = np.clip(np.round(y_hat), 0, 1).astype(dtype)
            assert finite(cost(saturated, t), cost.gradient(saturated, t)), cost_name


@st.composite
def networks(draw):
    """A random float32 or float64 stack, cost and input with entries up to ±1e4."""
    dtype = draw(st.sampled_from(("float32", "float64")))
    cost = draw(st.sampled_from(("mse", "bce", "cce")))
    net = RNN(cost=cost, dtype=dtype, seed=draw(st.integers(0, 100)))
    n_in, batch, time = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 4))
    net.add_InputLayer(n_in)
    activations = sorted(set(ACTIVATIONS) - {"softmax"})
    for _ in range(draw(st.integers(1, 3))):
        builder = draw(st.sampled_from(("add_RNNLayer", "add_GRULayer", "add_LSTMLayer")))
        getattr(net, builder)(draw(st.integers(1, 4)),
                              activation=draw(st.sampled_from(activations)),
                              bidirectional=draw(st.booleans()))
    n_out = draw(st.integers(2, 3))
    output = {"bce": "sigmoid", "cce": "softmax"}.get(cost) or draw(st.sampled_from(activations))
    sequence = draw(st.booleans())
    (net.add_OutputLayer if sequence else net.add_DenseLayer)(n_out, activation=output)
    X = draw(hnp.arrays(np.float64, (batch, time, n_in),
                        elements=st.floats(-LIMIT, LIMIT, width=32)))
    shape = (batch, time, n_out) if sequence else (batch, n_out)
    rng = np.random.default_rng(0)
    t = {"mse": rng.uniform(-1, 1, shape), "bce": rng.integers(0, 2, shape).astype(float),
         "cce": np.eye(n_out)[rng.integers(0, n_out, shape[:-1])]}[cost]
    return net, X, t


@examples(60)
@given(case=networks())
def test_networks_stay_finite_on_inputs_up_to_1e4(case):
    count("numerics: random networks on inputs up to ±1e4")
    net, X, t = case
    y_hat = net.forward(X)
    grads = net.gradients(X, t)
    assert finite(y_hat, net.cost_value(X, t), grads.X, *grads.h0, *grads.c0)
    assert all(finite(*g.values()) for g in grads.params)


# exploding gradients ----------------------------------------------------------------------------


def exploding_network(dtype, clip_norm):
    """A linear Elman layer whose recurrent weights have every singular value 2: over 20 steps
    the state grows like 2**20 and so do the gradients."""
    net = RNN(scheduler=Constant(eta=0.01), clip_norm=clip_norm, dtype=dtype, seed=0)
    net.add_InputLayer(1).add_RNNLayer(4, activation="identity").add_OutputLayer(1)
    net.layers[1].set_params(W_time=2 * orthogonal(np.random.default_rng(0), 4, np.dtype(dtype)))
    rng = np.random.default_rng(1)
    X = rng.standard_normal((16, 20, 1))
    return net, X, np.sin(np.cumsum(X, axis=1))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_exploding_gradients_diverge_without_clipping(dtype):
    net, X, t = exploding_network(dtype, clip_norm=None)
    with np.errstate(all="ignore"), pytest.raises(TrainingDivergedError, match="epoch"):
        net.train(X, t, epochs=5, batch_size=4)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_clipping_contains_exploding_gradients(dtype):
    net, X, t = exploding_network(dtype, clip_norm=1.0)
    grads = net.gradients(X[:4], t[:4])
    norm = np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for p in grads.params for g in p.values()))
    assert norm > 1e6  # the gradients did explode
    before = [p.copy() for _, layer in net.trainable_layers for p in layer.params.values()]
    history = net.train(X, t, epochs=5, batch_size=4, shuffle=False)
    assert finite(history["loss"]) and history["loss"][-1] < history["loss"][0]
    after = [p for _, layer in net.trainable_layers for p in layer.params.values()]
    # 20 updates of Constant(eta=0.01), each of global norm at most eta * clip_norm
    moved = np.sqrt(sum(np.sum((a.astype(np.float64) - b) ** 2) for a, b in zip(after, before)))
    assert moved <= 20 * 0.01 * 1.0 * (1 + 1e-5)


@examples(40)
@given(scale=st.floats(1.0, 1e3), clip_norm=st.floats(1e-3, 10.0), data=st.data())
def test_every_clipped_update_is_at_most_eta_times_clip_norm(scale, clip_norm, data):
    count("numerics: clipped updates of scaled-up initialisations")
    net = RNN(scheduler=Constant(eta=0.1), clip_norm=clip_norm, dtype="float64",
              seed=data.draw(st.integers(0, 100), label="seed"))
    net.add_InputLayer(2).add_RNNLayer(3, activation="tanh").add_GRULayer(2).add_DenseLayer(1)
    for _, layer in net.trainable_layers:
        for name in layer.params:
            layer.params[name] *= scale
    X = np.random.default_rng(0).standard_normal((4, 6, 2)) * scale
    t = np.ones((4, 1)) * scale
    before = [p.copy() for _, layer in net.trainable_layers for p in layer.params.values()]
    cost, _ = net.train_step(X, t)
    after = [p for _, layer in net.trainable_layers for p in layer.params.values()]
    moved = np.sqrt(sum(np.sum((a - b) ** 2) for a, b in zip(after, before)))
    assert np.isfinite(cost) and moved <= 0.1 * clip_norm * (1 + 1e-9)


# a cost that turns NaN ----------------------------------------------------------------------------


def nan_from_call(monkeypatch, call):
    """Make the ``call``-th training step (counted from 1) report a NaN cost.

    Returns the weights seen at the start of every step.
    """
    original, seen = RNN.train_step, []

    def train_step(self, *args, **kwargs):
        seen.append([p.copy() for layer in self.layers for p in layer.params.values()])
        cost, y_hat = original(self, *args, **kwargs)
        return (float("nan"), y_hat) if len(seen) == call else (cost, y_hat)

    monkeypatch.setattr(RNN, "train_step", train_step)
    return seen


def weights(net):
    return [p for layer in net.layers for p in layer.params.values()]


def sum_data(n=64):
    X = np.random.default_rng(0).standard_normal((n, 6))
    return X, X.sum(axis=1)


def test_a_nan_cost_stops_the_estimator_naming_the_epoch_and_keeps_the_last_finite_weights(
        monkeypatch):
    X, y = sum_data()  # two batches per epoch
    seen = nan_from_call(monkeypatch, call=2 * 4 + 2)  # second batch of epoch 5
    model = RNNRegressor(hidden_layer_sizes=(4,), max_iter=20, learning_rate=0.01, batch_size=32,
                         random_state=0)
    with pytest.raises(TrainingDivergedError, match="epoch 5") as error:
        model.fit(X, y)
    assert error.value.epoch == 5
    assert model.n_iter_ == 4 and all(len(v) == 4 for v in model.history_.values())
    assert all(np.array_equal(a, b) for a, b in zip(weights(model.network_), seen[2 * 4]))
    assert np.isfinite(model.predict(X)).all()


def test_a_nan_cost_under_early_stopping_keeps_the_best_weights(monkeypatch):
    X, y = sum_data(n=80)
    nan_from_call(monkeypatch, call=2 * 7 + 1)  # first batch of epoch 8
    model = RNNRegressor(hidden_layer_sizes=(4,), max_iter=20, learning_rate=0.01,
                         batch_size=32, early_stopping=True, validation_fraction=0.2, tol=0.0,
                         random_state=0)
    with pytest.raises(TrainingDivergedError, match="epoch 8"):
        model.fit(X, y)
    assert model.n_iter_ == 7
    assert model.best_validation_score_ == max(model.history_["val_score"])
    assert model.best_epoch_ == 1 + int(np.argmax(model.history_["val_score"]))
    assert model.score(X[-16:], y[-16:]) == pytest.approx(model.best_validation_score_, rel=1e-5)


@pytest.mark.parametrize("Model", [RNNRegressor, RNNClassifier])
def test_a_diverging_fit_keeps_finite_weights(Model):
    X, y = sum_data()
    y = y if Model is RNNRegressor else np.where(y > 0, "up", "down")
    model = Model(hidden_layer_sizes=(4,), scheduler=Constant(eta=1e6), max_iter=20,
                  activation="relu", clip_norm=None, random_state=0)
    with np.errstate(all="ignore"), pytest.raises(TrainingDivergedError) as error:
        model.fit(X * 1e3, y)
    assert f"epoch {error.value.epoch}" in str(error.value)
    assert model.n_iter_ == error.value.epoch - 1
    assert all(np.isfinite(p).all() for p in weights(model.network_))
    if model.n_iter_:
        predict = model.predict_proba if Model is RNNClassifier else model.predict
        assert np.isfinite(predict(X)).all()
    else:  # diverged in its first epoch: nothing was learnt
        with pytest.raises(NotFittedError):
            model.predict(X)
