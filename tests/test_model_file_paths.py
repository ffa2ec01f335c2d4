"""Saving does what the path says; every save and load takes str, bytes and os.PathLike.

A symbolic link is followed (its target replaced atomically, the temporary file next to
the target); a named pipe, a device or a folder is refused and left as it is; a
write-protected file is refused with PermissionError; a missing folder is a
FileNotFoundError naming the path given; any legal file name works; ``""`` is refused.
No error names the temporary file.
"""

import os
import pathlib
import stat
import tempfile
import threading

import numpy as np
import pytest

from rnn_nodes import RNN, ModelFileError, RNNRegressor, load_checkpoint
from rnn_nodes.convert import convert
from rnn_nodes.persistence import paths

LEGACY = pathlib.Path(__file__).resolve().parent / "fixtures" / "legacy"


@pytest.fixture(scope="module")
def net():
    net = RNN(seed=0).add_InputLayer(1).add_RNNLayer(2).add_DenseLayer(1)
    X = np.random.default_rng(0).standard_normal((6, 3, 1))
    net.train(X, X.sum(axis=1), epochs=1, batch_size=3)
    return net


def weights(net):
    return [p for layer in net.layers for p in layer.params.values()]


def same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(weights(a), weights(b)))


def no_temporary_named(error):
    assert paths.TEMPORARY_PREFIX not in str(error), error


def test_a_symlink_is_followed_and_its_target_replaced_with_the_temporary_beside_it(
        tmp_path, net, monkeypatch):
    (tmp_path / "models").mkdir()
    target = tmp_path / "models" / "real.safetensors"
    target.write_bytes(b"old model")
    link = tmp_path / "link.safetensors"
    link.symlink_to(os.path.join("models", "real.safetensors"))  # relative, as users make them
    folders, mkstemp = [], tempfile.mkstemp

    def recording_mkstemp(*args, **kwargs):
        folders.append(kwargs["dir"])
        return mkstemp(*args, **kwargs)

    monkeypatch.setattr(paths.tempfile, "mkstemp", recording_mkstemp)
    net.save(link)
    assert link.is_symlink() and os.readlink(link) == os.path.join("models", "real.safetensors")
    assert same(RNN.load(target), net) and same(RNN.load(link), net)
    assert folders == [str(tmp_path / "models")]
    assert sorted(os.listdir(tmp_path / "models")) == ["real.safetensors"]


def test_a_dangling_symlink_gets_its_target_written(tmp_path, net):
    link = tmp_path / "link.safetensors"
    link.symlink_to(tmp_path / "new.safetensors")
    net.save(link)
    assert link.is_symlink() and same(RNN.load(tmp_path / "new.safetensors"), net)


def test_a_named_pipe_is_refused_and_left_as_it_is_by_save_and_load(tmp_path, net):
    fifo = tmp_path / "pipe.safetensors"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match=f"Cannot save to {fifo}: it is a named pipe"):
        net.save(fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    loading = threading.Thread(target=lambda: pytest.raises(ModelFileError, RNN.load, fifo))
    loading.start()
    loading.join(timeout=30)  # a load that opened the pipe blocking would wait forever
    assert not loading.is_alive()
    with pytest.raises(ModelFileError, match=f"^{fifo}: it is a named pipe"):
        RNN.load(fifo)


def test_a_device_or_a_folder_is_refused(tmp_path, net):
    with pytest.raises(ValueError, match="Cannot save to /dev/null: it is a character device"):
        net.save("/dev/null")
    with pytest.raises(IsADirectoryError, match=f"Cannot save to {tmp_path}: it is a folder"):
        net.save(tmp_path)
    with pytest.raises(IsADirectoryError, match=f"Cannot load {tmp_path}: it is a folder"):
        RNN.load(tmp_path)
    with pytest.raises(ModelFileError, match="^/dev/null: it is a character device"):
        RNN.load("/dev/null")


def test_a_write_protected_file_is_refused(tmp_path, net):
    path = tmp_path / "kept.safetensors"
    path.write_bytes(b"a model to keep")
    path.chmod(0o444)
    if os.access(path, os.W_OK):
        pytest.skip("this user (root) may write a 0444 file anyway, so saving replaces it: "
                    "the refusal follows the permission the system gives (os.access); "
                    "test_write_protection_is_read_from_os_access covers it for root")
    with pytest.raises(PermissionError, match=f"Cannot save to {path}: the file is "
                                              "write-protected"):
        net.save(path)
    assert path.read_bytes() == b"a model to keep"


def test_write_protection_is_read_from_os_access(tmp_path, net, monkeypatch):
    """What a non-root user sees for a 0444 file, shown as root too: os.access says no."""
    path = tmp_path / "kept.safetensors"
    path.write_bytes(b"a model to keep")
    access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: (
        False if os.fspath(p) == str(path) and mode == os.W_OK else access(p, mode, **kw)))
    with pytest.raises(PermissionError, match=f"Cannot save to {path}: the file is "
                                              "write-protected") as error:
        net.save(path)
    assert error.value.filename == str(path)
    assert path.read_bytes() == b"a model to keep"


def test_a_missing_folder_is_named_as_given(tmp_path, net):
    path = os.path.join("no", "such", "dir", "m.safetensors")
    with pytest.raises(FileNotFoundError, match=f"Cannot save to {path}: there is no folder")\
            as error:
        net.save(path)
    assert error.value.filename == path
    no_temporary_named(error.value)
    with pytest.raises(FileNotFoundError, match="m.safetensors"):
        RNN.load(path)


def test_a_245_byte_name_is_saved_and_loaded(tmp_path, net):
    path = tmp_path / ("m" * 233 + ".safetensors")
    assert len(path.name.encode()) == 245
    net.save(path)
    assert same(RNN.load(path), net)
    assert os.listdir(tmp_path) == [path.name]


@pytest.mark.parametrize("bad, kind", [("", ValueError), (b"", ValueError), (3, TypeError),
                                       (None, TypeError), ("a\0b", ValueError)])
def test_an_empty_or_invalid_path_is_refused_naming_the_argument(tmp_path, net, bad, kind):
    X = np.ones((3, 2, 1))
    calls = [("path", lambda: net.save(bad)), ("path", lambda: RNN.load(bad)),
             ("path", lambda: load_checkpoint(bad)),
             ("path", lambda: RNNRegressor.load(bad)), ("source", lambda: convert(bad, "x"))]
    if bad is not None:  # checkpoint_path=None means no checkpoint
        calls.append(("checkpoint_path",
                      lambda: net.train(X, X[:, 0], epochs=1, checkpoint_path=bad)))
    for argument, call in calls:
        with pytest.raises(kind, match=f"argument `{argument}`"):
            call()
    assert not os.listdir(tmp_path)


@pytest.mark.parametrize("kind", ["str", "bytes", "PathLike"])
def test_every_save_and_load_takes_str_bytes_and_pathlike(tmp_path, net, kind):
    def as_kind(path):
        return {"str": str, "bytes": os.fsencode, "PathLike": pathlib.Path}[kind](path)

    net.save(as_kind(tmp_path / "net.safetensors"))
    assert same(RNN.load(as_kind(tmp_path / "net.safetensors")), net)
    X = np.random.default_rng(1).standard_normal((6, 3))
    model = RNNRegressor(hidden_layer_sizes=(2,), max_iter=2, random_state=0)
    with pytest.warns(Warning):
        model.fit(X, X.sum(axis=1), checkpoint_path=as_kind(tmp_path / "fit.safetensors"))
    model.save(as_kind(tmp_path / "model.safetensors"))
    for file in ("fit.safetensors", "model.safetensors"):
        assert np.array_equal(RNNRegressor.load(as_kind(tmp_path / file)).predict(X),
                              model.predict(X))
    again = RNN(seed=0).add_InputLayer(1).add_RNNLayer(2).add_DenseLayer(1)
    X3 = X[..., None]
    again.train(X3, X3.sum(axis=1), epochs=2, batch_size=3,
                checkpoint_path=as_kind(tmp_path / "run"))
    assert load_checkpoint(as_kind(tmp_path / "run")).epoch == 2
    resumed = RNN(seed=0).add_InputLayer(1).add_RNNLayer(2).add_DenseLayer(1)
    resumed.train(X3, X3.sum(axis=1), epochs=3, batch_size=3,
                  checkpoint_path=as_kind(tmp_path / "run"),
                  resume=True)
    assert load_checkpoint(as_kind(tmp_path / "run")).epoch == 3
    assert convert(as_kind(LEGACY / "rnn.npz"), as_kind(tmp_path / "c.safetensors")) == "RNN"
