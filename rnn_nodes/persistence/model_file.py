"""Model files: writing one, and reading one in the order that keeps loading safe.

Reading (:func:`read_model_file`), nothing is allocated by what the file declares before
it is checked:

1. the path: a regular file (:mod:`~rnn_nodes.persistence.paths`);
2. the container, from the first bytes: a zip (``PK\\x03\\x04``) is a legacy ``.npz``
   file (:mod:`~rnn_nodes.persistence.legacy_npz`), anything else safetensors
   (:mod:`~rnn_nodes.persistence.safetensors_file`); its header, within limits;
3. the record: JSON within limits (:mod:`~rnn_nodes.persistence.jsontext`), its own
   fields (:mod:`~rnn_nodes.persistence.records`), the network's configuration field by
   field (:class:`~rnn_nodes.persistence.plan.Plan`), the checkpoint's, and the caller's
   (an estimator's hyperparameters and fitted attributes);
4. every array the file declares against the arrays the record implies: names, dtypes,
   shapes;
5. the data: read, each array's digest (or the zip's CRC) verified, weights finite;
6. the network built from it.
"""

from dataclasses import dataclass

from rnn_nodes.persistence import jsontext, limits, paths, records
from rnn_nodes.persistence.arrays import BEST, network_arrays
from rnn_nodes.persistence.config import network_config
from rnn_nodes.persistence.errors import ModelFileError
from rnn_nodes.persistence.legacy_npz import LegacyNpzFile
from rnn_nodes.persistence.plan import Plan
from rnn_nodes.persistence.safetensors_file import SafetensorsFile, digest, serialize

ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class ModelFile:
    """A model file read and checked.

    Attributes
    ----------
    path : str
        As the caller gave it.
    record : dict
        The JSON record, checked.
    network : RNN
        Built, its weights, scheduler states and generator set.
    arrays : dict of str to ndarray
        Every array by name (``history.*``, ``best.*`` included).
    checkpoint : dict or None
        ``record["checkpoint"]``, checked.
    checked : object
        What the caller's ``check`` returned (an estimator, for its loader).
    best : tuple or None
        The best weights of an estimator's checkpoint, as
        :func:`rnn_nodes.training.snapshot` gives them.
    """

    path: str
    record: dict
    network: object
    arrays: dict
    checkpoint: dict | None = None
    checked: object = None
    best: tuple | None = None


def network_to_record(net):
    """The ``network`` field of a record and the arrays of ``net``.

    Raises
    ------
    ValueError
        If ``net`` holds a user's function or scheduler (a file stores names only).
    """
    arrays, scalars = network_arrays([layer.params for layer in net.layers],
                                     net.scheduler_states)
    return {**network_config(net, portable=True), "states": scalars}, arrays


def write_model_file(path, record, arrays, argument="path"):
    """Write ``record`` and ``arrays`` to ``path`` as a safetensors file, atomically.

    Parameters
    ----------
    path : str, bytes or os.PathLike
        Written exactly as given; ``.safetensors`` is the suffix to use.
    record : dict
        JSON values: ``kind``, ``network`` and what the kind needs; ``format``,
        ``version`` and the digests of the arrays are added.
    arrays : dict of str to ndarray
        float32 or float64, named as :mod:`~rnn_nodes.persistence.arrays` says.
    argument : str, default="path"
        The caller's argument name, for messages.

    Raises
    ------
    ValueError
        If the record is larger than a file may hold (see
        :mod:`~rnn_nodes.persistence.limits`), or not JSON.
    OSError
        See :func:`rnn_nodes.persistence.paths.atomic_write`.
    """
    paths.checked_path(path, argument)
    record = {"format": records.FORMAT, "version": records.VERSION, **record,
              "arrays": {name: digest(value) for name, value in sorted(arrays.items())}}
    text = jsontext.dumps(record)
    try:  # what is written must read back
        jsontext.parse(text, "the record", "", limits.MAX_RECORD_BYTES, limits.MAX_DEPTH,
                       limits.MAX_RECORD_VALUES)
    except ModelFileError as error:
        raise ValueError(f"Cannot save this model: {error.problem}") from None
    paths.atomic_write(path, serialize(text, arrays), argument)


def read_model_file(path, kinds, network_class, check=None, argument="path"):
    """Read and check a model file (see the module docstring for the order).

    Parameters
    ----------
    path : str, bytes or os.PathLike
        Either container, whatever the suffix.
    kinds : tuple of str
        The kinds of object the caller can load (``record["kind"]``).
    network_class : type
        ``RNN`` (or a subclass): built from the file.
    check : callable, optional
        ``check(record, plan, path)``, called once the record and the network's
        configuration are checked and before any array data is read; raises
        :class:`ModelFileError` for a field it refuses; what it returns is kept
        in :attr:`ModelFile.checked`.
    argument : str, default="path"

    Returns
    -------
    ModelFile

    Raises
    ------
    FileNotFoundError, IsADirectoryError, PermissionError
        Naming ``path``.
    ModelFileError
        For any other reason the file cannot be loaded, naming the file and the
        field, array or member at fault.
    """
    with paths.opened(path, argument) as (file, size, shown):
        container = (LegacyNpzFile if file.read(4) == ZIP_MAGIC else SafetensorsFile)
        file.seek(0)
        container = container(file, size, shown)
        record = jsontext.parse(container.record_text, shown, "record",
                                limits.MAX_RECORD_BYTES, limits.MAX_DEPTH,
                                limits.MAX_RECORD_VALUES)
        records.check_record(record, shown, kinds, container.version)
        plan = Plan(record["network"], network_class, shown)
        info = records.checkpoint_info(record, shown)
        specs = dict(plan.specs)
        best_states = None
        if info is not None:
            specs |= records.history_specs(info)
            best_states = info.get("monitor", {}).get("best_states")
            if best_states is not None:
                best_states = plan.state_entries(best_states, "checkpoint.monitor.best_states")
                specs |= plan.param_specs(BEST) | plan.state_specs(best_states, BEST)
        checked = None if check is None else check(record, plan, shown)
        digests = record.get("arrays")
        container.check(specs, digests)
        arrays = container.read(specs, digests)
    best = None if best_states is None else plan.snapshot(arrays, best_states, BEST)
    return ModelFile(shown, record, plan.build(arrays), arrays, info, checked, best)


def save_network(net, path):
    """Write ``net`` to ``path``; used by :meth:`rnn_nodes.RNN.save`."""
    config, arrays = network_to_record(net)
    write_model_file(path, {"kind": "RNN", "network": config}, arrays)


def load_network(path, cls):
    """Read a network written by :func:`save_network` (or a checkpoint of one);
    used by :meth:`rnn_nodes.RNN.load`."""
    return read_model_file(path, ("RNN",), cls).network
