"""PyTorch's ``nn.RNN`` / ``nn.LSTM`` on one thread, when ``torch`` is installed.

Never a dependency: :func:`available` says whether it can run. Weights load
by transposing (``weight_ih_l0 = W_layer.T``, ``weight_hh_l0 = W_time.T``,
``bias_ih_l0 = b_layer``, ``bias_hh_l0 = b_time``); the optimiser is
``torch.optim.Adam`` with the project's defaults, whose update is the same
as :class:`schedulers.Adam`.
"""

import importlib.util

import numpy as np

from benchmarks.configs import ETA


def available():
    """Whether ``import torch`` can work here."""
    return importlib.util.find_spec("torch") is not None


class TorchStep:
    """One training step of the PyTorch model, ready to time.

    Parameters
    ----------
    config : Config
    weights : dict of dict of ndarray
    X, t : ndarray
        float32 batch; a one-hot ``t`` becomes class indices.
    """

    def __init__(self, config, weights, X, t):
        import torch

        torch.set_num_threads(1)
        self.torch, self.config = torch, config
        recurrent = torch.nn.LSTM if config.cell == "lstm" else torch.nn.RNN
        kwargs = {} if config.cell == "lstm" else {"nonlinearity": "tanh"}
        self.rnn = recurrent(config.n_in, config.hidden, batch_first=True, **kwargs)
        self.head = torch.nn.Linear(config.hidden, config.n_out)
        w, h = weights["recurrent"], weights["head"]
        with torch.no_grad():
            self.rnn.weight_ih_l0.copy_(torch.from_numpy(np.ascontiguousarray(w["W_layer"].T)))
            self.rnn.weight_hh_l0.copy_(torch.from_numpy(np.ascontiguousarray(w["W_time"].T)))
            self.rnn.bias_ih_l0.copy_(torch.from_numpy(w["b_layer"]))
            self.rnn.bias_hh_l0.copy_(torch.from_numpy(w["b_time"]))
            self.head.weight.copy_(torch.from_numpy(np.ascontiguousarray(h["W_layer"].T)))
            self.head.bias.copy_(torch.from_numpy(h["b_layer"]))
        parameters = list(self.rnn.parameters()) + list(self.head.parameters())
        self.optimizer = torch.optim.Adam(parameters, lr=ETA, betas=(0.9, 0.999), eps=1e-8)
        self.X = torch.from_numpy(X)
        if config.head == "dense":
            self.t = torch.from_numpy(np.argmax(t, axis=-1))
            self.criterion = torch.nn.CrossEntropyLoss()
        else:
            self.t = torch.from_numpy(t)
            self.criterion = torch.nn.MSELoss()

    def _cost(self):
        H, _ = self.rnn(self.X)
        out = self.head(H[:, -1] if self.config.head == "dense" else H)
        return self.criterion(out, self.t)

    def __call__(self):
        """Forward, backward, one Adam step; returns the cost before the update."""
        self.optimizer.zero_grad()
        cost = self._cost()
        cost.backward()
        self.optimizer.step()
        return float(cost.detach())

    def gradients(self):
        """Cost and gradients at the current weights, keyed like the shared weights."""
        self.optimizer.zero_grad()
        cost = self._cost()
        cost.backward()

        def grad(parameter, transpose=False):
            g = parameter.grad.detach().numpy()
            return g.T.copy() if transpose else g.copy()

        return float(cost.detach()), {
            "recurrent": {
                "W_layer": grad(self.rnn.weight_ih_l0, True),
                "W_time": grad(self.rnn.weight_hh_l0, True),
                "b_layer": grad(self.rnn.bias_ih_l0),
                "b_time": grad(self.rnn.bias_hh_l0),
            },
            "head": {"W_layer": grad(self.head.weight, True), "b_layer": grad(self.head.bias)},
        }
