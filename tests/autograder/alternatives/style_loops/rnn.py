"""RNN and LSTM one sample (and one time step) at a time, with math for the loss and norm."""
import math

import numpy as np

from activations import sigmoid


def rnn_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    h = np.empty((x.shape[0], W_hh.shape[0]))
    for n in range(x.shape[0]):
        h[n] = np.tanh(W_ih @ x[n] + b_ih + W_hh @ h_prev[n] + b_hh)
    return h, (x, h_prev, W_ih, W_hh, h)


def rnn_step_backward(dh, cache):
    x, h_prev, W_ih, W_hh, h = cache
    dx, dh_prev = np.empty(x.shape), np.empty(h_prev.shape)
    dW_ih, dW_hh, db = np.zeros(W_ih.shape), np.zeros(W_hh.shape), np.zeros(W_hh.shape[0])
    for n in range(x.shape[0]):
        da = dh[n] * (1 - h[n] ** 2)
        dx[n] = W_ih.T @ da
        dh_prev[n] = W_hh.T @ da
        dW_ih += np.outer(da, x[n])
        dW_hh += np.outer(da, h_prev[n])
        db += da
    return dx, dh_prev, dW_ih, dW_hh, db, db.copy()


def rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    N, T, _ = x.shape
    hs = np.empty((N, T, h0.shape[1]))
    caches = []
    h = h0
    for t in range(T):
        h, cache = rnn_step_forward(x[:, t], h, W_ih, W_hh, b_ih, b_hh)
        hs[:, t] = h
        caches.append(cache)
    return hs, caches


def rnn_backward(dhs, cache):
    N, T, H = dhs.shape
    dx = np.empty((N, T, cache[0][0].shape[1]))
    dh_next = np.zeros((N, H))
    totals = None
    for t in range(T - 1, -1, -1):
        dx[:, t], dh_next, *grads = rnn_step_backward(dhs[:, t] + dh_next, cache[t])
        if totals is None:
            totals = grads
        else:
            for k in range(4):
                totals[k] = totals[k] + grads[k]
    return (dx, dh_next, *totals)


def lstm_step_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    N, H = h_prev.shape
    h, c = np.empty((N, H)), np.empty((N, H))
    gates = np.empty((N, 4, H))
    for n in range(N):
        a = W_ih @ x[n] + b_ih + W_hh @ h_prev[n] + b_hh
        i, f, g, o = sigmoid(a[:H]), sigmoid(a[H:2 * H]), np.tanh(a[2 * H:3 * H]), sigmoid(a[3 * H:])
        c[n] = f * c_prev[n] + i * g
        h[n] = o * np.tanh(c[n])
        gates[n] = [i, f, g, o]
    return h, c, (x, h_prev, c_prev, W_ih, W_hh, gates, c)


def lstm_step_backward(dh, dc, cache):
    x, h_prev, c_prev, W_ih, W_hh, gates, c = cache
    N, H = h_prev.shape
    dx, dh_prev, dc_prev = np.empty(x.shape), np.empty((N, H)), np.empty((N, H))
    dW_ih, dW_hh, db = np.zeros(W_ih.shape), np.zeros(W_hh.shape), np.zeros(4 * H)
    for n in range(N):
        i, f, g, o = gates[n]
        tc = np.tanh(c[n])
        dcn = dc[n] + dh[n] * o * (1 - tc ** 2)
        da = np.concatenate([dcn * g * i * (1 - i), dcn * c_prev[n] * f * (1 - f), dcn * i * (1 - g ** 2),
                             dh[n] * tc * o * (1 - o)])
        dx[n] = W_ih.T @ da
        dh_prev[n] = W_hh.T @ da
        dc_prev[n] = dcn * f
        dW_ih += np.outer(da, x[n])
        dW_hh += np.outer(da, h_prev[n])
        db += da
    return dx, dh_prev, dc_prev, dW_ih, dW_hh, db, db.copy()


def lstm_forward(x, h0, c0, W_ih, W_hh, b_ih, b_hh):
    N, T, _ = x.shape
    hs = np.empty((N, T, h0.shape[1]))
    caches = []
    h, c = h0, c0
    for t in range(T):
        h, c, cache = lstm_step_forward(x[:, t], h, c, W_ih, W_hh, b_ih, b_hh)
        hs[:, t] = h
        caches.append(cache)
    return hs, caches


def lstm_backward(dhs, cache):
    N, T, H = dhs.shape
    dx = np.empty((N, T, cache[0][0].shape[1]))
    dh_next, dc_next = np.zeros((N, H)), np.zeros((N, H))
    totals = None
    for t in range(T - 1, -1, -1):
        dx[:, t], dh_next, dc_next, *grads = lstm_step_backward(dhs[:, t] + dh_next, dc_next, cache[t])
        totals = grads if totals is None else [a + b for a, b in zip(totals, grads)]
    return (dx, dh_next, dc_next, *totals)


def rnn_train_step(params, x, h0, y, lr, max_norm):
    names = ["W_ih", "W_hh", "b_ih", "b_hh"]
    hs, cache = rnn_forward(x, h0, *[params[k] for k in names])
    last = hs[:, -1]
    pred = last @ params["W_out"].T + params["b_out"]
    loss = 0.0
    for p, t in zip(pred.flat, y.flat):
        loss += (float(p) - float(t)) ** 2
    loss /= pred.size
    dpred = 2 * (pred - y) / pred.size
    dhs = np.zeros(hs.shape)
    dhs[:, -1] = dpred @ params["W_out"]
    grads = {}
    for name, g in zip(names, rnn_backward(dhs, cache)[2:]):
        grads[name] = g
    grads["W_out"] = dpred.T @ last
    grads["b_out"] = dpred.sum(axis=0)
    squares = 0.0
    for g in grads.values():
        for v in g.flat:
            squares += float(v) ** 2
    total_norm = math.sqrt(squares)
    scale = min(1.0, max_norm / (total_norm + 1e-6))
    new_params = {}
    for name in params:
        new_params[name] = params[name] - lr * scale * grads[name]
    return new_params, loss, total_norm


def gru_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    N, H = h_prev.shape
    h = np.empty((N, H))
    gates = np.empty((N, 4, H))  # r, z, n and the recurrent candidate term, per sample
    for n in range(N):
        gi = W_ih @ x[n] + b_ih
        gh = W_hh @ h_prev[n] + b_hh
        r = sigmoid(gi[:H] + gh[:H])
        z = sigmoid(gi[H:2 * H] + gh[H:2 * H])
        cand = np.tanh(gi[2 * H:] + r * gh[2 * H:])
        h[n] = (1 - z) * cand + z * h_prev[n]
        gates[n] = (r, z, cand, gh[2 * H:])
    return h, (x, h_prev, W_ih, W_hh, gates)


def gru_step_backward(dh, cache):
    x, h_prev, W_ih, W_hh, gates = cache
    H = h_prev.shape[1]
    dx, dh_prev = np.empty(x.shape), np.empty(h_prev.shape)
    dW_ih, dW_hh, db_ih, db_hh = np.zeros(W_ih.shape), np.zeros(W_hh.shape), np.zeros(3 * H), np.zeros(3 * H)
    for n in range(x.shape[0]):
        r, z, cand, hn = gates[n]
        dcand = dh[n] * (1 - z) * (1 - cand ** 2)
        dr = dcand * hn * r * (1 - r)
        dz = dh[n] * (h_prev[n] - cand) * z * (1 - z)
        gi = np.concatenate([dr, dz, dcand])
        gh = np.concatenate([dr, dz, dcand * r])
        dx[n] = W_ih.T @ gi
        dh_prev[n] = dh[n] * z + W_hh.T @ gh
        dW_ih += np.outer(gi, x[n])
        dW_hh += np.outer(gh, h_prev[n])
        db_ih += gi
        db_hh += gh
    return dx, dh_prev, dW_ih, dW_hh, db_ih, db_hh


def gru_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    N, T, _ = x.shape
    hs = np.empty((N, T, h0.shape[1]))
    caches = []
    h = h0
    for t in range(T):
        h, cache = gru_step_forward(x[:, t], h, W_ih, W_hh, b_ih, b_hh)
        hs[:, t] = h
        caches.append(cache)
    return hs, caches


def gru_backward(dhs, cache):
    N, T, H = dhs.shape
    dx = np.empty((N, T, cache[0][0].shape[1]))
    dh_next = np.zeros((N, H))
    totals = None
    for t in range(T - 1, -1, -1):
        dx[:, t], dh_next, *grads = gru_step_backward(dhs[:, t] + dh_next, cache[t])
        totals = grads if totals is None else [a + b for a, b in zip(totals, grads)]
    return (dx, dh_next, *totals)


def bidirectional_rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh, W_ih_reverse, W_hh_reverse, b_ih_reverse,
                              b_hh_reverse):
    N, T, _ = x.shape
    H = h0.shape[2]
    out = np.empty((N, T, 2 * H))
    h = h0[0]
    for t in range(T):
        h, _ = rnn_step_forward(x[:, t], h, W_ih, W_hh, b_ih, b_hh)
        out[:, t, :H] = h
    h = h0[1]
    for t in range(T - 1, -1, -1):  # the backward direction, written straight into its positions
        h, _ = rnn_step_forward(x[:, t], h, W_ih_reverse, W_hh_reverse, b_ih_reverse, b_hh_reverse)
        out[:, t, H:] = h
    return out
