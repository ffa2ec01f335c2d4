"""The kernel-sensitive tests pass under a second OpenBLAS kernel (see ``second_kernel.py``)."""

import os

import pytest

import second_kernel

TIMEOUT = 900
"""Seconds the last test waits for the child (it runs about 2 minutes alone)."""


def test_the_kernel_sensitive_tests_pass_under_a_second_kernel(second_kernel_run):
    if os.environ.get(second_kernel.CHILD):
        pytest.skip("this is the second-kernel run itself")
    if second_kernel_run is None:
        pytest.skip("no second OpenBLAS kernel here (not x86-64, or RNN_NODES_SECOND_KERNEL=none)")
    code, output = second_kernel_run.result(TIMEOUT)
    tail = "\n".join(output.splitlines()[-40:])
    assert code == 0, (f"`OPENBLAS_CORETYPE={second_kernel_run.kernel} pytest -m "
                       f'"kernel or exhaustive"` failed (exit code {code}):\n{tail}')
    assert " passed" in tail, tail


@pytest.mark.kernel
def test_the_openblas_kernel_is_the_one_asked_for():
    """A run under ``OPENBLAS_CORETYPE`` really computes with that kernel."""
    asked = os.environ.get("OPENBLAS_CORETYPE")
    own = second_kernel.own_kernel()
    if own is None:
        pytest.skip("numpy's BLAS is not OpenBLAS, or threadpoolctl cannot see it")
    if asked:
        assert own.lower() == asked.lower(), (own, asked)
    assert second_kernel.second_kernel(own) != own
