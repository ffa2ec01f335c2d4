"""What the estimators' float64 predictions cost against the float32 network itself.

``python -m benchmarks.predict_precision`` (``--quick`` for a smoke test) fits a float32
``RNNRegressor`` for one epoch per cell and size, then times ``predict(X)`` (float64, the
default: batch-independent results, rnn_nodes/estimators/_precision.py) and
``predict(X, dtype=None)`` (the fitted float32 network) on batches of 1, 32 and 1000 sequences
of 50 steps and 3 features, and the first float64 call, which makes the float64 copy. Prints
median milliseconds per call and the ratio.
"""

import argparse
import time
import warnings

import numpy as np

from rnn_nodes import RNNRegressor
from rnn_nodes.estimators import _precision

TIME, FEATURES = 50, 3
BATCHES = (1, 32, 1000)
MODELS = (("rnn", 16), ("rnn", 64), ("lstm", 64))


def median_ms(call, repeats):
    """Median wall-clock milliseconds of ``call()`` over ``repeats`` calls, after one."""
    call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def fitted(cell, hidden, rng):
    """A float32 regressor fitted for one epoch on random sequences."""
    X = rng.standard_normal((64, TIME, FEATURES))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one epoch does not converge
        return RNNRegressor(hidden_layer_sizes=(hidden,), cell=cell, max_iter=1,
                            random_state=0).fit(X, X[:, :, 0].sum(axis=1))


def measure(repeats, batches=BATCHES, models=MODELS, seed=0):
    """Rows ``(cell, hidden, batch, float32 ms, float64 ms)`` and the copy's ms per model."""
    rng = np.random.default_rng(seed)
    rows, copies = [], {}
    for cell, hidden in models:
        model = fitted(cell, hidden, rng)
        start = time.perf_counter()
        _precision.network_in(model.network_, np.dtype(np.float64))
        copies[(cell, hidden)] = 1e3 * (time.perf_counter() - start)
        for batch in batches:
            X = rng.standard_normal((batch, TIME, FEATURES))
            ms32 = median_ms(lambda: model.predict(X, dtype=None), repeats)  # noqa: B023
            ms64 = median_ms(lambda: model.predict(X), repeats)  # noqa: B023
            rows.append((cell, hidden, batch, ms32, ms64))
    return rows, copies


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.predict_precision",
                                     description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few repeats, small models")
    args = parser.parse_args(argv)
    if args.quick:
        rows, copies = measure(2, batches=(1, 32), models=(("rnn", 8),))
    else:
        rows, copies = measure(20)
    print("| cell | hidden | batch | float32 ms | float64 ms | ratio |")
    print("| --- | --- | --- | --- | --- | --- |")
    for cell, hidden, batch, ms32, ms64 in rows:
        print(f"| {cell} | {hidden} | {batch} | {ms32:.3f} | {ms64:.3f} | {ms64 / ms32:.2f} |")
    for (cell, hidden), ms in copies.items():
        print(f"making the float64 copy of {cell} {hidden}: {ms:.2f} ms (once per fitted network)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
