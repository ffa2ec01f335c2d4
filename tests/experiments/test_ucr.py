"""UCR/UEA: the four sets read from sktime's files, standardised on the training set; quick run."""

import json

import numpy as np
import pytest

from experiments import ucr

needs_sktime = pytest.mark.skipif(
    ucr.data_folder() is None, reason="sktime not installed (pip install -e \".[ucr]\")")

TS = """\
@problemName Toy
@univariate false
@dimensions 2
@equalLength false
@classLabel true {labels}
@data
{rows}
"""


def write_toy(folder, name, part, rows, labels="x y"):
    (folder / name).mkdir(exist_ok=True)
    (folder / name / f"{name}_{part}.ts").write_text(TS.format(labels=labels, rows=rows))


def test_standardise_uses_the_training_statistics_only():
    train = [np.array([[0.0, 5.0], [2.0, 5.0]]), np.array([[4.0, 5.0]])]
    test = [np.array([[6.0, 7.0]])]
    X, X_test = ucr.standardise(train, test)
    # channel 0: mean 2, std sqrt(8/3) over the three training steps; channel 1 is constant
    scale = np.sqrt(8 / 3)
    np.testing.assert_allclose(X[0], [[-2 / scale, 0], [0, 0]], rtol=1e-6)
    np.testing.assert_allclose(X_test[0], [[4 / scale, 2]], rtol=1e-6)
    assert X_test[0].dtype == np.float32


def test_load_keeps_lengths_as_a_list_and_strides(tmp_path):
    write_toy(tmp_path, "Toy", "TRAIN", "1,2,3,4:5,6,7,8:y\n1,2:3,4:x")
    write_toy(tmp_path, "Toy", "TEST", "1,2,3:1,2,3:x")
    data = ucr.load("Toy", tmp_path, stride=2)
    assert isinstance(data["X"], list) and [x.shape for x in data["X"]] == [(2, 2), (1, 2)]
    assert data["lengths"] == (1, 2)
    np.testing.assert_array_equal(data["y"], [1, 0])  # index in the header's order: x, y
    np.testing.assert_array_equal(data["T"], [[0, 1], [1, 0]])
    np.testing.assert_array_equal(data["T_test"], [[1, 0]])


def test_load_refuses_files_that_disagree_on_the_classes(tmp_path):
    write_toy(tmp_path, "Toy", "TRAIN", "1,2:3,4:x")
    write_toy(tmp_path, "Toy", "TEST", "1,2:3,4:x", labels="x z")
    with pytest.raises(ValueError, match=r"Toy_TRAIN\.ts' declares the classes"):
        ucr.load("Toy", tmp_path)


def test_unknown_data_set_is_refused(tmp_path):
    with pytest.raises(ValueError, match="`datasets` must name some of"):
        ucr.run(out=tmp_path, quick=True, datasets=("Coffee",))


def test_skipped_with_a_message_without_sktime(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(ucr, "data_folder", lambda: None)
    metrics = ucr.run(out=tmp_path, quick=True)
    assert metrics["run"] is False and "pip install" in capsys.readouterr().out
    assert [f.name for f in tmp_path.iterdir()] == ["SKIPPED.txt"]  # nothing but the reason
    assert "pip install" in (tmp_path / "SKIPPED.txt").read_text()


@needs_sktime
@pytest.mark.parametrize("name, shape, test_shape, classes", [
    ("ItalyPowerDemand", (67, 24, 1), (1029, 24, 1), 2),
    ("GunPoint", (50, 30, 1), (150, 30, 1), 2),  # every 5th of 150 steps
    ("BasicMotions", (40, 100, 6), (40, 100, 6), 4),
])
def test_official_splits_of_the_equal_length_sets(name, shape, test_shape, classes):
    data = ucr.load(name, ucr.data_folder(), ucr.MODELS[name]["stride"])
    assert data["X"].shape == shape and data["X_test"].shape == test_shape
    assert data["T"].shape == (shape[0], classes) and set(data["y"]) == set(range(classes))
    steps = data["X"].reshape(-1, shape[2])
    np.testing.assert_allclose(steps.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(steps.std(axis=0), 1, atol=1e-4)


@needs_sktime
def test_japanese_vowels_keeps_its_lengths():
    data = ucr.load("JapaneseVowels", ucr.data_folder())
    assert len(data["X"]) == 270 and len(data["X_test"]) == 370
    assert data["lengths"] == (7, 29)
    assert {x.shape[1] for x in data["X"] + data["X_test"]} == {12}
    assert np.bincount(data["y"]).tolist() == [30] * 9


@needs_sktime
def test_quick_run_is_well_above_chance(tmp_path):
    ucr.run(out=tmp_path, quick=True, seed=0)
    written = json.loads((tmp_path / "metrics.json").read_text())
    assert written["run"] is True and written["seeds"] == [0]
    results = written["datasets"]
    assert list(results) == list(ucr.DATASETS)
    # chance: 0.5, 0.5, 0.25 and 0.24 (the commonest JapaneseVowels test class, 88 of 370)
    floors = {"ItalyPowerDemand": 0.85, "GunPoint": 0.7, "BasicMotions": 0.7,
              "JapaneseVowels": 0.9}
    for name, floor in floors.items():
        assert results[name]["test_accuracy"]["mean"] >= floor, name
    assert results["JapaneseVowels"]["lengths"] == [7, 29]
    assert (tmp_path / "accuracy.png").read_bytes()[:4] == b"\x89PNG"
