"""Known mistakes in rnn.py (names resolve in that module: np, activations, rnn_forward, ...)."""
# ruff: noqa: F821
from autograder.mistakes import mistake


@mistake("rnn.rnn_step_forward", "b_hh left out", "torch.nn.RNN has two biases: add both b_ih and b_hh.")
def rnn_step_one_bias(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    h = np.tanh(x @ W_ih.T + b_ih + h_prev @ W_hh.T)
    return h, (x, h_prev, W_ih, W_hh, h)


@mistake("rnn.rnn_step_backward", "tanh' taken at the previous state (1 - h_prev**2)",
         "The step's own output h = tanh(a) gives tanh'(a) = 1 - h**2.")
def rnn_step_backward_wrong_state(dh, cache):
    x, h_prev, W_ih, W_hh, h = cache
    da = dh * (1 - h_prev**2)
    return da @ W_ih, da @ W_hh, da.T @ x, da.T @ h_prev, da.sum(axis=0), da.sum(axis=0)


@mistake("rnn.rnn_forward", "h0 fed to every step (the state is not carried)",
         "Feed each step the hidden state the previous step produced.")
def rnn_forward_no_carry(x, h0, W_ih, W_hh, b_ih, b_hh):
    steps = [rnn_step_forward(x[:, t], h0, W_ih, W_hh, b_ih, b_hh) for t in range(x.shape[1])]
    return np.stack([h for h, _ in steps], axis=1), [c for _, c in steps]


@mistake("rnn.rnn_backward", "weight gradients of the last step only (not summed over time)",
         "The weights are shared by every step: add up their gradients over all T steps.")
def rnn_backward_last_step(dhs, cache):
    n, steps, hidden = dhs.shape
    dx = np.zeros((n, steps, cache[0][0].shape[1]))
    dh_next, last = np.zeros((n, hidden)), None
    for t in reversed(range(steps)):
        dx[:, t], dh_next, *grads = rnn_step_backward(dhs[:, t] + dh_next, cache[t])
        last = grads if last is None else last
    return (dx, dh_next, *last)


@mistake("rnn.rnn_backward", "no gradient carried back between steps",
         "At step t add the gradient flowing back from step t+1 (dh_prev) to dhs[:, t].")
def rnn_backward_no_carry(dhs, cache):
    n, steps, hidden = dhs.shape
    dx = np.zeros((n, steps, cache[0][0].shape[1]))
    total = None
    for t in reversed(range(steps)):
        dx[:, t], dh_prev, *grads = rnn_step_backward(dhs[:, t], cache[t])
        total = grads if total is None else [a + b for a, b in zip(total, grads)]
    return (dx, dh_prev, *total)


@mistake("rnn.lstm_step_forward", "gates sliced in the order i, f, o, g",
         "torch stacks the gates as i, f, g, o: the third block is the tanh cell candidate.")
def lstm_step_wrong_order(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    hidden = h_prev.shape[1]
    a = x @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh
    i = activations.sigmoid(a[:, :hidden])
    f = activations.sigmoid(a[:, hidden : 2 * hidden])
    o = activations.sigmoid(a[:, 2 * hidden : 3 * hidden])
    g = np.tanh(a[:, 3 * hidden :])
    c = f * c_prev + i * g
    return o * np.tanh(c), c, (x, h_prev, c_prev, W_ih, W_hh, i, f, g, o, np.tanh(c))


@mistake("rnn.lstm_step_backward", "the path from h to c through tanh(c) forgotten",
         "dL/dc = dc + dh * o * (1 - tanh(c)**2): h depends on c.")
def lstm_step_backward_no_h_path(dh, dc, cache):
    x, h_prev, c_prev, W_ih, W_hh, i, f, g, o, tanh_c = cache
    da = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g * g),
                         dh * tanh_c * o * (1 - o)], axis=1)
    return da @ W_ih, da @ W_hh, dc * f, da.T @ x, da.T @ h_prev, da.sum(axis=0), da.sum(axis=0)


@mistake("rnn.lstm_forward", "c0 fed to every step (the cell state is not carried)",
         "Carry both h and c from each step to the next.")
def lstm_forward_no_cell_carry(x, h0, c0, W_ih, W_hh, b_ih, b_hh):
    hs, caches, h = np.zeros((x.shape[0], x.shape[1], h0.shape[1])), [], h0
    for t in range(x.shape[1]):
        h, _, cache = lstm_step_forward(x[:, t], h, c0, W_ih, W_hh, b_ih, b_hh)
        hs[:, t] = h
        caches.append(cache)
    return hs, caches


@mistake("rnn.lstm_backward", "cell-state gradient not carried between steps",
         "Pass dc_prev from step t+1 into step t along with dh_prev.")
def lstm_backward_no_cell_carry(dhs, cache):
    n, steps, hidden = dhs.shape
    dx = np.zeros((n, steps, cache[0][0].shape[1]))
    dh_next, total = np.zeros((n, hidden)), None
    for t in reversed(range(steps)):
        dx[:, t], dh_next, dc_prev, *grads = lstm_step_backward(dhs[:, t] + dh_next, np.zeros((n, hidden)), cache[t])
        total = grads if total is None else [a + b for a, b in zip(total, grads)]
    return (dx, dh_next, dc_prev, *total)


@mistake("rnn.rnn_train_step", "each gradient clipped by its own norm (per-tensor clipping)",
         "Clip all gradients together by their GLOBAL norm, as clip_grad_norm_ does.")
def train_step_per_tensor(params, x, h0, y, lr, max_norm):
    names = ("W_ih", "W_hh", "b_ih", "b_hh")
    hs, cache = rnn_forward(x, h0, *(params[k] for k in names))
    prediction = hs[:, -1] @ params["W_out"].T + params["b_out"]
    dprediction = 2 * (prediction - y) / prediction.size
    dhs = np.zeros_like(hs)
    dhs[:, -1] = dprediction @ params["W_out"]
    _, _, *rnn_grads = rnn_backward(dhs, cache)
    grads = dict(zip(names, rnn_grads), W_out=dprediction.T @ hs[:, -1], b_out=dprediction.sum(axis=0))
    norms = {k: float(np.sqrt(np.sum(g * g))) for k, g in grads.items()}
    total = float(np.sqrt(sum(n * n for n in norms.values())))
    new = {k: params[k] - lr * min(1.0, max_norm / (norms[k] + 1e-6)) * grads[k] for k in params}
    return new, float(np.mean((prediction - y) ** 2)), total


# ----------------------------------------------------------------------------- GRU
@mistake("rnn.gru_step_forward", "reset gate applied to h_prev before W_hn (the 2014 paper's form)",
         "torch multiplies AFTER the product, bias included: n = tanh(x W_in^T + b_in + r * (h_prev W_hn^T + b_hn)).")
def gru_step_reset_before(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    hidden = h_prev.shape[1]
    a_i = x @ W_ih.T + b_ih
    a_h = h_prev @ W_hh.T + b_hh
    r = activations.sigmoid(a_i[:, :hidden] + a_h[:, :hidden])
    z = activations.sigmoid(a_i[:, hidden : 2 * hidden] + a_h[:, hidden : 2 * hidden])
    hn = (r * h_prev) @ W_hh[2 * hidden :].T + b_hh[2 * hidden :]
    n = np.tanh(a_i[:, 2 * hidden :] + hn)
    return (1 - z) * n + z * h_prev, (x, h_prev, W_ih, W_hh, r, z, n, hn)


@mistake("rnn.gru_step_forward", "z and 1 - z swapped (h = z * n + (1 - z) * h_prev)",
         "In torch z weights the OLD state: h = (1 - z) * n + z * h_prev.")
def gru_step_z_swapped(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    hidden = h_prev.shape[1]
    a_i = x @ W_ih.T + b_ih
    a_h = h_prev @ W_hh.T + b_hh
    r = activations.sigmoid(a_i[:, :hidden] + a_h[:, :hidden])
    z = activations.sigmoid(a_i[:, hidden : 2 * hidden] + a_h[:, hidden : 2 * hidden])
    hn = a_h[:, 2 * hidden :]
    n = np.tanh(a_i[:, 2 * hidden :] + r * hn)
    return z * n + (1 - z) * h_prev, (x, h_prev, W_ih, W_hh, r, z, n, hn)


@mistake("rnn.gru_step_forward", "b_hn added outside the reset gate (r * (h_prev W_hn^T) + b_hn)",
         "b_hn is inside the reset gate: r * (h_prev W_hn^T + b_hn); only b_in is outside it.")
def gru_step_bias_outside(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    hidden = h_prev.shape[1]
    a_i = x @ W_ih.T + b_ih
    a_h = h_prev @ W_hh.T + b_hh
    r = activations.sigmoid(a_i[:, :hidden] + a_h[:, :hidden])
    z = activations.sigmoid(a_i[:, hidden : 2 * hidden] + a_h[:, hidden : 2 * hidden])
    hn = a_h[:, 2 * hidden :]
    n = np.tanh(a_i[:, 2 * hidden :] + r * (hn - b_hh[2 * hidden :]) + b_hh[2 * hidden :])
    return (1 - z) * n + z * h_prev, (x, h_prev, W_ih, W_hh, r, z, n, hn)


@mistake("rnn.gru_step_forward", "gate blocks sliced in the order z, r, n (Keras's order)",
         "torch stacks the GRU blocks as r, z, n: the first H rows belong to the reset gate.")
def gru_step_wrong_order(x, h_prev, W_ih, W_hh, b_ih, b_hh):
    hidden = h_prev.shape[1]
    a_i = x @ W_ih.T + b_ih
    a_h = h_prev @ W_hh.T + b_hh
    z = activations.sigmoid(a_i[:, :hidden] + a_h[:, :hidden])
    r = activations.sigmoid(a_i[:, hidden : 2 * hidden] + a_h[:, hidden : 2 * hidden])
    hn = a_h[:, 2 * hidden :]
    n = np.tanh(a_i[:, 2 * hidden :] + r * hn)
    return (1 - z) * n + z * h_prev, (x, h_prev, W_ih, W_hh, r, z, n, hn)


@mistake("rnn.gru_step_backward", "the direct path z * h_prev left out of dh_prev",
         "h = (1 - z) * n + z * h_prev depends on h_prev directly: add dh * z to dh_prev.")
def gru_step_backward_no_direct_path(dh, cache):
    x, h_prev, W_ih, W_hh, r, z, n, hn = cache
    da_n = dh * (1 - z) * (1 - n * n)
    da_r = da_n * hn * r * (1 - r)
    da_z = dh * (h_prev - n) * z * (1 - z)
    da_i = np.concatenate([da_r, da_z, da_n], axis=1)
    da_h = np.concatenate([da_r, da_z, da_n * r], axis=1)
    return da_i @ W_ih, da_h @ W_hh, da_i.T @ x, da_h.T @ h_prev, da_i.sum(axis=0), da_h.sum(axis=0)


@mistake("rnn.gru_step_backward", "the hidden-side candidate gradient not multiplied by r",
         "The recurrent candidate term is r * (h_prev W_hn^T + b_hn): its gradient is da_n * r.")
def gru_step_backward_no_reset_factor(dh, cache):
    x, h_prev, W_ih, W_hh, r, z, n, hn = cache
    da_n = dh * (1 - z) * (1 - n * n)
    da_r = da_n * hn * r * (1 - r)
    da_z = dh * (h_prev - n) * z * (1 - z)
    da_i = np.concatenate([da_r, da_z, da_n], axis=1)
    return da_i @ W_ih, dh * z + da_i @ W_hh, da_i.T @ x, da_i.T @ h_prev, da_i.sum(axis=0), da_i.sum(axis=0)


@mistake("rnn.gru_step_backward", "update-gate gradient with the wrong sign (dh * (n - h_prev))",
         "dh/dz = h_prev - n, since h = n + z * (h_prev - n).")
def gru_step_backward_z_sign(dh, cache):
    x, h_prev, W_ih, W_hh, r, z, n, hn = cache
    da_n = dh * (1 - z) * (1 - n * n)
    da_r = da_n * hn * r * (1 - r)
    da_z = dh * (n - h_prev) * z * (1 - z)
    da_i = np.concatenate([da_r, da_z, da_n], axis=1)
    da_h = np.concatenate([da_r, da_z, da_n * r], axis=1)
    return da_i @ W_ih, dh * z + da_h @ W_hh, da_i.T @ x, da_h.T @ h_prev, da_i.sum(axis=0), da_h.sum(axis=0)


@mistake("rnn.gru_forward", "h0 fed to every step (the state is not carried)",
         "Feed each step the hidden state the previous step produced.")
def gru_forward_no_carry(x, h0, W_ih, W_hh, b_ih, b_hh):
    steps = [gru_step_forward(x[:, t], h0, W_ih, W_hh, b_ih, b_hh) for t in range(x.shape[1])]
    return np.stack([h for h, _ in steps], axis=1), [c for _, c in steps]


@mistake("rnn.gru_forward", "hs[:, t] holds the state fed INTO step t (h0 ... h_{T-1}), one step late",
         "Store the state each step returns: hs[:, t] = h_{t+1}, the state after reading x[:, t].")
def gru_forward_off_by_one(x, h0, W_ih, W_hh, b_ih, b_hh):
    hs, caches, h = np.zeros((x.shape[0], x.shape[1], h0.shape[1])), [], h0
    for t in range(x.shape[1]):
        hs[:, t] = h
        h, cache = gru_step_forward(x[:, t], h, W_ih, W_hh, b_ih, b_hh)
        caches.append(cache)
    return hs, caches


@mistake("rnn.gru_backward", "weight gradients of the last step only (not summed over time)",
         "The weights are shared by every step: add up their gradients over all T steps.")
def gru_backward_last_step(dhs, cache):
    n, steps, hidden = dhs.shape
    dx = np.zeros((n, steps, cache[0][0].shape[1]))
    dh_next, last = np.zeros((n, hidden)), None
    for t in reversed(range(steps)):
        dx[:, t], dh_next, *grads = gru_step_backward(dhs[:, t] + dh_next, cache[t])
        last = grads if last is None else last
    return (dx, dh_next, *last)


@mistake("rnn.gru_backward", "no gradient carried back between steps",
         "At step t add the gradient flowing back from step t+1 (dh_prev) to dhs[:, t].")
def gru_backward_no_carry(dhs, cache):
    n, steps, hidden = dhs.shape
    dx = np.zeros((n, steps, cache[0][0].shape[1]))
    total = None
    for t in reversed(range(steps)):
        dx[:, t], dh_prev, *grads = gru_step_backward(dhs[:, t], cache[t])
        total = grads if total is None else [a + b for a, b in zip(total, grads)]
    return (dx, dh_prev, *total)


# ----------------------------------------------------------------------------- bidirectional
@mistake("rnn.bidirectional_rnn_forward", "backward states not reversed back to their positions",
         "The backward pass reads x[:, ::-1]; reverse its states again ([:, ::-1]) before concatenating.")
def bidirectional_not_reversed_back(x, h0, W_ih, W_hh, b_ih, b_hh, W_ih_reverse, W_hh_reverse, b_ih_reverse,
                                    b_hh_reverse):
    forward, _ = rnn_forward(x, h0[0], W_ih, W_hh, b_ih, b_hh)
    backward, _ = rnn_forward(x[:, ::-1], h0[1], W_ih_reverse, W_hh_reverse, b_ih_reverse, b_hh_reverse)
    return np.concatenate([forward, backward], axis=2)


@mistake("rnn.bidirectional_rnn_forward", "the backward direction reads the sequence left to right",
         "The second direction runs over x[:, ::-1] (from t = T-1 down to 0), then its states are reversed back.")
def bidirectional_not_reversed(x, h0, W_ih, W_hh, b_ih, b_hh, W_ih_reverse, W_hh_reverse, b_ih_reverse,
                               b_hh_reverse):
    forward, _ = rnn_forward(x, h0[0], W_ih, W_hh, b_ih, b_hh)
    backward, _ = rnn_forward(x, h0[1], W_ih_reverse, W_hh_reverse, b_ih_reverse, b_hh_reverse)
    return np.concatenate([forward, backward], axis=2)


@mistake("rnn.bidirectional_rnn_forward", "directions concatenated backward first",
         "torch's output holds the forward direction in the first H features, the backward one in the last H.")
def bidirectional_swapped_halves(x, h0, W_ih, W_hh, b_ih, b_hh, W_ih_reverse, W_hh_reverse, b_ih_reverse,
                                 b_hh_reverse):
    forward, _ = rnn_forward(x, h0[0], W_ih, W_hh, b_ih, b_hh)
    backward, _ = rnn_forward(x[:, ::-1], h0[1], W_ih_reverse, W_hh_reverse, b_ih_reverse, b_hh_reverse)
    return np.concatenate([backward[:, ::-1], forward], axis=2)
