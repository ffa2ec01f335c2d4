"""What the numpy implementations of the benchmark share: their weights and one Adam step."""

from benchmarks.configs import ETA
from schedulers import Adam


class NumpyNetwork:
    """Copies of the shared weights, updated by Adam once per batch.

    Subclasses give :meth:`gradients`.

    Parameters
    ----------
    config : Config
    weights : dict of dict of ndarray
        Copied.
    """

    def __init__(self, config, weights):
        self.config = config
        self.params = {k: {n: w.copy() for n, w in v.items()} for k, v in weights.items()}
        self.scheduler = Adam(eta=ETA)
        self.states = {(k, n): self.scheduler.init(w)
                       for k, v in self.params.items() for n, w in v.items()}

    def gradients(self, X, t):
        """Cost and gradients (dict of dict, like the weights) of one batch."""
        raise NotImplementedError

    def train_step(self, X, t):
        """Forward, backward, one Adam step per parameter; returns the cost."""
        cost, g = self.gradients(X, t)
        for (k, n), state in self.states.items():
            change, self.states[k, n] = self.scheduler.update_change(g[k][n], state)
            self.params[k][n] -= change
        return cost
