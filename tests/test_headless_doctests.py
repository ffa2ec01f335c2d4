"""The examples in the docstrings of the modules of issue 16 run as written (no torch needed)."""

import doctest
import importlib

import pytest

MODULES = ["rnn_nodes.gradients", "rnn_nodes.one_step", "rnn_nodes.torch_export",
           "rnn_nodes.summary"]


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_run(name):
    tests = doctest.DocTestFinder().find(importlib.import_module(name))
    assert any(test.examples for test in tests)
    runner = doctest.DocTestRunner()
    for test in tests:
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
