import os

import jax
import pytest

import docs_build
import second_kernel

# Gradient checks run in float64, and silent rank broadcasting is a bug class of its own.
jax.config.update("jax_enable_x64", True)
jax.config.update("jax_numpy_rank_promotion", "raise")

RUNNER = "test_second_kernel.py::test_the_kernel_sensitive_tests_pass_under_a_second_kernel"
DOCS = "test_docs_build.py::test_the_docs_build_without_warnings"
CHILD_RUN = pytest.StashKey()
"""The session's SecondKernelRun, when it started one."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "kernel: a result the BLAS kernel could decide (learning thresholds, "
        "batch invariance, golden values); run again under a second OpenBLAS kernel by "
        "tests/test_second_kernel.py, or by hand: OPENBLAS_CORETYPE=Haswell pytest -m kernel")
    config.addinivalue_line(
        "markers", "exhaustive: the rest of a full product whose covering set runs always; "
        "left out unless -m selects it (pytest -m exhaustive); the second-kernel child of a "
        "full session runs them")


def pytest_report_header(config):
    return f"openblas kernel: {second_kernel.own_kernel()}"


def pytest_collection_modifyitems(session, config, items):
    """Leave out the ``exhaustive`` cases unless ``-m`` is given; start the second-kernel
    child now when the session runs its test, and run that test last."""
    if not config.option.markexpr:
        left_out = [item for item in items if item.get_closest_marker("exhaustive")]
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = [item for item in items if not item.get_closest_marker("exhaustive")]
    docs = [item for item in items if item.nodeid.endswith(DOCS)]
    if docs and not os.environ.get(second_kernel.CHILD) and not config.getoption("collectonly"):
        items.remove(docs[0])  # the docs build in the background meanwhile; collected last
        items.append(docs[0])
        docs_build.start()
    runner = [item for item in items if item.nodeid.endswith(RUNNER)]
    if not runner or os.environ.get(second_kernel.CHILD):
        return
    items.remove(runner[0])
    items.append(runner[0])
    kernel = second_kernel.second_kernel(second_kernel.own_kernel())
    if kernel is not None and config.getoption("collectonly") is False:
        config.stash[CHILD_RUN] = second_kernel.SecondKernelRun(kernel)


@pytest.fixture(scope="session")
def second_kernel_run(request):
    """The child started at collection (a SecondKernelRun), or None."""
    return request.config.stash.get(CHILD_RUN, None)


def pytest_unconfigure(config):
    run = config.stash.get(CHILD_RUN, None)
    if run is not None:
        run.stop()
    docs_build.stop()
