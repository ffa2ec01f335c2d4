"""A network in files and in PyTorch: ``save``/``load``, pickling, PyTorch state dicts and modules.

A part of :class:`~rnn_nodes.RNN` (which inherits it), kept in its own file.
"""

from rnn_nodes import inference, io, torch_export
from rnn_nodes.layers import Bidirectional


class FileMethods:
    """A network in files and in PyTorch; a part of :class:`~rnn_nodes.RNN`."""

    def load_torch_state_dict(self, state_dict):
        """Load ``nn.RNN`` / ``nn.GRU`` / ``nn.LSTM`` weights: the k-th recurrent layer takes
        the ``_l{k}`` entries (and a bidirectional one the ``_l{k}_reverse`` entries too).

        Parameters
        ----------
        state_dict : dict of str to ndarray
            ``weight_ih_l{k}``, ``weight_hh_l{k}``, ``bias_ih_l{k}``,
            ``bias_hh_l{k}`` for every recurrent layer k, in the layout of its
            cell type (gates stacked: GRU r, z, n; LSTM i, f, g, o); numpy
            arrays (call ``.numpy()`` on PyTorch tensors first).
        """
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        directions = []  # (layer, suffix of its keys)
        for k, layer in enumerate(self.recurrent_layers):
            if isinstance(layer, Bidirectional):
                directions += [(layer.forward_layer, f"_l{k}"),
                               (layer.reverse_layer, f"_l{k}_reverse")]
            else:
                directions.append((layer, f"_l{k}"))
        expected = {name + suffix for _, suffix in directions for name in names}
        if set(state_dict) != expected:
            raise ValueError(
                f"Argument `state_dict` must hold exactly {sorted(expected)} for this "
                f"network's {len(self.recurrent_layers)} recurrent layers; missing "
                f"{sorted(expected - set(state_dict))}, unexpected "
                f"{sorted(set(state_dict) - expected)}"
            )
        with inference.weights_lock(self):  # predictions see the old or the new weights
            for layer, suffix in directions:
                layer.set_torch_weights(*(state_dict[name + suffix] for name in names))
        self.is_trained = True

    def torch_state_dict(self):
        """The recurrent layers' weights under PyTorch's names and in its layout: the inverse
        of :meth:`load_torch_state_dict` (see :func:`rnn_nodes.torch_export.torch_state_dict`)."""
        return torch_export.torch_state_dict(self)

    def to_torch(self):
        """The network as a ``torch.nn.Sequential`` of PyTorch's own modules, same weights, same
        outputs (see :func:`rnn_nodes.torch_export.to_torch`); needs torch."""
        return torch_export.to_torch(self)

    # keeping ------------------------------------------------------------------------

    def save(self, path):
        """Write the network to one safetensors file: weights, scheduler states, a JSON record.

        The record (configuration, generator state, a sha256 digest of every array)
        sits in the file's metadata; see ``docs/model-files.md``. Any safetensors
        reader (PyTorch, JAX) opens the arrays by name (``layers.1.W_layer``).

        Parameters
        ----------
        path : str, bytes or os.PathLike
            Written exactly as given (``.safetensors`` is the suffix to use),
            atomically: a temporary file next to it, renamed over it. A symbolic
            link is followed and its target replaced.

        Raises
        ------
        ValueError
            If the network holds a user's function or scheduler (a file stores
            registered names only: pickle it instead), or ``path`` is empty or
            not a regular file.
        PermissionError
            If ``path`` is a write-protected file or in a folder that is.
        FileNotFoundError
            If its folder does not exist.

        Examples
        --------
        >>> import os, tempfile
        >>> from rnn_nodes import RNN
        >>> net = RNN(seed=0).add_InputLayer(1).add_RNNLayer(2).add_DenseLayer(1)
        >>> path = os.path.join(tempfile.mkdtemp(), "net.safetensors")
        >>> net.save(path)
        >>> [layer.n_features for layer in RNN.load(path).layers]
        [1, 2, 1]
        """
        io.save_network(self, path)

    @classmethod
    def load(cls, path):
        """Read a network written by :meth:`save` (or a checkpoint); it predicts bit-identically.

        The file is checked before anything it declares is allocated: see
        ``docs/model-files.md``. Files of the earlier ``.npz`` format load too
        (the format is found from the first bytes, whatever the suffix);
        ``python -m rnn_nodes.convert old.npz new.safetensors`` writes them anew.

        Parameters
        ----------
        path : str, bytes or os.PathLike

        Raises
        ------
        FileNotFoundError
            If there is no such file.
        rnn_nodes.ModelFileError
            For a truncated, foreign, damaged or tampered file (a ``ValueError``),
            naming the file and the field or array at fault.
        """
        return io.load_network(path, cls)

    def __getstate__(self):
        # numpy arrays and names only: activations and costs hold jitted functions
        return io.network_state(self)

    def __setstate__(self, state):
        self.__dict__.update(io.network_from_state(state, type(self)).__dict__)
