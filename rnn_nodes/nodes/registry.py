"""Cells by name: what a model file may name, and how a cell of your own joins them.

A model file stores a recurrent layer's cell as a name, never as code; loading
a file that names a cell looks it up here. The built-in cells are registered;
a cell of your own is registered when you pass its class to a layer, or with
:func:`register_node`, which must have run (your module imported) before a file
naming it is loaded.
"""

import threading

from rnn_nodes.nodes.base import RecurrentNode, check_node_class
from rnn_nodes.nodes.elman import ElmanNode
from rnn_nodes.nodes.gru import GRUNode
from rnn_nodes.nodes.lstm import LSTMNode

NODES = {cls.name: cls for cls in (ElmanNode, GRUNode, LSTMNode)}
"""Registered cells, by name."""

_REGISTERING = threading.Lock()


def node_name(cls):
    """The name a file stores for the node class ``cls``: its ``name`` attribute, or its class
    name in lower case."""
    return cls.__dict__.get("name") or cls.__name__.lower()


def register_node(cls):
    """Register a cell so that model files may name it; returns ``cls`` (a class decorator).

    Parameters
    ----------
    cls : type
        A subclass of :class:`~rnn_nodes.nodes.RecurrentNode`.

    Returns
    -------
    type
        ``cls``.

    Raises
    ------
    TypeError
        If ``cls`` is not a :class:`~rnn_nodes.nodes.RecurrentNode` subclass.
    ValueError
        If another class is registered under its name.

    Examples
    --------
    >>> from rnn_nodes.nodes import ElmanNode, register_node
    >>> @register_node
    ... class ScaledElmanNode(ElmanNode):
    ...     name = "scaled_elman"
    >>> node_class("scaled_elman") is ScaledElmanNode
    True
    """
    if not (isinstance(cls, type) and issubclass(cls, RecurrentNode)):
        raise TypeError(f"register_node expects a subclass of RecurrentNode, got {cls!r}")
    check_node_class(cls)
    name = node_name(cls)
    with _REGISTERING:
        known = NODES.setdefault(name, cls)
        if _same_definition(known, cls):  # defined again (a notebook cell run twice)
            NODES[name] = known = cls
    if known is not cls:
        raise ValueError(
            f"a cell named {name!r} is registered already ({known.__module__}."
            f"{known.__qualname__}); give {cls.__qualname__} another `name`")
    return cls


def _same_definition(a, b):
    return (a.__module__, a.__qualname__) == (b.__module__, b.__qualname__) and a not in (
        ElmanNode, GRUNode, LSTMNode)


def node_class(cell):
    """The node class of a cell's name or class; a class not registered yet is registered.

    Raises
    ------
    ValueError
        For a name nobody registered.
    TypeError
        For anything but a string or a :class:`~rnn_nodes.nodes.RecurrentNode` subclass.
    """
    if isinstance(cell, str):
        if cell not in NODES:
            raise ValueError(
                f"Received an invalid value for argument `cell`, unknown cell {cell!r}; "
                f"known: {sorted(NODES)} (a cell of your own: import the module that "
                "defines it, and decorate its class with rnn_nodes.nodes.register_node)")
        return NODES[cell]
    if isinstance(cell, type) and issubclass(cell, RecurrentNode):
        return register_node(cell)
    raise TypeError(
        f"Received an invalid value for argument `cell`, expected a cell's name or a "
        f"subclass of rnn_nodes.nodes.RecurrentNode, got {cell!r}")
