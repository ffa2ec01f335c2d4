"""What the forward pass keeps for the backward pass, against what it must keep.

:func:`cached_bytes` walks the attributes the layers (and their nodes) hold
after ``forward`` and sums the bytes of the distinct arrays behind them; a
view counts as the array it views, once. Parameters and gradient buffers
are not a cache and are left out.

:func:`minimum_bytes` is what any backward pass through time needs, counted
analytically: the inputs, the hidden states ``h_{-1} .. h_{T-1}``, the
pre-activations of every step (``4n`` per step for an LSTM, which also needs
its cell states) and the network's output.
"""

import tracemalloc

import numpy as np

NOT_CACHE = ("params", "grads")


def _arrays(obj, depth=0):
    """Arrays held by ``obj``'s attributes, and by lists, dicts and objects among them."""
    if isinstance(obj, np.ndarray):
        yield obj
    elif depth > 3:
        return
    elif isinstance(obj, dict):
        for key, value in obj.items():
            if key not in NOT_CACHE:
                yield from _arrays(value, depth + 1)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            yield from _arrays(value, depth + 1)
    elif hasattr(obj, "__dict__") and depth <= 2 and not callable(obj):
        yield from _arrays(vars(obj), depth + 1)


def _owner(array):
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def cached_bytes(net):
    """Bytes of the arrays the layers of ``net`` keep after its latest forward pass.

    Returns
    -------
    dict
        ``total`` and ``per_layer`` (``"1:RNNLayer(128)"`` -> bytes); an array
        shared by two layers counts for the first.
    """
    seen, per_layer = set(), {}
    for k, layer in enumerate(net.layers):
        total = 0
        for name, value in vars(layer).items():
            if name in NOT_CACHE or name == "activation":
                continue
            for array in _arrays(value):
                owner = _owner(array)
                if id(owner) not in seen:
                    seen.add(id(owner))
                    total += owner.nbytes
        per_layer[f"{k}:{layer!r}"] = total
    return {"total": int(sum(per_layer.values())), "per_layer": per_layer}


def minimum_bytes(config):
    """The least a backward pass through time must keep for ``config`` (see the module notes)."""
    b, T, n = config.batch, config.time, config.hidden
    per_step = config.n_in + n + config.gates * n + (n if config.cell == "lstm" else 0)
    outputs = b * config.n_out * (T if config.head == "output" else 1)
    floats = b * T * per_step + b * n + outputs
    return int(floats * np.dtype(np.float32).itemsize)


def forward_peak_traced(net, X):
    """Peak bytes numpy allocates during one ``net.forward(X)``, temporaries included.

    Measured with :mod:`tracemalloc`, which numpy reports its allocations to.
    """
    tracemalloc.start()
    try:
        net.forward(X)
        return int(tracemalloc.get_traced_memory()[1])
    finally:
        tracemalloc.stop()


def report(net, config, X):
    """Cached bytes after a forward pass of ``X`` against the minimum, as one dict."""
    peak = forward_peak_traced(net, X)
    cached = cached_bytes(net)
    minimum = minimum_bytes(config)
    return {
        "cached_bytes": cached["total"], "cached_per_layer": cached["per_layer"],
        "minimum_bytes": minimum, "cached_over_minimum": cached["total"] / minimum,
        "forward_peak_traced_bytes": peak,
    }
