"""What a cell is: the states it carries, its gates, and the equations of one time step.

A recurrent layer (:class:`~rnn_nodes.layers.RecurrentLayer`) runs one node per
time step through the one loop of :mod:`rnn_nodes.layers.through_time`. The
node is all that differs from one cell to another: Elman, GRU and LSTM are three
subclasses of :class:`RecurrentNode`, and so is a cell of your own.

Every cell shares the same two linear maps, stacked by gate along the last axis
(``G = len(gates)`` blocks of ``n`` columns)::

    x-terms  x_t @ W_layer + b_layer        (batch, G n)   all steps at once, by the layer
    h-terms  h_{t-1} @ W_time + b_time      (batch, G n)   one step, by the node

The node combines them with its step equations. Backward it receives the total
gradient of each of its states and returns ``delta_layer`` (dC/d x-terms) and
``delta_time`` (dC/d h-terms, ``None`` where it equals ``delta_layer``); from
these the layer computes dC/dW_layer, dC/db_layer, dC/dW_time, dC/db_time and
dC/dx for all steps at once (:mod:`rnn_nodes.nodes.equations`).

Writing a cell
--------------
Give the class attributes and the two methods; see
:class:`RecurrentNode` and the minimal gated unit in ``examples/custom_cell.py``.
``check_cell`` (:func:`rnn_nodes.instruments.check_cell`) then says, quantity by
quantity, whether the backward equations match the forward ones.
"""

import numpy as np

STATES = (("h",), ("h", "c"))
"""The states a cell may carry: ``h`` alone, or ``h`` and a cell state ``c``."""

ACTIVATION_ROLES = ("activation", "gate_activation")
"""The activations a recurrent layer gives its nodes, by the name of its argument."""


class RecurrentNode:
    """Base of the nodes of recurrent layers: the cache and the equations of one time step.

    A node holds no parameters and no hyperparameters: it reads the weights
    from the ``params`` dict its layer owns, and its activations are the
    layer's.

    Parameters
    ----------
    params : dict of str to ndarray
        The layer's parameters: ``W_layer`` (n_in, G n), ``b_layer`` (G n,),
        ``W_time`` (n, G n), ``b_time`` (G n,).
    activation : Activation, optional
        The layer's ``activation`` (tanh by default).
    gate_activation : Activation, optional
        The layer's ``gate_activation`` (sigmoid by default).

    Attributes
    ----------
    states : tuple of str
        Class attribute: the states carried from step to step, ``("h",)`` or
        ``("h", "c")``. ``h`` is the layer's output.
    gates : tuple of str
        Class attribute: the names of the blocks of ``W_layer`` and ``W_time``
        (their columns), in order, e.g. ``("r", "z", "n")``.
    gate_activations : tuple of str
        Class attribute: for each gate, which activation its pre-activation
        goes through, ``"activation"`` or ``"gate_activation"``. The layer
        computes their derivatives for all steps in one call into JAX and hands
        each step's to :meth:`backward`.
    recorded : tuple of (str, str)
        Class attribute: ``(state, activation role)`` of the states whose
        activation derivative the backward pass needs (the LSTM's
        ``("c", "activation")`` for ``tanh'(c_t)``). The layer keeps every
        step's value of such a state.
    elementwise_only : bool
        Class attribute: True (the default) refuses an activation that is
        not elementwise (softmax).
    name : str
        Class attribute: the name a model file stores for the cell
        (:func:`~rnn_nodes.nodes.register_node`); the class name in lower case
        if not given.

    Notes
    -----
    The loop calls, at step ``t``::

        a_t, new_states = node.forward(z_t, *previous_states, out=..., state_out=...)
        delta_layer, delta_time, previous_gradients = node.backward(
            gradients, derivatives, W_time_T, out=...)

    ``z_t`` is the step's x-terms; ``a_t`` (batch, G n) are the
    pre-activations of the gates, whose derivatives ``backward`` receives.
    ``gradients`` are the total gradients of the node's new states (dC/dh_t
    from the layer above and from step ``t + 1``, dC/dc_t from step ``t + 1``),
    each ``(..., batch, n)`` with leading axes (truncation budgets) to carry
    along; ``derivatives`` is one array per item of :meth:`derivative_blocks`
    at this step, ``(batch, G n)`` then ``(batch, n)`` per recorded state.
    The keywords ``out`` and ``state_out`` are where the layer would like
    ``a_t`` and the new states written; a node may ignore them (the layer
    copies what it returns).
    """

    states = ("h",)
    gates = ()
    gate_activations = ()
    recorded = ()
    elementwise_only = True
    torch_name = ""

    def __init__(self, params, activation=None, gate_activation=None):
        self.params = params
        self.activation = activation
        self.gate_activation = gate_activation

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        check_node_class(cls)

    @staticmethod
    def input_terms(H, params):
        """The x-terms of every step at once: ``H @ W_layer + b_layer``, (..., n_in) -> (..., G n).

        The bias is added in place: no second array of that size is made.
        """
        Z = H @ params["W_layer"]
        Z += params["b_layer"]
        return Z

    @classmethod
    def derivative_blocks(cls, activations):
        """The activations whose derivatives the backward pass reads, by array.

        Parameters
        ----------
        activations : dict of str to Activation
            The layer's, by role (``"activation"``, ``"gate_activation"``).

        Returns
        -------
        tuple of tuple of Activation
            One tuple per array: first the gates' (one per gate, over the
            pre-activations ``a_t``), then one per recorded state.
        """
        gates = tuple(activations[role] for role in cls.gate_activations)
        return (gates,) + tuple((activations[role],) for _, role in cls.recorded)

    def forward(self, z_t, *previous_states, out=None, state_out=None):
        """One step: the pre-activations ``a_t`` and the new states.

        Parameters
        ----------
        z_t : ndarray of shape (batch, G n)
            The x-terms of this step (:meth:`input_terms`).
        *previous_states : ndarray of shape (batch, n)
            One per name of :attr:`states`.
        out : ndarray of shape (batch, G n), optional
            Where to write ``a_t`` (it may be ``z_t`` itself).
        state_out : tuple of (ndarray or None), optional
            Where to write each new state.

        Returns
        -------
        a_t : ndarray of shape (batch, G n)
        new_states : tuple of ndarray of shape (batch, n)
        """
        raise NotImplementedError(f"{type(self).__name__} must define forward")

    def backward(self, gradients, derivatives, W_time_T, out=None):
        """The step's backward equations.

        Parameters
        ----------
        gradients : tuple of ndarray of shape (..., batch, n)
            The total gradient of each new state.
        derivatives : tuple of ndarray
            This step's activation derivatives (:meth:`derivative_blocks`).
        W_time_T : ndarray of shape (G n, n)
            ``W_time.T``, laid out as such (:func:`~rnn_nodes.nodes.equations.transposed`).
        out : ndarray of shape (..., batch, G n), optional
            Where to write ``delta_layer``.

        Returns
        -------
        delta_layer : ndarray of shape (..., batch, G n)
            dC/d(x-terms).
        delta_time : ndarray of shape (..., batch, G n) or None
            dC/d(h-terms); None where it equals ``delta_layer``.
        previous_gradients : tuple of ndarray of shape (..., batch, n)
            dC/d(previous state), one per state.
        """
        raise NotImplementedError(f"{type(self).__name__} must define backward")


def check_node_class(cls):
    """Raise TypeError if ``cls`` does not state its states, gates and activations consistently."""
    where = f"{cls.__name__}"
    if tuple(cls.states) not in STATES:
        raise TypeError(f"{where}.states must be ('h',) or ('h', 'c'), got {cls.states!r}")
    if len(cls.gate_activations) != len(cls.gates):
        raise TypeError(
            f"{where}.gate_activations must name one activation per gate "
            f"({len(cls.gates)} gates {cls.gates!r}), got {cls.gate_activations!r}")
    roles = tuple(cls.gate_activations) + tuple(role for _, role in cls.recorded)
    for role in roles:
        if role not in ACTIVATION_ROLES:
            raise TypeError(f"{where}: unknown activation {role!r}; known: {ACTIVATION_ROLES}")
    for state, _ in cls.recorded:
        if state not in cls.states:
            raise TypeError(f"{where}.recorded names {state!r}, not one of {cls.states!r}")


def written(value, out):
    """``value`` in ``out`` (a view of a layer's array) unless it is there already; ``out``."""
    if out is not None and value is not out:
        out[...] = value
        return out
    return value


def stacked(*blocks):
    """Gate blocks side by side, ``(..., batch, G n)``."""
    return np.concatenate(blocks, axis=-1)
