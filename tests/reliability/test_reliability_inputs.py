"""Property: invalid inputs to the public entry points are refused, naming the argument.

Each case takes a valid call of an entry point (``RNN(...)``, the ``add_*Layer`` builders,
``train``, ``predict``, ``forward``, ``gradients``, ``cost_value``, ``extrapolate``,
``EarlyStopping``, the estimators' ``fit``, ``predict``, ``predict_proba``, ``score`` and
hyperparameters) and spoils one argument: wrong number of axes, wrong width, NaN or inf,
values that overflow float32, an empty axis, object, string or complex arrays, ragged nested
lists, mismatched numbers of samples, negative, zero, fractional or non-numeric sizes. The
call must raise ``ValueError`` or ``TypeError`` (not a subclass that is also an ``IndexError``,
``KeyError`` or ``AttributeError``) whose message names the argument, and return nothing.
"""

import functools
import re
import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from campaign import count, examples
from rnn_nodes import RNN, EarlyStopping, RNNClassifier, RNNRegressor

BATCH, TIME, N_IN = 4, 5, 2


def assert_refused(call, name):
    """``call()`` raises a ValueError or TypeError whose message names ``name``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises((ValueError, TypeError)) as info:
            call()
    error = info.value
    assert not isinstance(error, (IndexError, KeyError, AttributeError)), repr(error)
    base = re.escape(name.split("[")[0])
    assert re.search(rf"(?<!\w){base}(?!\w)", str(error)), (
        f"the message does not name `{name}`: {type(error).__name__}: {error}")


# spoiled arrays -----------------------------------------------------------------------------


def spoiled_arrays(shape, numeric_objects_ok=False):
    """Arrays that are not a valid float array of ``shape`` (nor of any other valid width).

    Parameters
    ----------
    shape : tuple of int
        The valid shape; its last axis is the one a width check reads.
    """
    ndim = len(shape)
    wrong_ndim = st.integers(0, 5).filter(lambda n: n != ndim).flatmap(
        lambda n: st.tuples(*[st.integers(1, 3)] * n)).map(np.ones)
    wrong_width = st.integers(1, 5).filter(lambda w: w != shape[-1]).map(
        lambda w: np.ones(shape[:-1] + (w,)))
    non_finite = st.tuples(st.sampled_from([np.nan, np.inf, -np.inf, 1e39, -1e300]),
                           st.integers(0, int(np.prod(shape)) - 1)).map(
        lambda vi: np.put(a := np.ones(shape), vi[1], vi[0]) or a)
    empty = st.integers(0, ndim - 1).map(
        lambda axis: np.ones(shape[:axis] + (0,) + shape[axis + 1:]))
    objects = st.sampled_from([None, {"a": 1}, "x", b"y", object()]).map(
        lambda v: np.full(shape, v, dtype=object))
    strings = st.sampled_from(["U", "S"]).map(lambda kind: np.full(shape, "1.5", dtype=kind))
    complex_ = st.just(np.ones(shape, dtype=complex))
    wider = shape[1:-1] + (shape[-1] + 1,)  # rows (or sequences) of two different widths
    ragged = st.just([np.ones(shape[1:]).tolist(), np.ones(wider).tolist()]
                     if ndim > 1 else [[1.0], [1.0, 2.0]])
    others = st.sampled_from([None, "abc", 3.5, {"X": 1}])
    return st.one_of(wrong_ndim, wrong_width, non_finite, empty, objects, strings, complex_,
                     ragged, others)


def wrong_length(shape):
    return st.integers(1, 7).filter(lambda n: n != shape[0]).map(
        lambda n: np.ones((n,) + shape[1:]))


bad_positive_ints = st.one_of(
    st.integers(-10, 0), st.floats(allow_nan=True), st.booleans(), st.text(max_size=3),
    st.just(2.0), st.just([3]), st.just(np.float64(3.0)), st.complex_numbers(max_magnitude=3))
bad_non_negative_floats = st.one_of(
    st.floats(max_value=-1e-9), st.just(np.nan), st.just(np.inf), st.booleans(),
    st.text(max_size=3), st.just([0.1]), st.just(1j))


# networks -------------------------------------------------------------------------------------


@functools.cache
def trained(kind):
    """A small trained network: many-to-one bidirectional Elman, or many-to-many LSTM + GRU."""
    net = RNN(seed=0, dtype="float32")
    net.add_InputLayer(N_IN)
    if kind == "many-to-one":
        net.add_RNNLayer(3, bidirectional=True).add_DenseLayer(1)
    else:
        net.add_LSTMLayer(2).add_GRULayer(3).add_OutputLayer(N_IN)
    X, t = valid_data(net)
    net.train(X, t, epochs=1, batch_size=BATCH)
    return net


def valid_data(net):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((BATCH, TIME, N_IN))
    t_shape = (BATCH, TIME, net.n_outputs) if net.sequence_output else (BATCH, net.n_outputs)
    return X, rng.standard_normal(t_shape)


def network_calls(net):
    """``name -> (valid shape, call of the spoiled value)`` for the data arguments."""
    X, t = valid_data(net)
    h0 = [np.zeros(layer.state_shape(BATCH)) for layer in net.recurrent_layers]
    c0 = [np.zeros(layer.state_shape(BATCH)) for layer in net.cell_layers]
    calls = {
        "train X": ("X", X.shape, lambda v: net.train(v, t, epochs=1)),
        "train t": ("t", t.shape, lambda v: net.train(X, v, epochs=1)),
        "train X_val": ("X_val", X.shape, lambda v: net.train(X, t, v, t, epochs=1)),
        "train t_val": ("t_val", t.shape, lambda v: net.train(X, t, X, v, epochs=1)),
        "predict X": ("X", X.shape, lambda v: net.predict(v)),
        "forward X": ("X", X.shape, lambda v: net.forward(v)),
        "gradients X": ("X", X.shape, lambda v: net.gradients(v, t)),
        "gradients t": ("t", t.shape, lambda v: net.gradients(X, v)),
        "cost_value t": ("t", t.shape, lambda v: net.cost_value(X, v)),
        "predict h0[0]": ("h0", h0[0].shape, lambda v: net.predict(X, [v] + h0[1:])),
        "gradients h0[-1]": ("h0", h0[-1].shape, lambda v: net.gradients(X, t, h0[:-1] + [v])),
    }
    if c0:
        calls["predict c0[0]"] = ("c0", c0[0].shape, lambda v: net.predict(X, h0, [v]))
    if net.sequence_output:
        calls["extrapolate X"] = ("X", X.shape, lambda v: net.extrapolate(v, 2))
    return calls


@examples(300)
@given(kind=st.sampled_from(["many-to-one", "many-to-many"]), data=st.data())
def test_spoiled_data_arguments_of_the_network_are_refused(kind, data):
    count("inputs: spoiled data arguments of RNN methods")
    net = trained(kind)
    entry = data.draw(st.sampled_from(sorted(network_calls(net))), label="entry point")
    name, shape, call = network_calls(net)[entry]
    if name in ("t", "t_val") and entry.startswith("train"):
        value = data.draw(st.one_of(spoiled_arrays(shape), wrong_length(shape)), label=name)
    else:
        value = data.draw(spoiled_arrays(shape), label=name)
    assume(not (entry == "gradients t" and value is None))  # t=None: gradients of dh_n alone
    before = [p.copy() for layer in net.layers for p in layer.params.values()]
    assert_refused(lambda: call(value), name)
    after = [p for layer in net.layers for p in layer.params.values()]
    assert all(np.array_equal(a, b) for a, b in zip(before, after)), "a refused call trained"


SETTINGS = {
    "RNN(lmbd)": ("lmbd", bad_non_negative_floats, lambda v: RNN(lmbd=v)),
    "RNN(clip_norm)": ("clip_norm", st.one_of(bad_non_negative_floats, st.just(0.0)),
                       lambda v: RNN(clip_norm=v)),
    "RNN(bptt_limit)": ("bptt_limit", bad_positive_ints, lambda v: RNN(bptt_limit=v)),
    "RNN(blas_threads)": ("blas_threads", bad_positive_ints, lambda v: RNN(blas_threads=v)),
    "RNN(seed)": ("seed", st.one_of(st.integers(max_value=-1), st.floats(), st.text(max_size=3)),
                  lambda v: RNN(seed=v)),
    "RNN(dtype)": ("dtype", st.sampled_from([None, "float16", "int32", 3, "double-ish"]),
                   lambda v: RNN(dtype=v)),
    "RNN(cost)": ("cost", st.sampled_from(["mae", 3, None]), lambda v: RNN(cost=v)),
    "RNN(scheduler)": ("scheduler", st.sampled_from(["sgd-ish", 3, 1.5]),
                       lambda v: RNN(scheduler=v)),
    "add_InputLayer": ("n_features", bad_positive_ints, lambda v: RNN().add_InputLayer(v)),
    "add_RNNLayer": ("n_features", bad_positive_ints,
                     lambda v: RNN().add_InputLayer(2).add_RNNLayer(v)),
    "add_GRULayer": ("n_features", bad_positive_ints,
                     lambda v: RNN().add_InputLayer(2).add_GRULayer(v)),
    "add_LSTMLayer": ("n_features", bad_positive_ints,
                      lambda v: RNN().add_InputLayer(2).add_LSTMLayer(v)),
    "add_LSTMLayer(forget_bias)": (
        "forget_bias", st.one_of(st.just(np.nan), st.just(np.inf), st.text(max_size=2)),
        lambda v: RNN().add_InputLayer(2).add_LSTMLayer(2, forget_bias=v)),
    "add_OutputLayer": ("n_features", bad_positive_ints,
                        lambda v: RNN().add_InputLayer(2).add_RNNLayer(2).add_OutputLayer(v)),
    "add_DenseLayer": ("n_features", bad_positive_ints,
                       lambda v: RNN().add_InputLayer(2).add_RNNLayer(2).add_DenseLayer(v)),
    "add_RNNLayer(activation)": ("activation", st.sampled_from(["swish-ish", 3, None]),
                                 lambda v: RNN().add_InputLayer(2).add_RNNLayer(2, v)),
    "add_RNNLayer(bidirectional)": (
        "bidirectional", st.sampled_from(["yes", 1, None]),
        lambda v: RNN().add_InputLayer(2).add_RNNLayer(2, bidirectional=v)),
    "add_layer": ("layer", st.sampled_from([3, "RNNLayer", None]),
                  lambda v: RNN().add_InputLayer(2).add_layer(v)),
    "train(epochs)": ("epochs", bad_positive_ints, "train"),
    "train(batch_size)": ("batch_size", bad_positive_ints, "train"),
    "train(shuffle)": ("shuffle", st.sampled_from(["no", 0.5, None]), "train"),
    "train(verbose)": ("verbose", st.sampled_from([3, -1, "loud"]), "train"),
    "train(initial_epoch)": ("initial_epoch", st.one_of(st.integers(-5, -1), st.integers(3, 9),
                                                        st.just(1.0)), "train"),
    "train(callbacks)": ("callbacks", st.sampled_from([[1], 3, ["stop"]]), "train"),
    "train(metrics)": ("metrics", st.sampled_from([[len], {"m": 3}, "accuracy"]), "train"),
    "train(checkpoint_every)": ("checkpoint_every", bad_positive_ints, "train"),
    "train(checkpoint_path)": ("checkpoint_path", st.sampled_from([3, 1.5, ["a.npz"]]), "train"),
    "train(resume)": ("resume", st.sampled_from(["yes", 1, None]), "train"),
    "extrapolate(n_steps)": ("n_steps", bad_positive_ints, "extrapolate"),
    "EarlyStopping(patience)": ("patience", bad_positive_ints,
                                lambda v: EarlyStopping(patience=v)),
    "EarlyStopping(tol)": ("tol", bad_non_negative_floats, lambda v: EarlyStopping(tol=v)),
    "EarlyStopping(mode)": ("mode", st.sampled_from(["up", 1, None]),
                            lambda v: EarlyStopping(mode=v)),
}


def network_setting_call(entry, name):
    net = trained("many-to-many")
    X, t = valid_data(net)
    if entry == "extrapolate":
        return lambda v: net.extrapolate(X, v)
    kwargs = {"epochs": 2, "checkpoint_path": "never-written.npz"} if name == "resume" else {
        "epochs": 2}
    return lambda v: net.train(X, t, **{**kwargs, name: v})


@examples(300)
@given(data=st.data())
def test_bad_sizes_and_settings_are_refused(data):
    count("inputs: bad sizes and settings of builders, train, callbacks")
    entry = data.draw(st.sampled_from(sorted(SETTINGS)), label="entry point")
    name, values, call = SETTINGS[entry]
    if isinstance(call, str):
        call = network_setting_call(call, name)
    value = data.draw(values, label=name)
    assert_refused(lambda: call(value), name)


# estimators -------------------------------------------------------------------------------------


@functools.cache
def fitted(Model):
    X, y = estimator_data(Model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return Model(hidden_layer_sizes=(3,), max_iter=1, random_state=0).fit(X, y)


def estimator_data(Model):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((BATCH, TIME))
    return X, (X.sum(axis=1) if Model is RNNRegressor else np.array(["a", "b", "a", "b"]))


def spoiled_targets(Model, shape):
    wrong_ndim = st.sampled_from([np.float64(1.0), np.ones((BATCH, 2, 2))])
    common = st.one_of(
        wrong_ndim, wrong_length(shape), st.just(np.full(shape, None, dtype=object)),
        st.just([[1.0], [1.0, 2.0], [1.0], [1.0]]), st.just(np.ones((0,))),
        st.sampled_from([np.nan, np.inf]).map(lambda v: np.where(np.arange(BATCH) == 1, v, 0.0)))
    if Model is RNNRegressor:
        return st.one_of(common, st.just(np.full(shape, "1.5")),
                         st.just(np.ones(shape, dtype=complex)))
    return st.one_of(common, st.just(np.linspace(0.1, 0.9, BATCH)))  # continuous labels


ESTIMATOR_SETTINGS = {
    "hidden_layer_sizes": st.one_of(st.just(()), st.just((0,)), st.just((-3, 2)), st.just("ab"),
                                    st.just((2.5,)), st.just(None)),
    "dense_layer_sizes": st.one_of(st.just((0,)), st.just(("a",))),
    "batch_size": bad_positive_ints, "max_iter": bad_positive_ints,
    "n_iter_no_change": bad_positive_ints, "alpha": bad_non_negative_floats,
    "tol": bad_non_negative_floats,
    "learning_rate": st.one_of(st.just(0.0), bad_non_negative_floats),
    "clip_norm": st.one_of(st.just(0.0), bad_non_negative_floats),
    "validation_fraction": st.one_of(st.just(0.0), st.just(1.0), bad_non_negative_floats),
    "random_state": st.one_of(st.integers(max_value=-1), st.integers(min_value=2**32),
                              st.just("seed"), st.just(1.5)),
    "cell": st.sampled_from(["transformer", 3]), "activation": st.sampled_from(["swish-ish", 3]),
    "validation_split": st.sampled_from(["head", 3]), "dtype": st.sampled_from(["int8", None]),
    "shuffle": st.sampled_from(["no", None]), "early_stopping": st.sampled_from(["yes", 1.0]),
    "warm_start": st.sampled_from(["no", None]), "verbose": st.sampled_from([3, "loud", True]),
    "scheduler": st.sampled_from([3, "sgd-ish", None]),
    "return_sequences": st.sampled_from(["yes", None]),
}


@examples(300)
@given(Model=st.sampled_from([RNNRegressor, RNNClassifier]), data=st.data())
def test_spoiled_estimator_inputs_are_refused(Model, data):
    count("inputs: spoiled estimator data and hyperparameters")
    X, y = estimator_data(Model)
    model = fitted(Model)
    entry = data.draw(st.sampled_from(
        ["fit X", "fit y", "predict X", "score X", "score y", "hyperparameter"]
        + (["predict_proba X"] if Model is RNNClassifier else [])), label="entry point")
    if entry == "hyperparameter":
        name = data.draw(st.sampled_from(sorted(ESTIMATOR_SETTINGS)), label="hyperparameter")
        value = data.draw(ESTIMATOR_SETTINGS[name], label=name)
        fresh = Model(**{"max_iter": 1, name: value})
        assert_refused(lambda: fresh.fit(X, y), name)
        return
    name = entry.split()[1]
    if name == "y":
        value = data.draw(spoiled_targets(Model, np.shape(y)), label="y")
    else:  # any 2-D or 3-D width is a valid X for a new fit; a fitted model needs its own
        value = data.draw(spoiled_arrays((BATCH, TIME, 1)).filter(
            lambda v: not (entry == "fit X" and isinstance(v, np.ndarray) and v.ndim in (2, 3)
                           and v.dtype == np.float64 and v.size and np.isfinite(v).all())),
            label="X")
    before = model.predict(X)
    call = {
        "fit X": lambda: Model(max_iter=1).fit(value, y),
        "fit y": lambda: Model(max_iter=1).fit(X, value),
        "predict X": lambda: model.predict(value),
        "predict_proba X": lambda: model.predict_proba(value),
        "score X": lambda: model.score(value, y),
        "score y": lambda: model.score(X, value),
    }[entry]
    assert_refused(call, name)
    assert np.array_equal(model.predict(X), before)
