"""Property tests (hypothesis) of the two simplest rules."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from schedulers import Adagrad, Constant

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
etas = st.floats(1e-6, 10.0)
shapes = hnp.array_shapes(min_dims=0, max_dims=3, max_side=4)


@settings(max_examples=50, deadline=None)
@given(eta=etas, g=hnp.arrays(np.float64, shapes, elements=finite))
def test_constant_change_is_eta_times_gradient(eta, g):
    s = Constant(eta=eta)
    change, _ = s.update_change(g, s.init(g))
    np.testing.assert_array_equal(change, eta * g)


@settings(max_examples=50, deadline=None)
@given(
    shape=hnp.array_shapes(min_dims=1, max_dims=2, max_side=4),
    n=st.integers(1, 6),
    data=st.data(),
)
def test_adagrad_sums_squares_of_all_gradients_elementwise(shape, n, data):
    grads = [data.draw(hnp.arrays(np.float64, shape, elements=finite)) for _ in range(n)]
    s = Adagrad(eta=0.1)
    state = s.init(np.zeros(shape))
    expected = np.zeros(shape)
    for g in grads:
        _, state = s.update_change(g, state)
        expected = expected + g * g
    np.testing.assert_array_equal(state.G, expected)
