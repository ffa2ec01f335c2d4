"""Streaming: stateful prediction over consecutive chunks, and training over consecutive windows."""

import numpy as np
import pytest

from rnn_nodes import RNN
from rnn_nodes.training import windowed_output
from schedulers import Adam, Constant

N_IN, N_OUT = 2, 1


def stream_net(dtype="float64", seed=0, head="output", bidirectional=False):
    net = RNN(scheduler=Adam(eta=0.01), dtype=dtype, seed=seed).add_InputLayer(N_IN)
    net.add_LSTMLayer(4, bidirectional=bidirectional).add_GRULayer(3).add_RNNLayer(3)
    (net.add_OutputLayer if head == "output" else net.add_DenseLayer)(N_OUT)
    net.is_trained = True  # the initial weights are as good as any for these checks
    return net


def series(n=3, time=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, time, N_IN))
    return X, np.cumsum(X[..., :1], axis=1) / 10


# prediction -----------------------------------------------------------------------------


@pytest.mark.parametrize("dtype,tol", [("float64", 1e-13), ("float32", 1e-6)])
def test_chunks_give_exactly_the_whole_series(dtype, tol):
    net = stream_net(dtype)
    X, _ = series()
    whole = net.predict(X)
    chunks, start = [], 0
    for size in (7, 1, 12, 5, 15):
        chunks.append(net.predict(X[:, start:start + size], stateful=True))
        start += size
    np.testing.assert_allclose(np.concatenate(chunks, axis=1), whole, rtol=0, atol=tol)
    # reset_states starts over: the first chunk again
    net.reset_states()
    np.testing.assert_array_equal(net.predict(X[:, :7], stateful=True), chunks[0])


def test_stateful_many_to_one_reads_the_end_of_the_stream_so_far():
    net = stream_net(head="dense")
    X, _ = series()
    net.predict(X[:, :25], stateful=True)
    np.testing.assert_allclose(net.predict(X[:, 25:], stateful=True), net.predict(X),
                               rtol=0, atol=1e-13)


def test_given_initial_states_replace_the_carried_ones():
    net = stream_net()
    X, _ = series()
    net.predict(X[:, :10], stateful=True)
    zeros = [np.zeros((3, n)) for n in (4, 3, 3)]  # and c0 None: zeros, a fresh start
    np.testing.assert_array_equal(net.predict(X[:, :1], h0=zeros, stateful=True),
                                  net.predict(X[:, :1]))


def test_stateless_prediction_leaves_the_stream_alone():
    net = stream_net()
    X, _ = series()
    a = net.predict(X[:, :10], stateful=True)
    net.predict(X[:1, :3])  # another batch, not stateful
    b = net.predict(X[:, 10:20], stateful=True)
    np.testing.assert_allclose(np.concatenate([a, b], axis=1), net.predict(X[:, :20]),
                               rtol=0, atol=1e-13)


def test_streaming_errors():
    net = stream_net()
    X, _ = series()
    net.predict(X[:, :5], stateful=True)
    with pytest.raises(ValueError, match="carries the states of 3 sequences from the previous "
                                         "call, but `X` holds 2.*reset_states"):
        net.predict(X[:2, 5:], stateful=True)
    with pytest.raises(TypeError, match="`stateful`"):
        net.predict(X, stateful="yes")
    with pytest.raises(ValueError, match=r"predict\(stateful=True\) cannot carry a "
                                         "bidirectional layer's state"):
        stream_net(bidirectional=True).predict(X, stateful=True)


# training over windows ------------------------------------------------------------------


@pytest.mark.parametrize("stateful", [True, False], ids=["stateful", "stateless"])
def test_window_training_is_one_update_per_window_with_states_carried(stateful):
    X, t = series(n=5, time=23)  # batches of 2, 2, 1 streams; windows of 8, 8, 7 steps
    trained, manual = stream_net(seed=1), stream_net(seed=1)
    history = trained.train(X, t, epochs=1, batch_size=2, window=8, stateful=stateful)
    loss = manual_windows(manual, X, t, 8, 2, stateful)
    assert history["loss"][0] == pytest.approx(loss, rel=1e-12)
    for a, b in zip(trained.layers, manual.layers):
        for name in a.params:
            np.testing.assert_array_equal(a.params[name], b.params[name])


def manual_windows(net, X, t, window, batch_size, stateful):
    """What train(window=...) promises: fixed batches, windows in time order, one update each,
    each window starting from the final states of the batch's previous window (as computed
    before that window's update) or from zeros; returns the mean cost."""
    total, carried = 0.0, {}
    for start in range(0, X.shape[1], window):
        for b in range(0, len(X), batch_size):
            rows, steps = slice(b, b + batch_size), slice(start, start + window)
            h0, c0 = carried.get(b, (None, None))
            y, states = net.forward(X[rows, steps], h0, c0, return_states=True)
            cost, _ = net.train_step(X[rows, steps], t[rows, steps], h0, c0)
            total += cost * y.size
            if stateful:
                carried[b] = states
    return total / t.size


def test_the_gradient_stops_at_the_window():
    # plain gradient descent over two windows: each step is the gradient of its window alone,
    # the second from the first's final states taken as constants
    X, t = series(n=2, time=8)
    net, check = stream_net(seed=2), stream_net(seed=2)
    for n in (net, check):
        n.scheduler = Constant(eta=0.1)
    net.train(X, t, epochs=1, batch_size=2, window=4, stateful=True)
    g1 = check.gradients(X[:, :4], t[:, :4])
    _, states = check.forward(X[:, :4], return_states=True)
    apply(check, g1, 0.1)
    g2 = check.gradients(X[:, 4:], t[:, 4:], *states)
    apply(check, g2, 0.1)
    for a, b in zip(net.layers, check.layers):
        for name in a.params:
            np.testing.assert_allclose(a.params[name], b.params[name], rtol=0, atol=1e-13)


def apply(net, gradients, eta):
    for layer, grads in zip(net.layers, gradients.params):
        for name in grads:
            layer.params[name] -= eta * grads[name]


def test_window_validation_runs_as_training():
    X, t = series(n=2, time=30, seed=3)
    for stateful in (True, False):
        net = stream_net(seed=4)
        history = net.train(X[:, :20], t[:, :20], X[:, 20:], t[:, 20:], epochs=1, batch_size=2,
                            window=6, stateful=stateful)
        y = windowed_output(net, X[:, 20:], 6, stateful)
        assert history["val_loss"][0] == pytest.approx(net.cost(y, t[:, 20:]), rel=1e-12)


def test_window_training_errors():
    X, t = series(n=2, time=12)
    net = stream_net()
    with pytest.raises(ValueError, match="stateful=True carries .* give `window`"):
        net.train(X, t, stateful=True)
    with pytest.raises(ValueError, match="needs a sequence output"):
        stream_net(head="dense").train(X, t[:, -1], window=4)
    with pytest.raises(ValueError, match="needs sequences of one length"):
        net.train(X, t, window=4, lengths=[12, 5])
    with pytest.raises(ValueError, match="bidirectional"):
        stream_net(bidirectional=True).train(X, t, window=4, stateful=True)
    with pytest.raises(TypeError, match="`window`"):
        net.train(X, t, window=2.5)
