"""The kernel-sensitive tests (``-m kernel``) again, under a second OpenBLAS kernel.

A float32 result's last bits depend on the BLAS kernel OpenBLAS picks for the CPU (AVX-512
``SkylakeX``, AVX2 ``Haswell`` / ``Zen``, AVX ``Sandybridge``), and a learning run that sits on a
plateau's edge can go either way on them. The tests marked ``kernel`` (learning thresholds,
batch-invariance, golden values) are the ones such bits could decide; every pytest session that
selects ``test_second_kernel.py`` runs them once more in a child process under another kernel
than its own (``OPENBLAS_CORETYPE``), started when the session's tests start and collected by the
last test, so that it overlaps the rest of the suite. The child also runs the ``exhaustive``
cases (the rest of full products whose covering sets every session runs), so that a full
session still checks them, on the other core. By hand::

    OPENBLAS_CORETYPE=Haswell pytest -m kernel
    OPENBLAS_CORETYPE=Sandybridge pytest -m kernel

``RNN_NODES_SECOND_KERNEL=NAME`` picks the child's kernel, ``=none`` turns the child off.
"""

import os
import pathlib
import platform
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHILD = "RNN_NODES_KERNEL_CHILD"
"""Set in the child's environment: a child starts no child."""
CHOICE = "RNN_NODES_SECOND_KERNEL"

AVX512 = ("SkylakeX", "Cooperlake", "SapphireRapids")
AVX2 = ("Haswell", "Zen")


def own_kernel():
    """The OpenBLAS kernel numpy runs on here (e.g. ``"SkylakeX"``), or None if unknown."""
    from threadpoolctl import threadpool_info

    for pool in threadpool_info():
        if pool.get("internal_api") == "openblas":
            return pool.get("architecture")
    return None


def second_kernel(own):
    """The kernel to check against ``own``: a narrower vector width the CPU surely runs.

    AVX-512 kernels are checked against AVX2 (``Haswell``), AVX2 ones against AVX
    (``Sandybridge``), anything else against SSE (``Nehalem``); ``RNN_NODES_SECOND_KERNEL``
    overrides. None: no second kernel (not x86-64, or turned off).
    """
    choice = os.environ.get(CHOICE)
    if choice:
        return None if choice.lower() == "none" else choice
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return None
    if own in AVX512:
        return "Haswell"
    if own in AVX2:
        return "Sandybridge"
    return "Nehalem"


class SecondKernelRun:
    """``pytest -m "kernel or exhaustive"`` in a child process under ``kernel`` (the
    kernel-sensitive tests, and the full products whose covering sets the session runs);
    output to a temporary file."""

    def __init__(self, kernel):
        self.kernel = kernel
        self.log = tempfile.TemporaryFile("w+")  # noqa: SIM115 (read and closed in result)
        environment = {**os.environ, "OPENBLAS_CORETYPE": kernel, CHILD: "1",
                       "OPENBLAS_NUM_THREADS": "1",
                       "PYTHONPATH": os.pathsep.join(
                           [str(ROOT)] + os.environ.get("PYTHONPATH", "").split(os.pathsep))}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pytest", "-m", "kernel or exhaustive", "-q", "-p", "no:cacheprovider",
             "-o", "addopts=-ra", str(ROOT / "tests")],
            cwd=ROOT, env=environment, stdout=self.log, stderr=subprocess.STDOUT)

    def result(self, timeout):
        """``(exit code, output)`` once the child is done (killed after ``timeout`` s)."""
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.log.seek(0)
        output = self.log.read()
        self.log.close()
        return code, output

    def stop(self):
        """End the child if it still runs (the session ended without collecting it)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.log.close()
