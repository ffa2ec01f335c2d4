"""Build the docs in a background process for the duration of the test session.

``start()`` (called by ``tests/conftest.py`` at session start) runs ``sphinx-build -W -E``
into a temporary folder; ``result()`` (called by ``tests/test_docs_build.py``) waits for it.
``RNN_NODES_DOCS_BUILD=none`` turns it off (the test then builds in the foreground).
"""

import importlib.util
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
_build = {}


def start():
    """Start the build unless sphinx is missing or it is switched off; idempotent."""
    if _build or importlib.util.find_spec("sphinx") is None:
        return
    if os.environ.get("RNN_NODES_DOCS_BUILD") == "none":
        return
    folder = pathlib.Path(tempfile.mkdtemp(prefix="rnn-nodes-docs-"))
    log = open(folder / "build.log", "w+")  # noqa: SIM115 (kept open while it runs)
    process = subprocess.Popen(
        [sys.executable, "-m", "sphinx", "-W", "-E", "-q", "-b", "html",
         "-d", str(folder / "doctrees"), str(ROOT / "docs"), str(folder / "html")],
        stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
        env={**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"})
    _build.update(process=process, log=log, html=folder / "html")


def result(timeout=900):
    """``(returncode, output, html folder)`` of the build, started now if it was not."""
    if not _build:
        os.environ.pop("RNN_NODES_DOCS_BUILD", None)
        start()
    process, log = _build["process"], _build["log"]
    process.wait(timeout=timeout)
    log.seek(0)
    return process.returncode, log.read(), _build["html"]


def stop():
    """End a build still running (the session ended without waiting for it)."""
    process = _build.get("process")
    if process is not None and process.poll() is None:
        process.kill()
        process.wait()
