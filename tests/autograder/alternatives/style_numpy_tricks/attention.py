"""Attention with np.einsum over named axes, a log-sum-exp softmax, and heads as a reshaped weight."""
import numpy as np


def causal_mask(T):
    return np.greater_equal.outer(np.arange(T), np.arange(T))


def scaled_dot_product_attention(q, k, v, mask=None, causal=False):
    scores = np.einsum("...le,...se->...ls", q, k) / np.sqrt(q.shape[-1])
    allowed = np.ones(scores.shape, dtype=bool)
    if mask is not None:
        allowed = np.logical_and(allowed, mask)
    if causal:
        allowed = np.logical_and(allowed, np.greater_equal.outer(np.arange(scores.shape[-2]),
                                                                   np.arange(scores.shape[-1])))
    masked = np.where(allowed, scores, -np.inf)
    lse = np.logaddexp.reduce(masked, axis=-1, keepdims=True)  # -inf for a query with no key
    shifted = np.subtract(masked, lse, out=np.full_like(masked, -np.inf), where=allowed)
    weights = np.exp(shifted)
    return np.einsum("...ls,...sv->...lv", weights, v), (q, k, v, weights)


def scaled_dot_product_attention_backward(dout, cache):
    q, k, v, weights = cache
    scale = 1.0 / np.sqrt(q.shape[-1])
    dv = np.einsum("...ls,...lv->...sv", weights, dout)
    dweights = np.einsum("...lv,...sv->...ls", dout, v)
    dscores = weights * (dweights - np.einsum("...ls,...ls->...l", weights, dweights)[..., None])
    return (np.einsum("...ls,...se->...le", dscores, k) * scale, np.einsum("...ls,...le->...se", dscores, q) * scale,
            dv)


def multi_head_attention_forward(query, key, value, num_heads, in_proj_weight, in_proj_bias, out_proj_weight,
                                 out_proj_bias, key_padding_mask=None, causal=False):
    E = query.shape[2]
    d = E // num_heads
    W = in_proj_weight.reshape(3, num_heads, d, E)
    b = in_proj_bias.reshape(3, num_heads, 1, d)
    heads = [np.einsum("nte,hde->nhtd", x, W[i]) + b[i] for i, x in enumerate((query, key, value))]
    mask = None if key_padding_mask is None else np.expand_dims(~key_padding_mask, (1, 2))
    attended, attention_cache = scaled_dot_product_attention(*heads, mask, causal)
    Wo = out_proj_weight.reshape(E, num_heads, d)
    out = np.einsum("nhtd,ohd->nto", attended, Wo) + out_proj_bias
    return out, (query, key, value, W, Wo, attended, attention_cache)


def multi_head_attention_backward(dout, cache):
    query, key, value, W, Wo, attended, attention_cache = cache
    E = query.shape[2]
    dattended = np.einsum("nto,ohd->nhtd", dout, Wo)
    dheads = scaled_dot_product_attention_backward(dattended, attention_cache)
    dinputs = [np.einsum("nhtd,hde->nte", g, W[i]) for i, g in enumerate(dheads)]
    dW = np.stack([np.einsum("nhtd,nte->hde", g, x) for g, x in zip(dheads, (query, key, value))]).reshape(3 * E, E)
    db = np.stack([g.sum(axis=(0, 2)) for g in dheads]).reshape(3 * E)
    dWo = np.einsum("nto,nhtd->ohd", dout, attended).reshape(E, E)
    return (*dinputs, dW, db, dWo, np.einsum("nto->o", dout))


def sinusoidal_positional_encoding(T, d):
    columns = np.arange(d)
    angles = np.outer(np.arange(T), np.power(10000.0, -(columns - columns % 2) / d))
    return np.where(columns % 2 == 0, np.sin(angles), np.cos(angles))


def transformer_encoder_layer_forward(x, params, num_heads, norm_first=False, key_padding_mask=None, causal=False,
                                      eps=1e-5):
    p = params

    def attend(h):
        return multi_head_attention_forward(h, h, h, num_heads, p["in_proj_weight"], p["in_proj_bias"],
                                            p["out_proj_weight"], p["out_proj_bias"], key_padding_mask, causal)[0]

    def ffn(h):
        hidden = np.clip(np.einsum("nte,fe->ntf", h, p["linear1_weight"]) + p["linear1_bias"], 0.0, None)
        return np.einsum("ntf,ef->nte", hidden, p["linear2_weight"]) + p["linear2_bias"]

    def norm(h, which):
        mean = h.mean(axis=-1, keepdims=True)
        return (h - mean) / np.sqrt(np.var(h, axis=-1, keepdims=True) + eps) * p[which + "_weight"] + p[which + "_bias"]

    if norm_first:
        x = x + attend(norm(x, "norm1"))
        return x + ffn(norm(x, "norm2"))
    x = norm(x + attend(x), "norm1")
    return norm(x + ffn(x), "norm2")


def transformer_encoder_layer_backward(dout, x, params, num_heads, norm_first=False, key_padding_mask=None,
                                       causal=False, eps=1e-5):
    p, grads = params, {}

    def attend(h):
        return multi_head_attention_forward(h, h, h, num_heads, p["in_proj_weight"], p["in_proj_bias"],
                                            p["out_proj_weight"], p["out_proj_bias"], key_padding_mask, causal)

    def attend_back(d, cache):
        dq, dk, dv, *dw = multi_head_attention_backward(d, cache)
        grads.update(zip(("in_proj_weight", "in_proj_bias", "out_proj_weight", "out_proj_bias"), dw))
        return dq + dk + dv

    def standardize(h):
        return (h - h.mean(axis=-1, keepdims=True)) / np.sqrt(np.var(h, axis=-1, keepdims=True) + eps)

    def norm(h, which):
        return standardize(h) * p[which + "_weight"] + p[which + "_bias"]

    def norm_back(d, h, which):
        xhat, E = standardize(h), h.shape[-1]
        grads[which + "_weight"], grads[which + "_bias"] = np.einsum("nte,nte->e", d, xhat), np.einsum("nte->e", d)
        g = d * p[which + "_weight"]
        projected = g.sum(axis=-1, keepdims=True) + xhat * np.einsum("nte,nte->nt", g, xhat)[..., np.newaxis]
        return (E * g - projected) / (E * np.sqrt(np.var(h, axis=-1, keepdims=True) + eps))

    def ffn_back(d, h):
        pre = np.einsum("nte,fe->ntf", h, p["linear1_weight"]) + p["linear1_bias"]
        grads["linear2_weight"] = np.einsum("nte,ntf->ef", d, np.clip(pre, 0.0, None))
        grads["linear2_bias"] = np.einsum("nte->e", d)
        dpre = np.where(pre > 0, np.einsum("nte,ef->ntf", d, p["linear2_weight"]), 0.0)
        grads["linear1_weight"], grads["linear1_bias"] = np.einsum("ntf,nte->fe", dpre, h), np.einsum("ntf->f", dpre)
        return np.einsum("ntf,fe->nte", dpre, p["linear1_weight"])

    def ffn(h):
        hidden = np.clip(np.einsum("nte,fe->ntf", h, p["linear1_weight"]) + p["linear1_bias"], 0.0, None)
        return np.einsum("ntf,ef->nte", hidden, p["linear2_weight"]) + p["linear2_bias"]

    if norm_first:
        attended, cache = attend(norm(x, "norm1"))
        s = x + attended
        ds = dout + norm_back(ffn_back(dout, norm(s, "norm2")), s, "norm2")
        return ds + norm_back(attend_back(ds, cache), x, "norm1"), grads
    attended, cache = attend(x)
    y = norm(x + attended, "norm1")
    dr = norm_back(dout, y + ffn(y), "norm2")
    da = norm_back(dr + ffn_back(dr, y), x + attended, "norm1")
    return da + attend_back(da, cache), grads
