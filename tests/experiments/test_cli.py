"""The command line: every experiment is listed, and --data goes only where it is read."""

import subprocess
import sys

import pytest

from experiments.__main__ import main
from experiments.registry import EXPERIMENTS


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
