"""Write a model file of the earlier ``.npz`` format anew, as safetensors.

From a shell::

    python -m rnn_nodes.convert old.npz new.safetensors

From Python (in the repository's root, which holds files of the old format):

>>> import os, tempfile
>>> from rnn_nodes.convert import convert
>>> target = os.path.join(tempfile.mkdtemp(), "regressor.safetensors")
>>> convert("tests/fixtures/legacy/regressor.npz", target)
'RNNRegressor'

The old file is read with every check of a load (it is refused, and nothing written, if
it is damaged or tampered with); the new one holds the same record and the same arrays
bit for bit, so ``load`` gives the same model from either. Any model file converts: a
network, an estimator, a checkpoint of either; a file already in the new format is
written anew unchanged.
"""

import argparse
import sys

from rnn_nodes.estimators import RNNClassifier, RNNRegressor
from rnn_nodes.network import RNN
from rnn_nodes.persistence import ModelFileError, read_model_file, write_model_file

ESTIMATORS = {cls.__name__: cls for cls in (RNNRegressor, RNNClassifier)}
KINDS = ("RNN",) + tuple(ESTIMATORS)


def convert(source, target):
    """Read the model file ``source`` (either format) and write it to ``target`` as safetensors.

    Parameters
    ----------
    source : str, bytes or os.PathLike
    target : str, bytes or os.PathLike
        Written exactly as given, atomically (it may be ``source`` itself).

    Returns
    -------
    str
        The kind of model converted: ``"RNN"``, ``"RNNRegressor"`` or ``"RNNClassifier"``.

    Raises
    ------
    FileNotFoundError
        If there is no ``source``.
    rnn_nodes.ModelFileError
        If ``source`` cannot be loaded (nothing is written).
    """
    model = read_model_file(source, KINDS, RNN, argument="source")
    kind = model.record["kind"]
    if kind in ESTIMATORS:  # the estimator's own fields, checked as its load does
        model = ESTIMATORS[kind]._read_model_file(source, "source")[1]
    record = {key: value for key, value in model.record.items()
              if key not in ("format", "version", "arrays")}
    write_model_file(target, record, model.arrays, argument="target")
    return kind


def main(argv=None):
    """The command line: ``python -m rnn_nodes.convert OLD NEW``; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m rnn_nodes.convert",
        description="Write a model file of an earlier rnn-nodes version (.npz) anew as "
                    "safetensors; the old file is left as it is.")
    parser.add_argument("source", help="the model file to read (.npz or .safetensors)")
    parser.add_argument("target", help="the file to write (e.g. model.safetensors)")
    arguments = parser.parse_args(argv)
    try:
        kind = convert(arguments.source, arguments.target)
    except (OSError, ModelFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {arguments.target}: {kind}, from {arguments.source}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
