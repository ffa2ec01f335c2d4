"""Threads sharing one network: predictions keep nothing on it, see whole updates only, and
leave the BLAS setting as the caller had it."""

import contextlib
import threading

import numpy as np
import pytest
from threadpoolctl import ThreadpoolController

from rnn_nodes import RNN
from rnn_nodes.estimators import RNNRegressor
from rnn_nodes.threads import limit_blas_threads

N_THREADS = 3


def network(cell="lstm", seed=0):
    net = RNN(seed=seed, dtype="float64").add_InputLayer(2)
    {"rnn": net.add_RNNLayer, "gru": net.add_GRULayer, "lstm": net.add_LSTMLayer}[cell](6)
    net.add_OutputLayer(2)
    net.is_trained = True
    return net


def sequences(batch=16, time=12, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(batch, time, 2))
    return X, np.tanh(np.cumsum(X, axis=1)) * 0.5


def in_threads(work, n_threads=N_THREADS):
    """Run ``work(k)`` in ``n_threads`` threads started together; re-raise their errors."""
    errors, barrier = [], threading.Barrier(n_threads)

    def target(k):
        try:
            barrier.wait()
            work(k)
        except Exception as error:  # noqa: BLE001 (reported to the test below)
            errors.append(error)

    threads = [threading.Thread(target=target, args=(k,)) for k in range(n_threads)]
    for thread in threads:
        thread.start()
    return threads, errors


def join(threads, errors):
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    if errors:
        raise errors[0]


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_a_fit_while_threads_predict_is_the_fit_alone_bit_for_bit(cell):
    X, t = sequences()
    alone = network(cell)
    alone.train(X, t, epochs=4, batch_size=4)
    shared = network(cell)
    stop = threading.Event()

    def predict_until_stopped(k):
        while not stop.is_set():
            shared.predict(X[k:k + 5])
            shared.extrapolate(X[:2], 3)
            shared.cost_value(X[:4], t[:4])

    threads, errors = in_threads(predict_until_stopped)
    try:
        shared.train(X, t, X[:5], t[:5], epochs=4, batch_size=4)
    finally:
        stop.set()
        join(threads, errors)
    for layer_alone, layer_shared in zip(alone.layers, shared.layers):
        for name, value in layer_alone.params.items():
            np.testing.assert_array_equal(layer_shared.params[name], value, err_msg=name)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_an_estimator_warm_start_fit_while_threads_predict_is_the_fit_alone():
    X, t = sequences(batch=24)
    y = t[:, -1, 0]

    def fitted():
        model = RNNRegressor(hidden_layer_sizes=(5,), cell="gru", max_iter=3, random_state=0,
                             dtype="float64", warm_start=True, n_iter_no_change=100)
        return model.fit(X, y)

    alone, shared = fitted(), fitted()
    alone.fit(X, y)
    stop = threading.Event()

    def predict_until_stopped(k):
        while not stop.is_set():
            shared.predict(X[k:])
            shared.score(X, y)

    threads, errors = in_threads(predict_until_stopped)
    try:
        shared.fit(X, y)
    finally:
        stop.set()
        join(threads, errors)
    for layer_alone, layer_shared in zip(alone.network_.layers, shared.network_.layers):
        for name, value in layer_alone.params.items():
            np.testing.assert_array_equal(layer_shared.params[name], value, err_msg=name)


def test_each_prediction_sees_the_weights_of_one_update():
    X, t = sequences()
    probe = X[:3]
    # the outputs the weights after each update give, taken one update at a time
    replay = network("gru")
    expected = [replay.predict(probe)]
    for _ in range(12):
        replay.train_step(X[:8], t[:8])
        expected.append(replay.predict(probe))
    expected = np.stack(expected)
    net = network("gru")
    seen, stop = [], threading.Event()

    def watch(k):
        while not stop.is_set():
            seen.append(net.predict(probe))

    threads, errors = in_threads(watch)
    try:
        for _ in range(12):
            net.train_step(X[:8], t[:8])
    finally:
        stop.set()
        join(threads, errors)
    assert seen
    for output in seen:
        matches = np.all(expected == output, axis=(1, 2, 3))
        assert matches.any(), "a prediction saw weights of no single update"


def test_streams_over_one_network_keep_their_own_states():
    net = network("lstm")
    X, _ = sequences(batch=6, time=20)
    whole = net.predict(X)

    def stream_in_chunks(k):
        stream = net.stream()
        rows = X[2 * (k % 3):2 * (k % 3) + 2]
        pieces = [stream.predict(rows[:, start:start + 3]) for start in range(0, 20, 3)]
        np.testing.assert_allclose(np.concatenate(pieces, axis=1), whole[2 * (k % 3):][:2],
                                   rtol=0, atol=1e-12)

    join(*in_threads(stream_in_chunks, n_threads=6))
    # two streams interleaved in one thread
    a, b = net.stream(), net.stream()
    first_a = a.predict(X[:2, :10])
    b.predict(X[2:5, :4])
    np.testing.assert_allclose(np.concatenate([first_a, a.predict(X[:2, 10:])], axis=1),
                               whole[:2], rtol=0, atol=1e-12)
    a.reset()
    np.testing.assert_array_equal(a.predict(X[:2, :10]), first_a)
    assert net.states is None  # the network carries nothing


def test_a_stream_names_its_misfits():
    net = network("rnn")
    stream = net.stream()
    X, _ = sequences(batch=3)
    stream.predict(X)
    with pytest.raises(ValueError, match="3 sequences.*`X` holds 2.*reset\\(\\)"):
        stream.predict(X[:2])
    bidirectional = RNN(seed=0).add_InputLayer(2).add_RNNLayer(3, bidirectional=True)
    bidirectional.add_OutputLayer(1)
    with pytest.raises(ValueError, match="bidirectional"):
        bidirectional.stream()


# BLAS thread limits -----------------------------------------------------------------------


def blas_threads():
    pools = ThreadpoolController().select(user_api="blas").info()
    if not pools:
        pytest.skip("no BLAS library that threadpoolctl controls")
    return [pool["num_threads"] for pool in pools]


@pytest.fixture
def caller_has_two_blas_threads():
    blas_threads()
    with ThreadpoolController().limit(limits=2, user_api="blas"):
        yield


def test_limits_that_leave_out_of_order_restore_the_callers_setting(
        caller_has_two_blas_threads):
    # what two threads do when the first in is the first out: A in, B in, A out, B out
    a, b = contextlib.ExitStack(), contextlib.ExitStack()
    a.enter_context(limit_blas_threads(1))
    b.enter_context(limit_blas_threads(1))
    a.close()
    assert blas_threads() == [1] * len(blas_threads())  # B is still inside
    b.close()
    assert blas_threads() == [2] * len(blas_threads())


def test_the_smallest_limit_inside_holds(caller_has_two_blas_threads):
    with limit_blas_threads(3):
        assert set(blas_threads()) == {3}
        with limit_blas_threads(1):
            assert set(blas_threads()) == {1}
        assert set(blas_threads()) == {3}
    assert set(blas_threads()) == {2}


def test_threads_predicting_leave_the_callers_blas_setting(caller_has_two_blas_threads):
    net = network("rnn")
    X, _ = sequences()

    def predict_often(k):
        for _ in range(40):
            net.predict(X[k:])

    join(*in_threads(predict_often, n_threads=4))
    assert set(blas_threads()) == {2}


def test_streams_and_cost_value_run_under_the_networks_blas_limit(
        caller_has_two_blas_threads, monkeypatch):
    from rnn_nodes import inference

    net = network("rnn")
    X, t = sequences()
    seen = []
    run = inference.run
    monkeypatch.setattr(inference, "run",
                        lambda *args, **kwargs: seen.append(blas_threads()) or run(*args, **kwargs))
    net.stream().predict(X)
    net.cost_value(X, t)
    net.predict(X)
    assert seen and all(set(threads) == {1} for threads in seen)
    assert set(blas_threads()) == {2}
