"""The network: ordered layers, a cost, an update rule, forward and backward passes."""

from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import NotFittedError

from rnn_nodes.costs import get_cost
from rnn_nodes.layers import DenseLayer, InputLayer, OutputLayer, RNNLayer
from rnn_nodes.threads import with_blas_threads
from rnn_nodes.training import train_epochs
from rnn_nodes.validation import (
    as_float_array,
    check_dtype,
    check_non_negative_float,
    check_optional_positive_int,
    check_positive_int,
    check_same_length,
    check_sequences,
)
from schedulers import Adam, get_scheduler


@dataclass
class Gradients:
    """Gradients of the cost for one batch.

    Attributes
    ----------
    params : list of dict
        One dict per layer of the network, in order (empty for layers
        without parameters), keyed like the layer's ``params``.
    X : ndarray of shape (batch, time, n_in)
        dC/dX.
    h0 : list of ndarray
        dC/dh0 for every recurrent layer, in order, each (batch, n_l).
    """

    params: list
    X: np.ndarray
    h0: list


class RNN:
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
    """

    def __init__(self, cost="mse", scheduler=None, lmbd=0.0, bptt_limit=None,
                 clip_norm=None, dtype="float32", seed=None, blas_threads=1):
        self.cost = get_cost(cost)
        self.scheduler = Adam() if scheduler is None else get_scheduler(scheduler)
        self.lmbd = check_non_negative_float(lmbd, "lmbd")
        self.bptt_limit = check_optional_positive_int(bptt_limit, "bptt_limit")
        self.clip_norm = check_non_negative_float(clip_norm, "clip_norm", allow_none=True)
        if self.clip_norm == 0:
            raise ValueError("Received an invalid value for argument `clip_norm`, "
                             "expected a positive number or None, got 0")
        self.dtype = check_dtype(dtype)
        self.rng = np.random.default_rng(seed)
        self.blas_threads = check_optional_positive_int(blas_threads, "blas_threads")
        self.layers = []
        self.scheduler_states = {}
        self.is_trained = False
        self._output = None

    def __repr__(self):
        layers = ", ".join(map(repr, self.layers))
        return f"RNN(cost={self.cost.name!r}, layers=[{layers}])"

    # building ---------------------------------------------------------------

    def add_layer(self, layer):
        """Append ``layer``, sized to the layer below, and draw its weights.

        Returns
        -------
        self
        """
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
        self.layers.append(layer)
        self.scheduler_states = {}
        return self

    def add_InputLayer(self, n_features):
        """Input of ``n_features`` features per time step."""
        return self.add_layer(InputLayer(n_features))

    def add_RNNLayer(self, n_features, activation="tanh"):
        """An Elman recurrent layer of ``n_features`` hidden units."""
        return self.add_layer(RNNLayer(n_features, activation))

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
                "an OutputLayer or a DenseLayer"
            )

    # forward and backward -----------------------------------------------------

    @with_blas_threads
    def forward(self, X, h0=None):
        """Output of the network; caches what :meth:`backward` needs.

        Parameters
        ----------
        X : ndarray of shape (batch, time, n_in)
            Any number of time steps.
        h0 : list of ndarray or ndarray, optional
            Initial states: one ``(batch, n_l)`` array per recurrent layer, or
            one ``(layers, batch, hidden)`` array when all have the same width.
            Zeros if None.

        Returns
        -------
        ndarray
            ``(batch, time, n_out)`` for a sequence output, else ``(batch, n_out)``.
        """
        self._check_complete()
        X = check_sequences(X, "X", self.n_features_in, self.dtype)
        h0 = self._check_initial_states(h0, len(X))
        H = X
        states = iter(h0)
        for layer in self.layers:
            H = layer.forward(H, next(states)) if layer.recurrent else layer.forward(H)
        self._output = H
        return H

    @with_blas_threads
    def backward(self, t):
        """Backpropagate the cost of the latest forward pass against targets ``t``.

        Fills every layer's ``grads`` (with the L2 term added) and every
        recurrent layer's ``dh0``.

        Parameters
        ----------
        t : ndarray of the output's shape

        Returns
        -------
        dC_dX : ndarray of shape (batch, time, n_in)
        """
        if self._output is None:
            raise ValueError("backward needs a forward pass first")
        t = self._check_targets(t, self._output.shape[:2])
        output_layer = self.layers[-1]
        if self.cost.pairs_with(output_layer.activation):
            dC = output_layer.backward(delta=self.cost.delta(self._output, t))
        else:
            dC = output_layer.backward(self.cost.gradient(self._output, t))
        for layer in reversed(self.layers[:-1]):
            dC = layer.backward(dC)
        self._add_l2_gradient()
        return dC if dC.ndim == 3 else dC.sum(axis=0)

    def _add_l2_gradient(self):
        """The one place regularisation enters: dC/dW += lmbd * W."""
        if self.lmbd == 0:
            return
        for _, layer in self.trainable_layers:
            for name in ("W_layer", "W_time"):
                if name in layer.params:
                    layer.grads[name] += self.lmbd * layer.params[name]

    @with_blas_threads
    def gradients(self, X, t, h0=None):
        """Every gradient of the cost (L2 included) for one batch; no update.

        Parameters
        ----------
        X : ndarray of shape (batch, time, n_in)
        t : ndarray of the output's shape
        h0 : see :meth:`forward`

        Returns
        -------
        Gradients
        """
        self.forward(X, h0)
        dX = self.backward(t)
        return Gradients(
            params=[{k: v.copy() for k, v in layer.grads.items()} for layer in self.layers],
            X=dX,
            h0=[layer.dh0.copy() for layer in self.recurrent_layers],
        )

    def cost_value(self, X, t, h0=None):
        """The data cost (without the L2 term) of the network on ``X`` against ``t``."""
        y_hat = self.forward(X, h0)
        return self.cost(y_hat, self._check_targets(t, y_hat.shape[:2], len(y_hat)))

    # training and prediction ---------------------------------------------------

    @with_blas_threads
    def train(self, X, t, X_val=None, t_val=None, epochs=10, batch_size=32,
              shuffle=True, verbose=False):
        """Minibatch training with one update per batch.

        Parameters
        ----------
        X : ndarray of shape (n_samples, time, n_in)
        t : ndarray of shape (n_samples, time, n_out) or (n_samples, n_out)
        X_val, t_val : ndarray, optional
            Validation data, scored after every epoch.
        epochs : int, default=10
        batch_size : int, default=32
            Clipped, with a warning, to the number of samples.
        shuffle : bool, default=True
            Reshuffle the samples every epoch with the network's generator.
        verbose : bool, default=False
            Print one line per epoch.

        Returns
        -------
        history : dict of str to list of float
            Per epoch: ``loss`` (mean of the batches' costs, each taken before
            its batch's update), ``val_loss`` when validation data are given,
            and ``accuracy`` / ``val_accuracy`` for ``bce`` and ``cce``.

        Raises
        ------
        TrainingDivergedError
            When a batch's cost is NaN or infinite; the weights are restored
            to those at the start of that epoch.
        """
        self._check_complete()
        epochs = check_positive_int(epochs, "epochs")
        batch_size = check_positive_int(batch_size, "batch_size")
        X, t = self._check_data(X, t, "X", "t")
        validation = None
        if (X_val is None) != (t_val is None):
            raise ValueError("Give both `X_val` and `t_val`, or neither")
        if X_val is not None:
            validation = self._check_data(X_val, t_val, "X_val", "t_val")
        history = train_epochs(self, X, t, validation, epochs, batch_size, shuffle, verbose)
        self.is_trained = True
        return history

    def train_step(self, X, t):
        """Forward, backward, clip, and one scheduler step per parameter.

        Returns
        -------
        cost : float
            The batch's data cost before the update.
        y_hat : ndarray
            The output before the update.
        """
        y_hat = self.forward(X)
        cost = self.cost(y_hat, t)
        if not np.isfinite(cost):
            return cost, y_hat
        self.backward(t)
        self._clip_gradients()
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
    def predict(self, X, h0=None):
        """The network's output for ``X`` (see :meth:`forward`), after training or loading."""
        if not self.is_trained:
            raise NotFittedError(
                "This RNN has not been trained or loaded yet: call train(...) or "
                "load_torch_state_dict(...) first, or forward(...) for the "
                "output of the initial weights"
            )
        return self.forward(X, h0)

    @with_blas_threads
    def extrapolate(self, X, n_steps, h0=None):
        """Run on ``X``, then feed each prediction back as the next input.

        Starts from the output at the **last** step of ``X``; needs a sequence
        output as wide as the input.

        Parameters
        ----------
        X : ndarray of shape (batch, time, n)
        n_steps : int

        Returns
        -------
        ndarray of shape (batch, n_steps, n)
            The predictions after the end of ``X``.
        """
        n_steps = check_positive_int(n_steps, "n_steps")
        if not self.sequence_output or self.n_outputs != self.n_features_in:
            raise ValueError(
                "extrapolate needs a many-to-many network whose output has as many "
                f"features as its input; this one maps {self.n_features_in} features "
                f"to {'a sequence of ' if self.sequence_output else ''}{self.n_outputs}"
            )
        y_next = self.predict(X, h0)[:, -1:]
        steps = []
        for _ in range(n_steps):
            steps.append(y_next)
            states = [layer.h_last for layer in self.recurrent_layers]
            y_next = self.forward(y_next, states)
        return np.concatenate(steps, axis=1)

    # loading ----------------------------------------------------------------

    def load_torch_state_dict(self, state_dict):
        """Load ``nn.RNN`` weights: the k-th RNNLayer takes the ``_l{k}`` entries.

        Parameters
        ----------
        state_dict : dict of str to ndarray
            ``weight_ih_l{k}``, ``weight_hh_l{k}``, ``bias_ih_l{k}``,
            ``bias_hh_l{k}`` for every recurrent layer k; numpy arrays (call
            ``.numpy()`` on PyTorch tensors first).
        """
        layers = [layer for layer in self.layers if isinstance(layer, RNNLayer)]
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        expected = {f"{name}_l{k}" for k in range(len(layers)) for name in names}
        if set(state_dict) != expected:
            raise ValueError(
                f"Argument `state_dict` must hold exactly {sorted(expected)} for this "
                f"network's {len(layers)} RNNLayers; missing "
                f"{sorted(expected - set(state_dict))}, unexpected "
                f"{sorted(set(state_dict) - expected)}"
            )
        for k, layer in enumerate(layers):
            layer.set_torch_weights(*(state_dict[f"{name}_l{k}"] for name in names))
        self.is_trained = True

    # checks ---------------------------------------------------------------------

    def _check_initial_states(self, h0, batch):
        layers = self.recurrent_layers
        if h0 is None:
            return [None] * len(layers)
        if isinstance(h0, np.ndarray) and h0.ndim == 3 or not isinstance(h0, (list, tuple)):
            h0 = as_float_array(h0, "h0", 3, self.dtype)
            h0 = list(h0)
        if len(h0) != len(layers):
            raise ValueError(
                f"Argument `h0` must hold one initial state per recurrent layer "
                f"({len(layers)}), got {len(h0)}"
            )
        states = []
        for k, (state, layer) in enumerate(zip(h0, layers)):
            state = as_float_array(state, f"h0[{k}]", 2, self.dtype)
            if state.shape != (batch, layer.n_features):
                raise ValueError(
                    f"Argument `h0[{k}]` must have shape (batch, hidden) = "
                    f"{(batch, layer.n_features)}, got {state.shape}"
                )
            states.append(state)
        return states

    def _check_targets(self, t, batch_time, batch=None, name="t"):
        batch = batch_time[0] if batch is None else batch
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

    def _check_data(self, X, t, X_name, t_name):
        X = check_sequences(X, X_name, self.n_features_in, self.dtype)
        if np.ndim(t) >= 1:
            check_same_length(X, t, X_name, t_name)
        t = self._check_targets(t, X.shape[:2], name=t_name)
        return X, t
