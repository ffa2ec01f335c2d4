"""A fitted estimator in a model file: save, load and what the file keeps.

A part of :class:`~rnn_nodes.estimators.base.BaseRNNEstimator` (which inherits it).
"""

from sklearn.utils.validation import check_is_fitted

from rnn_nodes.estimators import _files

HISTORY_KEYS = ("loss", "val_loss", "score", "val_score", "lr", "time")
"""The per-epoch lists of ``history_``, in order."""


class EstimatorFiles:
    """Save, load and what a model file keeps; a part of the estimators' base class."""

    def save(self, path):
        """Write the fitted estimator to one safetensors file; see ``docs/model-files.md``.

        The network's arrays by name (``layers.1.W_layer``, ...) and a JSON record
        of the hyperparameters, the fitted attributes and the network's
        configuration, with a sha256 digest of every array.

        Parameters
        ----------
        path : str, bytes or os.PathLike
            Written exactly as given (``.safetensors`` is the suffix to use),
            atomically: a temporary file next to it, renamed over it. A symbolic
            link is followed and its target replaced.

        Raises
        ------
        ValueError
            If a hyperparameter cannot be stored as JSON (a user's activation
            function or scheduler class: pickle the estimator instead), or
            ``path`` is empty or not a regular file.
        PermissionError
            If ``path`` is a write-protected file or in a folder that is.
        FileNotFoundError
            If its folder does not exist.
        """
        check_is_fitted(self)
        _files.save(self, path)

    def _model_params(self):
        """The hyperparameters as a model file stores them."""
        return {key: _files.encode_param(key, value)
                for key, value in self.get_params(deep=False).items()}

    def _model_record(self, **fitted):
        """The record and arrays of the model file; ``fitted`` replaces fitted attributes."""
        return _files.model_record(self, **fitted)

    @classmethod
    def load(cls, path):
        """Read an estimator written by :meth:`save` (or a checkpoint of its ``fit``).

        It predicts bit-identically. The file is checked before anything it
        declares is allocated (``docs/model-files.md``); files of the earlier
        ``.npz`` format load too, whatever their suffix.

        Parameters
        ----------
        path : str, bytes or os.PathLike

        Raises
        ------
        FileNotFoundError
            If there is no such file.
        rnn_nodes.ModelFileError
            For a truncated, foreign, damaged or tampered file, or one holding
            another kind of model (a ``ValueError``; the message names the file
            and the field or array at fault).
        """
        return cls._read_model_file(path)[0]

    @classmethod
    def _read_model_file(cls, path, argument="path"):
        """``(estimator, rnn_nodes.persistence.ModelFile)`` read from ``path``."""
        return _files.read(cls, path, HISTORY_KEYS, argument)

    def _extra_fitted(self):
        """Subclass hook: the ``_EXTRA_FITTED`` attributes for the model file (JSON)."""
        return {}

    def _set_extra_fitted(self, fitted):
        """Subclass hook: set the ``_EXTRA_FITTED`` attributes from ``fitted``, checked
        (a ValueError or TypeError for a value ``fit`` would not have made)."""
