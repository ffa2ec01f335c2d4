"""Using a trained network: ``predict``, streams, carried states and free-running ``extrapolate``.

A part of :class:`~rnn_nodes.RNN` (which inherits it), kept in its own file.
"""

from rnn_nodes import prediction
from rnn_nodes.threads import with_blas_threads
from rnn_nodes.validation import (
    MAX_STEPS,
    check_bool,
    check_positive_int,
)


class PredictionMethods:
    """Using a trained network; a part of :class:`~rnn_nodes.RNN`."""

    @with_blas_threads
    def predict(self, X, h0=None, c0=None, *, lengths=None, stateful=False):
        """The network's output for ``X`` (see :meth:`forward`), after training or loading.

        An inference pass (:mod:`rnn_nodes.inference`): no training caches,
        the samples in chunks of bounded memory, nothing kept on the network,
        so threads may predict while another trains (each call sees the
        weights before or after an update). The numbers are :meth:`forward`'s.

        Parameters
        ----------
        X, h0, c0, lengths : see :meth:`forward`
        stateful : bool, default=False
            Streaming: start from the final states of the previous stateful
            call (zeros after :meth:`reset_states`) and keep this call's final
            states in :attr:`states` for the next one. Consecutive chunks of
            long series then give exactly the output of one call on the whole
            series. Given ``h0`` / ``c0`` replace the carried states. The
            states live on the network, so one thread streams at a time:
            :meth:`stream` gives each caller a stream of its own.
        """
        self._check_trained()
        if not check_bool(stateful, "stateful"):
            return prediction.predict(self, X, h0, c0, lengths)[0]
        y_hat, self.states = prediction.continue_from(self, self.states, X, h0, c0, lengths,
                                                      "predict(stateful=True)")
        return y_hat

    def _check_trained(self):
        if not (self.is_trained or getattr(self, "_training", False)):  # callbacks may predict
            from sklearn.exceptions import (
                NotFittedError,  # scikit-learn only when raised
            )

            raise NotFittedError(
                "This RNN has not been trained or loaded yet: call train(...) or "
                "load_torch_state_dict(...) first, or forward(...) for the "
                "output of the initial weights"
            )

    def stream(self):
        """A :class:`~rnn_nodes.prediction.Stream` over this network: ``stream.predict(X_chunk)``
        continues from the states of its previous call, ``stream.reset()`` starts over.

        Its states live in the stream, so any number of streams (and threads)
        may share the network.
        """
        return prediction.Stream(self)

    def reset_states(self):
        """Forget the states carried by ``predict(..., stateful=True)``: the next call starts
        from zeros."""
        self.states = None

    @with_blas_threads
    def extrapolate(self, X, n_steps, h0=None, c0=None, *, lengths=None):
        """Run on ``X``, then feed each prediction back as the next input.

        Each sequence continues from its own last step: the output there is the
        first prediction, and the states there start the free run. Needs a
        sequence output as wide as the input. Runs as :meth:`predict` does
        (chunks of sequences, no caches, thread-safe).

        Parameters
        ----------
        X : ndarray of shape (batch, time, n), or list of (time_b, n) arrays
            The warm-up sequences; a list may mix lengths.
        n_steps : int
        h0, c0 : see :meth:`forward`
        lengths : array-like of int of shape (batch,), optional
            With a padded array: sequence ``b`` ends at step ``lengths[b] - 1``
            (see :meth:`forward`).

        Returns
        -------
        ndarray of shape (batch, n_steps, n)
            The predictions after the end of each sequence.

        Raises
        ------
        rnn_nodes.prediction.FreeRunDivergedError
            A ``ValueError`` naming the step at which a prediction fed back
            became NaN or infinite.
        """
        n_steps = check_positive_int(n_steps, "n_steps", MAX_STEPS)
        if not self.sequence_output or self.n_outputs != self.n_features_in:
            raise ValueError(
                "extrapolate needs a many-to-many network whose output has as many "
                f"features as its input; this one maps {self.n_features_in} features "
                f"to {'a sequence of ' if self.sequence_output else ''}{self.n_outputs}"
            )
        return prediction.extrapolate(self, X, n_steps, h0, c0, lengths)

    # loading ----------------------------------------------------------------
