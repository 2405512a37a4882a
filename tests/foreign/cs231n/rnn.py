"""Recurrent layers in CS231n's rnn_layers manner (step forward/backward with a cache tuple, a loop over
time), adapted to torch's layout: weights (H, D) used as x @ W_ih.T, and gates stacked i, f, g, o."""
import numpy as np


def sigmoid(x):
    pos = x >= 0
    z = np.zeros_like(x)
    z[pos] = np.exp(-x[pos])
    z[~pos] = np.exp(x[~pos])
    top = np.ones_like(x)
    top[~pos] = z[~pos]
    return top / (1 + z)


def rnn_step_forward(x, prev_h, Wx, Wh, bx, bh):
    next_h = np.tanh(x.dot(Wx.T) + prev_h.dot(Wh.T) + bx + bh)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    dtanh = dnext_h * (1 - next_h ** 2)
    dx = dtanh.dot(Wx)
    dprev_h = dtanh.dot(Wh)
    dWx = dtanh.T.dot(x)
    dWh = dtanh.T.dot(prev_h)
    db = dtanh.sum(axis=0)
    return dx, dprev_h, dWx, dWh, db, db.copy()


def rnn_forward(x, h0, Wx, Wh, bx, bh):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    cache = []
    prev_h = h0
    for t in range(T):
        prev_h, step_cache = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, bx, bh)
        h[:, t, :] = prev_h
        cache.append(step_cache)
    return h, cache


def rnn_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx = np.zeros((N, T, D))
    dprev_h = np.zeros((N, H))
    dWx, dWh = np.zeros_like(cache[0][2]), np.zeros_like(cache[0][3])
    dbx, dbh = np.zeros(H), np.zeros(H)
    for t in reversed(range(T)):
        dx[:, t, :], dprev_h, dWx_t, dWh_t, dbx_t, dbh_t = rnn_step_backward(dh[:, t, :] + dprev_h, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        dbx += dbx_t
        dbh += dbh_t
    return dx, dprev_h, dWx, dWh, dbx, dbh


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, bx, bh):
    H = prev_h.shape[1]
    a = x.dot(Wx.T) + prev_h.dot(Wh.T) + bx + bh
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H:2 * H])
    g = np.tanh(a[:, 2 * H:3 * H])
    o = sigmoid(a[:, 3 * H:])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = (x, prev_h, prev_c, Wx, Wh, i, f, g, o, next_c)
    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, g, o, next_c = cache
    tanh_c = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - tanh_c ** 2)
    di = dc * g * i * (1 - i)
    df = dc * prev_c * f * (1 - f)
    dg = dc * i * (1 - g ** 2)
    do = dnext_h * tanh_c * o * (1 - o)
    da = np.hstack((di, df, dg, do))
    dx = da.dot(Wx)
    dprev_h = da.dot(Wh)
    dprev_c = dc * f
    db = da.sum(axis=0)
    return dx, dprev_h, dprev_c, da.T.dot(x), da.T.dot(prev_h), db, db.copy()


def lstm_forward(x, h0, c0, Wx, Wh, bx, bh):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    cache = []
    prev_h, prev_c = h0, c0
    for t in range(T):
        prev_h, prev_c, step_cache = lstm_step_forward(x[:, t, :], prev_h, prev_c, Wx, Wh, bx, bh)
        h[:, t, :] = prev_h
        cache.append(step_cache)
    return h, cache


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx = np.zeros((N, T, D))
    dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
    dWx, dWh = np.zeros_like(cache[0][3]), np.zeros_like(cache[0][4])
    dbx, dbh = np.zeros(4 * H), np.zeros(4 * H)
    for t in reversed(range(T)):
        dx[:, t, :], dprev_h, dprev_c, dWx_t, dWh_t, dbx_t, dbh_t = lstm_step_backward(
            dh[:, t, :] + dprev_h, dprev_c, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        dbx += dbx_t
        dbh += dbh_t
    return dx, dprev_h, dprev_c, dWx, dWh, dbx, dbh


def rnn_train_step(params, x, h0, y, lr, max_norm):
    h, cache = rnn_forward(x, h0, params["W_ih"], params["W_hh"], params["b_ih"], params["b_hh"])
    scores = h[:, -1, :].dot(params["W_out"].T) + params["b_out"]
    loss = np.mean((scores - y) ** 2)
    dscores = 2 * (scores - y) / scores.size
    dh = np.zeros_like(h)
    dh[:, -1, :] = dscores.dot(params["W_out"])
    _, _, dWx, dWh, dbx, dbh = rnn_backward(dh, cache)
    grads = {"W_ih": dWx, "W_hh": dWh, "b_ih": dbx, "b_hh": dbh,
             "W_out": dscores.T.dot(h[:, -1, :]), "b_out": dscores.sum(axis=0)}
    total_norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    clip_coef = max_norm / (total_norm + 1e-6)
    if clip_coef < 1:
        for k in grads:
            grads[k] = grads[k] * clip_coef
    new_params = {}
    for k, v in params.items():
        new_params[k] = v - lr * grads[k]
    return new_params, loss, total_norm


def gru_step_forward(x, prev_h, Wx, Wh, bx, bh):
    H = prev_h.shape[1]
    ax = x.dot(Wx.T) + bx
    ah = prev_h.dot(Wh.T) + bh
    r = sigmoid(ax[:, :H] + ah[:, :H])
    z = sigmoid(ax[:, H:2 * H] + ah[:, H:2 * H])
    hn = ah[:, 2 * H:]
    n = np.tanh(ax[:, 2 * H:] + r * hn)
    next_h = (1 - z) * n + z * prev_h
    cache = (x, prev_h, Wx, Wh, r, z, n, hn)
    return next_h, cache


def gru_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, r, z, n, hn = cache
    dn = dnext_h * (1 - z)
    dz = dnext_h * (prev_h - n)
    dan = dn * (1 - n ** 2)
    dr = dan * hn
    dar = dr * r * (1 - r)
    daz = dz * z * (1 - z)
    dax = np.hstack((dar, daz, dan))
    dah = np.hstack((dar, daz, dan * r))
    dx = dax.dot(Wx)
    dprev_h = dah.dot(Wh) + dnext_h * z
    return dx, dprev_h, dax.T.dot(x), dah.T.dot(prev_h), dax.sum(axis=0), dah.sum(axis=0)


def gru_forward(x, h0, Wx, Wh, bx, bh):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    cache = []
    prev_h = h0
    for t in range(T):
        prev_h, step_cache = gru_step_forward(x[:, t, :], prev_h, Wx, Wh, bx, bh)
        h[:, t, :] = prev_h
        cache.append(step_cache)
    return h, (cache, x.shape, h0.shape)


def gru_backward(dh, cache):
    cache, x_shape, h0_shape = cache
    N, T, D = x_shape
    H = h0_shape[1]
    dx = np.zeros((N, T, D))
    dprev_h = np.zeros((N, H))
    dWx, dWh = np.zeros((3 * H, D)), np.zeros((3 * H, H))
    dbx, dbh = np.zeros(3 * H), np.zeros(3 * H)
    for t in reversed(range(T)):
        dx[:, t, :], dprev_h, dWx_t, dWh_t, dbx_t, dbh_t = gru_step_backward(dh[:, t, :] + dprev_h, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        dbx += dbx_t
        dbh += dbh_t
    return dx, dprev_h, dWx, dWh, dbx, dbh


def bidirectional_rnn_forward(x, h0, Wx, Wh, bx, bh, Wx_rev, Wh_rev, bx_rev, bh_rev):
    h_fwd, _ = rnn_forward(x, h0[0], Wx, Wh, bx, bh)
    h_bwd, _ = rnn_forward(x[:, ::-1, :], h0[1], Wx_rev, Wh_rev, bx_rev, bh_rev)
    return np.concatenate((h_fwd, h_bwd[:, ::-1, :]), axis=2)
