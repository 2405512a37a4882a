"""Attention written from scratch in the manner of d2l ("Dive into Deep Learning"): a masked_softmax that
fills the masked scores with a large negative value, a DotProductAttention over batched matrices, and
transpose_qkv / transpose_output that fold the heads into the batch axis, (N, T, E) to (N * h, T, d) and
back; the key mask is repeated once per head as d2l repeats valid_lens. The book relies on autograd; the
backward passes here run the same steps in reverse. Adapted to the contract: boolean masks instead of
valid lengths, and the rows left without any key multiplied to 0 (the book's -1e6 fill alone gives them
uniform weights); the positional table is sliced for an odd width (the book's assignment needs it even)."""
import numpy as np


def causal_mask(T):
    return np.arange(T)[None, :] <= np.arange(T)[:, None]


def masked_softmax(X, mask):
    """Softmax over the last axis of X with the entries where mask is False left out."""
    if mask is None:
        X_exp = np.exp(X - X.max(axis=-1, keepdims=True))
        return X_exp / X_exp.sum(axis=-1, keepdims=True)
    X = np.where(mask, X, -1e6)
    X_exp = np.exp(X - X.max(axis=-1, keepdims=True))
    return X_exp / X_exp.sum(axis=-1, keepdims=True) * mask.any(axis=-1, keepdims=True)


def _valid(mask, causal, L, S):
    if causal:
        tril = np.tril(np.ones((L, S), dtype=bool))
        mask = tril if mask is None else mask & tril
    return mask


def scaled_dot_product_attention(q, k, v, mask=None, causal=False):
    d = q.shape[-1]
    scores = q @ k.swapaxes(-1, -2) / np.sqrt(d)
    attention_weights = masked_softmax(scores, _valid(mask, causal, q.shape[-2], k.shape[-2]))
    return attention_weights @ v, (q, k, v, attention_weights)


def scaled_dot_product_attention_backward(dout, cache):
    q, k, v, attention_weights = cache
    d = q.shape[-1]
    dv = attention_weights.swapaxes(-1, -2) @ dout
    dA = dout @ v.swapaxes(-1, -2)
    dscores = attention_weights * (dA - (attention_weights * dA).sum(axis=-1, keepdims=True)) / np.sqrt(d)
    return dscores @ k, dscores.swapaxes(-1, -2) @ q, dv


def transpose_qkv(X, num_heads):
    """(N, T, E) to (N * num_heads, T, E / num_heads)."""
    X = X.reshape(X.shape[0], X.shape[1], num_heads, -1)
    X = X.transpose(0, 2, 1, 3)
    return X.reshape(-1, X.shape[2], X.shape[3])


def transpose_output(X, num_heads):
    """The inverse of transpose_qkv."""
    X = X.reshape(-1, num_heads, X.shape[1], X.shape[2])
    X = X.transpose(0, 2, 1, 3)
    return X.reshape(X.shape[0], X.shape[1], -1)


def multi_head_attention_forward(query, key, value, num_heads, in_proj_weight, in_proj_bias, out_proj_weight,
                                 out_proj_bias, key_padding_mask=None, causal=False):
    W_q, W_k, W_v = np.split(in_proj_weight, 3)
    b_q, b_k, b_v = np.split(in_proj_bias, 3)
    queries = transpose_qkv(query @ W_q.T + b_q, num_heads)
    keys = transpose_qkv(key @ W_k.T + b_k, num_heads)
    values = transpose_qkv(value @ W_v.T + b_v, num_heads)
    mask = None
    if key_padding_mask is not None:
        mask = np.repeat(~key_padding_mask, num_heads, axis=0)[:, None, :]
    output, attention_cache = scaled_dot_product_attention(queries, keys, values, mask, causal)
    output_concat = transpose_output(output, num_heads)
    cache = (query, key, value, num_heads, (W_q, W_k, W_v), out_proj_weight, output_concat, attention_cache)
    return output_concat @ out_proj_weight.T + out_proj_bias, cache


def multi_head_attention_backward(dout, cache):
    query, key, value, num_heads, W, W_o, output_concat, attention_cache = cache
    E = dout.shape[-1]
    dW_o = dout.reshape(-1, E).T @ output_concat.reshape(-1, E)
    db_o = dout.reshape(-1, E).sum(axis=0)
    dqueries, dkeys, dvalues = scaled_dot_product_attention_backward(transpose_qkv(dout @ W_o, num_heads),
                                                                     attention_cache)
    dprojected = [transpose_output(g, num_heads) for g in (dqueries, dkeys, dvalues)]
    dinputs = [g @ w for g, w in zip(dprojected, W)]
    dW_in = np.concatenate([g.reshape(-1, E).T @ x.reshape(-1, E) for g, x in zip(dprojected, (query, key, value))])
    db_in = np.concatenate([g.reshape(-1, E).sum(axis=0) for g in dprojected])
    return (*dinputs, dW_in, db_in, dW_o, db_o)


def sinusoidal_positional_encoding(T, d):
    P = np.zeros((1, T, d))
    X = np.arange(T, dtype=np.float64).reshape(-1, 1) / np.power(10000, np.arange(0, d, 2, dtype=np.float64) / d)
    P[:, :, 0::2] = np.sin(X)
    P[:, :, 1::2] = np.cos(X[:, :d // 2])
    return P[0]


def layer_norm(X, gamma, beta, eps):
    mean = X.mean(axis=-1, keepdims=True)
    var = ((X - mean) ** 2).mean(axis=-1, keepdims=True)
    return gamma * (X - mean) / np.sqrt(var + eps) + beta


def transformer_encoder_layer_forward(x, params, num_heads, norm_first=False, key_padding_mask=None, causal=False,
                                      eps=1e-5):
    p = params

    def attention(X):
        return multi_head_attention_forward(X, X, X, num_heads, p["in_proj_weight"], p["in_proj_bias"],
                                            p["out_proj_weight"], p["out_proj_bias"], key_padding_mask, causal)[0]

    def ffn(X):
        return np.maximum(X @ p["linear1_weight"].T + p["linear1_bias"], 0) @ p["linear2_weight"].T \
            + p["linear2_bias"]

    def add_norm(X, Y, which):  # d2l's AddNorm: LayerNorm(Y + X), dropout 0
        return layer_norm(Y + X, p[which + "_weight"], p[which + "_bias"], eps)

    if norm_first:
        X = x + attention(layer_norm(x, p["norm1_weight"], p["norm1_bias"], eps))
        return X + ffn(layer_norm(X, p["norm2_weight"], p["norm2_bias"], eps))
    Y = add_norm(x, attention(x), "norm1")
    return add_norm(Y, ffn(Y), "norm2")


def layer_norm_backward(dY, X, gamma, eps):
    """layer_norm's steps in reverse: (dX, dgamma, dbeta), the parameter gradients summed over batch and time."""
    mean = X.mean(axis=-1, keepdims=True)
    std = np.sqrt(((X - mean) ** 2).mean(axis=-1, keepdims=True) + eps)
    X_hat = (X - mean) / std
    dX_hat = dY * gamma
    dX = (dX_hat - dX_hat.mean(axis=-1, keepdims=True) - X_hat * (dX_hat * X_hat).mean(axis=-1, keepdims=True)) / std
    return dX, (dY * X_hat).sum(axis=(0, 1)), dY.sum(axis=(0, 1))


def transformer_encoder_layer_backward(dout, x, params, num_heads, norm_first=False, key_padding_mask=None,
                                       causal=False, eps=1e-5):
    p, grads = params, {}

    def attention(X):
        return multi_head_attention_forward(X, X, X, num_heads, p["in_proj_weight"], p["in_proj_bias"],
                                            p["out_proj_weight"], p["out_proj_bias"], key_padding_mask, causal)

    def attention_backward(dY, cache):
        dQ, dK, dV, *dW = multi_head_attention_backward(dY, cache)
        grads.update(zip(["in_proj_weight", "in_proj_bias", "out_proj_weight", "out_proj_bias"], dW))
        return dQ + dK + dV

    def ffn_backward(dY, X):  # PositionWiseFFN: dense1, relu, dense2, in reverse
        H = X @ p["linear1_weight"].T + p["linear1_bias"]
        grads["linear2_weight"] = np.einsum("bto,bth->oh", dY, np.maximum(H, 0))
        grads["linear2_bias"] = dY.sum(axis=(0, 1))
        dH = (dY @ p["linear2_weight"]) * (H > 0)
        grads["linear1_weight"], grads["linear1_bias"] = np.einsum("bth,bti->hi", dH, X), dH.sum(axis=(0, 1))
        return dH @ p["linear1_weight"]

    def norm_backward(dY, X, which):
        dX, grads[which + "_weight"], grads[which + "_bias"] = layer_norm_backward(dY, X, p[which + "_weight"], eps)
        return dX

    if norm_first:
        A, attention_cache = attention(layer_norm(x, p["norm1_weight"], p["norm1_bias"], eps))
        X = x + A
        dX = dout + norm_backward(ffn_backward(dout, layer_norm(X, p["norm2_weight"], p["norm2_bias"], eps)), X, "norm2")
        return dX + norm_backward(attention_backward(dX, attention_cache), x, "norm1"), grads
    A, attention_cache = attention(x)
    Y = layer_norm(x + A, p["norm1_weight"], p["norm1_bias"], eps)
    F = np.maximum(Y @ p["linear1_weight"].T + p["linear1_bias"], 0) @ p["linear2_weight"].T + p["linear2_bias"]
    dS2 = norm_backward(dout, Y + F, "norm2")  # AddNorm 2 in reverse: the sum Y + ffn(Y)
    dS1 = norm_backward(dS2 + ffn_backward(dS2, Y), x + A, "norm1")  # AddNorm 1: the sum x + attention(x)
    return dS1 + attention_backward(dS1, attention_cache), grads
