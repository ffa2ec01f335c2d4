"""The command line: every experiment is listed, and --data goes only where it is read."""

import subprocess
import sys

import pytest

from experiments.__main__ import main
from experiments.registry import EXPERIMENTS, summary


def test_list_shows_every_experiment():
    listed = subprocess.run([sys.executable, "-m", "experiments", "list"],
                            capture_output=True, text=True, check=True).stdout
    for name in EXPERIMENTS:
        assert name in listed
    assert "--data: clean_weather.csv" in listed


def test_data_option_is_refused_by_experiments_that_read_no_file(capsys):
    with pytest.raises(SystemExit):
        main(["parity", "--quick", "--data", "somewhere.csv"])
    assert "reads no file" in capsys.readouterr().err


def test_data_option_reaches_the_experiment(tmp_path):
    ran = subprocess.run(
        [sys.executable, "-m", "experiments", "weather", "--quick", "--out", str(tmp_path),
         "--data", str(tmp_path / "absent.csv")],
        capture_output=True, text=True)
    assert ran.returncode != 0 and "absent.csv" in ran.stderr


def test_every_experiment_says_where_its_data_come_from():
    from experiments.data import SOURCES

    assert set(SOURCES) == set(EXPERIMENTS)
    listed = subprocess.run([sys.executable, "-m", "experiments", "list"],
                            capture_output=True, text=True, check=True).stdout
    assert listed.count("    data: ") == len(EXPERIMENTS)
    assert "zero_to_gpt" in listed and "t10k-images-idx3-ubyte.gz" in listed


@pytest.mark.parametrize(("name", "origin"), [("weather", "github.com/VikParuchuri/zero_to_gpt"),
                                              ("mnist-rows", "yann.lecun.com/exdb/mnist")])
def test_missing_data_says_where_to_get_it(tmp_path, monkeypatch, name, origin):
    from experiments import data

    monkeypatch.setattr(data, "data_folders", lambda: [tmp_path])
    with pytest.raises(FileNotFoundError) as raised:
        data.resolve_data(None, summary(name)[1], name)
    message = str(raised.value)
    assert origin in message and "--data PATH" in message and str(tmp_path) in message
