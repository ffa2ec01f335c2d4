"""Check a cell of your own, equation by equation: which value its backward gets wrong.

``check_cell(MyNode)`` builds a small float64 network around the cell (input,
a :class:`~rnn_nodes.layers.RecurrentLayer` of the cell, an output at every
step), draws every parameter and the initial states at random, and runs
:func:`~rnn_nodes.instruments.gradient_check` twice:

- on **one step**, where each gradient comes from one value the node's
  ``backward`` returns, so a wrong value shows in its own quantities only::

      dC/dW_layer, dC/db_layer, dC/dx   <- delta_layer
      dC/dW_time,  dC/db_time           <- delta_time (delta_layer if None)
      dC/dh_{t-1}                       <- previous_gradients[0]
      dC/dc_{t-1}                       <- previous_gradients[1]

- **through time** (several steps), where the gradients also cross from step
  to step; a cell that passes alone and fails here keeps something between
  steps that it should not (a cache overwritten, a state gradient that misses
  a path).

The report names, for every quantity, the largest relative error of both
checks, and :attr:`CellCheck.suspects` the returned values to look at.
"""

from dataclasses import dataclass

import numpy as np

from rnn_nodes.instruments.finite_differences import DEFAULT_TOLERANCE, gradient_check

QUANTITIES = (
    ("W_layer", "dC/dW_layer", "delta_layer"),
    ("b_layer", "dC/db_layer", "delta_layer"),
    ("X", "dC/dx", "delta_layer"),
    ("W_time", "dC/dW_time", "delta_time"),
    ("b_time", "dC/db_time", "delta_time"),
    ("h0", "dC/dh_{t-1}", "previous_gradients[0]"),
    ("c0", "dC/dc_{t-1}", "previous_gradients[1]"),
)
"""``(record name, quantity, the value of backward it comes from)``."""


@dataclass(frozen=True)
class CellRecord:
    """One quantity of :func:`check_cell`.

    Attributes
    ----------
    quantity : str
        ``"dC/dW_time"`` and so on.
    source : str
        The value of the node's ``backward`` that this gradient is made of.
    one_step : float
        Largest relative error against finite differences on one step.
    through_time : float
        The same on several steps.
    jax : float or None
        Largest relative error against ``jax.grad`` of the cell's step in
        ``jax.numpy`` (through time), when one was given.
    passed : bool
    """

    quantity: str
    source: str
    one_step: float
    through_time: float
    jax: float
    passed: bool


class CellCheck:
    """The result of :func:`check_cell`.

    ``str(result)`` is a table; ``result.passed`` is True when every quantity
    passed; ``result.failed`` lists the quantities that did not;
    ``result.suspects`` the values of ``backward`` to look at, most likely first.

    Attributes
    ----------
    cell : str
    records : list of CellRecord
    suspects : list of str
    tolerance : float
    """

    def __init__(self, cell, records, suspects, tolerance):
        self.cell, self.records, self.suspects = cell, list(records), list(suspects)
        self.tolerance = tolerance

    @property
    def passed(self):
        return all(record.passed for record in self.records)

    @property
    def failed(self):
        return [record.quantity for record in self.records if not record.passed]

    def __getitem__(self, quantity):
        for record in self.records:
            if record.quantity == quantity:
                return record
        raise KeyError(f"no quantity {quantity!r}; checked: "
                       f"{[r.quantity for r in self.records]}")

    def __str__(self):
        lines = [f"check_cell({self.cell}): relative errors, tolerance {self.tolerance:g}",
                 (f"{'quantity':<13}{'one step':>11}{'through time':>14}{'vs JAX':>11}  "
                  f"{'result':<7}from backward's")]
        for r in self.records:
            jax_error = "-" if r.jax is None else f"{r.jax:.1e}"
            lines.append(f"{r.quantity:<13}{r.one_step:>11.1e}{r.through_time:>14.1e}"
                         f"{jax_error:>11}  {'pass' if r.passed else 'FAIL':<7}{r.source}")
        if self.passed:
            lines.append("every gradient matches: the backward equations fit the forward ones")
        else:
            lines.append("look at: " + "; ".join(self.suspects))
        return "\n".join(lines)

    def __repr__(self):
        return f"<CellCheck of {self.cell}: " + (
            "passed>" if self.passed else f"failed {self.failed}>")


def check_cell(cell, *, n_in=3, n_features=4, batch=3, steps=4, activation="tanh",
               gate_activation="sigmoid", reference=None, tolerance=DEFAULT_TOLERANCE, seed=0):
    """Check the backward equations of a cell against its forward ones, quantity by quantity.

    Parameters
    ----------
    cell : type or str
        A :class:`~rnn_nodes.nodes.RecurrentNode` subclass, or a registered
        cell's name.
    n_in, n_features, batch, steps : int
        The size of the network and data checked: inputs, hidden units,
        sequences, and time steps of the through-time check.
    activation, gate_activation : str or callable
        The layer's activations.
    reference : callable, optional
        The cell's step in ``jax.numpy``, ``reference(p, x, state) -> state``:
        ``p`` the parameters by name (``W_layer`` (n_in, G n), ...), ``x``
        (batch, n_in), ``state`` ``h`` or ``(h, c)``, each (batch, n). Its
        ``jax.grad`` is then compared with every gradient too, to 1e-8.
    tolerance : float, default=1e-4
        Largest relative error against finite differences that passes.
    seed : int, default=0
        Draws the parameters, data and initial states.

    Returns
    -------
    CellCheck

    Examples
    --------
    >>> from rnn_nodes.nodes import GRUNode
    >>> result = check_cell(GRUNode)
    >>> result.passed, result.failed
    (True, [])
    >>> result["dC/dW_time"].source
    'delta_time'
    """
    from rnn_nodes.layers import RecurrentLayer
    from rnn_nodes.network import RNN

    rng = np.random.default_rng(seed)
    layer = RecurrentLayer(n_features, cell, activation, gate_activation)
    net = (RNN(cost="mse", dtype="float64", seed=seed).add_InputLayer(n_in).add_layer(layer)
           .add_OutputLayer(2))
    for trainable in net.layers[1:]:  # every parameter away from its initial zeros
        trainable.set_params(**{name: rng.normal(scale=0.5, size=value.shape)
                                for name, value in trainable.params.items()})
    X = rng.normal(size=(batch, steps, n_in))
    t = rng.normal(size=(batch, steps, 2))
    states = {"h0": rng.normal(scale=0.5, size=(1, batch, n_features))}  # one layer
    if layer.cell_state:
        states["c0"] = rng.normal(scale=0.5, size=(1, batch, n_features))
    options = {"tolerance": tolerance, "max_entries": None, "seed": seed,
               "jax_reference": reference is not None,
               "reference_steps": None if reference is None else {1: reference}}
    alone = gradient_check(net, X[:, :1], t[:, :1], **states, **options)
    through = gradient_check(net, X, t, **states, **options)
    records = []
    for name, quantity, source in QUANTITIES:
        if name == "c0" and not layer.cell_state:
            continue
        key = name if name in ("X", "h0", "c0") else f"layers.1.{name}"
        one, many = alone[key], through[key]
        records.append(CellRecord(quantity, source, one.max_relative_error,
                                  many.max_relative_error, many.jax_relative_error,
                                  one.passed and many.passed))
    return CellCheck(layer.cell, records, _suspects(records, tolerance), tolerance)


def _suspects(records, tolerance):
    """The values of ``backward`` to look at, from which quantities failed where."""
    wrong_alone = {r.source for r in records if not r.one_step <= tolerance}
    suspects = [source for source in ("delta_layer", "delta_time", "previous_gradients[0]",
                                      "previous_gradients[1]") if source in wrong_alone]
    notes = {
        "delta_layer": "delta_layer (dC/d x-terms): dC/dW_layer, dC/db_layer, dC/dx are wrong "
                       "on one step",
        "delta_time": "delta_time (dC/d h-terms; delta_layer when None): dC/dW_time, "
                      "dC/db_time are wrong on one step",
        "previous_gradients[0]": "dC/dh_{t-1}, the first of previous_gradients (a wrong "
                                 "delta_time spoils it too when it is made from it)",
        "previous_gradients[1]": "dC/dc_{t-1}, the second of previous_gradients",
    }
    named = [notes[source] for source in suspects]
    if not named and not all(r.passed for r in records):
        named.append("what crosses from step to step: every value is right on one step, "
                     "wrong through time (a cache the next step overwrites, a state "
                     "gradient missing a path to the step before)")
    return named

