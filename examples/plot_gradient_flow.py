"""
Where the gradient goes
=======================

``plot_gradient_flow`` draws ||dC/dh_t|| for every recurrent layer and step: here a
bidirectional GRU over 25 steps, with the cost at the last step. About 3 s on 2 cores.
"""

import matplotlib.pyplot as plt
import numpy as np

from rnn_nodes import RNN, plot_gradient_flow

rng = np.random.default_rng(0)
X = rng.standard_normal((16, 25, 1))
net = RNN(cost="mse", seed=0).add_InputLayer(1)
net.add_GRULayer(8, bidirectional=True).add_RNNLayer(8).add_DenseLayer(1)

fig, ax = plt.subplots(figsize=(7, 2.8), layout="constrained")
plot_gradient_flow(net, X, X[:, -1], ax=ax)
plt.show()
