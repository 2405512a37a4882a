"""Attention one sequence, one query and one key at a time, heads as column slices, math for scalars."""
import math

import numpy as np


def causal_mask(T):
    rows = []
    for i in range(T):
        rows.append([j <= i for j in range(T)])
    return np.array(rows, dtype=bool)


def scaled_dot_product_attention(q, k, v, mask=None, causal=False):
    lead, L, S, E = q.shape[:-2], q.shape[-2], k.shape[-2], q.shape[-1]
    m = None if mask is None else np.broadcast_to(mask, lead + (L, S))
    out = np.zeros(lead + (L, v.shape[-1]))
    weights = np.zeros(lead + (L, S))
    for idx in np.ndindex(*lead):
        for i in range(L):
            keys = [j for j in range(S) if (m is None or m[idx + (i, j)]) and (not causal or j <= i)]
            if not keys:
                continue  # no key: the output and the weights stay 0
            scores = [float(np.dot(q[idx + (i,)], k[idx + (j,)])) / math.sqrt(E) for j in keys]
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total = math.fsum(exps)
            for j, e in zip(keys, exps):
                weights[idx + (i, j)] = e / total
                out[idx + (i,)] += e / total * v[idx + (j,)]
    return out, {"q": q, "k": k, "v": v, "weights": weights}


def scaled_dot_product_attention_backward(dout, cache):
    q, k, v, P = cache["q"], cache["k"], cache["v"], cache["weights"]
    scale = 1.0 / math.sqrt(q.shape[-1])
    dq, dk, dv = np.zeros_like(q), np.zeros_like(k), np.zeros_like(v)
    lead, L, S = P.shape[:-2], P.shape[-2], P.shape[-1]
    for idx in np.ndindex(*lead):
        for i in range(L):
            dP = [float(np.dot(dout[idx + (i,)], v[idx + (j,)])) for j in range(S)]
            inner = math.fsum(P[idx + (i, j)] * dP[j] for j in range(S))
            for j in range(S):
                p = P[idx + (i, j)]
                dv[idx + (j,)] += p * dout[idx + (i,)]
                ds = p * (dP[j] - inner) * scale
                dq[idx + (i,)] += ds * k[idx + (j,)]
                dk[idx + (j,)] += ds * q[idx + (i,)]
    return dq, dk, dv


def multi_head_attention_forward(query, key, value, num_heads, in_proj_weight, in_proj_bias, out_proj_weight,
                                 out_proj_bias, key_padding_mask=None, causal=False):
    E = query.shape[2]
    d = E // num_heads
    projected = []
    for block, x in enumerate((query, key, value)):
        rows = slice(block * E, (block + 1) * E)
        projected.append(x @ in_proj_weight[rows].T + in_proj_bias[rows])
    mask = None if key_padding_mask is None else np.logical_not(key_padding_mask)[:, None, :]
    merged = np.zeros_like(projected[0])
    head_caches = []
    for h in range(num_heads):
        cols = slice(h * d, (h + 1) * d)
        out_h, cache_h = scaled_dot_product_attention(*(p[:, :, cols] for p in projected), mask, causal)
        merged[:, :, cols] = out_h
        head_caches.append(cache_h)
    out = merged @ out_proj_weight.T + out_proj_bias
    return out, {"inputs": (query, key, value), "W": in_proj_weight, "Wo": out_proj_weight, "merged": merged,
                 "heads": head_caches, "d": d}


def multi_head_attention_backward(dout, cache):
    query, key, value = cache["inputs"]
    W, d, merged = cache["W"], cache["d"], cache["merged"]
    E = query.shape[2]
    dmerged = dout @ cache["Wo"]
    dprojected = [np.zeros_like(query), np.zeros_like(key), np.zeros_like(value)]
    for h, head_cache in enumerate(cache["heads"]):
        cols = slice(h * d, (h + 1) * d)
        for block, grad in enumerate(scaled_dot_product_attention_backward(dmerged[:, :, cols], head_cache)):
            dprojected[block][:, :, cols] = grad
    dinputs, dW, db = [], np.zeros_like(W), np.zeros(3 * E)
    for block, (x, g) in enumerate(zip((query, key, value), dprojected)):
        rows = slice(block * E, (block + 1) * E)
        dinputs.append(g @ W[rows])
        for n in range(x.shape[0]):
            dW[rows] += g[n].T @ x[n]
            db[rows] += g[n].sum(axis=0)
    dWo, dbo = np.zeros_like(cache["Wo"]), np.zeros(E)
    for n in range(dout.shape[0]):
        dWo += dout[n].T @ merged[n]
        dbo += dout[n].sum(axis=0)
    return dinputs[0], dinputs[1], dinputs[2], dW, db, dWo, dbo


def sinusoidal_positional_encoding(T, d):
    P = np.zeros((T, d))
    for pos in range(T):
        for col in range(d):
            angle = pos / 10000.0 ** ((col - col % 2) / d)
            P[pos, col] = math.sin(angle) if col % 2 == 0 else math.cos(angle)
    return P


def _layer_norm(x, gamma, beta, eps):
    out = np.empty_like(x)
    for idx in np.ndindex(*x.shape[:-1]):
        row = [float(value) for value in x[idx]]
        mean = math.fsum(row) / len(row)
        var = math.fsum((r - mean) ** 2 for r in row) / len(row)
        out[idx] = (x[idx] - mean) / math.sqrt(var + eps) * gamma + beta
    return out


def _ffn(h, p):
    """The position-wise network, one position at a time."""
    out = np.empty_like(h)
    for idx in np.ndindex(*h.shape[:-1]):
        hidden = [max(0.0, a) for a in p["linear1_weight"] @ h[idx] + p["linear1_bias"]]
        out[idx] = p["linear2_weight"] @ np.array(hidden) + p["linear2_bias"]
    return out


def transformer_encoder_layer_forward(x, params, num_heads, norm_first=False, key_padding_mask=None, causal=False,
                                      eps=1e-5):
    p = params

    def attend(h):
        return multi_head_attention_forward(h, h, h, num_heads, p["in_proj_weight"], p["in_proj_bias"],
                                            p["out_proj_weight"], p["out_proj_bias"], key_padding_mask, causal)[0]

    def norm(h, which):
        return _layer_norm(h, p[which + "_weight"], p[which + "_bias"], eps)

    if norm_first:
        x = x + attend(norm(x, "norm1"))
        return x + _ffn(norm(x, "norm2"), p)
    x = norm(x + attend(x), "norm1")
    return norm(x + _ffn(x, p), "norm2")


def _layer_norm_backward(dy, x, gamma, eps):
    """One position at a time: (dx, dgamma, dbeta)."""
    dx, dgamma, dbeta = np.empty_like(x), np.zeros(x.shape[-1]), np.zeros(x.shape[-1])
    E = x.shape[-1]
    for idx in np.ndindex(*x.shape[:-1]):
        row = [float(value) for value in x[idx]]
        mean = math.fsum(row) / E
        inv_std = 1.0 / math.sqrt(math.fsum((r - mean) ** 2 for r in row) / E + eps)
        xhat = (x[idx] - mean) * inv_std
        dgamma += dy[idx] * xhat
        dbeta += dy[idx]
        g = dy[idx] * gamma
        dx[idx] = inv_std * (g - math.fsum(g) / E - xhat * math.fsum(g * xhat) / E)
    return dx, dgamma, dbeta


def transformer_encoder_layer_backward(dout, x, params, num_heads, norm_first=False, key_padding_mask=None,
                                       causal=False, eps=1e-5):
    p = params
    grads = {name: np.zeros_like(value) for name, value in p.items()}

    def norm(h, which):
        return _layer_norm(h, p[which + "_weight"], p[which + "_bias"], eps)

    def norm_back(d, h, which):
        dh, dgamma, dbeta = _layer_norm_backward(d, h, p[which + "_weight"], eps)
        grads[which + "_weight"] += dgamma
        grads[which + "_bias"] += dbeta
        return dh

    def ffn_back(d, h):
        dh = np.empty_like(h)
        for idx in np.ndindex(*h.shape[:-1]):
            pre = p["linear1_weight"] @ h[idx] + p["linear1_bias"]
            hidden = np.array([max(0.0, a) for a in pre])
            grads["linear2_weight"] += np.outer(d[idx], hidden)
            grads["linear2_bias"] += d[idx]
            dpre = np.array([g if a > 0 else 0.0 for g, a in zip(d[idx] @ p["linear2_weight"], pre)])
            grads["linear1_weight"] += np.outer(dpre, h[idx])
            grads["linear1_bias"] += dpre
            dh[idx] = dpre @ p["linear1_weight"]
        return dh

    def attend(h):
        return multi_head_attention_forward(h, h, h, num_heads, p["in_proj_weight"], p["in_proj_bias"],
                                            p["out_proj_weight"], p["out_proj_bias"], key_padding_mask, causal)

    def attend_back(d, cache):
        dq, dk, dv, dW, db, dWo, dbo = multi_head_attention_backward(d, cache)
        for name, g in zip(("in_proj_weight", "in_proj_bias", "out_proj_weight", "out_proj_bias"), (dW, db, dWo, dbo)):
            grads[name] += g
        return dq + dk + dv

    if norm_first:
        attended, cache = attend(norm(x, "norm1"))
        s = x + attended
        ds = dout + norm_back(ffn_back(dout, norm(s, "norm2")), s, "norm2")
        dx = ds + norm_back(attend_back(ds, cache), x, "norm1")
    else:
        attended, cache = attend(x)
        a = x + attended
        y = norm(a, "norm1")
        dr = norm_back(dout, y + _ffn(y, p), "norm2")
        da = norm_back(dr + ffn_back(dr, y), a, "norm1")
        dx = da + attend_back(da, cache)
    return dx, grads
