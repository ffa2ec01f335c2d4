"""The benchmark runs end to end in quick mode and its gradient checks pass.

No timing is asserted: CI must not fail because the machine is busy.
"""

import json
from dataclasses import replace

import numpy as np
import pytest

from benchmarks import __main__ as cli
from benchmarks import reference_jax
from benchmarks.agreement import compare
from benchmarks.configs import CONFIGS, make_batch, make_weights
from benchmarks.scaling import linear_fit
from rnn_nodes import RNN

IMPLEMENTATIONS = {"rnn_nodes", "rnn_nodes_blas_default", "rnn_nodes_other_dispatch",
                   "reference_jax", "prototype", "torch_1thread", "numpy_floor"}


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """One quick run of the three tiny configs: (exit status, results, output folder)."""
    out = tmp_path_factory.mktemp("benchmarks")
    status = cli.main(["--quick", "--configs", "tinyA", "tinyB", "tinyC", "--out", str(out)])
    return status, json.loads((out / "results.json").read_text()), out


def test_quick_run_writes_results_and_gradients_agree(quick_run):
    status, results, out = quick_run
    assert status == 0
    assert (out / "results.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert {"cpu", "cores", "python", "numpy", "jax", "blas", "date"} <= set(results["machine"])
    assert results["checks"]["gradients_agree"]  # rnn_nodes and the prototype, every config
    assert results["checks"]["no_recompilation_after_first_epoch"]
    for name in ("tinyA", "tinyB"):
        result = results["configs"][name]
        assert set(result["implementations"]) == IMPLEMENTATIONS
        for entry in result["implementations"].values():
            if entry["status"] == "ok":
                assert entry["timing"]["n"] == len(entry["timing"]["times"]) > 0
                assert entry["timing"]["q1"] <= entry["timing"]["median"] <= entry["timing"]["q3"]
                assert entry["samples_per_second"] > 0
        assert result["implementations"]["reference_jax"]["ratio_to_reference"] == 1
        for impl in ("rnn_nodes", "numpy_floor"):
            check = result["gradient_check"][impl]
            assert check["passed"] and check["max_relative_error"] < 1e-4, impl
        assert result["compilations"]["compilations_later_epochs"] == 0
        assert result["memory"]["cached_bytes"] >= result["memory"]["minimum_bytes"] > 0


def test_reference_step_is_adam_on_its_gradient():
    config = CONFIGS["tinyA"]
    rng = np.random.default_rng(2)
    weights = make_weights(config, rng)
    X, t = make_batch(config, rng)
    _, grads = reference_jax.gradients(config, weights, X, t)
    step = reference_jax.ReferenceStep(config, weights, X, t)
    step()
    # Adam's first step moves every weight by eta * g / (|g| + eps): about eta * sign(g)
    moved = np.asarray(step.weights["recurrent"]["W_time"]) - weights["recurrent"]["W_time"]
    g = grads["recurrent"]["W_time"]
    expected = -1e-3 * g / (np.abs(g) + 1e-8)
    np.testing.assert_allclose(moved, expected, atol=1e-6)


def test_linear_fit():
    fit = linear_fit([1, 2, 3, 4], [3, 5, 7, 9])
    assert fit["slope"] == pytest.approx(2) and fit["intercept"] == pytest.approx(1)
    assert fit["r2"] == pytest.approx(1)


@pytest.mark.parametrize("name", ["tinyA", "tinyB", "tinyC"])
def test_torch_matches_the_reference(name):
    """The PyTorch comparison loads the same weights (only where torch is installed)."""
    pytest.importorskip("torch")
    from benchmarks.torch_rnn import TorchStep

    config = CONFIGS[name]
    rng = np.random.default_rng(3)
    weights = make_weights(config, rng)
    X, t = make_batch(config, rng)
    check = compare(*TorchStep(config, weights, X, t).gradients(),
                    *reference_jax.gradients(config, weights, X, t))
    assert check["passed"], check


def test_lstm_config_runs_or_says_why(quick_run):
    """Config C: rnn_nodes runs once it has an LSTM layer, and is reported missing before."""
    result = quick_run[1]["configs"]["tinyC"]
    assert result["gradient_check"]["prototype"]["passed"]
    entry = result["implementations"]["rnn_nodes"]
    if hasattr(RNN, "add_LSTMLayer"):
        assert entry["status"] == "ok"
        assert result["gradient_check"]["rnn_nodes"]["passed"]
    else:
        assert entry["status"] == "skipped" and "LSTM not available" in entry["reason"]


@pytest.mark.parametrize("name, pieces", [("A", False), ("B", False), ("C", True)])
def test_which_configs_start_their_derivatives_in_pieces(name, pieces, monkeypatch):
    """The benchmark's count of values agrees with what the network's layer does."""
    from benchmarks.project import build_network, starts_derivatives_in_pieces
    from rnn_nodes.layers import derivatives

    # A: 28 x 64 x 128 = 229,376 tanh values; the LSTM of C has 28 x 64 x 640 = 1,146,880
    config = CONFIGS[name]
    assert starts_derivatives_in_pieces(config) is pieces
    rng = np.random.default_rng(0)
    weights = make_weights(config, rng)
    X, t = make_batch(config, rng)
    net = build_network(config, weights)
    calls = []
    original = derivatives.start
    monkeypatch.setattr(derivatives, "start", lambda *a: calls.append(a) or original(*a))
    net.train_step(X, t)
    assert len(calls) == (4 if pieces else 1)


@pytest.mark.parametrize("name", ["tinyA", "tinyC"])
def test_the_other_dispatch_trains_the_same_weights_and_restores_the_rule(name, monkeypatch):
    from benchmarks.project import build_network, other_dispatch_step
    from rnn_nodes.layers import derivatives

    config = replace(CONFIGS[name], time=10)  # enough steps for pieces
    rng = np.random.default_rng(3)
    weights = make_weights(config, rng)
    X, t = make_batch(config, rng)
    usual, other = build_network(config, weights), build_network(config, weights)
    pieces = []
    original = derivatives.start
    monkeypatch.setattr(derivatives, "start", lambda *a: pieces.append(a) or original(*a))
    step = other_dispatch_step(other, config, X, t)
    rule = derivatives.PIECES_FROM
    for _ in range(3):
        usual.train_step(X, t)
        step()
    assert derivatives.PIECES_FROM == rule
    assert len(pieces) == 3 * (1 + 4)  # each step: one call (usual), four pieces (other)
    for a, b in zip(usual.layers[1:], other.layers[1:]):
        for key in a.params:
            np.testing.assert_array_equal(a.params[key], b.params[key], err_msg=key)


def test_the_predict_precision_benchmark_prints_its_table(capsys):
    from benchmarks import predict_precision

    assert predict_precision.main(["--quick"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "| cell | hidden | batch | float32 ms | float64 ms | ratio |"
    rows = [line.split(" | ") for line in lines[2:4]]
    assert [row[2] for row in rows] == ["1", "32"]
    assert all(float(row[3]) > 0 and float(row[4]) > 0 for row in rows)
    assert lines[4].startswith("making the float64 copy of rnn 8: ")
