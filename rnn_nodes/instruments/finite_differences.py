"""Every gradient of a network against central finite differences and JAX autodiff, in float64.

``gradient_check(net, X, t)`` copies the network to float64, computes its
gradients by backpropagation through time (:meth:`RNN.gradients
<rnn_nodes.RNN.gradients>`) and compares each with the central difference

    dC/dp ~ (C(p + eps) - C(p - eps)) / (2 eps)

of the cost ``C`` (the data cost plus the L2 term ``lmbd / 2 * sum(W**2)``) for
the parameters, the input ``X`` and the initial states ``h0`` (and ``c0``). It
works for any cell, activation (a user's own ``jax.numpy`` function too),
cost, padding and output head, because it needs nothing but the network's
forward pass.

Truncated BPTT (``bptt_limit``) computes, on purpose, not the gradient of the
cost: the check runs on a copy without truncation, and says so.
"""

import copy
from dataclasses import dataclass

import numpy as np

DEFAULT_EPS = 1e-5
DEFAULT_TOLERANCE = 1e-4
JAX_TOLERANCE = 1e-8
"""Largest relative error against JAX autodiff that passes: both are exact up to rounding."""
FLOOR = 1e-7
SCALE = 1e-3
"""Errors are relative to ``max(|analytic|, |numeric|, SCALE * max|analytic|, FLOOR)``, the
maximum over the quantity's entries: an entry far smaller than the quantity's largest is
compared on the quantity's scale (central differences leave it ~1e-10 of noise), and
gradients that are zero both ways absolutely."""


@dataclass(frozen=True)
class GradientRecord:
    """One quantity's check.

    Attributes
    ----------
    name : str
        ``"layers.{i}.{param}"``, ``"X"``, ``"h0"`` or ``"c0"``.
    shape : tuple of int
    checked : int
        Entries compared (all, or ``max_entries`` chosen at random).
    max_relative_error : float
    max_absolute_error : float
    passed : bool
        ``max_relative_error <= tolerance`` and, when there is one,
        ``jax_relative_error <= JAX_TOLERANCE`` (1e-8).
    jax_relative_error : float or None
        Largest relative error against JAX autodiff of the independent forward of
        :mod:`~rnn_nodes.instruments.jax_reference`, over every entry; None where the
        network has no such reference.
    """

    name: str
    shape: tuple
    checked: int
    max_relative_error: float
    max_absolute_error: float
    passed: bool
    jax_relative_error: float = None


class GradientCheck:
    """The result of :func:`gradient_check`: one :class:`GradientRecord` per quantity.

    ``str(result)`` is a table; ``result.passed`` is True when every record
    passed; ``result.failed`` lists the names of those that did not;
    ``result["layers.1.W_time"]`` is one record.

    Attributes
    ----------
    records : list of GradientRecord
    tolerance : float
    notes : list of str
        What the check did besides the plain comparison (a float64 copy of a
        float32 network; truncation removed).
    """

    def __init__(self, records, tolerance, notes):
        self.records, self.tolerance, self.notes = list(records), tolerance, list(notes)

    @property
    def passed(self):
        return all(record.passed for record in self.records)

    @property
    def failed(self):
        return [record.name for record in self.records if not record.passed]

    def __getitem__(self, name):
        for record in self.records:
            if record.name == name:
                return record
        raise KeyError(f"no record {name!r}; the records are {[r.name for r in self.records]}")

    def __str__(self):
        width = max([len("quantity")] + [len(r.name) for r in self.records])
        header = (f"{'quantity':{width}}  {'shape':>12}  {'checked':>7}  "
                  f"{'max rel. error':>14}  {'max abs. error':>14}  {'vs JAX':>9}  result")
        lines = [header]
        for r in self.records:
            jax_error = "-" if r.jax_relative_error is None else f"{r.jax_relative_error:.2e}"
            lines.append(f"{r.name:{width}}  {r.shape!s:>12}  {r.checked:>7}  "
                         f"{r.max_relative_error:14.3e}  {r.max_absolute_error:14.3e}  "
                         f"{jax_error:>9}  {'pass' if r.passed else 'FAIL'}")
        verdict = "all passed" if self.passed else f"FAILED: {', '.join(self.failed)}"
        lines.append(f"tolerance {self.tolerance:g} (relative): {verdict}")
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)

    def __repr__(self):
        return f"<GradientCheck of {len(self.records)} quantities: " + (
            "passed>" if self.passed else f"failed {self.failed}>")


def float64_copy(net):
    """A deep copy of ``net`` computing in float64 (its parameters widened exactly).

    Parameters
    ----------
    net : RNN
        A built network.

    Returns
    -------
    RNN
    """
    copied = copy.deepcopy(net)
    copied.dtype = np.dtype(np.float64)
    for layer in copied.layers:
        for name in layer.params:
            layer.params[name] = np.asarray(layer.params[name], dtype=np.float64)
    return copied


def _without_truncation(net):
    """Remove ``bptt_limit`` from the network and its layers (both directions); True if any."""
    changed = False
    if getattr(net, "bptt_limit", None) is not None:
        net.bptt_limit, changed = None, True
    for layer in net.layers:
        for part in (layer, getattr(layer, "forward_layer", None),
                     getattr(layer, "reverse_layer", None)):
            if part is not None and getattr(part, "bptt_limit", None) is not None:
                part.bptt_limit, changed = None, True
    return changed


def _total_cost(net, X, t, h0, c0, lengths):
    """The cost whose gradient BPTT computes: the data cost plus ``lmbd / 2 * sum(W**2)``."""
    cost = net.cost_value(X, t, h0, c0, lengths=lengths)
    if net.lmbd:
        cost += 0.5 * net.lmbd * sum(float(np.sum(p ** 2)) for _, layer in net.trainable_layers
                                     for name, p in layer.params.items()
                                     if name.startswith("W_"))
    return cost


def _with_jax(net, X, t, h0, c0, lengths, gradients, records, tolerance, notes, steps=None):
    """The records with ``jax_relative_error`` filled in (all entries, against JAX autodiff
    of the independent forward), or unchanged with a note saying why there is none."""
    from rnn_nodes.instruments import jax_reference

    reason = jax_reference.supports(net, lengths, steps)
    if reason is not None:
        notes.append(f"no JAX reference: {reason}")
        return records
    per_layer = lambda state: ([] if state is None else list(state) if isinstance(state, list)
                               else [s for s in np.asarray(state).reshape(
                                   (-1,) + np.shape(state)[-2:])])
    expected = jax_reference.reference_gradients(net, X, t, per_layer(h0), per_layer(c0), steps)
    analytic = {**{f"layers.{i}.{name}": gradients.params[f"layers.{i}.{name}"]
                   for i, layer in net.trainable_layers for name in layer.params},
                "X": gradients.X}
    for prefix, state in (("h0", gradients.states.h), ("c0", gradients.states.c)):
        for k, value in enumerate(per_layer(state)):
            analytic[f"{prefix}[{k}]"] = value
    updated = []
    for record in records:
        key = record.name if record.name in expected else f"{record.name}[0]"
        if record.name in ("h0", "c0") and f"{record.name}[1]" in expected:
            key = None  # one array for several layers: compared per layer below
        if key is None or key not in expected:
            updated.append(record)
            continue
        a = np.asarray(analytic.get(key, analytic.get(record.name)), dtype=np.float64)
        b = expected[key].reshape(a.shape)
        scale = max(FLOOR, SCALE * float(np.abs(b).max())) if b.size else FLOOR
        error = float((np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), scale))
                      .max()) if b.size else 0.0
        updated.append(GradientRecord(record.name, record.shape, record.checked,
                                      record.max_relative_error, record.max_absolute_error,
                                      record.passed and error <= JAX_TOLERANCE, error))
    return updated


def _present(state):
    """Whether a state gradient exists (an array, or a non-empty list of arrays)."""
    return state is not None and (len(state) > 0 if isinstance(state, list)
                                  else np.size(state) > 0)


def _initial(given, like):
    """The initial state to differentiate at: ``given`` as float64, or zeros like the
    gradient ``like`` (an array, or a list of per-layer arrays of different widths)."""
    if isinstance(like, list):
        if given is None:
            return [np.zeros(np.shape(a)) for a in like]
        return [np.array(g, dtype=np.float64) for g in given]
    return np.zeros(np.shape(like)) if given is None else np.array(given, dtype=np.float64)


def _entries(shape, max_entries, rng):
    """Flat indices to check: all, or ``max_entries`` of them chosen without repetition."""
    size = int(np.prod(shape))
    if max_entries is None or size <= max_entries:
        return np.arange(size)
    return np.sort(rng.choice(size, size=max_entries, replace=False))


def _compare(name, analytic, array, cost_of, eps, tolerance, max_entries, rng):
    """Central differences of ``cost_of()`` in the entries of ``array`` (changed in place and
    restored) against ``analytic``."""
    analytic = np.asarray(analytic, dtype=np.float64)
    if analytic.shape != array.shape:
        raise ValueError(f"the gradient of {name} has shape {analytic.shape}, the quantity "
                         f"{array.shape}")
    flat, grad = array.reshape(-1), analytic.reshape(-1)
    indices = _entries(array.shape, max_entries, rng)
    numeric = np.empty(len(indices))
    for k, index in enumerate(indices):
        kept = flat[index]
        flat[index] = kept + eps
        up = cost_of()
        flat[index] = kept - eps
        down = cost_of()
        flat[index] = kept
        numeric[k] = (up - down) / (2 * eps)
    chosen = grad[indices]
    absolute = np.abs(chosen - numeric)
    scale = max(FLOOR, SCALE * float(np.abs(grad).max())) if grad.size else FLOOR
    relative = absolute / np.maximum(np.maximum(np.abs(chosen), np.abs(numeric)), scale)
    worst = float(relative.max()) if len(relative) else 0.0
    return GradientRecord(name, tuple(array.shape), len(indices), worst,
                          float(absolute.max()) if len(absolute) else 0.0, worst <= tolerance)


def gradient_check(net, X, t, *, h0=None, c0=None, lengths=None, eps=DEFAULT_EPS,
                   tolerance=DEFAULT_TOLERANCE, max_entries=64, seed=0, jax_reference=True,
                   reference_steps=None):
    """Check every gradient of ``net`` on one batch: central differences and JAX autodiff.

    Parameters
    ----------
    net : RNN
        A built network (trained or not); it is not changed.
    X : ndarray of shape (batch, time, n_in)
    t : ndarray
        Targets, as :meth:`RNN.train <rnn_nodes.RNN.train>` takes them.
    h0, c0 : ndarray, optional
        Initial states, in the layout of ``forward(..., return_states=True)``;
        None checks the gradient at zero states.
    lengths : array-like of int of shape (batch,), optional
        A padded batch's lengths.
    eps : float, default=1e-5
        The step of the central differences.
    tolerance : float, default=1e-4
        Largest relative error that passes.
    max_entries : int or None, default=64
        Entries compared per quantity, chosen at random with ``seed`` (None: all).
    seed : int, default=0
    jax_reference : bool, default=True
        Also compare every entry with ``jax.grad`` of an independent forward pass
        written in ``jax.numpy`` (:mod:`~rnn_nodes.instruments.jax_reference`), where
        the network's layers have one (built-in cells in one direction, no padding);
        the notes say when it was not used.
    reference_steps : dict of int to callable, optional
        The JAX reference of a layer of a cell of your own, by its index in
        ``net.layers``: its step in ``jax.numpy``, ``step(p, x, state) -> state``
        (``p`` the layer's parameters by name, ``x`` (batch, n_in), ``state``
        ``h`` or ``(h, c)``), for the comparison with ``jax.grad``.

    Returns
    -------
    GradientCheck
        One record per parameter (``"layers.{i}.{name}"``), then ``X``, ``h0``
        and, for LSTM layers, ``c0``.

    Examples
    --------
    >>> import numpy as np
    >>> from rnn_nodes import RNN
    >>> net = RNN(cost="mse", seed=0).add_InputLayer(2).add_GRULayer(3).add_DenseLayer(1)
    >>> X = np.random.default_rng(0).normal(size=(4, 5, 2))
    >>> result = gradient_check(net, X, X.sum(axis=1)[:, :1])
    >>> result.passed, result.notes[0]
    (True, 'the float32 network was checked through a float64 copy')
    """
    notes = []
    checked = float64_copy(net)
    if net.dtype != np.float64:
        notes.append("the float32 network was checked through a float64 copy")
    if _without_truncation(checked):
        notes.append("truncated BPTT (bptt_limit) is not the gradient of the cost: checked "
                     "without truncation")
    X = np.array(X, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64) if not isinstance(t, list) else t
    gradients = checked.gradients(X, t, h0, c0, lengths=lengths)
    states = gradients.states
    h0 = _initial(h0, states.h)
    c0 = _initial(c0, states.c) if _present(states.c) else None

    def cost_of():
        return _total_cost(checked, X, t, h0, c0, lengths)

    rng = np.random.default_rng(seed)
    records = []
    for i, layer in checked.trainable_layers:
        for name, param in layer.params.items():
            key = f"layers.{i}.{name}"
            records.append(_compare(key, gradients.params[key], param, cost_of, eps,
                                    tolerance, max_entries, rng))
    records.append(_compare("X", gradients.X, X, cost_of, eps, tolerance, max_entries, rng))
    for name, given, analytic in (("h0", h0, states.h), ("c0", c0, states.c)):
        if given is None:
            continue
        pairs = ([(name, given, analytic)] if not isinstance(given, list) else
                 [(f"{name}[{k}]", g, a) for k, (g, a) in enumerate(zip(given, analytic))])
        records += [_compare(label, a, g, cost_of, eps, tolerance, max_entries, rng)
                    for label, g, a in pairs]
    if jax_reference:
        records = _with_jax(checked, X, t, h0, c0, lengths, gradients, records, tolerance,
                            notes, reference_steps)
    return GradientCheck(records, tolerance, notes)
