"""Persistence is a tier below the network: its modules never import the network or the
estimators, not even inside a function; the callers pass their classes in."""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "rnn_nodes"
LOWER = sorted((PACKAGE / "persistence").glob("*.py")) + [PACKAGE / "checkpoint.py",
                                                          PACKAGE / "io.py"]
ABOVE = ("rnn_nodes.network", "rnn_nodes.estimators", "rnn_nodes.runs", "rnn_nodes.convert")
NAMES_ABOVE = ("network", "estimators", "runs", "convert", "RNN", "RNNRegressor",
               "RNNClassifier", "load_checkpoint")


def imports(tree):
    """``(module, name)`` of every import in ``tree``, at any depth."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield from ((node.module or "", alias.name) for alias in node.names)


@pytest.mark.parametrize("path", LOWER, ids=lambda path: path.name)
def test_a_persistence_module_imports_nothing_above_it(path):
    for module, name in imports(ast.parse(path.read_text())):
        assert not module.startswith(ABOVE), f"{path.name} imports {module}"
        assert not (module == "rnn_nodes" and name in NAMES_ABOVE), (
            f"{path.name} imports {name} from rnn_nodes")


def test_the_deprecated_alias_is_the_only_import_of_the_package_itself():
    tree = ast.parse((PACKAGE / "checkpoint.py").read_text())
    alias = next(node for node in tree.body
                 if isinstance(node, ast.FunctionDef) and node.name == "__getattr__")
    whole_package = [node for node in ast.walk(tree) if isinstance(node, ast.Import)
                     and any(a.name == "rnn_nodes" for a in node.names)]
    assert whole_package == [n for n in ast.walk(alias) if n in whole_package]
    assert len(whole_package) == 1


@pytest.mark.parametrize("path", LOWER + [PACKAGE / "runs.py", PACKAGE / "convert.py",
                                          PACKAGE / "estimators" / "_files.py"],
                         ids=lambda path: path.name)
def test_a_persistence_module_is_small(path):
    assert len(path.read_text().splitlines()) <= 400
