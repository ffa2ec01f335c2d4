"""The error of a model file that cannot be loaded, naming the file and the field at fault."""

import contextlib


class ModelFileError(ValueError):
    """A file is not a readable model file of the expected kind.

    Raised by every load (``RNN.load``, the estimators' ``load``,
    :func:`rnn_nodes.load_checkpoint`, ``resume=True``) for a truncated,
    foreign, damaged or tampered file; a ``ValueError``.

    Parameters
    ----------
    path : str
        The file, as the caller gave it.
    problem : str
        What is wrong.
    where : str, optional
        The part of the file at fault: a field of the record
        (``"field `network.blas_threads`"``), an array
        (``"array `layers.1.W_layer`"``), a member of a legacy archive, the header.

    Attributes
    ----------
    path, problem, where : str
        As given; the message is ``"{path}: {where}: {problem}"``.
    """

    def __init__(self, path, problem, where=None):
        self.path, self.problem, self.where = path, problem, where
        super().__init__(f"{path}: {where}: {problem}" if where else f"{path}: {problem}")

    def __reduce__(self):
        return type(self), (self.path, self.problem, self.where)


FILE_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError)
"""What a check, a constructor or numpy raises for a bad value read from a file."""


@contextlib.contextmanager
def checking(path, where):
    """Run a block that uses values read from ``path``: its errors become :class:`ModelFileError`.

    Parameters
    ----------
    path : str
        The file, for the message.
    where : str
        What the block uses, e.g. ``"field `network.lmbd`"``.

    Examples
    --------
    >>> with checking("m.safetensors", "field `network.lmbd`"):
    ...     float("x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rnn_nodes.persistence.errors.ModelFileError: m.safetensors: field `network.lmbd`: could ...
    """
    try:
        yield
    except ModelFileError:
        raise
    except FILE_ERRORS as error:
        problem = f"missing {error.args[0]!r}" if type(error) is KeyError else str(error)
        raise ModelFileError(path, problem, where) from error


def field(name):
    """How a message names the record's field ``name`` (``"network.lmbd"``)."""
    return f"field `{name}`"


def array(name):
    """How a message names the array ``name`` (``"layers.1.W_layer"``)."""
    return f"array `{name}`"
