"""RNN and LSTM with dict caches, np.stack over time, and np.float64 loss and norm."""
import numpy as np

import activations


def rnn_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    h = np.tanh(np.dot(x, W_ih.T) + np.dot(h_prev, W_hh.T) + b_ih + b_hh)
    return h, {"x": x, "h_prev": h_prev, "W_ih": W_ih, "W_hh": W_hh, "h": h}


def rnn_step_backward(dh, cache):
    da = dh * (1 - cache["h"] ** 2)
    return (np.dot(da, cache["W_ih"]), np.dot(da, cache["W_hh"]), np.dot(da.T, cache["x"]),
            np.dot(da.T, cache["h_prev"]), np.sum(da, axis=0), np.sum(da, axis=0))


def rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    h, hs, caches = h0, [], []
    for t in range(x.shape[1]):
        h, cache = rnn_step_forward(x[:, t, :], h, W_ih, W_hh, b_ih, b_hh)
        hs.append(h)
        caches.append(cache)
    return np.stack(hs, axis=1), caches


def rnn_backward(dhs, cache):
    dxs = []
    dh = np.zeros_like(dhs[:, 0, :])
    dW_ih, dW_hh = np.zeros_like(cache[0]["W_ih"]), np.zeros_like(cache[0]["W_hh"])
    db = np.zeros(dhs.shape[2])
    for t in range(dhs.shape[1] - 1, -1, -1):
        dx, dh, gih, ghh, gb, _ = rnn_step_backward(dhs[:, t, :] + dh, cache[t])
        dxs.insert(0, dx)
        dW_ih += gih
        dW_hh += ghh
        db += gb
    return np.stack(dxs, axis=1), dh, dW_ih, dW_hh, db, db.copy()


def lstm_step_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    a = np.dot(x, W_ih.T) + np.dot(h_prev, W_hh.T) + b_ih + b_hh
    ai, af, ag, ao = np.split(a, 4, axis=1)
    i, f, g, o = activations.sigmoid(ai), activations.sigmoid(af), np.tanh(ag), activations.sigmoid(ao)
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    return h, c, {"x": x, "h_prev": h_prev, "c_prev": c_prev, "W_ih": W_ih, "W_hh": W_hh,
                  "gates": (i, f, g, o), "c": c}


def lstm_step_backward(dh, dc, cache):
    i, f, g, o = cache["gates"]
    tc = np.tanh(cache["c"])
    dc = dc + dh * o * (1 - tc ** 2)
    da = np.hstack([dc * g * i * (1 - i), dc * cache["c_prev"] * f * (1 - f), dc * i * (1 - g ** 2),
                    dh * tc * o * (1 - o)])
    return (np.dot(da, cache["W_ih"]), np.dot(da, cache["W_hh"]), dc * f, np.dot(da.T, cache["x"]),
            np.dot(da.T, cache["h_prev"]), np.sum(da, axis=0), np.sum(da, axis=0))


def lstm_forward(x, h0, c0, W_ih, W_hh, b_ih, b_hh):
    h, c, hs, caches = h0, c0, [], []
    for t in range(x.shape[1]):
        h, c, cache = lstm_step_forward(x[:, t, :], h, c, W_ih, W_hh, b_ih, b_hh)
        hs.append(h)
        caches.append(cache)
    return np.stack(hs, axis=1), caches


def lstm_backward(dhs, cache):
    dxs = []
    dh, dc = np.zeros_like(dhs[:, 0, :]), np.zeros_like(dhs[:, 0, :])
    sums = None
    for t in range(dhs.shape[1] - 1, -1, -1):
        dx, dh, dc, *grads = lstm_step_backward(dhs[:, t, :] + dh, dc, cache[t])
        dxs.insert(0, dx)
        sums = grads if sums is None else [s + g for s, g in zip(sums, grads)]
    return (np.stack(dxs, axis=1), dh, dc, *sums)


def rnn_train_step(params, x, h0, y, lr, max_norm):
    keys = ["W_ih", "W_hh", "b_ih", "b_hh"]
    hs, cache = rnn_forward(x, h0, *[params[k] for k in keys])
    h_last = hs[:, -1, :]
    pred = np.dot(h_last, params["W_out"].T) + params["b_out"]
    loss = np.mean((pred - y) ** 2)
    dpred = 2 * (pred - y) / np.size(pred)
    dhs = np.zeros(hs.shape)
    dhs[:, -1, :] = np.dot(dpred, params["W_out"])
    grads = dict(zip(keys, rnn_backward(dhs, cache)[2:]))
    grads["W_out"] = np.dot(dpred.T, h_last)
    grads["b_out"] = np.sum(dpred, axis=0)
    total = np.float64(0.0)
    for g in grads.values():
        total += np.sum(g ** 2)
    total_norm = np.sqrt(total)
    scale = np.minimum(1.0, max_norm / (total_norm + 1e-6))
    return {k: params[k] - lr * scale * grads[k] for k in params}, loss, total_norm


def gru_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    H = h_prev.shape[1]
    gi, gh = np.dot(x, W_ih.T) + b_ih, np.dot(h_prev, W_hh.T) + b_hh
    r = activations.sigmoid(gi[:, :H] + gh[:, :H])
    z = activations.sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    cand = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
    return (1.0 - z) * cand + z * h_prev, {"x": x, "h_prev": h_prev, "W_ih": W_ih, "W_hh": W_hh, "r": r, "z": z,
                                          "n": cand, "hn": gh[:, 2 * H:]}


def gru_step_backward(dh, cache):
    r, z, cand = cache["r"], cache["z"], cache["n"]
    dcand = dh * (1.0 - z) * (1.0 - cand * cand)
    dr = dcand * cache["hn"] * r * (1.0 - r)
    dz = dh * (cache["h_prev"] - cand) * z * (1.0 - z)
    gi = np.concatenate([dr, dz, dcand], axis=1)
    gh = np.concatenate([dr, dz, dcand * r], axis=1)
    return (np.dot(gi, cache["W_ih"]), dh * z + np.dot(gh, cache["W_hh"]), np.dot(gi.T, cache["x"]),
            np.dot(gh.T, cache["h_prev"]), np.sum(gi, axis=0), np.sum(gh, axis=0))


def gru_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    hs, caches, h = [], {}, h0
    for t in range(x.shape[1]):
        h, caches[t] = gru_step_forward(x[:, t], h, W_ih, W_hh, b_ih, b_hh)
        hs.append(h)
    return np.stack(hs, axis=1), caches


def gru_backward(dhs, cache):
    dx = np.zeros(dhs.shape[:2] + (cache[0]["x"].shape[1],))
    dh = np.zeros(dhs.shape[::2])
    totals = [np.float64(0.0)] * 4
    for t in sorted(cache, reverse=True):
        dx[:, t], dh, *grads = gru_step_backward(dhs[:, t] + dh, cache[t])
        totals = [a + b for a, b in zip(totals, grads)]
    return (dx, dh, *totals)


def bidirectional_rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh, W_ih_reverse, W_hh_reverse, b_ih_reverse,
                              b_hh_reverse):
    forward, _ = rnn_forward(x, h0[0], W_ih, W_hh, b_ih, b_hh)
    backward, _ = rnn_forward(x[:, ::-1], h0[1], W_ih_reverse, W_hh_reverse, b_ih_reverse, b_hh_reverse)
    return np.concatenate((forward, backward[:, ::-1]), axis=-1)
