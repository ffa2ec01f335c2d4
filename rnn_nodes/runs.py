"""A training run read back from its checkpoint, where the network class is known.

:mod:`rnn_nodes.checkpoint` sits below the network (it never imports it); this module
sits above and gives :func:`load_checkpoint` its class.
"""

from rnn_nodes.checkpoint import Run, run_from_checkpoint
from rnn_nodes.network import RNN


def load_checkpoint(path):
    """Read a checkpoint written by ``RNN.train(..., checkpoint_path=path)``.

    Parameters
    ----------
    path : str, bytes or os.PathLike
        A checkpoint file (safetensors, or the legacy ``.npz`` of earlier versions).

    Returns
    -------
    Run
        ``network`` (an ``RNN`` as at the end of epoch ``epoch``), ``epoch`` and
        ``history`` (per-epoch lists of the run so far).

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    rnn_nodes.ModelFileError
        If it is not a checkpoint of an ``RNN``, naming the file and the field.
    """
    return run_from_checkpoint(path, RNN)


__all__ = ["Run", "load_checkpoint"]
