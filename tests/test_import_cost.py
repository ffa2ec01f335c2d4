"""``import rnn_nodes`` and ``python -m experiments list`` import neither JAX nor scikit-learn.

JAX (about 1.4 s) and scikit-learn (about 1.4 s) are imported when a first
derivative or cost is needed, or an estimator is used. Checked by what is in
``sys.modules`` of a fresh interpreter, not by timing: ``python -m
benchmarks.startup`` measures the times.
"""

import json
import pathlib
import subprocess
import sys

REPOSITORY = pathlib.Path(__file__).resolve().parents[1]
HEAVY = ("jax", "sklearn", "scipy", "pandas", "matplotlib")


def modules_after(code):
    """The heavy modules imported by ``code`` in a fresh interpreter run in the repository."""
    script = (f"{code}\nimport json, sys\n"
              f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=REPOSITORY, env={"PYTHONPATH": str(REPOSITORY), "PATH": ""},
                         check=True)
    return json.loads(ran.stdout.strip().splitlines()[-1])


def test_import_rnn_nodes_leaves_jax_and_sklearn_out():
    assert modules_after("import rnn_nodes") == []


def test_building_a_network_imports_no_jax():
    code = ("from rnn_nodes import RNN\nfrom schedulers import Adam\n"
            "RNN(scheduler=Adam(eta=0.01), seed=0).add_InputLayer(1).add_RNNLayer(4)"
            ".add_OutputLayer(1)")
    assert modules_after(code) == []


def test_jax_arrives_with_the_first_derivative():
    code = ("import numpy as np\nfrom rnn_nodes import get_activation\n"
            "d = get_activation('tanh').derivative(np.zeros(3))\n"
            "assert np.allclose(d, 1.0)")
    assert "jax" in modules_after(code)


def test_estimators_and_transformers_import_sklearn_on_first_use():
    assert "sklearn" in modules_after("from rnn_nodes import RNNRegressor")
    assert "sklearn" in modules_after("import rnn_nodes\nrnn_nodes.SequenceScaler")
    assert "sklearn" in modules_after("from rnn_nodes import *")


def test_lazy_names_are_listed_and_unknown_names_fail():
    code = ("import rnn_nodes\nassert 'RNNClassifier' in dir(rnn_nodes)\n"
            "try:\n    rnn_nodes.no_such_name\nexcept AttributeError as e:\n"
            "    assert 'no_such_name' in str(e)\nelse:\n    raise SystemExit(1)")
    assert modules_after(code) == []


def test_experiments_list_imports_no_experiment():
    code = ("import contextlib, io\nfrom experiments.__main__ import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n    main(['list'])\n"
            "assert 'clean_weather.csv' in out.getvalue()")
    assert modules_after(code) == []


def test_startup_benchmark_times_fresh_processes(capsys):
    import pytest

    from benchmarks import startup

    seconds = startup.time_step(["-c", "pass"], repeats=2)
    assert len(seconds) == 2 and all(s > 0 for s in seconds)
    with pytest.raises(SystemExit):
        startup.main(["--repeats", "0"])
    assert "--repeats must be at least 1" in capsys.readouterr().err
