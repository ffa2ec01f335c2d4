"""The reliability campaign prints how many generated cases each property ran; the file
properties share one child process that loads under a memory limit."""

import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import pytest

import campaign
import limited_loads

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def pytest_terminal_summary(terminalreporter):
    if not campaign.CASES:
        return
    terminalreporter.section("reliability campaign: generated cases run")
    for name, n in sorted(campaign.CASES.items()):
        terminalreporter.write_line(f"{n:6d}  {name}")
    terminalreporter.write_line(f"{sum(campaign.CASES.values()):6d}  in all")


class LimitedLoader:
    """A child process that loads model files under an address-space limit (``limited_loads``)."""

    def __init__(self, folder):
        self.folder = pathlib.Path(folder)
        environment = {**os.environ, "OPENBLAS_NUM_THREADS": "1",
                       "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)])}
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "limited_loads.py"), str(folder)], cwd=folder,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environment)
        self.files = limited_loads.ORIGINALS
        self.started = None

    def wait(self):
        """Wait until the child has written the originals and set its limit; return self."""
        if self.started is None:
            self.started = self._reply()
            self.limit = self.started["limit"]
            self.originals = {name: (self.folder / file).read_bytes()
                              for name, (file, _) in self.files.items()}
        return self

    def _reply(self):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the loading process ended (code {self.process.wait()})")
        return json.loads(line)

    def load(self, data, original, loader, name="spoiled"):
        """Write ``data`` to a file and load it in the child as ``loader`` does."""
        path = self.folder / name
        path.write_bytes(data)
        request = {"path": str(path), "original": original, "loader": loader}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return {**self._reply(), "path": str(path)}

    def close(self):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


_STARTED = []


def pytest_collection_finish(session):
    """Start the loading process as soon as a collected test needs it: it imports JAX and
    writes the originals while the tests before run."""
    if any("limited_loader" in getattr(item, "fixturenames", ()) for item in session.items):
        _STARTED.append(LimitedLoader(tempfile.mkdtemp(prefix="rnn-nodes-limited-loads-")))


@pytest.fixture(scope="session")
def limited_loader():
    """Loads model files in a child process under a memory limit; see ``limited_loads.py``."""
    if not _STARTED:
        _STARTED.append(LimitedLoader(tempfile.mkdtemp(prefix="rnn-nodes-limited-loads-")))
    return _STARTED[0].wait()


def pytest_sessionfinish(session):
    while _STARTED:
        _STARTED.pop().close()
