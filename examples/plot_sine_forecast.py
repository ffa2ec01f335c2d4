"""
Next-step prediction of sine waves
==================================

An Elman network learns to predict the next value of noisy sine waves, then runs free,
feeding its predictions back. About 5 s on 2 cores.
"""

import matplotlib.pyplot as plt
import numpy as np

from rnn_nodes import RNN
from schedulers import Adam

rng = np.random.default_rng(0)
phase = rng.uniform(0, 2 * np.pi, (200, 1))
series = np.sin(0.3 * np.arange(61) + phase)[..., None]
X, y = series[:, :-1], series[:, 1:]

net = RNN(cost="mse", scheduler=Adam(eta=1e-2), seed=0)
net.add_InputLayer(1).add_RNNLayer(16).add_OutputLayer(1)
history = net.train(X[:160], y[:160], X_val=X[160:], t_val=y[160:], epochs=20)
future = net.extrapolate(X[160:161, :40], n_steps=20)

fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3))
left.semilogy(history["loss"], label="training")
left.semilogy(history["val_loss"], label="validation")
left.set_xlabel("epoch")
left.legend()
right.plot(range(60), series[160, :60, 0], label="true")
right.plot(range(40, 60), future[0, :, 0], "--", label="free run")
right.legend()
plt.show()
