"""What users run writes under ``results/`` (or ``--out``), one folder per set of options."""

import pathlib
import subprocess

import pytest

from benchmarks import __main__ as benchmarks_cli
from experiments import __main__ as experiments_cli
from experiments import parity, sweep
from experiments.common import run_folder

REPOSITORY = pathlib.Path(__file__).resolve().parents[1]


def test_results_folder_is_ignored_by_git():
    ignored = subprocess.run(["git", "check-ignore", "-q", "results/sweep/metrics.json"],
                             cwd=REPOSITORY, check=False)
    assert ignored.returncode == 0


@pytest.mark.parametrize(("argv", "expected"), [
    (["sweep"], "results/sweep/full-seed0"),
    (["sweep", "--task", "frequency"], "results/sweep/full-seed0-task-frequency"),
    (["sweep", "--quick", "--seed", "3"], "results/sweep/quick-seed3"),
    (["parity", "--quick"], "results/parity/quick-seed0"),
])
def test_each_set_of_options_has_its_own_folder(monkeypatch, argv, expected):
    module = sweep if argv[0] == "sweep" else parity
    seen = {}
    monkeypatch.setattr(module, "run", lambda out, **kwargs: seen.setdefault("out", out))
    assert experiments_cli.main(argv) == 0
    assert seen["out"] == expected


def test_out_option_wins(monkeypatch, tmp_path):
    seen = {}
    monkeypatch.setattr(parity, "run", lambda out, **kwargs: seen.setdefault("out", out))
    experiments_cli.main(["parity", "--out", str(tmp_path)])
    assert seen["out"] == str(tmp_path)


def test_data_files_of_different_names_get_different_folders():
    assert run_folder("weather", data="a/2020.csv") != run_folder("weather", data="b/2021.csv")


def test_benchmarks_write_under_results_not_into_the_package():
    parse = benchmarks_cli._parser().parse_args
    quick = benchmarks_cli.default_out(parse(["--quick"]))
    full = benchmarks_cli.default_out(parse([]))
    scaling = benchmarks_cli.default_out(parse(["--quick", "--scaling"]))
    assert len({quick, full, scaling}) == 3
    example = parse(["--quick", "--configs", "tinyA", "--scaling"])  # the docstring's
    assert benchmarks_cli.default_out(example) == "results/benchmarks/quick-tinyA-scaling-seed0"
    for folder in (quick, full, scaling):
        assert folder.startswith("results/benchmarks/")
