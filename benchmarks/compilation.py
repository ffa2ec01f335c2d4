"""Count JAX compilations over a whole ``train``: they must not grow with steps or epochs."""

import jax.monitoring

from benchmarks.configs import make_dataset
from benchmarks.project import build_network

BACKEND_COMPILE = "/jax/core/compile/backend_compile_duration"


class CompileCounter:
    """A context manager counting XLA compilations (JAX's monitoring events) inside it."""

    def __init__(self):
        self.count = 0

    def _listener(self, event, duration, **kwargs):
        if event == BACKEND_COMPILE:
            self.count += 1

    def __enter__(self):
        jax.monitoring.register_event_duration_secs_listener(self._listener)
        return self

    def __exit__(self, *exc_info):
        jax.monitoring.unregister_event_duration_listener(self._listener)


def jit_cache_sizes(net):
    """Entries in the caches of the jitted functions of the activations and cost in use."""
    owners = {f"layer{k}.activation": getattr(layer, "activation", None)
              for k, layer in enumerate(net.layers)}
    owners["cost"] = net.cost
    sizes = {}
    for owner_name, owner in owners.items():
        for name, value in vars(owner).items() if owner is not None else ():
            if hasattr(value, "_cache_size"):
                sizes[f"{owner_name}.{name}"] = int(value._cache_size())
    return sizes


def count_train_compilations(config, weights, rng, n_batches=4, later_epochs=3):
    """Compilations in a first epoch, then in ``later_epochs`` more, of ``net.train``.

    The data hold ``n_batches`` full batches and a half one, so each epoch
    sees two batch shapes.

    Returns
    -------
    dict
        ``first_epoch``, ``later_epochs`` (should be 0), the jit cache sizes
        before and after, and ``passed``.
    """
    X, t = make_dataset(config, rng, n_batches)
    net = build_network(config, weights)
    before = jit_cache_sizes(net)
    with CompileCounter() as first:
        net.train(X, t, epochs=1, batch_size=config.batch)
    after_first = jit_cache_sizes(net)
    with CompileCounter() as later:
        net.train(X, t, epochs=later_epochs, batch_size=config.batch)
    after = jit_cache_sizes(net)
    return {
        "steps_first_epoch": n_batches + 1, "later_epochs": later_epochs,
        "compilations_first_epoch": first.count,
        "compilations_later_epochs": later.count,
        "jit_cache_sizes_before": before, "jit_cache_sizes_after_first_epoch": after_first,
        "jit_cache_sizes_after": after,
        "passed": later.count == 0 and after == after_first,
    }
