"""Every scheduler minimises an ill-conditioned quadratic.

f(x) = 0.5 * (x - c)^T A (x - c) with A = diag(1, 10), c = (1, -2), started
from x0 = (4, 3). Each scheduler, with the ``eta`` below, must bring every
coordinate within TOL of c in STEPS steps (all reach about 1e-10 or better
in that budget; TOL leaves room).
"""

import numpy as np
import pytest

from schedulers import SCHEDULERS, get_scheduler

A = np.array([1.0, 10.0])  # the diagonal of A
C = np.array([1.0, -2.0])
X0 = np.array([4.0, 3.0])
STEPS = 500
TOL = 1e-6

ETAS = {
    "constant": 0.15,  # stable for eta < 2 / 10
    "momentum": 0.02,
    "adagrad": 1.0,
    "adagrad_momentum": 0.2,
    "rmsprop": 0.05,
    "adam": 0.1,
}


def test_every_registered_scheduler_has_a_convergence_setting():
    assert set(ETAS) == set(SCHEDULERS)


@pytest.mark.parametrize("name", sorted(ETAS))
def test_converges_on_ill_conditioned_quadratic(name):
    scheduler = get_scheduler(name, eta=ETAS[name])
    x = X0.copy()
    state = scheduler.init(x)
    for _ in range(STEPS):
        change, state = scheduler.update_change(A * (x - C), state)
        x -= change
    np.testing.assert_allclose(x, C, rtol=0, atol=TOL)


@pytest.mark.parametrize("name", sorted(ETAS))
def test_converges_in_float32(name):
    scheduler = get_scheduler(name, eta=ETAS[name])
    x = X0.astype(np.float32)
    a, c = A.astype(np.float32), C.astype(np.float32)
    state = scheduler.init(x)
    for _ in range(STEPS):
        change, state = scheduler.update_change(a * (x - c), state)
        x -= change
    assert x.dtype == np.float32
    np.testing.assert_allclose(x, c, rtol=0, atol=1e-4)
