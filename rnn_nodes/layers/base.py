"""The contract every layer keeps, written once."""

from abc import ABC, abstractmethod

import numpy as np

from rnn_nodes.validation import MAX_UNITS, check_positive_int


class Layer(ABC):
    """A layer owns its parameters and runs its nodes through time.

    What a layer provides
    ---------------------
    ``n_features`` : int
        Width of its output at one time step.
    ``sequence_output`` : bool
        True if the output is a sequence ``(batch, time, n_features)``,
        False if it is one vector per sample ``(batch, n_features)``.
    ``recurrent`` : bool
        True for a layer with a state carried through time; its ``forward``
        also takes the initial state ``h0`` and it sets ``h_last`` (the final
        state) and, in ``backward``, ``dh0`` (dC/dh0).
    ``cell_state`` : bool
        True for a recurrent layer with a second state (the LSTM's ``c``): its
        ``forward`` takes ``(H, h0, c0)`` and it also sets ``c_last`` and ``dc0``.
    ``state_shape(batch)``
        Shape of one initial state, ``(batch, n_features)`` unless a layer
        says otherwise (a bidirectional layer: ``(2, batch, n)``).
    ``params``, ``grads`` : dict of str to ndarray
        Parameters and their gradient buffers, keyed by the names of the
        notes (``W_layer``, ``b_layer``, ``W_time``, ``b_time``); empty for a
        layer without parameters.
    ``build(n_in, sequence_input, dtype, rng)``
        Called once by the network when the layer is added: ``n_in`` is the
        width of the layer below and ``sequence_input`` whether it gives a
        sequence. Draws the initial weights from ``rng``.
    ``forward(H)``
        ``(batch, time, n_in)`` or ``(batch, n_in)`` in, the output out;
        caches what ``backward`` needs in the nodes.
    ``backward(dC_dH)``
        Gradient of the cost with respect to the output in; zeroes and then
        fills ``grads`` with the sum over time steps of every node's
        contribution; returns the gradient with respect to the input.
        Gradients inside a recurrent stack may carry a leading axis of
        truncation budgets, ``(budgets, batch, time, n)``; a layer passes it
        on unchanged.
    ``start_derivatives()``, ``forward(H, ..., start_derivatives=True)``
        Recurrent layers only: dispatch the activation derivatives of the
        latest forward pass to JAX and return at once; ``backward`` waits for
        them. The network starts every layer's when its backward pass
        begins, so JAX computes them beside the layers above. In training it
        passes ``start_derivatives=True`` to ``forward``: a layer with many
        values to differentiate then starts them in pieces while its steps
        run (:func:`rnn_nodes.layers.derivatives.piece_ends`), the rest when
        its last step is done; ``start_derivatives()`` starts only what was
        not started yet.
    ``backward(dC_dH, ..., input_gradient=False)``
        Recurrent layers only: the parameter gradients (and ``dh0``) as
        always, but dC/dH of the input is not computed and None is returned.
        The network asks this of its first layer in training, where nothing
        reads the gradient of the data.
    ``last_step(H, lengths=None)``, ``last_step_backward(dC_dh, time, lengths=None)``
        For a sequence-output layer: what a many-to-one head reads from the
        output ``H`` (``H[:, -1]``, or each sequence's own last step
        ``H[b, lengths[b] - 1]``, unless a layer says otherwise), and the
        gradient to hand to ``backward`` given the gradient of that reading.

    Padded batches and carried states
    ---------------------------------
    ``forward(H, ..., lengths=lengths)``
        The network passes ``lengths`` (an int array ``(batch,)``) only when
        some sequences are shorter than the array: steps ``t >= lengths[b]``
        are padding (:mod:`rnn_nodes.sequences`). A recurrent layer keeps its
        state through them, so backward through them is the identity
        (:mod:`rnn_nodes.layers.padding`); a layer that maps each step alone
        may ignore ``lengths``.
    ``backward(dC_dH, dh_n=None)`` (``dh_n, dc_n`` with a cell state)
        A recurrent layer also takes the gradient of its final states, shaped
        like ``h_last`` (``c_last``): a gradient from outside the call (the
        next chunk of a stream), entering with the full truncation budget.

    A layer knows nothing of costs, regularisation or update rules.
    """

    sequence_output = True
    recurrent = False
    cell_state = False

    width = "units"
    """What ``n_features`` counts, for error messages."""

    def __init__(self, n_features):
        try:
            self.n_features = check_positive_int(n_features, "n_features", MAX_UNITS)
        except (TypeError, ValueError) as error:
            raise type(error)(f"{error} (the {type(self).__name__}'s number of "
                              f"{self.width})") from None
        self.params = {}
        self.grads = {}
        self.n_in = None

    def __repr__(self):
        return f"{type(self).__name__}({self.n_features})"

    @property
    def is_built(self):
        return self.n_in is not None

    @abstractmethod
    def build(self, n_in, sequence_input, dtype, rng):
        """Make the parameters for an input of width ``n_in``."""

    @abstractmethod
    def forward(self, H):
        """The layer's output for input ``H``."""

    @abstractmethod
    def backward(self, dC_dH):
        """Gradient buffers filled; gradient with respect to the input returned."""

    def state_shape(self, batch):
        """Shape of this recurrent layer's initial state for ``batch`` sequences."""
        return (batch, self.n_features)

    def last_step(self, H, lengths=None):
        """What a many-to-one head reads from the output ``H`` (batch, time, n): the last step,
        or each sequence's own, ``H[b, lengths[b] - 1]``."""
        if lengths is None:
            return H[:, -1]
        return H[np.arange(len(H)), lengths - 1]

    def last_step_backward(self, dC_dh, time, lengths=None):
        """dC/dH of the output, ``(..., batch, time, n)``, given dC/d(last_step) ``(..., batch, n)``."""
        dC_dH = np.zeros(dC_dh.shape[:-1] + (time, dC_dh.shape[-1]), dC_dh.dtype)
        if lengths is None:
            dC_dH[..., -1, :] = dC_dh
        else:
            dC_dH[..., np.arange(len(lengths)), lengths - 1, :] = dC_dh
        return dC_dH

    def zero_grads(self):
        for name, value in self.params.items():
            self.grads[name] = np.zeros_like(value)

    def set_params(self, **arrays):
        """Replace parameters by copies of ``arrays`` of exactly the same shapes.

        Raises
        ------
        ValueError
            For an unknown name or a shape that differs from the current one.
        """
        for name, array in arrays.items():
            if name not in self.params:
                raise ValueError(
                    f"{type(self).__name__} has no parameter {name!r}; it has "
                    f"{sorted(self.params)}"
                )
            array = np.asarray(array, dtype=self.params[name].dtype)
            if array.shape != self.params[name].shape:
                raise ValueError(
                    f"Argument `{name}` must have shape {self.params[name].shape}, "
                    f"got {array.shape}"
                )
            if not np.all(np.isfinite(array)):
                raise ValueError(f"Argument `{name}` contains NaN or infinite values")
        for name, array in arrays.items():
            self.params[name][...] = array
