"""Attention in CS231n's layer manner: every op is a forward function returning (out, cache) and a
backward function taking (dout, cache); multi-head attention loops over its heads, slicing each head's
columns out of the projected queries, keys and values, and keeps one attention cache per head. The
Transformer encoder layer chains those layers, with a layernorm written the assignment's way. Masks are
the contract's booleans (True = the key takes part); a row with no key left gets weights of 0."""
import numpy as np


def causal_mask(T):
    mask = np.zeros((T, T), dtype=bool)
    for i in range(T):
        mask[i, :i + 1] = True
    return mask


def masked_softmax(scores, allowed):
    """Softmax over the last axis where `allowed`; rows with nothing allowed give all zeros."""
    scores = np.where(allowed, scores, -np.inf)
    row_max = np.max(scores, axis=-1, keepdims=True)
    row_max[~np.isfinite(row_max)] = 0.0
    exp_scores = np.exp(scores - row_max)
    denom = np.sum(exp_scores, axis=-1, keepdims=True)
    denom[denom == 0] = 1.0
    return exp_scores / denom


def scaled_dot_product_attention(q, k, v, mask=None, causal=False):
    L, S, E = q.shape[-2], k.shape[-2], q.shape[-1]
    scores = np.matmul(q, np.swapaxes(k, -1, -2)) / np.sqrt(E)
    allowed = np.ones(scores.shape, dtype=bool)
    if mask is not None:
        allowed = allowed & mask
    if causal:
        allowed = allowed & (np.arange(S)[None, :] <= np.arange(L)[:, None])
    attn = masked_softmax(scores, allowed)
    out = np.matmul(attn, v)
    cache = (q, k, v, attn)
    return out, cache


def scaled_dot_product_attention_backward(dout, cache):
    q, k, v, attn = cache
    scale = 1.0 / np.sqrt(q.shape[-1])
    dv = np.matmul(np.swapaxes(attn, -1, -2), dout)
    dattn = np.matmul(dout, np.swapaxes(v, -1, -2))
    dscores = attn * (dattn - np.sum(attn * dattn, axis=-1, keepdims=True))
    dq = np.matmul(dscores, k) * scale
    dk = np.matmul(np.swapaxes(dscores, -1, -2), q) * scale
    return dq, dk, dv


def affine_forward(x, w, b):
    """x (N, T, D) times an nn.Linear-style weight w (M, D)."""
    out = x.dot(w.T) + b
    return out, (x, w)


def affine_backward(dout, cache):
    x, w = cache
    D, M = x.shape[-1], w.shape[0]
    dx = dout.dot(w)
    dw = dout.reshape(-1, M).T.dot(x.reshape(-1, D))
    db = np.sum(dout.reshape(-1, M), axis=0)
    return dx, dw, db


def multi_head_attention_forward(query, key, value, num_heads, in_proj_weight, in_proj_bias, out_proj_weight,
                                 out_proj_bias, key_padding_mask=None, causal=False):
    N, L, E = query.shape
    S = key.shape[1]
    d = E // num_heads
    Q, q_cache = affine_forward(query, in_proj_weight[:E], in_proj_bias[:E])
    K, k_cache = affine_forward(key, in_proj_weight[E:2 * E], in_proj_bias[E:2 * E])
    V, v_cache = affine_forward(value, in_proj_weight[2 * E:], in_proj_bias[2 * E:])
    mask = np.ones((N, 1, S), dtype=bool)
    if key_padding_mask is not None:
        mask = ~key_padding_mask[:, None, :]
    Y = np.zeros((N, L, E))
    head_caches = []
    for h in range(num_heads):
        cols = slice(h * d, (h + 1) * d)
        Y[:, :, cols], head_cache = scaled_dot_product_attention(Q[:, :, cols], K[:, :, cols], V[:, :, cols],
                                                                 mask, causal)
        head_caches.append(head_cache)
    out, o_cache = affine_forward(Y, out_proj_weight, out_proj_bias)
    cache = (num_heads, q_cache, k_cache, v_cache, head_caches, o_cache)
    return out, cache


def multi_head_attention_backward(dout, cache):
    num_heads, q_cache, k_cache, v_cache, head_caches, o_cache = cache
    dY, dWo, dbo = affine_backward(dout, o_cache)
    E = dY.shape[-1]
    d = E // num_heads
    dQ = np.zeros(dY.shape)
    dK = np.zeros(k_cache[0].shape[:2] + (E,))
    dV = np.zeros(dK.shape)
    for h in range(num_heads):
        cols = slice(h * d, (h + 1) * d)
        dQ[:, :, cols], dK[:, :, cols], dV[:, :, cols] = scaled_dot_product_attention_backward(
            dY[:, :, cols], head_caches[h])
    dquery, dWq, dbq = affine_backward(dQ, q_cache)
    dkey, dWk, dbk = affine_backward(dK, k_cache)
    dvalue, dWv, dbv = affine_backward(dV, v_cache)
    return (dquery, dkey, dvalue, np.concatenate([dWq, dWk, dWv]), np.concatenate([dbq, dbk, dbv]), dWo, dbo)


def sinusoidal_positional_encoding(T, d):
    P = np.zeros((T, d))
    for pos in range(T):
        for i in range(0, d, 2):
            angle = pos / 10000 ** (i / d)
            P[pos, i] = np.sin(angle)
            if i + 1 < d:
                P[pos, i + 1] = np.cos(angle)
    return P


def layernorm_forward(x, gamma, beta, eps):
    mu = np.mean(x, axis=-1, keepdims=True)
    var = np.var(x, axis=-1, keepdims=True)
    x_hat = (x - mu) / np.sqrt(var + eps)
    return gamma * x_hat + beta


def transformer_encoder_layer_forward(x, params, num_heads, norm_first=False, key_padding_mask=None, causal=False,
                                      eps=1e-5):
    p = params

    def self_attention(h):
        out, _ = multi_head_attention_forward(h, h, h, num_heads, p["in_proj_weight"], p["in_proj_bias"],
                                              p["out_proj_weight"], p["out_proj_bias"], key_padding_mask, causal)
        return out

    def feed_forward(h):
        hidden, _ = affine_forward(h, p["linear1_weight"], p["linear1_bias"])
        out, _ = affine_forward(np.maximum(0, hidden), p["linear2_weight"], p["linear2_bias"])
        return out

    if norm_first:
        x = x + self_attention(layernorm_forward(x, p["norm1_weight"], p["norm1_bias"], eps))
        x = x + feed_forward(layernorm_forward(x, p["norm2_weight"], p["norm2_bias"], eps))
        return x
    x = layernorm_forward(x + self_attention(x), p["norm1_weight"], p["norm1_bias"], eps)
    x = layernorm_forward(x + feed_forward(x), p["norm2_weight"], p["norm2_bias"], eps)
    return x


def layernorm_backward(dout, x, gamma, eps):
    """The assignment's layernorm backward (its cache rebuilt from x): (dx, dgamma, dbeta)."""
    D = x.shape[-1]
    mu = np.mean(x, axis=-1, keepdims=True)
    inv_std = 1.0 / np.sqrt(np.var(x, axis=-1, keepdims=True) + eps)
    x_hat = (x - mu) * inv_std
    dgamma = np.sum((dout * x_hat).reshape(-1, D), axis=0)
    dbeta = np.sum(dout.reshape(-1, D), axis=0)
    dx_hat = dout * gamma
    dx = inv_std / D * (D * dx_hat - np.sum(dx_hat, axis=-1, keepdims=True)
                        - x_hat * np.sum(dx_hat * x_hat, axis=-1, keepdims=True))
    return dx, dgamma, dbeta


def relu_backward(dout, cache):
    x = cache
    dx = dout.copy()
    dx[x <= 0] = 0
    return dx


def transformer_encoder_layer_backward(dout, x, params, num_heads, norm_first=False, key_padding_mask=None,
                                       causal=False, eps=1e-5):
    p = params
    grads = {}

    def self_attention_forward(h):
        return multi_head_attention_forward(h, h, h, num_heads, p["in_proj_weight"], p["in_proj_bias"],
                                            p["out_proj_weight"], p["out_proj_bias"], key_padding_mask, causal)

    def self_attention_backward(dout, cache):
        dq, dk, dv, dw_in, db_in, dw_out, db_out = multi_head_attention_backward(dout, cache)
        grads["in_proj_weight"], grads["in_proj_bias"] = dw_in, db_in
        grads["out_proj_weight"], grads["out_proj_bias"] = dw_out, db_out
        return dq + dk + dv

    def feed_forward_forward(h):
        hidden, fc1_cache = affine_forward(h, p["linear1_weight"], p["linear1_bias"])
        out, fc2_cache = affine_forward(np.maximum(0, hidden), p["linear2_weight"], p["linear2_bias"])
        return out, (fc1_cache, hidden, fc2_cache)

    def feed_forward_backward(dout, cache):
        fc1_cache, hidden, fc2_cache = cache
        drelu, grads["linear2_weight"], grads["linear2_bias"] = affine_backward(dout, fc2_cache)
        dh, grads["linear1_weight"], grads["linear1_bias"] = affine_backward(relu_backward(drelu, hidden), fc1_cache)
        return dh

    def norm_backward(dout, h, which):
        dh, grads[which + "_weight"], grads[which + "_bias"] = layernorm_backward(dout, h, p[which + "_weight"], eps)
        return dh

    if norm_first:
        attn_out, attn_cache = self_attention_forward(layernorm_forward(x, p["norm1_weight"], p["norm1_bias"], eps))
        x1 = x + attn_out
        _, ffn_cache = feed_forward_forward(layernorm_forward(x1, p["norm2_weight"], p["norm2_bias"], eps))
        dx1 = dout + norm_backward(feed_forward_backward(dout, ffn_cache), x1, "norm2")
        dx = dx1 + norm_backward(self_attention_backward(dx1, attn_cache), x, "norm1")
        return dx, grads
    attn_out, attn_cache = self_attention_forward(x)
    x1 = layernorm_forward(x + attn_out, p["norm1_weight"], p["norm1_bias"], eps)
    ffn_out, ffn_cache = feed_forward_forward(x1)
    dsum2 = norm_backward(dout, x1 + ffn_out, "norm2")
    dsum1 = norm_backward(dsum2 + feed_forward_backward(dsum2, ffn_cache), x + attn_out, "norm1")
    dx = dsum1 + self_attention_backward(dsum1, attn_cache)
    return dx, grads
