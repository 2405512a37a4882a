"""Recurrent networks in the manner of the deeplearning.ai sequence-models code: examples are COLUMNS
(xt has shape (n_x, m), a_prev (n_a, m)), a parameters dict (Wax, Waa, ba; the LSTM's Wf, Wi, Wc, Wo act
on the stacked [a_prev; xt]), caches of (a_next, a_prev, xt, parameters), and a time axis LAST
(x of shape (n_x, m, T_x)). torch's W_ih (H, D) is exactly Wax; the LSTM's four gate matrices are
sliced from torch's stacked i, f, g, o weights; the contract's batch-first arrays are transposed at the
edges."""
import numpy as np


def sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * x))


def rnn_cell_forward(xt, a_prev, parameters):
    Wax, Waa, ba = parameters["Wax"], parameters["Waa"], parameters["ba"]
    a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)
    cache = (a_next, a_prev, xt, parameters)
    return a_next, cache


def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    dtanh = (1 - a_next ** 2) * da_next
    gradients = {"dxt": np.dot(parameters["Wax"].T, dtanh), "da_prev": np.dot(parameters["Waa"].T, dtanh),
                 "dWax": np.dot(dtanh, xt.T), "dWaa": np.dot(dtanh, a_prev.T),
                 "dba": np.sum(dtanh, axis=1, keepdims=True)}
    return gradients


def _rnn_parameters(W_ih, W_hh, b_ih, b_hh):
    return {"Wax": W_ih, "Waa": W_hh, "ba": (b_ih + b_hh).reshape(-1, 1)}


def rnn_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    a_next, cache = rnn_cell_forward(x.T, h_prev.T, _rnn_parameters(W_ih, W_hh, b_ih, b_hh))
    return a_next.T, cache


def rnn_step_backward(dh, cache):
    g = rnn_cell_backward(dh.T, cache)
    dba = g["dba"].ravel()
    return g["dxt"].T, g["da_prev"].T, g["dWax"], g["dWaa"], dba, dba.copy()


def rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    x = x.transpose(2, 0, 1)  # (n_x, m, T_x)
    n_x, m, T_x = x.shape
    n_a = W_hh.shape[0]
    parameters = _rnn_parameters(W_ih, W_hh, b_ih, b_hh)
    a = np.zeros((n_a, m, T_x))
    a_next = h0.T
    caches = []
    for t in range(T_x):
        a_next, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        caches.append(cache)
    return a.transpose(1, 2, 0), (caches, x)


def rnn_backward(dhs, cache):
    caches, x = cache
    da = dhs.transpose(2, 0, 1)
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T_x))
    dWax, dWaa, dba = np.zeros((n_a, n_x)), np.zeros((n_a, n_a)), np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dx[:, :, t] = gradients["dxt"]
        da_prevt = gradients["da_prev"]
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]
    return dx.transpose(1, 2, 0), da_prevt.T, dWax, dWaa, dba.ravel(), dba.ravel().copy()


def _lstm_parameters(W_ih, W_hh, b_ih, b_hh):
    n_a = W_hh.shape[1]
    W = np.concatenate((W_hh, W_ih), axis=1)  # acts on [a_prev; xt]
    b = (b_ih + b_hh).reshape(-1, 1)
    names = ("i", "f", "c", "o")  # torch's order i, f, g, o
    parameters = {}
    for k, name in enumerate(names):
        parameters["W" + name] = W[k * n_a:(k + 1) * n_a]
        parameters["b" + name] = b[k * n_a:(k + 1) * n_a]
    return parameters


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    concat = np.concatenate((a_prev, xt), axis=0)
    ft = sigmoid(np.dot(parameters["Wf"], concat) + parameters["bf"])
    it = sigmoid(np.dot(parameters["Wi"], concat) + parameters["bi"])
    cct = np.tanh(np.dot(parameters["Wc"], concat) + parameters["bc"])
    c_next = ft * c_prev + it * cct
    ot = sigmoid(np.dot(parameters["Wo"], concat) + parameters["bo"])
    a_next = ot * np.tanh(c_next)
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, cache


def lstm_cell_backward(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a = a_next.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c ** 2)
    dot = da_next * tanh_c * ot * (1 - ot)
    dcct = dc * it * (1 - cct ** 2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)
    concat = np.concatenate((a_prev, xt), axis=0)
    gradients = {}
    dconcat = 0
    for name, dgate in (("i", dit), ("f", dft), ("c", dcct), ("o", dot)):
        gradients["dW" + name] = np.dot(dgate, concat.T)
        gradients["db" + name] = np.sum(dgate, axis=1, keepdims=True)
        dconcat = dconcat + np.dot(parameters["W" + name].T, dgate)
    gradients["da_prev"] = dconcat[:n_a]
    gradients["dxt"] = dconcat[n_a:]
    gradients["dc_prev"] = dc * ft
    return gradients


def _torch_grads(gradients, n_a):
    dW = np.concatenate([gradients["dW" + name] for name in ("i", "f", "c", "o")], axis=0)
    db = np.concatenate([gradients["db" + name] for name in ("i", "f", "c", "o")], axis=0).ravel()
    return dW[:, n_a:], dW[:, :n_a], db, db.copy()


def lstm_step_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    a_next, c_next, cache = lstm_cell_forward(x.T, h_prev.T, c_prev.T, _lstm_parameters(W_ih, W_hh, b_ih, b_hh))
    return a_next.T, c_next.T, cache


def lstm_step_backward(dh, dc, cache):
    g = lstm_cell_backward(dh.T, dc.T, cache)
    return (g["dxt"].T, g["da_prev"].T, g["dc_prev"].T, *_torch_grads(g, dh.shape[1]))


def lstm_forward(x, h0, c0, W_ih, W_hh, b_ih, b_hh):
    x = x.transpose(2, 0, 1)
    n_x, m, T_x = x.shape
    n_a = W_hh.shape[1]
    parameters = _lstm_parameters(W_ih, W_hh, b_ih, b_hh)
    a = np.zeros((n_a, m, T_x))
    a_next, c_next = h0.T, c0.T
    caches = []
    for t in range(T_x):
        a_next, c_next, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        caches.append(cache)
    return a.transpose(1, 2, 0), (caches, x)


def lstm_backward(dhs, cache):
    caches, x = cache
    da = dhs.transpose(2, 0, 1)
    n_a, m, T_x = da.shape
    dx = np.zeros((x.shape[0], m, T_x))
    da_prevt, dc_prevt = np.zeros((n_a, m)), np.zeros((n_a, m))
    totals = None
    for t in reversed(range(T_x)):
        gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
        dx[:, :, t] = gradients["dxt"]
        da_prevt, dc_prevt = gradients["da_prev"], gradients["dc_prev"]
        step = _torch_grads(gradients, n_a)
        totals = step if totals is None else tuple(a + b for a, b in zip(totals, step))
    return (dx.transpose(1, 2, 0), da_prevt.T, dc_prevt.T, *totals)


def rnn_train_step(params, x, h0, y, lr, max_norm):
    a, cache = rnn_forward(x, h0, params["W_ih"], params["W_hh"], params["b_ih"], params["b_hh"])
    a_last = a[:, -1, :].T  # (n_a, m)
    Wya, by = params["W_out"], params["b_out"].reshape(-1, 1)
    y_hat = np.dot(Wya, a_last) + by  # (n_y, m)
    Y = y.T
    loss = float(np.mean((y_hat - Y) ** 2))
    dy = 2 * (y_hat - Y) / y_hat.size
    da = np.zeros_like(a)
    da[:, -1, :] = np.dot(Wya.T, dy).T
    _, _, dWax, dWaa, dba, dba2 = rnn_backward(da, cache)
    gradients = {"W_ih": dWax, "W_hh": dWaa, "b_ih": dba, "b_hh": dba2,
                 "W_out": np.dot(dy, a_last.T), "b_out": np.sum(dy, axis=1)}
    total_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in gradients.values())))
    coef = min(1.0, max_norm / (total_norm + 1e-6))
    return {name: params[name] - lr * coef * gradients[name] for name in params}, loss, total_norm


GRU_GATES = ("r", "z", "n")  # torch's order


def _gru_parameters(W_ih, W_hh, b_ih, b_hh):
    n_a = W_hh.shape[1]
    parameters = {}
    for k, name in enumerate(GRU_GATES):
        rows = slice(k * n_a, (k + 1) * n_a)
        parameters["Wx" + name], parameters["Wa" + name] = W_ih[rows], W_hh[rows]
        parameters["bx" + name], parameters["ba" + name] = b_ih[rows].reshape(-1, 1), b_hh[rows].reshape(-1, 1)
    return parameters


def gru_cell_forward(xt, a_prev, parameters):
    p = parameters
    rt = sigmoid(np.dot(p["Wxr"], xt) + p["bxr"] + np.dot(p["War"], a_prev) + p["bar"])
    zt = sigmoid(np.dot(p["Wxz"], xt) + p["bxz"] + np.dot(p["Waz"], a_prev) + p["baz"])
    an = np.dot(p["Wan"], a_prev) + p["ban"]
    nt = np.tanh(np.dot(p["Wxn"], xt) + p["bxn"] + rt * an)
    a_next = (1 - zt) * nt + zt * a_prev
    cache = (a_next, a_prev, xt, rt, zt, nt, an, parameters)
    return a_next, cache


def gru_cell_backward(da_next, cache):
    a_next, a_prev, xt, rt, zt, nt, an, parameters = cache
    dn = da_next * (1 - zt) * (1 - nt ** 2)
    dgates = {"r": dn * an * rt * (1 - rt),
              "z": da_next * (a_prev - nt) * zt * (1 - zt), "n": dn}
    dgates_a = {"r": dgates["r"], "z": dgates["z"], "n": dn * rt}
    gradients = {"dxt": 0, "da_prev": da_next * zt}
    for name in GRU_GATES:
        gradients["dWx" + name] = np.dot(dgates[name], xt.T)
        gradients["dWa" + name] = np.dot(dgates_a[name], a_prev.T)
        gradients["dbx" + name] = np.sum(dgates[name], axis=1, keepdims=True)
        gradients["dba" + name] = np.sum(dgates_a[name], axis=1, keepdims=True)
        gradients["dxt"] = gradients["dxt"] + np.dot(parameters["Wx" + name].T, dgates[name])
        gradients["da_prev"] = gradients["da_prev"] + np.dot(parameters["Wa" + name].T, dgates_a[name])
    return gradients


def _gru_torch_grads(gradients):
    stack = lambda key: np.concatenate([gradients[key + name] for name in GRU_GATES], axis=0)
    return stack("dWx"), stack("dWa"), stack("dbx").ravel(), stack("dba").ravel()


def gru_step_forward(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    a_next, cache = gru_cell_forward(x.T, h_prev.T, _gru_parameters(W_ih, W_hh, b_ih, b_hh))
    return a_next.T, cache


def gru_step_backward(dh, cache):
    g = gru_cell_backward(dh.T, cache)
    return (g["dxt"].T, g["da_prev"].T, *_gru_torch_grads(g))


def gru_forward(x, h0, W_ih, W_hh, b_ih, b_hh):
    x = x.transpose(2, 0, 1)
    n_x, m, T_x = x.shape
    n_a = W_hh.shape[1]
    parameters = _gru_parameters(W_ih, W_hh, b_ih, b_hh)
    a = np.zeros((n_a, m, T_x))
    a_next = h0.T
    caches = []
    for t in range(T_x):
        a_next, cache = gru_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        caches.append(cache)
    return a.transpose(1, 2, 0), (caches, x)


def gru_backward(dhs, cache):
    caches, x = cache
    da = dhs.transpose(2, 0, 1)
    n_a, m, T_x = da.shape
    dx = np.zeros((x.shape[0], m, T_x))
    da_prevt = np.zeros((n_a, m))
    totals = (np.zeros((3 * n_a, x.shape[0])), np.zeros((3 * n_a, n_a)), np.zeros(3 * n_a), np.zeros(3 * n_a))
    for t in reversed(range(T_x)):
        gradients = gru_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dx[:, :, t] = gradients["dxt"]
        da_prevt = gradients["da_prev"]
        totals = tuple(a + b for a, b in zip(totals, _gru_torch_grads(gradients)))
    return (dx.transpose(1, 2, 0), da_prevt.T, *totals)


def bidirectional_rnn_forward(x, h0, W_ih, W_hh, b_ih, b_hh, W_ih_reverse, W_hh_reverse, b_ih_reverse, b_hh_reverse):
    a_fwd, _ = rnn_forward(x, h0[0], W_ih, W_hh, b_ih, b_hh)
    a_bwd, _ = rnn_forward(np.flip(x, axis=1), h0[1], W_ih_reverse, W_hh_reverse, b_ih_reverse, b_hh_reverse)
    return np.concatenate((a_fwd, np.flip(a_bwd, axis=1)), axis=2)
