"""Attention with dict caches, np.float64 scalars, and identities: cos(a) = sin(a + pi/2), Var = E[x^2] - E[x]^2."""
import numpy as np


def causal_mask(T):
    return np.tril(np.full((T, T), True))


def scaled_dot_product_attention(q, k, v, mask=None, causal=False):
    E = np.float64(q.shape[-1])
    scores = np.matmul(q, np.swapaxes(k, -1, -2)) / np.sqrt(E)
    keep = np.full(scores.shape, True)
    if mask is not None:
        keep = keep * mask
    if causal:
        L, S = scores.shape[-2:]
        keep = keep * (np.arange(S)[None, :] <= np.arange(L)[:, None])
    shift = np.max(np.where(keep, scores, np.finfo(np.float64).min), axis=-1, keepdims=True)
    e = np.exp(np.minimum(scores - shift, 0.0)) * keep
    total = np.sum(e, axis=-1, keepdims=True)
    weights = e / np.maximum(total, np.float64(1e-300))  # a row with no key has e = 0 and stays 0
    return np.matmul(weights, v), {"q": q, "k": k, "v": v, "p": weights, "E": E}


def scaled_dot_product_attention_backward(dout, cache):
    p, q, k, v = cache["p"], cache["q"], cache["k"], cache["v"]
    dp = np.matmul(dout, np.swapaxes(v, -1, -2))
    ds = p * dp - p * np.sum(p * dp, axis=-1, keepdims=True)
    root = np.sqrt(cache["E"])
    return np.matmul(ds, k) / root, np.matmul(np.swapaxes(ds, -1, -2), q) / root, np.matmul(np.swapaxes(p, -1, -2), dout)


def multi_head_attention_forward(query, key, value, num_heads, in_proj_weight, in_proj_bias, out_proj_weight,
                                 out_proj_bias, key_padding_mask=None, causal=False):
    n, L, E = query.shape
    d = E // num_heads
    q_w, k_w, v_w = np.split(in_proj_weight, 3, axis=0)
    q_b, k_b, v_b = np.split(in_proj_bias, 3)

    def heads(x, w, b):
        return np.transpose(np.reshape(np.dot(x, w.T) + b, (x.shape[0], x.shape[1], num_heads, d)), (0, 2, 1, 3))

    mask = None
    if key_padding_mask is not None:
        mask = np.reshape(np.logical_not(key_padding_mask), (n, 1, 1, key.shape[1]))
    attended, inner = scaled_dot_product_attention(heads(query, q_w, q_b), heads(key, k_w, k_b),
                                                   heads(value, v_w, v_b), mask, causal)
    merged = np.reshape(np.transpose(attended, (0, 2, 1, 3)), (n, L, E))
    return np.dot(merged, out_proj_weight.T) + out_proj_bias, {
        "x": (query, key, value), "w": (q_w, k_w, v_w), "wo": out_proj_weight, "merged": merged, "h": num_heads,
        "inner": inner}


def multi_head_attention_backward(dout, cache):
    n, L, E = dout.shape
    h = cache["h"]
    dmerged = np.dot(dout, cache["wo"])
    dheads = scaled_dot_product_attention_backward(
        np.transpose(np.reshape(dmerged, (n, L, h, E // h)), (0, 2, 1, 3)), cache["inner"])
    dx, dw, db = [], [], []
    for g, x, w in zip(dheads, cache["x"], cache["w"]):
        dproj = np.reshape(np.transpose(g, (0, 2, 1, 3)), x.shape)
        dx.append(np.dot(dproj, w))
        dw.append(np.tensordot(dproj, x, axes=([0, 1], [0, 1])))
        db.append(np.sum(dproj, axis=(0, 1)))
    return (dx[0], dx[1], dx[2], np.concatenate(dw, axis=0), np.concatenate(db),
            np.tensordot(dout, cache["merged"], axes=([0, 1], [0, 1])), np.sum(dout, axis=(0, 1)))


def sinusoidal_positional_encoding(T, d):
    columns = np.arange(d)
    angles = np.arange(T)[:, None] * np.exp(-np.log(10000.0) * (columns - columns % 2) / d)
    return np.sin(angles + (columns % 2) * (np.pi / 2))  # cos(a) = sin(a + pi/2) in the odd columns


def transformer_encoder_layer_forward(x, params, num_heads, norm_first=False, key_padding_mask=None, causal=False,
                                      eps=1e-5):
    def attend(h):
        return multi_head_attention_forward(h, h, h, num_heads, params["in_proj_weight"], params["in_proj_bias"],
                                            params["out_proj_weight"], params["out_proj_bias"], key_padding_mask,
                                            causal)[0]

    def ffn(h):
        hidden = np.dot(h, params["linear1_weight"].T) + params["linear1_bias"]
        return np.dot(hidden * (hidden > 0), params["linear2_weight"].T) + params["linear2_bias"]

    def norm(h, which):
        mean = np.mean(h, axis=-1, keepdims=True)
        var = np.mean(h * h, axis=-1, keepdims=True) - mean * mean
        return (h - mean) / np.sqrt(var + eps) * params[which + "_weight"] + params[which + "_bias"]

    if norm_first:
        x = x + attend(norm(x, "norm1"))
        return x + ffn(norm(x, "norm2"))
    x = norm(x + attend(x), "norm1")
    return norm(x + ffn(x), "norm2")


def _moments(h, eps):
    mean = np.mean(h, axis=-1, keepdims=True)
    return mean, 1.0 / np.sqrt(np.mean(h * h, axis=-1, keepdims=True) - mean * mean + eps)


def transformer_encoder_layer_backward(dout, x, params, num_heads, norm_first=False, key_padding_mask=None,
                                       causal=False, eps=1e-5):
    g = {}

    def layer_norm(h, which):
        mean, inv_std = _moments(h, eps)
        return (h - mean) * inv_std * params[which + "_weight"] + params[which + "_bias"]

    def layer_norm_grad(dy, h, which):
        mean, inv_std = _moments(h, eps)
        xhat = (h - mean) * inv_std
        g[which + "_weight"] = np.sum(dy * xhat, axis=(0, 1))
        g[which + "_bias"] = np.sum(dy, axis=(0, 1))
        dxhat = dy * params[which + "_weight"]
        return inv_std * (dxhat - np.mean(dxhat, axis=-1, keepdims=True)
                          - xhat * np.mean(dxhat * xhat, axis=-1, keepdims=True))

    def ffn_grad(dy, h):
        pre = np.dot(h, params["linear1_weight"].T) + params["linear1_bias"]
        g["linear2_weight"] = np.tensordot(dy, pre * (pre > 0), axes=([0, 1], [0, 1]))
        g["linear2_bias"] = np.sum(dy, axis=(0, 1))
        dpre = np.dot(dy, params["linear2_weight"]) * (pre > 0)
        g["linear1_weight"] = np.tensordot(dpre, h, axes=([0, 1], [0, 1]))
        g["linear1_bias"] = np.sum(dpre, axis=(0, 1))
        return np.dot(dpre, params["linear1_weight"])

    def attention(h):
        return multi_head_attention_forward(h, h, h, num_heads, params["in_proj_weight"], params["in_proj_bias"],
                                            params["out_proj_weight"], params["out_proj_bias"], key_padding_mask,
                                            causal)

    def attention_grad(dy, cache):
        dq, dk, dv, g["in_proj_weight"], g["in_proj_bias"], g["out_proj_weight"], g["out_proj_bias"] = \
            multi_head_attention_backward(dy, cache)
        return dq + dk + dv

    if norm_first:
        a, cache = attention(layer_norm(x, "norm1"))
        dmid = dout + layer_norm_grad(ffn_grad(dout, layer_norm(x + a, "norm2")), x + a, "norm2")
        dx = dmid + layer_norm_grad(attention_grad(dmid, cache), x, "norm1")
    else:
        a, cache = attention(x)
        y = layer_norm(x + a, "norm1")
        hidden = np.dot(y, params["linear1_weight"].T) + params["linear1_bias"]
        r = y + np.dot(hidden * (hidden > 0), params["linear2_weight"].T) + params["linear2_bias"]
        dr = layer_norm_grad(dout, r, "norm2")
        dsum = layer_norm_grad(dr + ffn_grad(dr, y), x + a, "norm1")
        dx = dsum + attention_grad(dsum, cache)
    return dx, g
