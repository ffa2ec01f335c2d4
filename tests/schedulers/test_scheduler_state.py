"""Per-parameter state: independence, purity, dtypes, shapes."""

import copy

import numpy as np
import pytest

from schedulers import SCHEDULERS, get_scheduler

NAMES = sorted(SCHEDULERS)


def make(name):
    return get_scheduler(name, eta=0.05)


def gradients(shape, n, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for _ in range(n)]


def assert_states_equal(a, b):
    assert type(a) is type(b)
    for x, y in zip(a, b):
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype
            np.testing.assert_array_equal(x, y)
        else:
            assert x == y


@pytest.mark.parametrize("name", NAMES)
def test_states_of_two_parameters_never_interact(name):
    scheduler = make(name)
    param_a, param_b = np.ones((3, 2)), np.ones((3, 2))
    state_a, state_b = scheduler.init(param_a), scheduler.init(param_b)
    fresh_b = copy.deepcopy(state_b)
    for g in gradients((3, 2), 20):
        change, state_a = scheduler.update_change(g, state_a)
        param_a -= change
    assert_states_equal(state_b, fresh_b)
    assert_states_equal(state_b, scheduler.init(param_b))
    for field_a, field_b in zip(state_a, state_b):
        if isinstance(field_a, np.ndarray):
            assert not np.shares_memory(field_a, field_b)


@pytest.mark.parametrize("name", NAMES)
def test_init_returns_fresh_arrays(name):
    scheduler = make(name)
    param = np.ones(4)
    s1, s2 = scheduler.init(param), scheduler.init(param)
    arrays = [f for f in (*s1, *s2) if isinstance(f, np.ndarray)]
    for i, x in enumerate(arrays):
        assert not np.shares_memory(x, param)
        for y in arrays[i + 1:]:
            assert not np.shares_memory(x, y)


@pytest.mark.parametrize("name", NAMES)
def test_update_change_mutates_neither_state_nor_scheduler(name):
    scheduler = make(name)
    state = scheduler.init(np.zeros((2, 3)))
    for g in gradients((2, 3), 3, seed=1):  # a non-trivial state
        _, state = scheduler.update_change(g, state)
    state_before = copy.deepcopy(state)
    attributes_before = copy.deepcopy(vars(scheduler))
    gradient = gradients((2, 3), 1, seed=2)[0]
    gradient_before = gradient.copy()
    change, new_state = scheduler.update_change(gradient, state)
    assert_states_equal(state, state_before)
    assert vars(scheduler) == attributes_before
    np.testing.assert_array_equal(gradient, gradient_before)
    # the change is a fresh array, not a view of the state or of the gradient
    for field in (*state, *new_state, gradient):
        if isinstance(field, np.ndarray):
            assert not np.shares_memory(change, field)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_of_state_and_change_is_preserved(name, dtype):
    scheduler = make(name)
    state = scheduler.init(np.zeros((2, 2), dtype=dtype))
    for g in gradients((2, 2), 2):
        change, state = scheduler.update_change(g.astype(dtype), state)
        assert change.dtype == dtype
        assert change.shape == (2, 2)
        for field in state:
            if isinstance(field, np.ndarray):
                assert field.dtype == dtype


@pytest.mark.parametrize("name", NAMES)
def test_state_keeps_parameter_dtype_and_change_gradient_dtype(name):
    # float32 parameter, float64 gradient, numpy-scalar eta (a "strong" float64)
    scheduler = get_scheduler(name, eta=np.float64(0.05))
    state = scheduler.init(np.zeros(3, dtype=np.float32))
    change, state = scheduler.update_change(np.ones(3, dtype=np.float64), state)
    assert change.dtype == np.float64
    for field in state:
        if isinstance(field, np.ndarray):
            assert field.dtype == np.float32


@pytest.mark.parametrize("name", NAMES)
def test_integer_parameter_gets_float64_state(name):
    scheduler = make(name)
    state = scheduler.init(np.zeros(3, dtype=np.int64))
    change, state = scheduler.update_change(np.array([1, 2, 3]), state)
    assert change.dtype == np.float64
    for field in state:
        if isinstance(field, np.ndarray):
            assert field.dtype == np.float64


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("shape", [(), (5,), (2, 3, 4)])
def test_any_parameter_shape(name, shape):
    scheduler = make(name)
    state = scheduler.init(np.zeros(shape))
    change, _ = scheduler.update_change(np.ones(shape), state)
    assert change.shape == shape
    assert np.all(change > 0)


@pytest.mark.parametrize("name", NAMES)
def test_non_finite_gradient_is_passed_through(name):
    scheduler = make(name)
    state = scheduler.init(np.zeros(2))
    change, state = scheduler.update_change(np.array([np.nan, 1.0]), state)
    assert np.isnan(change[0])
    assert np.isfinite(change[1])
