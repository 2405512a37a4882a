"""RNN and LSTM with np.einsum, gates as a (N, 4, H) view, and np.linalg.norm for clipping."""
import numpy as np

from activations import sigmoid


def rnn_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    h = np.tanh(np.einsum("nd,hd->nh", x, W_ih) + np.einsum("nk,hk->nh", h_prev, W_hh) + b_ih + b_hh)
    return h, (x, h_prev, W_ih, W_hh, h)


def rnn_step_backward(dh, cache):
    x, h_prev, W_ih, W_hh, h = cache
    da = dh * (1.0 - np.square(h))
    return (np.einsum("nh,hd->nd", da, W_ih), np.einsum("nh,hk->nk", da, W_hh), np.einsum("nh,nd->hd", da, x),
            np.einsum("nh,nk->hk", da, h_prev), np.einsum("nh->h", da), np.einsum("nh->h", da))


def rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    states, caches, h = [], [], h0
    for x_t in np.moveaxis(x, 1, 0):
        h, cache = rnn_step_forward(x_t, h, W_ih, W_hh, b_ih, b_hh)
        states.append(h)
        caches.append(cache)
    return np.stack(states, axis=1), caches


def rnn_backward(dhs, cache):
    dh = np.zeros_like(dhs[:, 0])
    dxs, steps = [], []
    for t in reversed(range(dhs.shape[1])):
        dx, dh, *grads = rnn_step_backward(dhs[:, t] + dh, cache[t])
        dxs.append(dx)
        steps.append(grads)
    totals = [np.sum(np.stack(parts), axis=0) for parts in zip(*steps)]
    return (np.stack(dxs[::-1], axis=1), dh, *totals)


def lstm_step_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    n, hidden = h_prev.shape
    a = (np.einsum("nd,gd->ng", x, W_ih) + np.einsum("nk,gk->ng", h_prev, W_hh) + b_ih + b_hh).reshape(n, 4, hidden)
    i, f, g, o = sigmoid(a[:, 0]), sigmoid(a[:, 1]), np.tanh(a[:, 2]), sigmoid(a[:, 3])
    c = f * c_prev + i * g
    return o * np.tanh(c), c, (x, h_prev, c_prev, W_ih, W_hh, np.stack([i, f, g, o], axis=1), c)


def lstm_step_backward(dh, dc, cache):
    x, h_prev, c_prev, W_ih, W_hh, gates, c = cache
    i, f, g, o = np.moveaxis(gates, 1, 0)
    tc = np.tanh(c)
    dct = dc + dh * o * (1.0 - np.square(tc))
    da = np.stack([dct * g * i * (1 - i), dct * c_prev * f * (1 - f), dct * i * (1 - np.square(g)),
                   dh * tc * o * (1 - o)], axis=1).reshape(len(x), -1)
    return (np.einsum("ng,gd->nd", da, W_ih), np.einsum("ng,gk->nk", da, W_hh), dct * f,
            np.einsum("ng,nd->gd", da, x), np.einsum("ng,nk->gk", da, h_prev), np.einsum("ng->g", da),
            np.einsum("ng->g", da))


def lstm_forward(x, h0, c0, W_ih, W_hh, b_ih, b_hh):
    states, caches, h, c = [], [], h0, c0
    for x_t in np.moveaxis(x, 1, 0):
        h, c, cache = lstm_step_forward(x_t, h, c, W_ih, W_hh, b_ih, b_hh)
        states.append(h)
        caches.append(cache)
    return np.stack(states, axis=1), caches


def lstm_backward(dhs, cache):
    dh, dc = np.zeros_like(dhs[:, 0]), np.zeros_like(dhs[:, 0])
    dxs, steps = [], []
    for t in reversed(range(dhs.shape[1])):
        dx, dh, dc, *grads = lstm_step_backward(dhs[:, t] + dh, dc, cache[t])
        dxs.append(dx)
        steps.append(grads)
    totals = [np.sum(np.stack(parts), axis=0) for parts in zip(*steps)]
    return (np.stack(dxs[::-1], axis=1), dh, dc, *totals)


def rnn_train_step(params, x, h0, y, lr, max_norm):
    keys = ("W_ih", "W_hh", "b_ih", "b_hh")
    hs, cache = rnn_forward(x, h0, *map(params.get, keys))
    last = hs[:, -1]
    pred = np.einsum("nh,kh->nk", last, params["W_out"]) + params["b_out"]
    loss = np.mean(np.square(pred - y))
    dpred = 2.0 * (pred - y) / pred.size
    dhs = np.zeros_like(hs)
    dhs[:, -1] = np.einsum("nk,kh->nh", dpred, params["W_out"])
    grads = dict(zip(keys, rnn_backward(dhs, cache)[2:]))
    grads.update(W_out=np.einsum("nk,nh->kh", dpred, last), b_out=np.einsum("nk->k", dpred))
    total_norm = np.linalg.norm(np.concatenate([g.ravel() for g in grads.values()]))
    scale = np.clip(max_norm / (total_norm + 1e-6), None, 1.0)
    return {k: v - lr * scale * grads[k] for k, v in params.items()}, loss, total_norm


def gru_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    gi = np.einsum("nd,gd->ng", x, W_ih) + b_ih
    gh = np.einsum("nk,gk->ng", h_prev, W_hh) + b_hh
    (ri, zi, ni), (rh, zh, nh) = np.split(gi, 3, axis=1), np.split(gh, 3, axis=1)
    r, z = sigmoid(ri + rh), sigmoid(zi + zh)
    cand = np.tanh(ni + r * nh)
    return cand + z * (h_prev - cand), {"x": x, "h": h_prev, "W": (W_ih, W_hh), "rzn": np.stack([r, z, cand]), "nh": nh}


def gru_step_backward(dh, cache):
    r, z, cand = cache["rzn"]
    W_ih, W_hh = cache["W"]
    dcand = dh * (1 - z) * (1 - np.square(cand))
    dz = dh * (cache["h"] - cand) * z * (1 - z)
    dr = dcand * cache["nh"] * r * (1 - r)
    gi, gh = np.hstack([dr, dz, dcand]), np.hstack([dr, dz, dcand * r])
    return (np.einsum("ng,gd->nd", gi, W_ih), dh * z + np.einsum("ng,gk->nk", gh, W_hh),
            np.einsum("ng,nd->gd", gi, cache["x"]), np.einsum("ng,nk->gk", gh, cache["h"]),
            np.einsum("ng->g", gi), np.einsum("ng->g", gh))


def gru_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    states, caches, h = [], [], h0
    for x_t in np.moveaxis(x, 1, 0):
        h, cache = gru_step_forward(x_t, h, W_ih, W_hh, b_ih, b_hh)
        states.append(h)
        caches.append(cache)
    return np.stack(states, axis=1), caches


def gru_backward(dhs, cache):
    dh = np.zeros_like(dhs[:, 0])
    dxs, totals = [], [np.zeros_like(cache[0]["W"][0]), np.zeros_like(cache[0]["W"][1]), 0.0, 0.0]
    for t in range(dhs.shape[1] - 1, -1, -1):
        dx_t, dh, *grads = gru_step_backward(dhs[:, t] + dh, cache[t])
        dxs.append(dx_t)
        totals = [a + b for a, b in zip(totals, grads)]
    return (np.stack(dxs[::-1], axis=1), dh, *totals)


def bidirectional_rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh, W_ih_reverse, W_hh_reverse, b_ih_reverse,
                              b_hh_reverse):
    ahead, _ = rnn_forward(x, h0[0], W_ih, W_hh, b_ih, b_hh)
    behind, _ = rnn_forward(np.flip(x, axis=1), h0[1], W_ih_reverse, W_hh_reverse, b_ih_reverse, b_hh_reverse)
    return np.dstack([ahead, np.flip(behind, axis=1)])
