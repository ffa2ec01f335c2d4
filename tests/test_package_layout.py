"""A ``schedulers`` folder or module in the working directory cannot break ``import rnn_nodes``.

Python puts the working directory first on ``sys.path``, so a user's
``schedulers/`` (even empty) or ``schedulers.py`` hides the top-level
``schedulers`` package; ``rnn_nodes`` imports only its own
``rnn_nodes.schedulers`` and keeps working.
"""

import pathlib
import pickle
import subprocess
import sys

import pytest

REPOSITORY = pathlib.Path(__file__).resolve().parents[1]

TRAIN_A_LITTLE = """
import numpy as np
import rnn_nodes
from rnn_nodes import RNN
from rnn_nodes.schedulers import Adam
X = np.linspace(0, 1, 2 * 5 * 1).reshape(2, 5, 1)
net = RNN(scheduler=Adam(eta=0.01), seed=0).add_InputLayer(1).add_RNNLayer(3).add_OutputLayer(1)
history = net.train(X, X, epochs=2, batch_size=2)
assert np.isfinite(history["loss"]).all()
print("ok")
"""


def run_in(folder, code):
    return subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True,
                          text=True, env={"PYTHONPATH": str(REPOSITORY), "PATH": ""})


@pytest.mark.parametrize("shadow", ["empty folder", "module"])
def test_a_schedulers_in_the_working_directory_does_not_break_rnn_nodes(tmp_path, shadow):
    if shadow == "module":
        (tmp_path / "schedulers.py").write_text("SOMETHING_ELSE = 1\n")
    else:
        (tmp_path / "schedulers").mkdir()
    ran = run_in(tmp_path, TRAIN_A_LITTLE)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "ok"


def test_the_top_level_package_gives_the_same_objects():
    import rnn_nodes.schedulers
    import schedulers
    import schedulers.adam
    from schedulers.base import Scheduler

    assert schedulers.Adam is rnn_nodes.schedulers.Adam is schedulers.adam.Adam
    assert Scheduler is rnn_nodes.schedulers.Scheduler
    assert set(schedulers.__all__) == set(rnn_nodes.schedulers.__all__)
    for name in schedulers.__all__:
        assert getattr(schedulers, name) is getattr(rnn_nodes.schedulers, name)


def test_a_scheduler_pickled_by_the_estimators_loads_back():
    from schedulers import Adam

    scheduler = Adam(eta=0.02)
    assert pickle.loads(pickle.dumps(scheduler)).get_params() == scheduler.get_params()
