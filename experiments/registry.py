"""The experiments by name, each imported only when it is run.

``python -m experiments list`` reads what it shows (the first line of each
module's docstring, and the data file it reads) from the source files, so
listing the studies imports neither JAX nor scikit-learn.
"""

import ast
import importlib
import pathlib
from collections.abc import Mapping

MODULES = {
    "sine": "sine",
    "ode": "ode",
    "weather": "weather",
    "parity": "parity",
    "vanishing": "vanishing",
    "schedulers": "schedulers_study",
    "mackey-glass": "mackey_glass",
    "mnist-rows": "mnist_rows",
    "sweep": "sweep",
    "stream": "stream",
    "varlen": "varlen",
    "digits": "digits",
    "mnist1d": "mnist1d_study",
    "adding": "adding",
    "ucr": "ucr",
    "defaults": "defaults",
}
"""Experiment name -> module name inside the ``experiments`` package."""

FOLDER = pathlib.Path(__file__).resolve().parent


class Experiments(Mapping):
    """Experiment name -> its module, imported at the first lookup."""

    def __getitem__(self, name):
        return importlib.import_module(f"experiments.{MODULES[name]}")

    def __iter__(self):
        return iter(MODULES)

    def __len__(self):
        return len(MODULES)


EXPERIMENTS = Experiments()


def summary(name):
    """What ``list`` shows of an experiment, read from its source without importing it.

    Parameters
    ----------
    name : str
        A key of `MODULES`.

    Returns
    -------
    title : str
        The first line of the module's docstring.
    data : str or None
        The module's ``DATA`` (the file or folder it reads), None if it reads none.

    Examples
    --------
    >>> summary("weather")[1]
    'clean_weather.csv'
    >>> summary("parity")[1] is None
    True
    """
    tree = ast.parse((FOLDER / f"{MODULES[name]}.py").read_text(encoding="utf-8"))
    data = None
    for statement in tree.body:
        if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and getattr(statement.targets[0], "id", None) == "DATA"):
            data = ast.literal_eval(statement.value)
    return ast.get_docstring(tree).strip().splitlines()[0], data
