"""Training a network: ``train`` over epochs, ``train_step`` on one batch, gradient clipping.

A part of :class:`~rnn_nodes.RNN` (which inherits it), kept in its own file.
"""

import numpy as np

from rnn_nodes import checkpoint, inference
from rnn_nodes.layers import Bidirectional
from rnn_nodes.threads import with_blas_threads
from rnn_nodes.training import Layout, check_callbacks, train_epochs
from rnn_nodes.validation import (
    check_bool,
    check_optional_positive_int,
    check_positive_int,
)


class TrainingMethods:
    """Training a network; a part of :class:`~rnn_nodes.RNN`."""

    @with_blas_threads
    def train(self, X, t, X_val=None, t_val=None, epochs=10, batch_size=32,
              shuffle=True, verbose=0, callbacks=None, metrics=None, initial_epoch=0,
              checkpoint_path=None, checkpoint_every=1, resume=False, *, lengths=None,
              lengths_val=None, window=None, stateful=False):
        """Minibatch training with one update per batch.

        Parameters
        ----------
        X : ndarray of shape (n_samples, time, n_in), or list of (time_b, n_in) arrays
            A list holds sequences of different lengths (padded, see :meth:`forward`).
        t : ndarray of shape (n_samples, time, n_out) or (n_samples, n_out)
            For a list ``X`` and a sequence output, a list of ``(time_b, n_out)``
            arrays or a padded array.
        X_val, t_val : ndarray, optional
            Validation data, scored after every epoch.
        epochs : int, default=10
        batch_size : int, default=32
            Clipped, with a warning, to the number of samples.
        shuffle : bool, default=True
            Reshuffle the samples every epoch with the network's generator.
        verbose : {0, 1, 2}, default=0
            0 prints nothing, 1 shows a progress bar over the epochs on stderr,
            2 prints one line per epoch. Ctrl-C ends training cleanly, keeping
            the history and the weights of the complete epochs (see
            :mod:`rnn_nodes.training`).
        callbacks : list of Callback, optional
            Called at the start, after every epoch (one returning True stops
            training) and at the end; e.g. :class:`~rnn_nodes.training.EarlyStopping`.
        metrics : dict of str to callable, optional
            ``name -> f(y_hat, t) -> float``, recorded per epoch as ``name``
            (on the epoch's training outputs) and ``val_name``. Default:
            ``accuracy`` for ``bce`` and ``cce``, nothing otherwise.
        initial_epoch : int, default=0
            Epochs done before (Keras' meaning): trains epochs
            ``initial_epoch + 1 .. epochs``, numbered so.
        checkpoint_path : str or os.PathLike, optional
            Write the run (weights, scheduler states, generator state, epoch
            count, history) to this file after every ``checkpoint_every``-th
            epoch, atomically; see :mod:`rnn_nodes.checkpoint`.
        checkpoint_every : int, default=1
        resume : bool, default=False
            If the file at ``checkpoint_path`` exists, load the run from it into
            this network (built the same way) and train the remaining epochs;
            the history returned is then that of the whole run. Same seed and
            data: the weights at the end are those of an uninterrupted run.
        lengths, lengths_val : array-like of int, optional
            With padded arrays ``X`` / ``X_val``: the sequences' lengths (see
            :meth:`forward`). The cost of a sequence output and the metrics
            (on the valid steps as rows, ``(n_valid, n_out)``) see the valid
            steps only.
        window : int, optional
            Truncated BPTT over long sequences: each epoch trains on the
            consecutive windows of ``window`` steps in time order, one update
            per window and batch of samples (the samples keep their batches;
            ``shuffle`` is not used). Needs a sequence output.
        stateful : bool, default=False
            With ``window``: carry the final states of each window into the
            next (detached: the gradient stops at the window), so a window sees
            everything before it; the states restart from zeros every epoch.
            Else every window starts from zeros. Validation runs the same way
            on ``X_val``.

        Returns
        -------
        history : dict of str to list of float
            Per epoch: ``loss`` (mean of the batches' costs, each taken before
            its batch's update), ``val_loss`` when validation data are given,
            the metrics (``accuracy`` / ``val_accuracy`` for ``bce`` and
            ``cce`` by default) and ``time``.

        Raises
        ------
        TrainingDivergedError
            When a batch's cost is NaN or infinite; the weights are restored
            to those at the start of that epoch.
        """
        self._check_complete()
        epochs = check_positive_int(epochs, "epochs")
        batch_size = check_positive_int(batch_size, "batch_size")
        X, t, lengths = self._check_data(X, t, "X", "t", lengths)
        validation = None
        if (X_val is None) != (t_val is None):
            raise ValueError("Give both `X_val` and `t_val`, or neither")
        if X_val is not None:
            validation = self._check_data(X_val, t_val, "X_val", "t_val", lengths_val,
                                          "lengths_val")
        elif lengths_val is not None:
            raise ValueError("Give `lengths_val` with `X_val` only")
        layout = self._check_layout(lengths, validation, window, stateful)
        shuffle = check_bool(shuffle, "shuffle")
        run, initial_epoch = checkpoint.start(self, checkpoint_path, checkpoint_every, resume,
                                              initial_epoch, epochs)
        self._training = True  # callbacks may call predict
        try:
            history = train_epochs(self, X, t, validation, epochs, batch_size, shuffle,
                                   verbose, check_callbacks(callbacks) + ([run] if run else []),
                                   metrics, initial_epoch, layout)
        finally:
            self._training = False
        self.is_trained = True
        return run.whole_history(history) if run else history

    def _check_layout(self, lengths, validation, window, stateful):
        """The training :class:`~rnn_nodes.training.Layout`, its arguments checked together."""
        window = check_optional_positive_int(window, "window")
        stateful = check_bool(stateful, "stateful")
        padded = lengths is not None or validation is not None and validation[2] is not None
        if padded and self.sequence_output:
            self.cost.require_mask()
        if stateful and window is None:
            raise ValueError("stateful=True carries the states from one window of the "
                             "sequences to the next: give `window`, e.g. window=50")
        if window is not None:
            if not self.sequence_output:
                raise ValueError("Training over windows (`window`) needs a sequence output "
                                 "(an OutputLayer): every window has its own targets")
            if padded:
                raise ValueError("Training over windows (`window`) needs sequences of one "
                                 "length, got `lengths`")
            if stateful:
                self._check_streamable("train(stateful=True)")
        return Layout(lengths, window, stateful)

    def _check_streamable(self, caller):
        if any(isinstance(layer, Bidirectional) for layer in self.layers):
            raise ValueError(f"{caller} cannot carry a bidirectional layer's state: its "
                             "reverse direction would need the steps of the next chunk")

    @with_blas_threads
    def train_step(self, X, t, h0=None, c0=None, *, lengths=None):
        """Forward, backward, clip, and one scheduler step per parameter.

        Parameters
        ----------
        X, t, h0, c0, lengths : see :meth:`forward` and :meth:`backward`
            The initial states are inputs: their gradient is not followed.

        Returns
        -------
        cost : float
            The batch's data cost before the update.
        y_hat : ndarray
            The output before the update.
        """
        y_hat = self.forward(X, h0, c0, lengths=lengths, start_derivatives=True)
        self.backward(t, input_gradient=False)
        cost = self.batch_cost
        if not np.isfinite(cost):
            return cost, y_hat
        self._clip_gradients()
        with inference.weights_lock(self):  # a prediction sees all of the update or none
            for i, layer in self.trainable_layers:
                for name, param in layer.params.items():
                    key = (i, name)
                    if key not in self.scheduler_states:
                        self.scheduler_states[key] = self.scheduler.init(param)
                    change, self.scheduler_states[key] = self.scheduler.update_change(
                        layer.grads[name], self.scheduler_states[key])
                    param -= change
        return cost, y_hat

    def _clip_gradients(self):
        if self.clip_norm is None:
            return
        grads = [g for _, layer in self.trainable_layers for g in layer.grads.values()]
        norm = np.sqrt(sum(float(np.sum(g * g)) for g in grads))
        if norm > self.clip_norm:
            for g in grads:
                g *= self.clip_norm / norm
