"""RNN and LSTM kept time-major (T, N, H) inside and returned batch-first as transposed views."""
import numpy as np

from activations import sigmoid


def rnn_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    h = np.tanh(W_ih @ x.T + W_hh @ h_prev.T + (b_ih + b_hh)[:, None]).T  # (H, N) computed, returned as .T
    return h, (x, h_prev, W_ih, W_hh, h)


def rnn_step_backward(dh, cache):
    x, h_prev, W_ih, W_hh, h = cache
    da = dh * (1.0 - h * h)
    return [(W_ih.T @ da.T).T, (W_hh.T @ da.T).T, np.asfortranarray(da.T @ x), (h_prev.T @ da).T,
            da.sum(axis=0), da.T.sum(axis=1)]


def rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    steps = x.shape[1]
    hs = np.empty((steps,) + h0.shape)  # time-major
    caches, h = [], h0
    for t in range(steps):
        h, cache = rnn_step_forward(x[:, t], h, W_ih, W_hh, b_ih, b_hh)
        hs[t] = h
        caches.append(cache)
    return hs.transpose(1, 0, 2), caches


def rnn_backward(dhs, cache):
    n, steps, hidden = dhs.shape
    dx = np.empty((steps, n, cache[0][0].shape[1]))
    dh = np.zeros((n, hidden))
    totals = [0.0, 0.0, 0.0, 0.0]
    for t in range(steps - 1, -1, -1):
        dx[t], dh, *grads = rnn_step_backward(dhs[:, t] + dh, cache[t])
        totals = [a + b for a, b in zip(totals, grads)]
    return [dx.transpose(1, 0, 2), dh, *(np.asfortranarray(g) for g in totals)]


def lstm_step_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    hidden = h_prev.shape[1]
    a = (W_ih @ x.T + W_hh @ h_prev.T + (b_ih + b_hh)[:, None]).T
    gates = [a[:, k * hidden:(k + 1) * hidden] for k in range(4)]
    i, f, o = sigmoid(gates[0]), sigmoid(gates[1]), sigmoid(gates[3])
    g = np.tanh(gates[2])
    c = np.asfortranarray(f * c_prev + i * g)
    h = o * np.tanh(c)
    return h, c, {"x": x, "h_prev": h_prev, "c_prev": c_prev, "W": (W_ih, W_hh), "ifgo": (i, f, g, o), "c": c}


def lstm_step_backward(dh, dc, cache):
    i, f, g, o = cache["ifgo"]
    W_ih, W_hh = cache["W"]
    tc = np.tanh(cache["c"])
    dc_total = dc + dh * o * (1.0 - tc * tc)
    da = np.hstack([dc_total * g * i * (1 - i), dc_total * cache["c_prev"] * f * (1 - f),
                    dc_total * i * (1 - g * g), dh * tc * o * (1 - o)])
    db = da.sum(axis=0)
    return (np.asfortranarray(da @ W_ih), (W_hh.T @ da.T).T, dc_total * f, (cache["x"].T @ da).T,
            np.asfortranarray(da.T @ cache["h_prev"]), db, db[::-1].copy()[::-1])


def lstm_forward(x, h0, c0, W_ih, W_hh, b_ih, b_hh):
    steps = x.shape[1]
    hs = np.empty((steps,) + h0.shape)
    caches, h, c = [], h0, c0
    for t in range(steps):
        h, c, cache = lstm_step_forward(x[:, t], h, c, W_ih, W_hh, b_ih, b_hh)
        hs[t] = h
        caches.append(cache)
    return hs.transpose(1, 0, 2), caches


def lstm_backward(dhs, cache):
    n, steps, hidden = dhs.shape
    dx = np.empty((steps, n, cache[0]["x"].shape[1]))
    dh, dc = np.zeros((n, hidden)), np.zeros((n, hidden))
    totals = [0.0] * 4
    for t in range(steps - 1, -1, -1):
        dx[t], dh, dc, *grads = lstm_step_backward(dhs[:, t] + dh, dc, cache[t])
        totals = [a + b for a, b in zip(totals, grads)]
    return [dx.transpose(1, 0, 2), dh, dc, *totals]


def rnn_train_step(params, x, h0, y, lr, max_norm):
    names = ("W_ih", "W_hh", "b_ih", "b_hh")
    hs, cache = rnn_forward(x, h0, *(params[k] for k in names))
    last = hs[:, -1]
    pred = (params["W_out"] @ last.T).T + params["b_out"]
    err = pred - y
    loss = np.asarray(np.mean(err * err))  # a 0-d array
    dpred = 2.0 * err / err.size
    dhs = np.zeros(hs.shape)
    dhs[:, -1] = dpred @ params["W_out"]
    grads = dict(zip(names, rnn_backward(dhs, cache)[2:]))
    grads["W_out"], grads["b_out"] = (last.T @ dpred).T, dpred.sum(axis=0)
    total_norm = np.sqrt(sum(np.vdot(g, g) for g in grads.values()))
    scale = min(1.0, float(max_norm / (total_norm + 1e-6)))
    return [{k: np.asfortranarray(params[k] - lr * scale * grads[k]) for k in params}, loss, total_norm]


def gru_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    hidden = h_prev.shape[1]
    gi = (W_ih @ x.T + b_ih[:, None]).T  # computed (3H, N), used as its transpose
    gh = (W_hh @ h_prev.T + b_hh[:, None]).T
    r = sigmoid(gi[:, :hidden] + gh[:, :hidden])
    z = sigmoid(gi[:, hidden:2 * hidden] + gh[:, hidden:2 * hidden])
    cand = np.tanh(gi[:, 2 * hidden:] + r * gh[:, 2 * hidden:])
    h = np.asfortranarray((1.0 - z) * cand + z * h_prev)
    return [h, (x, h_prev, W_ih, W_hh, r, z, cand, gh[:, 2 * hidden:])]


def gru_step_backward(dh, cache):
    x, h_prev, W_ih, W_hh, r, z, cand, hn = cache
    dcand = dh * (1.0 - z) * (1.0 - cand * cand)
    gi = np.hstack([dcand * hn * r * (1 - r), dh * (h_prev - cand) * z * (1 - z), dcand])
    gh = np.hstack([gi[:, :-dcand.shape[1]], dcand * r])
    return [(W_ih.T @ gi.T).T, dh * z + (W_hh.T @ gh.T).T, np.asfortranarray(gi.T @ x), (h_prev.T @ gh).T,
            gi.T.sum(axis=1), gh.sum(axis=0)]


def gru_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    steps = x.shape[1]
    hs = np.empty((steps,) + h0.shape)  # time-major
    caches, h = [], h0
    for t in range(steps):
        h, cache = gru_step_forward(x[:, t], h, W_ih, W_hh, b_ih, b_hh)
        hs[t] = h
        caches.append(cache)
    return hs.transpose(1, 0, 2), caches


def gru_backward(dhs, cache):
    n, steps, hidden = dhs.shape
    dx = np.empty((steps, n, cache[0][0].shape[1]))
    dh = np.zeros((n, hidden))
    totals = [0.0, 0.0, 0.0, 0.0]
    for t in range(steps - 1, -1, -1):
        dx[t], dh, *grads = gru_step_backward(dhs[:, t] + dh, cache[t])
        totals = [a + b for a, b in zip(totals, grads)]
    return [dx.transpose(1, 0, 2), dh, *(np.asfortranarray(g) for g in totals)]


def bidirectional_rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh, W_ih_reverse, W_hh_reverse, b_ih_reverse,
                              b_hh_reverse):
    hidden = h0.shape[2]
    out = np.empty((x.shape[1], x.shape[0], 2 * hidden))  # time-major, returned as a transposed view
    out[:, :, :hidden] = rnn_forward(x, h0[0], W_ih, W_hh, b_ih, b_hh)[0].transpose(1, 0, 2)
    backward = rnn_forward(x[:, ::-1], h0[1], W_ih_reverse, W_hh_reverse, b_ih_reverse, b_hh_reverse)[0]
    out[:, :, hidden:] = backward.transpose(1, 0, 2)[::-1]
    return out.transpose(1, 0, 2)
