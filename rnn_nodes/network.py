"""The network: ordered layers, a cost, an update rule, forward and backward passes."""

import numpy as np

from rnn_nodes import prediction, summary
from rnn_nodes.costs import get_cost
from rnn_nodes.gradients import Gradients, ParameterGradients
from rnn_nodes.keywords import check_keywords_of
from rnn_nodes.network_building import BuildingMethods
from rnn_nodes.network_checks import NetworkChecks
from rnn_nodes.network_files import FileMethods
from rnn_nodes.network_prediction import PredictionMethods
from rnn_nodes.network_training import TrainingMethods
from rnn_nodes.output_gradient import output_seed
from rnn_nodes.schedulers import Adam, get_scheduler
from rnn_nodes.sequences import (
    States,
    as_padded,
    stack_states,
    step_mask,
)
from rnn_nodes.threads import with_blas_threads
from rnn_nodes.validation import (
    MAX_BLAS_THREADS,
    MAX_STEPS,
    check_bool,
    check_dtype,
    check_non_negative_float,
    check_optional_positive_int,
    check_sequences,
)


class RNN(BuildingMethods, TrainingMethods, PredictionMethods, FileMethods, NetworkChecks):
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



















# a misspelt keyword names the accepted ones and the closest (rnn_nodes/keywords.py)
check_keywords_of(RNN, "__init__", "add_InputLayer", "add_RNNLayer", "add_GRULayer",
                  "add_RecurrentLayer",
                  "add_LSTMLayer", "add_OutputLayer", "add_DenseLayer", "forward", "gradients",
                  "cost_value", "train", "train_step", "predict", "extrapolate")
