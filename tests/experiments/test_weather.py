"""Weather: baselines on the shared file, and the quick study (skipped without the data)."""

import json

import numpy as np
import pytest

from experiments import weather
from experiments.data import find_default
from rnn_nodes.datasets import load_weather_csv

WEATHER = find_default(weather.DATA)
needs_data = pytest.mark.skipif(
    WEATHER is None, reason="clean_weather.csv not found (set RNN_NODES_DATA or place the "
    "shared data folder at ../shared/data)")


def test_windows_end_at_the_given_rows():
    Z = np.arange(20.0).reshape(10, 2)
    W = weather.windows(Z, [2, 9], 3, [1])
    np.testing.assert_array_equal(W[:, :, 0], [[1, 3, 5], [15, 17, 19]])


@needs_data
def test_baselines_reproduce_the_reference_numbers():
    table = load_weather_csv(WEATHER)
    split = int(0.8 * len(table.values))
    found = weather.baselines(table, split, np.arange(split, len(table.values)))
    assert found["persistence_rmse"] == pytest.approx(4.96, abs=0.01)
    assert found["ridge_7_lags_rmse"] == pytest.approx(4.63, abs=0.01)


@needs_data
def test_quick_run_beats_persistence_on_the_real_split(tmp_path):
    weather.run(out=tmp_path, quick=True, seed=0, data=WEATHER)
    written = json.loads((tmp_path / "metrics.json").read_text())
    assert written["missing_values"]["rows_with_missing"] == 306
    assert written["seed_setup"]["persistence_rmse"] == pytest.approx(4.55, abs=0.01)
    assert np.isfinite(written["seed_setup"]["rmse"]["mean"])
    real = written["real_split"]
    assert real["rmse"]["mean"] < real["persistence_rmse"]
    for figure in ("training_curves.png", "test_predictions.png"):
        assert (tmp_path / figure).read_bytes()[:4] == b"\x89PNG"


def test_missing_data_file_says_how_to_pass_it(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_NODES_DATA", str(tmp_path))
    monkeypatch.setattr("experiments.data.REPOSITORY", tmp_path / "repo")
    with pytest.raises(FileNotFoundError, match=r"--data PATH"):
        weather.run(out=tmp_path / "out", quick=True)
    with pytest.raises(FileNotFoundError, match="no such file"):
        weather.run(out=tmp_path / "out", quick=True, data=tmp_path / "absent.csv")
