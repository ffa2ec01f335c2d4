"""The network: ordered layers, a cost, an update rule, forward and backward passes."""

import numpy as np

from rnn_nodes import checkpoint, inference, io, prediction, summary, torch_export
from rnn_nodes.costs import get_cost
from rnn_nodes.gradients import Gradients, ParameterGradients
from rnn_nodes.keywords import check_keywords_of
from rnn_nodes.layers import (
    Bidirectional,
    DenseLayer,
    GRULayer,
    InputLayer,
    Layer,
    LSTMLayer,
    OutputLayer,
    RNNLayer,
)
from rnn_nodes.network_checks import NetworkChecks
from rnn_nodes.output_gradient import output_seed
from rnn_nodes.schedulers import Adam, get_scheduler
from rnn_nodes.sequences import (
    States,
    as_padded,
    stack_states,
    step_mask,
)
from rnn_nodes.threads import with_blas_threads
from rnn_nodes.training import Layout, check_callbacks, train_epochs
from rnn_nodes.validation import (
    MAX_BLAS_THREADS,
    MAX_STEPS,
    check_bool,
    check_dtype,
    check_non_negative_float,
    check_optional_positive_int,
    check_positive_int,
    check_sequences,
)


class RNN(NetworkChecks):
    """A recurrent neural network built layer by layer, trained with exact BPTT.

    Parameters
    ----------
    cost : {"mse", "bce", "cce"} or callable, default="mse"
        See :mod:`rnn_nodes.costs` for the exact normalisation.
    scheduler : Scheduler or str, optional
        Update rule; default ``Adam()``. The network keeps one fresh state
        per parameter and never changes the object passed.
    lmbd : float, default=0.0
        L2 penalty. The cost minimised is
        ``C + lmbd / 2 * sum of squares of every weight matrix`` (``W_layer``,
        ``W_time``; not the biases); its gradient ``lmbd * W`` is added once
        per batch, in :meth:`backward`.
    bptt_limit : int, optional
        Truncated backpropagation through time (see :class:`RNNLayer`).
    clip_norm : float, optional
        During :meth:`train`, gradients whose global norm exceeds this are
        scaled down to it before the update.
    dtype : {"float32", "float64"}, default="float32"
        float32 is the fast path; float64 is what gradient checks use.
    seed : int or None
        Seeds a ``numpy.random.Generator`` for the initial weights and the
        shuffling of every epoch.
    blas_threads : int or None, default=1
        BLAS threads while the network computes (see :mod:`rnn_nodes.threads`:
        one thread is twice as fast on small matrices); None leaves them as set.

    Attributes
    ----------
    layers : list of Layer
        ``layers[0]`` is the :class:`InputLayer`.
    scheduler_states : dict
        ``(layer index, parameter name) -> state``, made at the first update.

    Notes
    -----
    Thread safety: :meth:`predict`, :meth:`extrapolate`, :meth:`cost_value`
    and the streams of :meth:`stream` keep nothing on the network (see
    :mod:`rnn_nodes.prediction`): any number of threads may call them while
    one thread trains, each call seeing the weights before or after an update.
    :meth:`forward`, :meth:`backward`, :meth:`gradients`, :meth:`train_step`
    and :meth:`train` keep the pass's caches on the layers: one thread at a
    time. ``predict(stateful=True)`` keeps its states on the network: one
    caller at a time (a :meth:`stream` each otherwise).
    """

    def __init__(self, cost="mse", scheduler=None, lmbd=0.0, bptt_limit=None,
                 clip_norm=None, dtype="float32", seed=None, blas_threads=1):
        self.cost = get_cost(cost)
        self.scheduler = Adam() if scheduler is None else get_scheduler(scheduler)
        self.lmbd = check_non_negative_float(lmbd, "lmbd")
        self.bptt_limit = check_optional_positive_int(bptt_limit, "bptt_limit", MAX_STEPS)
        self.clip_norm = check_non_negative_float(clip_norm, "clip_norm", allow_none=True)
        if self.clip_norm == 0:
            raise ValueError("Received an invalid value for argument `clip_norm`, "
                             "expected a positive number or None, got 0")
        self.dtype = check_dtype(dtype)
        try:
            self.rng = np.random.default_rng(seed)
        except (TypeError, ValueError) as error:
            raise type(error)("Received an invalid value for argument `seed`, expected None "
                              f"or a non-negative integer, got {seed!r}: {error}") from None
        self.blas_threads = check_optional_positive_int(blas_threads, "blas_threads",
                                                        MAX_BLAS_THREADS)
        self.layers = []
        self.scheduler_states = {}
        self.is_trained = False
        self._output = None
        self._lengths = None
        self.states = None

    def __repr__(self):
        layers = ", ".join(map(repr, self.layers))
        return f"RNN(cost={self.cost.name!r}, layers=[{layers}])"

    def summary(self, print_fn=print):
        """Print a table of the layers: output shapes, parameter counts, total (as Keras'
        ``model.summary()``; see :mod:`rnn_nodes.summary`). ``print_fn`` takes the text."""
        print_fn(summary.summary_text(self))

    # building ---------------------------------------------------------------

    def add_layer(self, layer):
        """Append ``layer``, sized to the layer below, and draw its weights.

        Returns
        -------
        self
        """
        if not isinstance(layer, Layer):
            raise TypeError("Received an invalid value for argument `layer`, expected a "
                            f"Layer, got {type(layer).__name__}: {layer!r}")
        if not self.layers and not isinstance(layer, InputLayer):
            raise ValueError("The first layer must be an InputLayer: call "
                             "add_InputLayer(n_features) first")
        if self.layers and isinstance(layer, InputLayer):
            raise ValueError("A network has one InputLayer, and it comes first")
        if layer.is_built:
            raise ValueError(f"{layer!r} already belongs to a network")
        if layer.recurrent:
            layer.bptt_limit = self.bptt_limit
        below = self.layers[-1] if self.layers else layer
        layer.build(below.n_features, below.sequence_output, self.dtype, self.rng)
        if isinstance(layer, DenseLayer) and below.sequence_output:
            layer.source = below  # many-to-one: reads below.last_step
        self.layers.append(layer)
        self.scheduler_states = {}
        return self

    def add_InputLayer(self, n_features):
        """Input of ``n_features`` features per time step."""
        return self.add_layer(InputLayer(n_features))

    def add_RNNLayer(self, n_features, activation="tanh", bidirectional=False, merge="concat"):
        """An Elman recurrent layer of ``n_features`` hidden units.

        ``bidirectional=True`` wraps it in :class:`Bidirectional` with ``merge``
        (``"concat"``: ``2 * n_features`` outputs per step, or ``"sum"``).
        """
        return self._add_recurrent(RNNLayer(n_features, activation), bidirectional, merge)

    def add_GRULayer(self, n_features, activation="tanh", gate_activation="sigmoid",
                     bidirectional=False, merge="concat"):
        """A GRU layer (PyTorch's ``nn.GRU`` equations); see :meth:`add_RNNLayer` for the rest."""
        return self._add_recurrent(GRULayer(n_features, activation, gate_activation),
                                   bidirectional, merge)

    def add_LSTMLayer(self, n_features, activation="tanh", gate_activation="sigmoid",
                      forget_bias=1.0, bidirectional=False, merge="concat"):
        """An LSTM layer (PyTorch's ``nn.LSTM`` equations); see :meth:`add_RNNLayer` for the rest."""
        layer = LSTMLayer(n_features, activation, gate_activation, forget_bias)
        return self._add_recurrent(layer, bidirectional, merge)

    def _add_recurrent(self, layer, bidirectional, merge):
        if not isinstance(bidirectional, bool):
            raise TypeError("Received an invalid value for argument `bidirectional`, expected "
                            f"True or False, got {bidirectional!r}")
        return self.add_layer(Bidirectional(layer, merge) if bidirectional else layer)

    def add_OutputLayer(self, n_features, activation="identity"):
        """A dense map at every time step: many-to-many output ``(batch, time, n)``."""
        return self.add_layer(OutputLayer(n_features, activation))

    def add_DenseLayer(self, n_features, activation="identity"):
        """A dense map of the last time step (many-to-one) or of the dense layer below."""
        return self.add_layer(DenseLayer(n_features, activation))

    @property
    def recurrent_layers(self):
        return [layer for layer in self.layers if layer.recurrent]

    @property
    def cell_layers(self):
        """The recurrent layers with a cell state (LSTM), which take a ``c0``."""
        return [layer for layer in self.layers if layer.cell_state]

    @property
    def trainable_layers(self):
        return [(i, layer) for i, layer in enumerate(self.layers) if layer.params]

    @property
    def n_features_in(self):
        return self.layers[0].n_features

    @property
    def n_outputs(self):
        return self.layers[-1].n_features

    @property
    def sequence_output(self):
        return self.layers[-1].sequence_output

    def _check_complete(self):
        if len(self.layers) < 2:
            raise ValueError(
                "The network is incomplete: it needs an InputLayer and at least "
                "one more layer (recurrent, OutputLayer or DenseLayer)"
            )

    # forward and backward -----------------------------------------------------

    @with_blas_threads
    def forward(self, X, h0=None, c0=None, *, lengths=None, return_states=False,
                start_derivatives=False):
        """Output of the network; caches what :meth:`backward` needs.

        The caches live on the layers: one thread at a time. For predictions
        :meth:`predict` gives the same numbers without caches, in chunks of
        bounded memory, and is thread-safe.

        Parameters
        ----------
        X : ndarray of shape (batch, time, n_in), or list of (time_b, n_in) arrays
            Any number of time steps. A list holds sequences of different
            lengths: they are padded with zeros (see :mod:`rnn_nodes.sequences`).
        h0 : list of ndarray or ndarray, optional
            Initial states: one ``(batch, n_l)`` array per recurrent layer
            (``(2, batch, n_l)`` for a bidirectional one: forward, reverse), or
            one ``(layers, batch, hidden)`` array when all have the same shape.
            Zeros if None. The ``h`` of :class:`States` fits.
        c0 : list of ndarray or ndarray, optional
            Initial cell states of the LSTM layers, as ``h0`` but one per LSTM
            layer only. Zeros if None.
        lengths : array-like of int of shape (batch,), optional
            With a padded array: sequence ``b`` is ``X[b, :lengths[b]]``, the
            rest padding that changes nothing (the states are carried through
            it, a many-to-one head reads step ``lengths[b] - 1``, a sequence
            output is zero there).
        return_states : bool, default=False
            Also return the final states.
        start_derivatives : bool, default=False
            A :meth:`backward` of this pass follows (as in :meth:`train_step`
            and :meth:`gradients`): the recurrent layers dispatch their
            activation derivatives to JAX during the forward pass, in pieces
            while they run when there are many
            (:func:`rnn_nodes.layers.derivatives.piece_ends`), so that JAX
            computes them on the other core. The output is the same either way.

        Returns
        -------
        output : ndarray
            ``(batch, time, n_out)`` for a sequence output, else ``(batch, n_out)``.
        states : States
            With ``return_states`` only: every recurrent layer's state after
            each sequence's last step (``states.h``; ``states.c`` for the LSTM
            layers), for ``forward(X_next, *states)``.
        """
        self._check_complete()
        X, lengths = as_padded(X, lengths, "X", self.n_features_in, self.dtype)
        X = check_sequences(X, "X", self.n_features_in, self.dtype)
        h0 = self._check_initial_states(h0, len(X))
        c0 = self._check_initial_states(c0, len(X), "c0")
        padded = {} if lengths is None else {"lengths": lengths}
        started = {"start_derivatives": check_bool(start_derivatives, "start_derivatives")}
        H = X
        states, cells = iter(h0), iter(c0)
        for layer in self.layers:
            if layer.cell_state:
                H = layer.forward(H, next(states), next(cells), **padded, **started)
            elif layer.recurrent:
                H = layer.forward(H, next(states), **padded, **started)
            else:
                H = layer.forward(H, **padded)
        mask = self.output_mask(lengths, H.shape[1])
        if mask is not None:
            H[~mask] = 0  # nothing comes out of padding
        self._output, self._lengths = H, lengths
        return (H, self._final_states()) if return_states else H

    def output_mask(self, lengths, time):
        """Which output steps are real, ``(batch, time)`` bool; None when nothing is masked.

        Only a sequence output of a padded batch has steps to mask: a
        many-to-one head already reads each sequence's own last step.
        """
        if lengths is None or not self.sequence_output:
            return None
        return step_mask(lengths, time)

    def _final_states(self):
        """The :class:`States` after the latest forward pass."""
        return States(stack_states([layer.h_last for layer in self.recurrent_layers]),
                      stack_states([layer.c_last for layer in self.cell_layers]))

    @with_blas_threads
    def backward(self, t, dh_n=None, dc_n=None, *, dY=None, input_gradient=True):
        """Backpropagate the cost of the latest forward pass against targets ``t``.

        Fills every layer's ``grads`` (with the L2 term added), every
        recurrent layer's ``dh0`` and every LSTM layer's ``dc0``, and sets
        ``batch_cost``, the data cost of that forward pass.

        Parameters
        ----------
        t : ndarray of the output's shape, or None
            A padded output's targets may come as a list of ``(time_b,
            n_out)`` arrays. None: no cost in this call (``batch_cost`` 0),
            only the gradients ``dY``, ``dh_n``, ``dc_n``. When the network
            ends with a recurrent layer the cost is taken on its hidden
            sequence (see :mod:`rnn_nodes.output_gradient`).
        dh_n, dc_n : list of ndarray or ndarray, optional
            Gradients of the final states (laid out as ``h0`` / ``c0``, or as
            the :class:`States` of the forward pass) coming from outside the
            call, e.g. ``gradients(X2, ...).h0`` of the next chunk: chaining
            gives the gradient of the two chunks as one sequence. Under
            truncated BPTT they enter with the full budget.
        dY : ndarray of the output's shape, optional
            Instead of ``t``: the gradient of the output, PyTorch's
            ``output.backward(dY)``: the gradients are those of
            ``sum(Y * dY) + sum(h_n * dh_n) + sum(c_n * dc_n)``.
        input_gradient : bool, default=True
            False: dC/dX is not computed (training never reads it) when the
            first layer is recurrent, and None is returned.

        Returns
        -------
        dC_dX : ndarray of shape (batch, time, n_in), or None

        Raises
        ------
        ValueError
            For ``t`` and ``dY`` together, a ``dY`` not of the output's shape,
            or ``dh_n`` / ``dc_n`` not one per recurrent / LSTM layer.
        """
        if self._output is None:
            raise ValueError("backward needs a forward pass first")
        self.batch_cost, seed, is_delta = output_seed(self, t, dY)
        for layer in self.recurrent_layers:  # JAX computes them while the layers above work
            layer.start_derivatives()
        finals = self._final_gradients(dh_n, dc_n, len(self._output))
        top = len(self.layers) - 1
        dC = seed
        if is_delta:  # a head whose activation pairs with the cost takes dC/dz
            dC, top = self.layers[top].backward(delta=seed), top - 1
        for i in reversed(range(1, top + 1)):
            layer = self.layers[i]
            if layer.recurrent:  # the last layer too: a network may end with one, as nn.RNN
                skip = {} if i > 1 or input_gradient else {"input_gradient": False}
                dC = layer.backward(dC, *finals.get(i, ()), **skip)
            else:
                dC = layer.backward(dC)
        self._add_l2_gradient()
        if dC is None:
            return None
        dC = self.layers[0].backward(dC)  # the InputLayer passes it on
        return dC if dC.ndim == 3 else dC.sum(axis=0)

    def _final_gradients(self, dh_n, dc_n, batch):
        """``{layer index: (dh_n,) or (dh_n, dc_n)}`` for the recurrent layers; {} if both None."""
        if dh_n is None and dc_n is None:
            return {}
        dh_n = self._check_initial_states(dh_n, batch, "dh_n")
        dc_n = iter(self._check_initial_states(dc_n, batch, "dc_n"))
        finals = {}
        for dh, (i, layer) in zip(dh_n, self._recurrent_indices()):
            finals[i] = (dh, next(dc_n)) if layer.cell_state else (dh,)
        return finals

    def _recurrent_indices(self):
        return [(i, layer) for i, layer in enumerate(self.layers) if layer.recurrent]

    def _add_l2_gradient(self):
        """The one place regularisation enters: dC/dW += lmbd * W."""
        if self.lmbd == 0:
            return
        for _, layer in self.trainable_layers:
            for name in layer.params:
                if name.startswith("W_"):  # W_layer, W_time (and W_layer_reverse, ...)
                    layer.grads[name] += self.lmbd * layer.params[name]

    @with_blas_threads
    def gradients(self, X, t, h0=None, c0=None, *, lengths=None, dh_n=None, dc_n=None,
                  dY=None):
        """Every gradient of the cost (L2 included) for one batch; no update.

        Parameters
        ----------
        X : ndarray of shape (batch, time, n_in), or list of (time_b, n_in) arrays
        t : ndarray of the output's shape (or list, or None: see :meth:`backward`)
        h0, c0, lengths : see :meth:`forward`
        dh_n, dc_n, dY : see :meth:`backward`

        Returns
        -------
        Gradients
            ``X`` is padded like the input, zero at the padded steps.
        """
        self.forward(X, h0, c0, lengths=lengths, start_derivatives=True)
        dX = self.backward(t, dh_n, dc_n, dY=dY)
        return Gradients(
            params=ParameterGradients(
                [{k: v.copy() for k, v in layer.grads.items()} for layer in self.layers]),
            X=dX,
            h0=[layer.dh0.copy() for layer in self.recurrent_layers],
            c0=[layer.dc0.copy() for layer in self.cell_layers],
        )

    def cost_value(self, X, t, h0=None, c0=None, *, lengths=None):
        """The data cost (without the L2 term) of the network on ``X`` against ``t``.

        For sequences of different lengths (a list, or ``lengths``) with a
        sequence output, the average over the valid steps.
        """
        y_hat, _, lengths = prediction.predict(self, X, h0, c0, lengths)
        t = self._check_targets(t, y_hat.shape[:2], len(y_hat), lengths=lengths)
        return self.cost(y_hat, t, self.output_mask(lengths, y_hat.shape[1]))

    # training and prediction ---------------------------------------------------

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


# a misspelt keyword names the accepted ones and the closest (rnn_nodes/keywords.py)
check_keywords_of(RNN, "__init__", "add_InputLayer", "add_RNNLayer", "add_GRULayer",
                  "add_LSTMLayer", "add_OutputLayer", "add_DenseLayer", "forward", "gradients",
                  "cost_value", "train", "train_step", "predict", "extrapolate")
