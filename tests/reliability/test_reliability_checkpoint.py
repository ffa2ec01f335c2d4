"""Nothing lost on a crash: checkpoints, SIGKILL mid-run, resuming bit-identically, Ctrl-C.

A training process (``RNN.train`` or ``RNNRegressor.fit``) writes a checkpoint every few
epochs and is killed with SIGKILL mid-run; the checkpoint on disk loads, and resuming from it
ends with weights, history (``time`` aside) and predictions bit-identical to an uninterrupted
run with the same seed. SIGINT (Ctrl-C) to a training process keeps the history of the
complete epochs and, under early stopping, the best weights.
"""

import importlib.util
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings

import jax.numpy as jnp
import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from rnn_nodes import (
    RNN,
    Callback,
    ModelFileError,
    RNNClassifier,
    RNNRegressor,
    load_checkpoint,
)
from rnn_nodes.checkpoint import read_checkpoint
from rnn_nodes.persistence import model_file

JOB = '''
"""A training job the tests start, kill and resume; also imported by the tests."""

import json
import sys
import time
import warnings

import numpy as np

from rnn_nodes import RNN, Callback, RNNRegressor, TrainingInterruptedWarning

EPOCHS, EVERY = 30, 2


def network(dtype):
    net = RNN(seed=7, dtype=dtype, clip_norm=5.0)
    net.add_InputLayer(2).add_LSTMLayer(3, bidirectional=True).add_GRULayer(3)
    return net.add_RNNLayer(2).add_DenseLayer(1)


def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 6, 2))
    return X, X.sum(axis=(1, 2))[:, None] / 4, X[:8], X[:8].sum(axis=(1, 2))[:, None] / 4


def estimator():
    return RNNRegressor(hidden_layer_sizes=(4,), cell="lstm", max_iter=EPOCHS,
                        early_stopping=True, n_iter_no_change=6, tol=1e-3, learning_rate=0.02,
                        batch_size=16, random_state=0)


def series():
    X = np.random.default_rng(1).standard_normal((80, 6))
    return X, X.sum(axis=1)


class Slow(Callback):
    """Sleeps after every epoch, so that a test can stop the job mid-run."""

    def on_epoch_end(self, net, epoch, history):
        time.sleep(0.1)
        return False


class Recorder(Callback):
    def __init__(self):
        self.weights = []

    def on_epoch_end(self, net, epoch, history):
        self.weights.append([p.copy() for layer in net.layers for p in layer.params.values()])
        return False


def slow_steps():
    """Make every training step of the estimator a little slower (callbacks are its own)."""
    original = RNN.train_step

    def train_step(self, *args, **kwargs):
        time.sleep(0.02)
        return original(self, *args, **kwargs)

    RNN.train_step = train_step


if __name__ == "__main__":
    job, dtype, path, out = sys.argv[1:]
    result = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if job == "network":
            X, t, X_val, t_val = data()
            net, recorder = network(dtype), Recorder()
            history = net.train(X, t, X_val, t_val, epochs=EPOCHS, batch_size=7,
                                callbacks=[recorder, Slow()], checkpoint_path=path,
                                checkpoint_every=EVERY)
            n = len(history["loss"])
            result["lengths"] = [len(values) for values in history.values()]
            final = [p for layer in net.layers for p in layer.params.values()]
            result["last_complete_epoch_weights"] = all(
                np.array_equal(a, b) for a, b in zip(final, recorder.weights[n - 1]))
        else:
            slow_steps()
            X, y = series()
            model = estimator().fit(X, y, checkpoint_path=path, checkpoint_every=EVERY)
            result["lengths"] = [len(values) for values in model.history_.values()]
            result["n_iter"] = model.n_iter_
            result["score"] = model.score(X[-8:], y[-8:])
            result["best_validation_score"] = model.best_validation_score_
    result["interrupted"] = any(issubclass(w.category, TrainingInterruptedWarning) for w in caught)
    with open(out, "w") as file:
        json.dump(result, file)
'''


@pytest.fixture
def job(tmp_path):
    """The job script, written to ``tmp_path`` and imported."""
    script = tmp_path / "job.py"
    script.write_text(textwrap.dedent(JOB))
    spec = importlib.util.spec_from_file_location("reliability_job", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.script = script
    return module


def start(job, kind, dtype, path):
    out = path.parent / "result.json"
    log = open(path.parent / "job.log", "wb")
    process = subprocess.Popen([sys.executable, str(job.script), kind, dtype, str(path), str(out)],
                               cwd=path.parent, stdout=log, stderr=subprocess.STDOUT)
    process.result, process.log = out, log
    return process


def wait_for_epochs(process, path, kind, n, timeout=180):
    """Wait until the checkpoint at ``path`` holds at least ``n`` epochs; the job still runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, (
            f"the job ended (code {process.returncode}) before {n} epochs: "
            f"{(path.parent / 'job.log').read_text()[-2000:]}")
        if path.exists() and read_checkpoint(path, (kind,), RNN).checkpoint["epoch"] >= n:
            return
        time.sleep(0.05)
    process.kill()
    pytest.fail(f"no checkpoint of {n} epochs within {timeout} s")


def stop(process, sig):
    process.send_signal(sig)
    process.wait(timeout=60)
    process.log.close()


def weights(net):
    return [p for layer in net.layers for p in layer.params.values()]


def assert_bit_identical(a, b):
    assert len(weights(a)) == len(weights(b))
    assert all(np.array_equal(x, y) for x, y in zip(weights(a), weights(b)))
    assert a.scheduler_states.keys() == b.scheduler_states.keys()
    for key, state in a.scheduler_states.items():
        other = b.scheduler_states[key]
        assert all(np.array_equal(x, y) for x, y in zip(state, other)), key
    assert a.rng.bit_generator.state == b.rng.bit_generator.state


def without_time(history):
    return {key: values for key, values in history.items() if key != "time"}


# SIGKILL mid-run, then resume --------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_network_killed_mid_run_resumes_bit_identically(job, tmp_path, dtype):
    path = tmp_path / "run.safetensors"
    process = start(job, "network", dtype, path)
    wait_for_epochs(process, path, "RNN", 6)
    stop(process, signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL

    run = load_checkpoint(path)  # the file on disk is whole
    assert 6 <= run.epoch < job.EPOCHS and run.epoch % job.EVERY == 0
    assert all(len(values) == run.epoch for values in run.history.values())
    assert RNN.load(path).dtype == np.dtype(dtype)

    X, t, X_val, t_val = job.data()
    resumed = job.network(dtype)
    history = resumed.train(X, t, X_val, t_val, epochs=job.EPOCHS, batch_size=7,
                            checkpoint_path=path, checkpoint_every=job.EVERY, resume=True)
    uninterrupted = job.network(dtype)
    expected = uninterrupted.train(X, t, X_val, t_val, epochs=job.EPOCHS, batch_size=7)
    assert_bit_identical(resumed, uninterrupted)
    assert without_time(history) == without_time(expected)
    assert np.array_equal(resumed.predict(X_val), uninterrupted.predict(X_val))
    assert load_checkpoint(path).epoch == job.EPOCHS


def test_an_estimator_killed_mid_fit_resumes_bit_identically(job, tmp_path):
    path = tmp_path / "fit.safetensors"
    process = start(job, "estimator", "float32", path)
    wait_for_epochs(process, path, "RNNRegressor", 4)
    stop(process, signal.SIGKILL)

    X, y = job.series()
    on_disk = RNNRegressor.load(path)  # the checkpoint is a model file of its last epoch
    assert 4 <= on_disk.n_iter_ and on_disk.best_epoch_ is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        resumed = job.estimator().fit(X, y, checkpoint_path=path, checkpoint_every=job.EVERY,
                                      resume=True)
        uninterrupted = job.estimator().fit(X, y)
    assert on_disk.n_iter_ < uninterrupted.n_iter_  # killed before the fit ended
    assert_bit_identical(resumed.network_, uninterrupted.network_)
    assert without_time(resumed.history_) == without_time(uninterrupted.history_)
    assert (resumed.n_iter_, resumed.best_epoch_) == (uninterrupted.n_iter_,
                                                      uninterrupted.best_epoch_)
    assert np.array_equal(resumed.predict(X), uninterrupted.predict(X))



# Ctrl-C ----------------------------------------------------------------------------------------


def test_ctrl_c_to_a_training_process_keeps_the_complete_epochs(job, tmp_path):
    path = tmp_path / "run.safetensors"
    process = start(job, "network", "float32", path)
    wait_for_epochs(process, path, "RNN", 4)
    stop(process, signal.SIGINT)
    assert process.returncode == 0, (tmp_path / "job.log").read_text()[-2000:]
    result = json.loads(process.result.read_text())
    assert result["interrupted"]
    lengths = result["lengths"]
    assert len(set(lengths)) == 1 and 4 <= lengths[0] < job.EPOCHS
    assert result["last_complete_epoch_weights"]


def test_ctrl_c_to_a_fitting_process_keeps_the_history_and_the_best_weights(job, tmp_path):
    path = tmp_path / "fit.safetensors"
    process = start(job, "estimator", "float32", path)
    wait_for_epochs(process, path, "RNNRegressor", 4)
    stop(process, signal.SIGINT)
    assert process.returncode == 0, (tmp_path / "job.log").read_text()[-2000:]
    result = json.loads(process.result.read_text())
    assert result["interrupted"]
    assert set(result["lengths"]) == {result["n_iter"]} and result["n_iter"] >= 4
    # early stopping restored the best epoch's weights (scored in float32 during the fit)
    assert result["score"] == pytest.approx(result["best_validation_score"], rel=1e-5)


# in-process checks of the checkpoint files --------------------------------------------------


class Interrupt(Callback):
    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, net, epoch, history):
        if epoch == self.epoch:
            raise KeyboardInterrupt
        return False


def small_network(seed=0):
    net = RNN(seed=seed).add_InputLayer(1).add_GRULayer(3).add_DenseLayer(1)
    X = np.random.default_rng(0).standard_normal((12, 4, 1))
    return net, X, X.sum(axis=1)


def test_a_crash_while_writing_a_checkpoint_keeps_the_previous_one(tmp_path, monkeypatch):
    path = tmp_path / "run.safetensors"
    net, X, t = small_network()
    writes, serialize = [], model_file.serialize

    def crash_on_third(record_text, arrays):
        writes.append(1)
        if len(writes) == 3:
            raise OSError("disk full")
        return serialize(record_text, arrays)

    monkeypatch.setattr(model_file, "serialize", crash_on_third)
    with pytest.raises(OSError, match="disk full"):
        net.train(X, t, epochs=6, batch_size=4, checkpoint_path=path)
    assert load_checkpoint(path).epoch == 2
    assert os.listdir(tmp_path) == ["run.safetensors"]  # no temporary file left behind


def test_an_interrupted_run_resumes_in_process_and_a_finished_one_does_nothing(tmp_path):
    path = tmp_path / "run.safetensors"
    net, X, t = small_network()
    with pytest.warns(UserWarning):
        net.train(X, t, epochs=7, batch_size=5, checkpoint_path=path, callbacks=[Interrupt(3)])
    resumed, _, _ = small_network()
    history = resumed.train(X, t, epochs=7, batch_size=5, checkpoint_path=path, resume=True)
    uninterrupted, _, _ = small_network()
    expected = uninterrupted.train(X, t, epochs=7, batch_size=5)
    assert_bit_identical(resumed, uninterrupted)
    assert without_time(history) == without_time(expected)
    again, _, _ = small_network()  # the run is over: nothing left to train
    assert without_time(again.train(X, t, epochs=7, batch_size=5, checkpoint_path=path,
                                    resume=True)) == without_time(expected)
    assert_bit_identical(again, uninterrupted)


def test_resume_without_a_file_starts_afresh(tmp_path):
    net, X, t = small_network()
    history = net.train(X, t, epochs=3, batch_size=5, checkpoint_path=tmp_path / "new.safetensors",
                        resume=True)
    fresh, _, _ = small_network()
    assert without_time(history) == without_time(fresh.train(X, t, epochs=3, batch_size=5))
    assert load_checkpoint(tmp_path / "new.safetensors").epoch == 3


def test_resuming_another_network_or_setting_is_refused(tmp_path):
    path = tmp_path / "run.safetensors"
    net, X, t = small_network()
    net.train(X, t, epochs=2, batch_size=5, checkpoint_path=path)
    other = RNN(seed=0).add_InputLayer(1).add_GRULayer(4).add_DenseLayer(1)
    with pytest.raises(ValueError, match=f"{path} holds a checkpoint of another network: its "
                                         "layers differ"):
        other.train(X, t, epochs=4, checkpoint_path=path, resume=True)
    with pytest.raises(ValueError, match=r"2 complete epochs, more than `epochs`=1"):
        small_network()[0].train(X, t, epochs=1, checkpoint_path=path, resume=True)
    with pytest.raises(ValueError, match=r"recorded \['loss', 'time'\].*validation data"):
        small_network()[0].train(X, t, X, t, epochs=4, checkpoint_path=path, resume=True)
    with pytest.raises(ValueError, match="`resume=True` needs the `checkpoint_path`"):
        small_network()[0].train(X, t, epochs=4, resume=True)
    X2, y2 = X[..., 0], t[:, 0]
    fit_path = tmp_path / "fit.safetensors"
    RNNRegressor(max_iter=2, random_state=0).fit(X2, y2, checkpoint_path=fit_path)
    with pytest.raises(ValueError, match="other hyperparameters: alpha differ"):
        RNNRegressor(max_iter=2, alpha=0.1, random_state=0).fit(
            X2, y2, checkpoint_path=fit_path, resume=True)
    with pytest.raises(ModelFileError, match="holds a 'RNNRegressor', expected RNNClassifier"):
        RNNClassifier(max_iter=2).fit(X2, y2 > 0, checkpoint_path=fit_path, resume=True)


def test_a_model_file_is_not_a_checkpoint(tmp_path):
    path = tmp_path / "model.safetensors"
    net, X, t = small_network()
    net.train(X, t, epochs=1, batch_size=5)
    net.save(path)
    with pytest.raises(ModelFileError, match=f"^{path}: field `checkpoint`: it is a model "
                                             "file, not a checkpoint"):
        small_network()[0].train(X, t, epochs=2, checkpoint_path=path, resume=True)
    with pytest.raises(ModelFileError, match=f"^{path}: field `checkpoint`"):
        load_checkpoint(path)


def test_a_network_that_cannot_be_stored_fails_before_training(tmp_path):
    def softsign(z):
        return z / (1 + jnp.abs(z))

    net = RNN(seed=0).add_InputLayer(1).add_RNNLayer(2, activation=softsign).add_DenseLayer(1)
    X = np.ones((4, 3, 1))
    before = [p.copy() for p in weights(net)]
    with pytest.raises(ValueError, match="Cannot save the activation"):
        net.train(X, X[:, 0], epochs=2, checkpoint_path=tmp_path / "run.safetensors")
    assert all(np.array_equal(a, b) for a, b in zip(weights(net), before))
    assert not os.listdir(tmp_path)


class Epochs(Callback):
    def __init__(self):
        self.count = 0

    def on_epoch_end(self, net, epoch, history):
        self.count += 1
        return False


@pytest.mark.parametrize("where", ["missing folder", "folder", "write-protected folder"])
def test_a_checkpoint_path_that_cannot_be_written_fails_before_the_first_epoch(tmp_path, where):
    target = {"missing folder": tmp_path / "missing" / "ck.safetensors",
              "folder": tmp_path, "write-protected folder": tmp_path / "locked" / "ck"}[where]
    if where == "write-protected folder":
        target.parent.mkdir()
        target.parent.chmod(0o555)
        if os.access(target.parent, os.W_OK):
            pytest.skip("this user (root) writes into a write-protected folder anyway")
    expected = {"missing folder": FileNotFoundError, "folder": IsADirectoryError,
                "write-protected folder": PermissionError}[where]
    net, X, t = small_network()
    epochs = Epochs()
    with pytest.raises(expected, match=f"Cannot save to {target}"):
        net.train(X, t, epochs=3, batch_size=5, checkpoint_path=target, callbacks=[epochs])
    assert epochs.count == 0
    X2, y2 = X[..., 0], t[:, 0]
    with pytest.raises(expected, match=f"Cannot save to {target}"):
        RNNRegressor(max_iter=2, random_state=0).fit(X2, y2, checkpoint_path=target)


def test_the_old_import_of_load_checkpoint_still_works_and_says_where_it_moved(tmp_path):
    path = tmp_path / "run.safetensors"
    net, X, t = small_network()
    net.train(X, t, epochs=1, batch_size=5, checkpoint_path=path)
    with pytest.warns(DeprecationWarning, match="import load_checkpoint from rnn_nodes"):
        from rnn_nodes.checkpoint import load_checkpoint as old
    assert old is load_checkpoint and old(path).epoch == 1
