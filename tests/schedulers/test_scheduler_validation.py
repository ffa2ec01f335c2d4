"""Invalid hyperparameters, gradients and names raise errors that name the argument."""

import inspect
import math

import numpy as np
import pytest

from schedulers import (
    SCHEDULERS,
    Adagrad,
    AdagradMomentum,
    Adam,
    Constant,
    Momentum,
    RMSprop,
    get_scheduler,
)

NOT_POSITIVE = [0, 0.0, -1, -1e-8, math.nan, math.inf, -math.inf]
NOT_IN_UNIT_INTERVAL = [-0.1, 1, 1.0, 1.5, math.nan, math.inf]

# (class, argument, invalid values); every argument of every scheduler is here
ARGUMENTS = [
    (Constant, "eta", NOT_POSITIVE),
    (Momentum, "eta", NOT_POSITIVE),
    (Momentum, "momentum", NOT_IN_UNIT_INTERVAL),
    (Adagrad, "eta", NOT_POSITIVE),
    (Adagrad, "eps", NOT_POSITIVE),
    (AdagradMomentum, "eta", NOT_POSITIVE),
    (AdagradMomentum, "momentum", NOT_IN_UNIT_INTERVAL),
    (AdagradMomentum, "eps", NOT_POSITIVE),
    (RMSprop, "eta", NOT_POSITIVE),
    (RMSprop, "rho", NOT_IN_UNIT_INTERVAL),
    (RMSprop, "eps", NOT_POSITIVE),
    (Adam, "eta", NOT_POSITIVE),
    (Adam, "rho", NOT_IN_UNIT_INTERVAL),
    (Adam, "rho2", NOT_IN_UNIT_INTERVAL),
    (Adam, "eps", NOT_POSITIVE),
]
BAD_VALUES = [(cls, arg, value) for cls, arg, values in ARGUMENTS for value in values]
NOT_NUMBERS = [
    (cls, arg, value) for cls, arg, _ in ARGUMENTS for value in ["0.1", None, [0.1], True]
]


def test_every_argument_is_covered():
    covered = {(cls, arg) for cls, arg, _ in ARGUMENTS}
    expected = {
        (cls, arg)
        for cls in SCHEDULERS.values()
        for arg in inspect.signature(cls).parameters
    }
    assert covered == expected


@pytest.mark.parametrize(("cls", "arg", "value"), BAD_VALUES)
def test_invalid_value_raises_value_error(cls, arg, value):
    kwargs = {"eta": 0.1, arg: value}
    with pytest.raises(ValueError) as info:
        cls(**kwargs)
    message = str(info.value)
    assert f"argument `{arg}`" in message
    assert f"got {value}" in message


@pytest.mark.parametrize(("cls", "arg", "value"), NOT_NUMBERS)
def test_non_number_raises_type_error(cls, arg, value):
    with pytest.raises(TypeError, match=f"`{arg}`") as info:
        cls(**{"eta": 0.1, arg: value})
    assert repr(value) in str(info.value)


def test_keras_style_message():
    with pytest.raises(ValueError) as info:
        Constant(eta=-1)
    assert str(info.value) == (
        "Received an invalid value for argument `eta`, expected a positive finite number, got -1"
    )


@pytest.mark.parametrize(
    ("cls", "kwargs"),
    [(Momentum, {"momentum": 0.0}), (RMSprop, {"rho": 0}), (Adam, {"rho": 0.0, "rho2": 0.0})],
)
def test_zero_decay_is_allowed(cls, kwargs):
    cls(eta=0.1, **kwargs)


def test_numpy_scalars_are_accepted():
    s = Adam(eta=np.float32(0.01), rho=np.float64(0.5), eps=np.float64(1e-7))
    assert s.eta == np.float32(0.01)


@pytest.mark.parametrize("name", sorted(set(SCHEDULERS) - {"constant"}))
def test_gradient_of_wrong_shape_raises(name):
    scheduler = get_scheduler(name, eta=0.1)
    state = scheduler.init(np.zeros((2, 3)))
    with pytest.raises(ValueError) as info:
        scheduler.update_change(np.zeros((3, 2)), state)
    message = str(info.value)
    assert "`gradient`" in message
    assert "(2, 3)" in message
    assert "(3, 2)" in message


def test_set_params_validates_before_setting():
    s = Adam(eta=0.01)
    with pytest.raises(ValueError, match="`rho2`.*got 1.5"):
        s.set_params(eta=0.1, rho2=1.5)
    assert s.get_params() == {"eta": 0.01, "rho": 0.9, "rho2": 0.999, "eps": 1e-8}


def test_set_params_unknown_name():
    with pytest.raises(ValueError, match="`momentum`.*eps.*eta.*rho"):
        RMSprop(eta=0.1).set_params(momentum=0.5)


def test_get_scheduler_unknown_name_lists_known_ones():
    with pytest.raises(ValueError) as info:
        get_scheduler("sgd")
    message = str(info.value)
    assert "'sgd'" in message
    for name in SCHEDULERS:
        assert repr(name) in message


@pytest.mark.parametrize("bad", [None, 3, Adam])
def test_get_scheduler_wrong_type(bad):
    with pytest.raises(TypeError, match="`scheduler`"):
        get_scheduler(bad)
