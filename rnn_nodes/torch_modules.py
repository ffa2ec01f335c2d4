"""The two small PyTorch modules :func:`rnn_nodes.torch_export.to_torch` needs besides torch's own.

Imported by ``to_torch`` only: this module needs torch.
"""

import torch


class Recurrent(torch.nn.Module):
    """An ``nn.RNN`` / ``nn.GRU`` / ``nn.LSTM`` that returns its output sequence only.

    Parameters
    ----------
    module : torch.nn.RNNBase
        With ``batch_first=True``: (batch, time, n_in) -> (batch, time, D n).
    """

    def __init__(self, module):
        super().__init__()
        self.module = module

    def forward(self, x):
        return self.module(x)[0]


class LastStep(torch.nn.Module):
    """What a many-to-one head reads of a sequence (batch, time, m): (batch, m).

    Parameters
    ----------
    split : int or None
        None: the last step. For a bidirectional layer, ``n`` of its
        directions: the forward direction's last step ``x[:, -1, :n]`` beside
        the reverse direction's, which ends at step 0, ``x[:, 0, n:]``.
    """

    def __init__(self, split=None):
        super().__init__()
        self.split = split

    def forward(self, x):
        if self.split is None:
            return x[:, -1]
        return torch.cat([x[:, -1, :self.split], x[:, 0, self.split:]], dim=-1)
