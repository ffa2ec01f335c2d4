"""The scheduler contract: hyperparameters on the object, state in a value."""

import abc
import inspect

import numpy as np

from rnn_nodes.keywords import check_keywords_of


class Scheduler(abc.ABC):
    """Base class of the gradient-descent update rules ("schedulers").

    A scheduler keeps two things apart:

    - the **hyperparameters** (``eta``, ``momentum``, ``rho``, ...) are
      attributes of the object, validated and stored as given by ``__init__``;
      read them with `get_params`, change them with `set_params`, copy the
      object with `clone`;
    - the **state** (velocities, sums of squares, moment estimates, step
      counts) is a ``NamedTuple`` of numpy arrays and ints. It is a value
      owned by the caller, one per parameter: it can be printed, compared,
      saved and reset by calling `init` again.

    The contract, for one parameter ``param`` of any shape::

        state = scheduler.init(param)
        # once per batch, after the whole backward pass:
        change, state = scheduler.update_change(gradient, state)
        param -= change

    - `init` returns a fresh state for one parameter. A state is never
      shared between parameters: each parameter has its own moments and, for
      Adam, its own step count.
    - `update_change` is pure. It returns the change to *subtract* from the
      parameter and the new state; it never writes into the arrays of the
      state it was given, nor into the scheduler. The change is a fresh array.
    - The arrays of the state keep the dtype of the parameter (float32 stays
      float32); the change has the dtype of the gradient. Non-floating
      parameters and gradients are treated as float64.
    - The gradient must have the shape of the parameter the state was made
      for. Non-finite gradients are passed through: what to do with NaN is
      the network's decision.

    Subclasses take their hyperparameters as named ``__init__`` arguments
    (no ``*args``/``**kwargs``), store each under its own name, and implement
    `init` and `_update` (the formula itself, on a checked gradient).
    A misspelt hyperparameter (``Adam(lr=0.01)``) is a ``TypeError`` naming
    the accepted ones and the closest (:mod:`rnn_nodes.keywords`).
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        check_keywords_of(cls)

    @abc.abstractmethod
    def init(self, param):
        """Return a fresh state for one parameter.

        Parameters
        ----------
        param : ndarray of any shape
            The parameter the state is for. Only its shape and dtype are read.

        Returns
        -------
        state : NamedTuple
            Zeros of ``param.shape`` (and step counts of 0).
        """

    @abc.abstractmethod
    def _update(self, g, state):
        """Apply the update formula.

        Parameters
        ----------
        g : ndarray of the parameter's shape
            The gradient, already checked against the state.
        state : NamedTuple
            The state from `init` or the previous update; not to be modified.

        Returns
        -------
        change : ndarray of the parameter's shape
        new_state : NamedTuple of the same type as ``state``
        """

    def update_change(self, gradient, state):
        """Return the change to subtract from a parameter, and the new state.

        Parameters
        ----------
        gradient : array_like of the parameter's shape
            Gradient of the cost with respect to the parameter.
        state : NamedTuple
            The parameter's state, from `init` or a previous call. Not modified.

        Returns
        -------
        change : ndarray of the parameter's shape, gradient's dtype
            Apply as ``param -= change``.
        new_state : NamedTuple
            The state to pass to the next call, arrays in the parameter's dtype.

        Raises
        ------
        ValueError
            If the gradient's shape differs from the state's.
        """
        g = _as_float_array(gradient)
        for field in state:
            if isinstance(field, np.ndarray) and field.shape != g.shape:
                raise ValueError(
                    "Received an invalid value for argument `gradient`, expected "
                    f"shape {field.shape} (the shape of the parameter the state "
                    f"was made for), got shape {g.shape}"
                )
        change, new_state = self._update(g, state)
        new_state = type(state)(
            *(
                np.asarray(new, dtype=old.dtype) if isinstance(old, np.ndarray) else new
                for old, new in zip(state, new_state)
            )
        )
        return np.array(change, dtype=g.dtype), new_state

    @classmethod
    def _get_param_names(cls):
        """Names of the hyperparameters, read from the ``__init__`` signature."""
        parameters = inspect.signature(cls.__init__).parameters.values()
        return [p.name for p in parameters if p.name != "self"]

    def get_params(self, deep=True):
        """Return the hyperparameters as a dict (scikit-learn estimator API).

        Parameters
        ----------
        deep : bool, default=True
            Accepted for scikit-learn compatibility; schedulers hold no
            nested estimators, so it changes nothing.

        Returns
        -------
        params : dict
            Argument name to stored value, in ``__init__`` order.
        """
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params):
        """Set hyperparameters (scikit-learn estimator API); return ``self``.

        The new values are validated as in ``__init__`` before any is set, so
        ``scheduler__eta`` can be grid-searched through an estimator.

        Raises
        ------
        ValueError
            If a name is not a hyperparameter, or a value is invalid.
        TypeError
            If a value is not a real number.
        """
        valid = self.get_params()
        for name in params:
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter `{name}` for scheduler {self!r}. "
                    f"Valid parameters are: {sorted(valid)}"
                )
        type(self)(**{**valid, **params})  # validates the new combination
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def clone(self):
        """Return a new scheduler of the same class with equal hyperparameters."""
        return type(self)(**self.get_params())

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


def zeros_like_param(param):
    """Zeros of the parameter's shape, in its dtype (float64 if it is not floating).

    Parameters
    ----------
    param : array_like of any shape

    Returns
    -------
    zeros : ndarray of shape ``param.shape``
        A new array, never shared.
    """
    p = np.asarray(param)
    dtype = p.dtype if np.issubdtype(p.dtype, np.floating) else np.float64
    return np.zeros(p.shape, dtype=dtype)


def _as_float_array(gradient):
    """The gradient as a floating ndarray (float64 if it is not floating)."""
    g = np.asarray(gradient)
    if not np.issubdtype(g.dtype, np.floating):
        g = g.astype(np.float64)
    return g
