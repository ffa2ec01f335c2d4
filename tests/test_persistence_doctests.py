"""The examples in the docstrings of the model-file modules run as written."""

import doctest
import importlib
import pathlib

import pytest

MODULES = ["rnn_nodes.persistence.errors", "rnn_nodes.persistence.jsontext",
           "rnn_nodes.persistence.arrays", "rnn_nodes.convert", "rnn_nodes.network_files"]
ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_run(name, monkeypatch):
    monkeypatch.chdir(ROOT)  # rnn_nodes.convert converts a fixture of tests/
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder()
    tests = [test for test in finder.find(module)
             if name != "rnn_nodes.network_files" or test.name.endswith((".save", ".load"))]
    assert any(test.examples for test in tests)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
