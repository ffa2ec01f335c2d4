"""Do two implementations compute the same gradients? Speed with wrong maths does not count."""

import numpy as np

TOLERANCE = 1e-4  # relative, float32


def relative_error(a, b):
    """``||a - b|| / ||b||`` (Frobenius), 0 when both are zero."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    scale = np.linalg.norm(b)
    difference = np.linalg.norm(a - b)
    return float(difference / scale) if scale > 0 else float(difference)


def compare(cost, grads, reference_cost, reference_grads, tolerance=TOLERANCE):
    """Relative errors of a cost and its gradients against the reference's.

    Parameters
    ----------
    cost : float
    grads : dict of dict of ndarray
        Keyed like the shared weights (``"recurrent"``, ``"head"``, then names).
    reference_cost : float
    reference_grads : dict of dict of ndarray
    tolerance : float, default=1e-4

    Returns
    -------
    dict
        ``cost_relative_error``, ``relative_errors`` (``"recurrent.W_time"`` ->
        error), ``max_relative_error``, ``tolerance`` and ``passed``.
    """
    errors = {
        f"{group}.{name}": relative_error(grads[group][name], reference)
        for group, arrays in reference_grads.items() for name, reference in arrays.items()
    }
    cost_error = relative_error(cost, reference_cost)
    worst = max(errors.values())
    return {
        "cost": float(cost), "reference_cost": float(reference_cost),
        "cost_relative_error": cost_error, "relative_errors": errors,
        "max_relative_error": worst, "tolerance": tolerance,
        "passed": bool(worst <= tolerance and cost_error <= tolerance),
    }
