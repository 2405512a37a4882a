"""Attention computed key-major (S, L) inside and returned as transposed views, Fortran-ordered outputs,
lists for tuples, type hints and dataclass caches."""
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


@dataclass
class AttentionCache:
    q: Array
    k: Array
    v: Array
    weights_t: Array  # (..., S, L): the weights, keys first
    scale: float


def causal_mask(T: int) -> npt.NDArray[np.bool_]:
    return np.asfortranarray(np.tri(T, dtype=bool))


def scaled_dot_product_attention(q: Array, k: Array, v: Array, mask=None, causal: bool = False):
    scale = float(q.shape[-1]) ** -0.5
    scores_t = (k @ np.swapaxes(q, -1, -2)) * scale  # (..., S, L)
    allowed = np.ones(scores_t.shape[:-2] + scores_t.shape[:-3:-1], dtype=bool)  # (..., L, S)
    if mask is not None:
        allowed = allowed & mask
    if causal:
        allowed = allowed & np.tri(*allowed.shape[-2:], dtype=bool)
    allowed_t = np.swapaxes(allowed, -1, -2)
    big = np.where(allowed_t, scores_t, -np.inf).max(axis=-2, keepdims=True)
    e = np.where(allowed_t, np.exp(np.where(allowed_t, scores_t, big) - np.where(np.isfinite(big), big, 0.0)), 0.0)
    total = e.sum(axis=-2, keepdims=True)
    weights_t = e / np.where(total == 0.0, 1.0, total)
    out_t = np.swapaxes(v, -1, -2) @ weights_t  # (..., Ev, L)
    return np.swapaxes(out_t, -1, -2), AttentionCache(q, k, v, weights_t, scale)


def scaled_dot_product_attention_backward(dout: Array, cache: AttentionCache):
    P_t = cache.weights_t
    dv = np.asfortranarray(P_t @ dout)
    dweights_t = cache.v @ np.swapaxes(dout, -1, -2)  # (..., S, L)
    dscores_t = P_t * (dweights_t - (P_t * dweights_t).sum(axis=-2, keepdims=True))
    dq = np.swapaxes(np.swapaxes(cache.k, -1, -2) @ dscores_t, -1, -2) * cache.scale
    dk = (dscores_t @ cache.q) * cache.scale
    return [dq, dk, dv]


@dataclass
class MultiHeadCache:
    inputs: list
    weights: list
    out_proj_weight: Array
    merged: Array
    heads: int
    attention: AttentionCache


def multi_head_attention_forward(query: Array, key: Array, value: Array, num_heads: int, in_proj_weight: Array,
                                 in_proj_bias: Array, out_proj_weight: Array, out_proj_bias: Array,
                                 key_padding_mask=None, causal: bool = False):
    E = query.shape[-1]
    weights = [in_proj_weight[i * E:(i + 1) * E] for i in range(3)]
    biases = [in_proj_bias[i * E:(i + 1) * E] for i in range(3)]
    heads = []
    for x, w, b in zip((query, key, value), weights, biases):
        projected = (w @ x.reshape(-1, E).T).T.reshape(x.shape) + b
        heads.append(np.moveaxis(projected.reshape(x.shape[0], x.shape[1], num_heads, E // num_heads), 2, 1))
    mask = None if key_padding_mask is None else (key_padding_mask == False)[:, np.newaxis, np.newaxis, :]  # noqa: E712
    attended, attention = scaled_dot_product_attention(heads[0], heads[1], heads[2], mask, causal)
    merged = np.moveaxis(attended, 1, 2).reshape(query.shape)
    out = np.asfortranarray(merged @ out_proj_weight.T + out_proj_bias)
    return out, MultiHeadCache([query, key, value], weights, out_proj_weight, merged, num_heads, attention)


def multi_head_attention_backward(dout: Array, cache: MultiHeadCache):
    E = dout.shape[-1]
    rows = dout.reshape(-1, E)
    dmerged = dout @ cache.out_proj_weight
    n, L = dout.shape[:2]
    dheads = scaled_dot_product_attention_backward(
        np.moveaxis(dmerged.reshape(n, L, cache.heads, E // cache.heads), 2, 1), cache.attention)
    grads = []
    for g, x, w in zip(dheads, cache.inputs, cache.weights):
        dprojected = np.moveaxis(g, 1, 2).reshape(x.shape)
        grads.append((dprojected @ w, (x.reshape(-1, E).T @ dprojected.reshape(-1, E)).T,
                      dprojected.reshape(-1, E).sum(axis=0)))
    return [grads[0][0], grads[1][0], grads[2][0], np.vstack([g[1] for g in grads]), np.hstack([g[2] for g in grads]),
            (cache.merged.reshape(-1, E).T @ rows).T, rows.sum(axis=0)]


def sinusoidal_positional_encoding(T: int, d: int) -> Array:
    P_t = np.empty((d, T))  # one row per column of the answer
    pairs = np.arange(0, d, 2)
    angles = np.arange(T)[np.newaxis, :] / 10000.0 ** (pairs[:, np.newaxis] / d)
    P_t[0::2] = np.sin(angles)
    P_t[1::2] = np.cos(angles[: d // 2])
    return P_t.T


def transformer_encoder_layer_forward(x: Array, params: dict, num_heads: int, norm_first: bool = False,
                                      key_padding_mask=None, causal: bool = False, eps: float = 1e-5) -> Array:
    p = params

    def attend(h):
        return multi_head_attention_forward(h, h, h, num_heads, p["in_proj_weight"], p["in_proj_bias"],
                                            p["out_proj_weight"], p["out_proj_bias"], key_padding_mask, causal)[0]

    def ffn(h):
        hidden = np.maximum(np.tensordot(h, p["linear1_weight"], axes=([2], [1])) + p["linear1_bias"], 0.0)
        return np.tensordot(hidden, p["linear2_weight"], axes=([2], [1])) + p["linear2_bias"]

    def norm(h, which):
        centred = h - h.mean(axis=2)[:, :, None]
        return centred / np.sqrt((centred ** 2).mean(axis=2) + eps)[:, :, None] * p[which + "_weight"] \
            + p[which + "_bias"]

    if norm_first:
        x = x + attend(norm(x, "norm1"))
        return np.asfortranarray(x + ffn(norm(x, "norm2")))
    x = norm(x + attend(x), "norm1")
    return np.asfortranarray(norm(x + ffn(x), "norm2"))


@dataclass
class NormCache:
    xhat: Array
    inv_std: Array  # (N, T, 1)
    gamma: Array


def _norm_with_cache(h: Array, gamma: Array, beta: Array, eps: float):
    centred = h - h.mean(axis=2)[:, :, None]
    inv_std = 1.0 / np.sqrt((centred ** 2).mean(axis=2) + eps)[:, :, None]
    return centred * inv_std * gamma + beta, NormCache(centred * inv_std, inv_std, gamma)


def _norm_backward(dy: Array, cache: NormCache):
    dxhat = dy * cache.gamma
    correction = dxhat.mean(axis=2)[:, :, None] + cache.xhat * (dxhat * cache.xhat).mean(axis=2)[:, :, None]
    return (dxhat - correction) * cache.inv_std, (dy * cache.xhat).sum(axis=(0, 1)), dy.sum(axis=(0, 1))


def transformer_encoder_layer_backward(dout: Array, x: Array, params: dict, num_heads: int, norm_first: bool = False,
                                       key_padding_mask=None, causal: bool = False, eps: float = 1e-5) -> list:
    p = params
    grads: dict[str, Array] = {}

    def norm(h, which):
        return _norm_with_cache(h, p[which + "_weight"], p[which + "_bias"], eps)

    def norm_back(d, cache, which):
        dh, grads[which + "_weight"], grads[which + "_bias"] = _norm_backward(d, cache)
        return dh

    def attend(h):
        return multi_head_attention_forward(h, h, h, num_heads, p["in_proj_weight"], p["in_proj_bias"],
                                            p["out_proj_weight"], p["out_proj_bias"], key_padding_mask, causal)

    def attend_back(d, cache):
        dq, dk, dv, *rest = multi_head_attention_backward(d, cache)
        grads.update(zip(["in_proj_weight", "in_proj_bias", "out_proj_weight", "out_proj_bias"], rest))
        return dq + dk + dv

    def ffn(h):
        pre = np.tensordot(h, p["linear1_weight"], axes=([2], [1])) + p["linear1_bias"]
        return np.tensordot(np.maximum(pre, 0.0), p["linear2_weight"], axes=([2], [1])) + p["linear2_bias"], pre

    def ffn_back(d, h, pre):
        grads["linear2_weight"] = np.tensordot(d, np.maximum(pre, 0.0), axes=([0, 1], [0, 1]))
        grads["linear2_bias"] = d.sum(axis=(0, 1))
        dpre = np.tensordot(d, p["linear2_weight"], axes=([2], [0])) * (pre > 0.0)
        grads["linear1_weight"] = np.asfortranarray(np.tensordot(dpre, h, axes=([0, 1], [0, 1])))
        grads["linear1_bias"] = dpre.sum(axis=(0, 1))
        return np.tensordot(dpre, p["linear1_weight"], axes=([2], [0]))

    if norm_first:
        h1, norm1 = norm(x, "norm1")
        attended, attention_cache = attend(h1)
        h2, norm2 = norm(x + attended, "norm2")
        ds = dout + norm_back(ffn_back(dout, h2, ffn(h2)[1]), norm2, "norm2")
        dx = ds + norm_back(attend_back(ds, attention_cache), norm1, "norm1")
    else:
        attended, attention_cache = attend(x)
        y, norm1 = norm(x + attended, "norm1")
        out, pre = ffn(y)
        _, norm2 = norm(y + out, "norm2")
        dr = norm_back(dout, norm2, "norm2")
        da = norm_back(dr + ffn_back(dr, y, pre), norm1, "norm1")
        dx = da + attend_back(da, attention_cache)
    return [np.asfortranarray(dx), grads]
