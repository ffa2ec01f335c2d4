"""Errors that say what to do next: the closest keyword, the reshaping, the imputer.

Each test checks the message of the public call a newcomer makes, and that
the old message's facts (the argument's name, what came) are still there.
"""

import numpy as np
import pytest

from rnn_nodes import RNN, Callback, GRULayer, RNNClassifier, RNNLayer, RNNRegressor
from rnn_nodes.keywords import closest_keyword, unexpected_keyword_error
from schedulers import Adagrad, Adam, Constant, Momentum, RMSprop


@pytest.mark.parametrize(("call", "wrong", "meant"), [
    (lambda: Adam(lr=0.01), "lr", "eta"),
    (lambda: Momentum(eta=0.1, momentun=0.5), "momentun", "momentum"),
    (lambda: RMSprop(learning_rate=0.1), "learning_rate", "eta"),
    (lambda: Adagrad(eta=0.1, epsilon=1e-7), "epsilon", "eps"),
    (lambda: Constant(eat=0.1), "eat", "eta"),
    (lambda: RNN(optimizer="adam"), "optimizer", "scheduler"),
    (lambda: RNN(cots="mse"), "cots", "cost"),
    (lambda: RNN().add_InputLayer(1).add_RNNLayer(4, activaton="relu"), "activaton", "activation"),
    (lambda: RNN().add_InputLayer(1).add_GRULayer(hidden_size=4), "hidden_size", "n_features"),
    (lambda: RNNLayer(3, actvation="relu"), "actvation", "activation"),
    (lambda: GRULayer(3, bptt_limt=2), "bptt_limt", "bptt_limit"),
    (lambda: RNNRegressor(hidden_size=8), "hidden_size", "hidden_layer_sizes"),
    (lambda: RNNClassifier(epochs=5), "epochs", "max_iter"),
    (lambda: RNNClassifier(random_seed=1), "random_seed", "random_state"),
])
def test_a_misspelt_keyword_names_the_closest_and_the_accepted(call, wrong, meant):
    with pytest.raises(TypeError) as raised:
        call()
    message = str(raised.value)
    assert f"unexpected keyword argument {wrong!r}; did you mean {meant!r}?" in message
    assert "It accepts: " in message and meant in message.split("It accepts: ")[1]


def test_error_names_the_class_and_method_the_user_called():
    with pytest.raises(TypeError, match=r"^Adam\(\) got"):
        Adam(lr=0.1)
    with pytest.raises(TypeError, match=r"^RNNRegressor\(\) got"):
        RNNRegressor(hiden_layer_sizes=3)
    net = RNN(seed=0).add_InputLayer(1).add_RNNLayer(2).add_OutputLayer(1)
    with pytest.raises(TypeError, match=r"^RNN\.train\(\) got .*'epoch'; did you mean 'epochs'"):
        net.train(np.zeros((2, 3, 1)), np.zeros((2, 3, 1)), epoch=1)


def test_no_suggestion_for_a_word_unlike_any_accepted():
    assert closest_keyword("colour", ["eta", "rho"]) is None
    message = str(unexpected_keyword_error("Adam()", "colour", ["eta", "rho"]))
    assert "did you mean" not in message and message.endswith("It accepts: eta, rho")


def test_signatures_and_params_are_unchanged():
    import inspect

    assert list(inspect.signature(Adam).parameters) == ["eta", "rho", "rho2", "eps"]
    assert Adam(eta=0.1).get_params()["eta"] == 0.1
    assert "max_iter" in RNNRegressor().get_params()
    assert "epochs" in inspect.signature(RNN.train).parameters


@pytest.fixture
def net():
    return RNN(seed=0).add_InputLayer(3).add_RNNLayer(4).add_OutputLayer(1)


def test_2d_input_to_train_shows_the_reshape(net):
    with pytest.raises(ValueError) as raised:
        net.train(np.zeros((5, 7)), np.zeros((5, 7, 1)), epochs=1)
    message = str(raised.value)
    assert "Argument `X` must be 3-D" in message and "(5, 7)" in message
    assert "X[..., None], shape (5, 7, 1)" in message and "X[None], shape (1, 5, 7)" in message


def test_channels_first_input_to_train_names_from_channels_first(net):
    with pytest.raises(ValueError, match=r"from_channels_first\(X\)"):
        net.train(np.zeros((5, 3, 7)), np.zeros((5, 7, 1)), epochs=1)


def test_nan_in_x_names_an_imputer_and_lengths(net):
    X = np.zeros((5, 7, 3))
    X[0, 3] = np.nan
    with pytest.raises(ValueError) as raised:
        net.train(X, np.zeros((5, 7, 1)), epochs=1)
    message = str(raised.value)
    assert "contains 3 NaN" in message and "SimpleImputer" in message and "`lengths`" in message


def test_estimator_nan_names_an_imputer_and_lengths():
    X = np.ones((6, 10))
    X[0, 2] = np.nan
    with pytest.raises(ValueError) as raised:
        RNNClassifier(max_iter=1).fit(X, [0, 1] * 3)
    message = str(raised.value)
    assert "NaN" in message and "SimpleImputer" in message and "lengths=" in message


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_estimator_channels_first_at_predict_names_from_channels_first():
    rng = np.random.default_rng(0)
    model = RNNRegressor(hidden_layer_sizes=2, max_iter=1, random_state=0)
    model.fit(rng.normal(size=(8, 20, 3)), rng.normal(size=8))
    with pytest.raises(ValueError, match=r"expecting 20 .*from_channels_first\(X\)"):
        model.predict(rng.normal(size=(8, 3, 20)))


def test_predict_works_inside_a_training_callback():
    class PredictEachEpoch(Callback):
        def __init__(self, X):
            self.X, self.outputs = X, []

        def on_epoch_end(self, net, epoch, history):
            self.outputs.append(net.predict(self.X))

    rng = np.random.default_rng(1)
    X = rng.normal(size=(4, 6, 1))
    net = RNN(seed=0).add_InputLayer(1).add_RNNLayer(3).add_OutputLayer(1)
    watch = PredictEachEpoch(X[:2])
    net.train(X, X, epochs=3, batch_size=4, callbacks=[watch])
    assert len(watch.outputs) == 3
    # the last epoch's prediction is the trained network's
    np.testing.assert_allclose(watch.outputs[-1], net.predict(X[:2]))
    assert not np.allclose(watch.outputs[0], watch.outputs[-1])


def test_predict_before_training_still_refuses():
    from sklearn.exceptions import NotFittedError

    net = RNN(seed=0).add_InputLayer(1).add_RNNLayer(3).add_OutputLayer(1)
    with pytest.raises(NotFittedError, match="train"):
        net.predict(np.zeros((1, 2, 1)))


def test_warnings_still_point_at_the_callers_line():
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    rng = np.random.default_rng(0)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        RNNRegressor(hidden_layer_sizes=2, max_iter=1, random_state=0).fit(
            rng.normal(size=(8, 5)), rng.normal(size=8))
    converging = [w for w in record if issubclass(w.category, ConvergenceWarning)]
    assert converging and converging[0].filename == __file__


def test_layer_width_errors_use_the_public_name_and_say_what_it_counts():
    with pytest.raises(ValueError) as raised:
        RNN().add_InputLayer(1).add_RNNLayer(-4)
    message = str(raised.value)
    assert "argument `n_features`" in message and "got -4" in message
    assert "the RNNLayer's number of units" in message
    with pytest.raises(ValueError, match="InputLayer's number of features per time step"):
        RNN().add_InputLayer(0)
