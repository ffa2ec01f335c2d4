"""The argument checks of :class:`rnn_nodes.RNN`: initial states, targets, data.

A mixin, so that ``network.py`` keeps the passes and training; every check
reads the network's layers, dtype and widths.
"""

import numpy as np

from rnn_nodes.sequences import as_padded, is_ragged, pad_sequences
from rnn_nodes.validation import as_float_array, check_same_length, check_sequences


class NetworkChecks:
    """Checks of the arguments of :class:`rnn_nodes.RNN`'s passes."""

    def _check_initial_states(self, h0, batch, name="h0"):
        """``h0`` (one per recurrent layer) or ``c0`` (one per LSTM layer) as a list of arrays.

        ``dh_n`` and ``dc_n``, the final states' gradients, are laid out alike. When
        every recurrent layer is bidirectional, PyTorch's ``(layers * 2, batch, n)``
        (forward and reverse direction of layer 0, then of layer 1, ...) is taken too.
        """
        hidden = name in ("h0", "dh_n")
        layers = self.recurrent_layers if hidden else self.cell_layers
        if h0 is None:
            return [None] * len(layers)
        if isinstance(h0, np.ndarray) and h0.ndim >= 3 or not isinstance(h0, (list, tuple)):
            h0 = as_float_array(h0, name, (3, 4), self.dtype)
            if h0.ndim == 3 and len(h0) == 2 * len(layers) and all(
                    len(layer.state_shape(batch)) == 3 for layer in layers):
                # PyTorch's (layers * 2, batch, n) of a bidirectional stack: pairs per layer
                h0 = h0.reshape(len(layers), 2, *h0.shape[1:])
            h0 = list(h0)
        if len(h0) != len(layers):
            kind = "recurrent layer" if hidden else "LSTM layer"
            what = "initial state" if name in ("h0", "c0") else "final state's gradient"
            raise ValueError(
                f"Argument `{name}` must hold one {what} per {kind} "
                f"({len(layers)}), got {len(h0)}"
            )
        states = []
        for k, (state, layer) in enumerate(zip(h0, layers)):
            shape = layer.state_shape(batch)
            state = as_float_array(state, f"{name}[{k}]", len(shape), self.dtype)
            if state.shape != shape:
                layout = "(batch, hidden)" if len(shape) == 2 else "(2, batch, hidden)"
                raise ValueError(
                    f"Argument `{name}[{k}]` must have shape {layout} = {shape}, "
                    f"got {state.shape}"
                )
            states.append(state)
        return states

    def _check_targets(self, t, batch_time, batch=None, name="t", lengths=None):
        batch = batch_time[0] if batch is None else batch
        if self.sequence_output and is_ragged(t):  # one (time_b, n_out) array per sequence
            t, t_lengths = pad_sequences(t, name, self.n_outputs, self.dtype, batch_time[1])
            x_lengths = np.full(batch, batch_time[1]) if lengths is None else lengths
            if len(t_lengths) == batch and np.any(t_lengths != x_lengths):
                b = int(np.flatnonzero(t_lengths != x_lengths)[0])
                raise ValueError(
                    f"Argument `{name}[{b}]` has {t_lengths[b]} steps, but its input "
                    f"sequence has {x_lengths[b]}: give one target per input step")
        if self.sequence_output:
            expected = (batch, batch_time[1], self.n_outputs)
            layout = "(batch, time, n_out)"
        else:
            expected = (batch, self.n_outputs)
            layout = "(batch, n_out)"
        t = as_float_array(t, name, len(expected), self.dtype)
        if t.shape != expected:
            raise ValueError(
                f"Argument `{name}` must have shape {layout} = {expected} for this "
                f"network's {type(self.layers[-1]).__name__}, got {t.shape}"
            )
        return t

    def _check_data(self, X, t, X_name, t_name, lengths=None, lengths_name="lengths"):
        """``(X, t, lengths)`` checked; lengths None when no sequence is padded."""
        X, lengths = as_padded(X, lengths, X_name, self.n_features_in, self.dtype, lengths_name)
        X = check_sequences(X, X_name, self.n_features_in, self.dtype)
        if isinstance(t, (list, tuple)) or np.ndim(t) >= 1:  # np.ndim fails on ragged lists
            check_same_length(X, t, X_name, t_name)
        t = self._check_targets(t, X.shape[:2], name=t_name, lengths=lengths)
        return X, t, lengths
