"""The least a numpy loop over time can cost: the floor under any Node design.

The same network as the other implementations, written as bare numpy with
nothing but the arithmetic: the input projections of all steps in one
product, a loop over time doing one matrix product and the elementwise
equations per step (forward and backward), the parameter gradients of all
steps in one product each, and the derivatives from the cached outputs
(``1 - h**2`` for tanh, ``s (1 - s)`` for the sigmoid) rather than JAX. No
objects per step, no argument checks, no truncation or padding, one Adam
step per parameter. ``rnn_nodes`` cannot be faster than this with numpy;
the gap between the two is the price of its design, and the gap between
this floor and the compiled implementations is numpy's own per-call cost.
The gradients are checked against the reference in the same run.
"""

import numpy as np

from benchmarks.numpy_network import NumpyNetwork


def _sigmoid(z):
    return 0.5 * np.tanh(0.5 * z) + 0.5


class NumpyFloor(NumpyNetwork):
    """The benchmarked network as a bare numpy loop, with Adam once per batch.

    See :class:`~benchmarks.numpy_network.NumpyNetwork` for the parameters.
    """

    def gradients(self, X, t):
        """Cost and gradients (dict of dict, like the weights) of one batch of ``X`` (batch, time, n_in)."""
        p, head = self.params["recurrent"], self.params["head"]
        batch, time, n_in = X.shape
        Z = X @ p["W_layer"] + (p["b_layer"] + p["b_time"])  # input terms, all steps
        step = _lstm_forward if self.config.cell == "lstm" else _elman_forward
        H, cache = step(Z, p["W_time"])
        # the head, its cost and the gradient it sends into H
        if self.config.head == "dense":
            z = H[:, -1] @ head["W_layer"] + head["b_layer"]
            e = np.exp(z - z.max(axis=-1, keepdims=True))
            y = e / e.sum(axis=-1, keepdims=True)
            cost = -np.sum(t * np.log(np.clip(y, 1e-30, None))) / batch
            delta_head = (y - t) / batch
            H_head = H[:, -1]
            dC_dH = np.zeros_like(H)
            dC_dH[:, -1] = delta_head @ head["W_layer"].T
        else:
            y = H @ head["W_layer"] + head["b_layer"]
            cost = np.mean((y - t) ** 2)
            delta_head = (2 / y.size) * (y - t)
            H_head = H
            dC_dH = delta_head @ head["W_layer"].T
        back = _lstm_backward if self.config.cell == "lstm" else _elman_backward
        delta = back(dC_dH, p["W_time"], cache)
        H_prev = np.concatenate([np.zeros_like(H[:, :1]), H[:, :-1]], axis=1)
        rows = delta.reshape(batch * time, -1)
        db = rows.sum(axis=0)
        g_recurrent = {"W_layer": X.reshape(batch * time, n_in).T @ rows, "b_layer": db,
                       "W_time": H_prev.reshape(batch * time, -1).T @ rows, "b_time": db.copy()}
        head_rows = delta_head.reshape(-1, delta_head.shape[-1])
        g_head = {"W_layer": H_head.reshape(len(head_rows), -1).T @ head_rows,
                  "b_layer": head_rows.sum(axis=0)}
        return float(cost), {"recurrent": g_recurrent, "head": g_head}


def _elman_forward(Z, W_time):
    """h_t = tanh(z_t + h_{t-1} W_time) for every step; H (batch, time, n) and H itself as cache."""
    batch, time, n = Z.shape
    H = np.empty_like(Z)
    h = np.zeros((batch, n), Z.dtype)
    for s in range(time):
        a = h @ W_time
        a += Z[:, s]
        h = H[:, s] = np.tanh(a)
    return H, H


def _elman_backward(dC_dH, W_time, H):
    """delta_t = (dC/dh_t + delta_{t+1} W_time^T) (1 - h_t^2), every step: (batch, time, n)."""
    dtanh = 1 - H * H
    W_time_T = np.ascontiguousarray(W_time.T)
    delta = np.empty_like(dC_dH)
    dh_next = np.zeros_like(dC_dH[:, 0])
    for s in reversed(range(dC_dH.shape[1])):
        d = delta[:, s] = (dC_dH[:, s] + dh_next) * dtanh[:, s]
        dh_next = d @ W_time_T
    return delta


def _lstm_forward(Z, W_time):
    """The LSTM over every step; H (batch, time, n) and the gates and cell states as cache."""
    batch, time, n4 = Z.shape
    n = n4 // 4
    H = np.empty((batch, time, n), Z.dtype)
    gates = np.empty_like(Z)  # i, f, g, o after their activations
    C = np.empty_like(H)
    h = np.zeros((batch, n), Z.dtype)
    c = np.zeros_like(h)
    for s in range(time):
        a = h @ W_time
        a += Z[:, s]
        i_f = _sigmoid(a[:, :2 * n])
        i, f, g, o = i_f[:, :n], i_f[:, n:], np.tanh(a[:, 2 * n:3 * n]), _sigmoid(a[:, 3 * n:])
        c = f * c + i * g
        h = o * np.tanh(c)
        gates[:, s, :2 * n], gates[:, s, 2 * n:3 * n], gates[:, s, 3 * n:] = i_f, g, o
        C[:, s], H[:, s] = c, h
    return H, (gates, C)


def _lstm_backward(dC_dH, W_time, cache):
    """dC/da_t of the four gates for every step, (batch, time, 4n)."""
    gates, C = cache
    batch, time, n = C.shape
    i, f, g, o = (gates[..., k * n:(k + 1) * n] for k in range(4))
    tanh_C = np.tanh(C)
    C_prev = np.concatenate([np.zeros_like(C[:, :1]), C[:, :-1]], axis=1)
    # each gate's partner in dC/d(gate) times the gate's own derivative, all steps at once
    partner = np.concatenate([g * i * (1 - i), C_prev * f * (1 - f), i * (1 - g * g),
                              tanh_C * o * (1 - o)], axis=-1)
    dh_dc = o * (1 - tanh_C * tanh_C)
    W_time_T = np.ascontiguousarray(W_time.T)
    delta = np.empty((batch, time, 4 * n), C.dtype)
    dh_next = np.zeros((batch, n), C.dtype)
    dc_next = np.zeros_like(dh_next)
    for s in reversed(range(time)):
        dh = dC_dH[:, s] + dh_next
        dc = dh * dh_dc[:, s]
        dc += dc_next
        d = delta[:, s]
        d[:, :3 * n] = np.tile(dc, 3)
        d[:, 3 * n:] = dh
        d *= partner[:, s]
        dh_next = d @ W_time_T
        dc_next = dc * f[:, s]
    return delta
