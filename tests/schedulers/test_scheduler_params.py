"""Hyperparameters: get_params / set_params / clone / repr, and get_scheduler."""

import numpy as np
import pytest

from schedulers import (
    SCHEDULERS,
    Adagrad,
    AdagradMomentum,
    Adam,
    Constant,
    Momentum,
    RMS_prop,
    RMSprop,
    Scheduler,
    get_scheduler,
)

NAMES = sorted(SCHEDULERS)


def test_defaults_and_stored_as_given():
    assert Adam().get_params() == {"eta": 1e-3, "rho": 0.9, "rho2": 0.999, "eps": 1e-8}
    assert Momentum(eta=0.1).get_params() == {"eta": 0.1, "momentum": 0.9}
    assert Adagrad(eta=0.1).get_params() == {"eta": 0.1, "eps": 1e-8}
    assert AdagradMomentum(eta=0.1).get_params() == {"eta": 0.1, "momentum": 0.9, "eps": 1e-8}
    assert RMSprop(eta=0.1).get_params() == {"eta": 0.1, "rho": 0.9, "eps": 1e-8}
    assert Constant(eta=1).eta == 1 and type(Constant(eta=1).eta) is int


@pytest.mark.parametrize("cls", [Constant, Momentum, Adagrad, AdagradMomentum, RMSprop])
def test_eta_is_required_where_the_literature_gives_no_default(cls):
    with pytest.raises(TypeError):
        cls()


def test_repr():
    assert repr(Adam(eta=1e-3, rho=0.9, rho2=0.999, eps=1e-8)) == (
        "Adam(eta=0.001, rho=0.9, rho2=0.999, eps=1e-08)"
    )
    assert repr(Constant(eta=0.5)) == "Constant(eta=0.5)"


def test_course_alias():
    assert RMS_prop is RMSprop


def test_scheduler_is_abstract():
    with pytest.raises(TypeError):
        Scheduler()


@pytest.mark.parametrize("name", NAMES)
def test_set_params_get_params_clone_roundtrip(name):
    scheduler = get_scheduler(name, eta=0.05)
    assert scheduler.set_params(eta=0.2) is scheduler
    assert scheduler.get_params()["eta"] == 0.2
    twin = scheduler.clone()
    assert type(twin) is type(scheduler)
    assert twin is not scheduler
    assert twin != scheduler  # identity equality, by design
    assert twin.get_params() == scheduler.get_params()
    assert repr(twin) == repr(scheduler)
    twin.set_params(eta=0.3)
    assert scheduler.get_params()["eta"] == 0.2
    assert type(scheduler)(**scheduler.get_params()).get_params() == scheduler.get_params()


@pytest.mark.parametrize("name", NAMES)
def test_get_scheduler_by_name_is_case_insensitive(name):
    scheduler = get_scheduler(name.upper(), eta=0.05)
    assert isinstance(scheduler, SCHEDULERS[name])
    assert scheduler.eta == 0.05


def test_get_scheduler_by_object_returns_an_equal_new_object():
    original = Adam(eta=0.01, rho=0.8)
    copy = get_scheduler(original)
    assert copy is not original
    assert type(copy) is Adam
    assert copy.get_params() == original.get_params()
    changed = get_scheduler(original, eta=0.5)
    assert changed.get_params() == {**original.get_params(), "eta": 0.5}
    assert original.eta == 0.01


def test_scikit_learn_clone_and_nested_set_params():
    base = pytest.importorskip("sklearn.base")
    original = Momentum(eta=0.1, momentum=0.5)
    copy = base.clone(original)
    assert copy is not original and copy.get_params() == original.get_params()

    class Holder(base.BaseEstimator):
        def __init__(self, scheduler=None):
            self.scheduler = scheduler

    holder = Holder(scheduler=Adam(eta=0.01))
    assert holder.get_params()["scheduler__eta"] == 0.01
    holder.set_params(scheduler__eta=0.1)
    assert holder.scheduler.eta == 0.1
    assert base.clone(holder).scheduler is not holder.scheduler


@pytest.mark.parametrize("name", NAMES)
def test_reinit_resets_the_state(name):
    scheduler = get_scheduler(name, eta=0.05)
    param = np.zeros(2)
    fresh = scheduler.init(param)
    scheduler.update_change(np.ones(2), fresh)
    again = scheduler.init(param)
    for x, y in zip(fresh, again):
        np.testing.assert_array_equal(x, y)
