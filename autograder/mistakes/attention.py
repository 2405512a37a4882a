"""Known mistakes in attention.py (names resolve in that module: np, scaled_dot_product_attention, ...)."""
# ruff: noqa: F821
from autograder.mistakes import mistake


# ----------------------------------------------------------------------------- causal_mask
@mistake("attention.causal_mask", "True marks the blocked keys (nn.MultiheadAttention's convention)",
         "Here True means 'takes part', as in scaled_dot_product_attention: np.tril, True on and below the diagonal.")
def causal_mask_blocked(T):
    return np.triu(np.ones((T, T), dtype=bool), 1)


@mistake("attention.causal_mask", "the diagonal left out (a position cannot see itself)",
         "Query i may attend to every key j <= i, itself included: np.tril(..., k=0).")
def causal_mask_no_diagonal(T):
    return np.tril(np.ones((T, T), dtype=bool), -1)


# ----------------------------------------------------------------------------- scaled_dot_product_attention
# A mistake runs with the names of the reference module (as a detector) or replaces its target in a
# copy of it (as a mutant), so it never calls its own target; it may call the module's other
# functions and private helpers (_masked_softmax, _split_heads, _merge_heads, _layer_norm).
@mistake("attention.scaled_dot_product_attention", "scores divided by E instead of sqrt(E)",
         "Scale by 1 / sqrt(E): it keeps the scores at unit variance; 1 / E flattens the weights.")
def sdpa_divided_by_d(q, k, v, mask=None, causal=False):
    scale = 1.0 / q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) * scale
    allowed = np.broadcast_to(True if mask is None else mask, scores.shape)
    if causal:
        allowed = allowed & np.tril(np.ones(scores.shape[-2:], dtype=bool))
    weights = _masked_softmax(scores, allowed)
    return weights @ v, (q, k, v, weights, scale)


@mistake("attention.scaled_dot_product_attention", "mask applied after the softmax (weights zeroed, not renormalised)",
         "Set the masked scores to -inf BEFORE the softmax, so the weights that remain still sum to 1.")
def sdpa_mask_after_softmax(q, k, v, mask=None, causal=False):
    scale = 1.0 / np.sqrt(q.shape[-1])
    scores = q @ np.swapaxes(k, -1, -2) * scale
    weights = _masked_softmax(scores, np.ones(scores.shape, dtype=bool))
    if mask is not None:
        weights = weights * mask
    if causal:
        weights = weights * np.tril(np.ones(scores.shape[-2:]))
    return weights @ v, (q, k, v, weights, scale)


@mistake("attention.scaled_dot_product_attention", "softmax over the query axis",
         "Each query's weights sum to 1 over the KEYS: softmax along the last axis of the (L, S) scores.")
def sdpa_softmax_over_queries(q, k, v, mask=None, causal=False):
    scale = 1.0 / np.sqrt(q.shape[-1])
    scores = q @ np.swapaxes(k, -1, -2) * scale
    allowed = np.broadcast_to(True if mask is None else mask, scores.shape)
    if causal:
        allowed = allowed & np.tril(np.ones(scores.shape[-2:], dtype=bool))
    weights = np.swapaxes(_masked_softmax(np.swapaxes(scores, -1, -2), np.swapaxes(allowed, -1, -2)), -1, -2)
    return weights @ v, (q, k, v, weights, scale)


@mistake("attention.scaled_dot_product_attention", "causal mask aligned bottom-right (np.tril(..., k=S - L))",
         "torch's is_causal aligns the mask top-left: query i sees keys j <= i, whatever S - L is.")
def sdpa_causal_bottom_right(q, k, v, mask=None, causal=False):
    scale = 1.0 / np.sqrt(q.shape[-1])
    scores = q @ np.swapaxes(k, -1, -2) * scale
    allowed = np.broadcast_to(True if mask is None else mask, scores.shape)
    if causal:
        L, S = scores.shape[-2:]
        allowed = allowed & np.tril(np.ones((L, S), dtype=bool), S - L)
    weights = _masked_softmax(scores, allowed)
    return weights @ v, (q, k, v, weights, scale)


@mistake("attention.scaled_dot_product_attention", "a query with no key left gives nan (0/0 in the softmax)",
         "When every key of a query is masked, return 0 for it: guard the row maximum and the sum against "
         "an empty row.")
def sdpa_nan_rows(q, k, v, mask=None, causal=False):
    scale = 1.0 / np.sqrt(q.shape[-1])
    scores = q @ np.swapaxes(k, -1, -2) * scale
    allowed = np.broadcast_to(True if mask is None else mask, scores.shape)
    if causal:
        allowed = allowed & np.tril(np.ones(scores.shape[-2:], dtype=bool))
    masked = np.where(allowed, scores, -np.inf)
    with np.errstate(invalid="ignore"):
        e = np.exp(masked - masked.max(axis=-1, keepdims=True))
        weights = e / e.sum(axis=-1, keepdims=True)
    return weights @ v, (q, k, v, weights, scale)


# ----------------------------------------------------------------------------- its backward
@mistake("attention.scaled_dot_product_attention_backward", "softmax gradient without the row-sum term (P * dP)",
         "The softmax Jacobian is diag(P) - P P^T: dscores = P * (dP - sum(P * dP, axis=-1, keepdims=True)).")
def sdpa_backward_no_row_sum(dout, cache):
    q, k, v, weights, scale = cache
    dscores = weights * (dout @ np.swapaxes(v, -1, -2))
    return dscores @ k * scale, np.swapaxes(dscores, -1, -2) @ q * scale, np.swapaxes(weights, -1, -2) @ dout


@mistake("attention.scaled_dot_product_attention_backward", "softmax gradient's row sum taken over the query axis",
         "Sum P * dP over the keys (the last axis), the axis the softmax normalised.")
def sdpa_backward_sum_over_queries(dout, cache):
    q, k, v, weights, scale = cache
    dweights = dout @ np.swapaxes(v, -1, -2)
    dscores = weights * (dweights - np.sum(weights * dweights, axis=-2, keepdims=True))
    return dscores @ k * scale, np.swapaxes(dscores, -1, -2) @ q * scale, np.swapaxes(weights, -1, -2) @ dout


@mistake("attention.scaled_dot_product_attention_backward", "1/sqrt(E) left out of dq and dk",
         "The scores are q k^T / sqrt(E): the same factor multiplies dq and dk.")
def sdpa_backward_no_scale(dout, cache):
    q, k, v, weights, scale = cache
    dweights = dout @ np.swapaxes(v, -1, -2)
    dscores = weights * (dweights - np.sum(weights * dweights, axis=-1, keepdims=True))
    return dscores @ k, np.swapaxes(dscores, -1, -2) @ q, np.swapaxes(weights, -1, -2) @ dout


# ----------------------------------------------------------------------------- multi-head attention
@mistake("attention.multi_head_attention_forward", "heads split by reshaping straight to (N, h, T, d)",
         "Reshape (N, T, E) to (N, T, h, d) first, then transpose to (N, h, T, d): each head is a slice of "
         "the features of every position.")
def mha_split_wrong_order(query, key, value, num_heads, in_proj_weight, in_proj_bias, out_proj_weight,
                          out_proj_bias, key_padding_mask=None, causal=False):
    E = query.shape[2]
    W, b = np.split(in_proj_weight, 3), np.split(in_proj_bias, 3)
    heads = [(x @ w.T + bias).reshape(x.shape[0], num_heads, x.shape[1], E // num_heads)
             for x, w, bias in zip((query, key, value), W, b)]
    mask = None if key_padding_mask is None else ~key_padding_mask[:, None, None, :]
    attended, attention_cache = scaled_dot_product_attention(*heads, mask, causal)
    merged = _merge_heads(attended)
    return merged @ out_proj_weight.T + out_proj_bias, (query, key, value, num_heads, W, out_proj_weight, merged,
                                                         attention_cache)


@mistake("attention.multi_head_attention_forward", "key padding mask inverted (True read as a key that takes part)",
         "In nn.MultiheadAttention's key_padding_mask True marks padding to IGNORE: attend where it is False.")
def mha_padding_inverted(query, key, value, num_heads, in_proj_weight, in_proj_bias, out_proj_weight,
                         out_proj_bias, key_padding_mask=None, causal=False):
    W, b = np.split(in_proj_weight, 3), np.split(in_proj_bias, 3)
    heads = [_split_heads(x @ w.T + bias, num_heads) for x, w, bias in zip((query, key, value), W, b)]
    mask = None if key_padding_mask is None else key_padding_mask[:, None, None, :]
    attended, attention_cache = scaled_dot_product_attention(*heads, mask, causal)
    merged = _merge_heads(attended)
    return merged @ out_proj_weight.T + out_proj_bias, (query, key, value, num_heads, W, out_proj_weight, merged,
                                                         attention_cache)


@mistake("attention.multi_head_attention_forward", "each head scaled by sqrt(E) instead of sqrt(E / h)",
         "A head's queries and keys have d = E // num_heads features: its scores are divided by sqrt(d).")
def mha_scaled_by_model_width(query, key, value, num_heads, in_proj_weight, in_proj_bias, out_proj_weight,
                              out_proj_bias, key_padding_mask=None, causal=False):
    W, b = np.split(in_proj_weight, 3), np.split(in_proj_bias, 3)
    heads = [_split_heads(x @ w.T + bias, num_heads) for x, w, bias in zip((query, key, value), W, b)]
    heads[0] = heads[0] / np.sqrt(num_heads)  # scores / sqrt(d) / sqrt(h) = scores / sqrt(E)
    mask = None if key_padding_mask is None else ~key_padding_mask[:, None, None, :]
    attended, attention_cache = scaled_dot_product_attention(*heads, mask, causal)
    merged = _merge_heads(attended)
    return merged @ out_proj_weight.T + out_proj_bias, (query, key, value, num_heads, W, out_proj_weight, merged,
                                                         attention_cache)


@mistake("attention.multi_head_attention_forward", "in-projection applied without the transpose (x @ W_q)",
         "in_proj_weight is stored like nn.Linear's weight, (out, in): the projection is x @ W_q.T + b_q.")
def mha_no_transpose(query, key, value, num_heads, in_proj_weight, in_proj_bias, out_proj_weight,
                     out_proj_bias, key_padding_mask=None, causal=False):
    W, b = np.split(in_proj_weight, 3), np.split(in_proj_bias, 3)
    heads = [_split_heads(x @ w + bias, num_heads) for x, w, bias in zip((query, key, value), W, b)]
    mask = None if key_padding_mask is None else ~key_padding_mask[:, None, None, :]
    attended, attention_cache = scaled_dot_product_attention(*heads, mask, causal)
    merged = _merge_heads(attended)
    return merged @ out_proj_weight.T + out_proj_bias, (query, key, value, num_heads, W, out_proj_weight, merged,
                                                         attention_cache)


@mistake("attention.multi_head_attention_backward", "out-projection gradient transposed (merged.T @ dout)",
         "out = merged @ W_o.T, so dW_o = dout.T @ merged (summed over batch and positions), shape (E, E).")
def mha_backward_out_transposed(dout, cache):
    query, key, value, num_heads, W, out_proj_weight, merged, attention_cache = cache
    E = query.shape[2]
    flat = dout.reshape(-1, E)
    dheads = scaled_dot_product_attention_backward(_split_heads(dout @ out_proj_weight, num_heads), attention_cache)
    dprojected = [_merge_heads(dh) for dh in dheads]
    return (*(d @ w for d, w in zip(dprojected, W)),
            np.concatenate([d.reshape(-1, E).T @ x.reshape(-1, E) for d, x in zip(dprojected, (query, key, value))]),
            np.concatenate([d.reshape(-1, E).sum(axis=0) for d in dprojected]),
            merged.reshape(-1, E).T @ flat, flat.sum(axis=0))


@mistake("attention.multi_head_attention_backward", "head gradients merged by a plain reshape (no transpose back)",
         "Undo the split exactly: transpose (N, h, T, d) to (N, T, h, d), then reshape to (N, T, E).")
def mha_backward_merge_wrong(dout, cache):
    query, key, value, num_heads, W, out_proj_weight, merged, attention_cache = cache
    E = query.shape[2]
    flat = dout.reshape(-1, E)
    dheads = scaled_dot_product_attention_backward(_split_heads(dout @ out_proj_weight, num_heads), attention_cache)
    dprojected = [dh.reshape(dh.shape[0], dh.shape[2], E) for dh in dheads]
    return (*(d @ w for d, w in zip(dprojected, W)),
            np.concatenate([d.reshape(-1, E).T @ x.reshape(-1, E) for d, x in zip(dprojected, (query, key, value))]),
            np.concatenate([d.reshape(-1, E).sum(axis=0) for d in dprojected]),
            flat.T @ merged.reshape(-1, E), flat.sum(axis=0))


@mistake("attention.multi_head_attention_backward", "bias gradients averaged instead of summed",
         "A bias is added at every position of every sequence: its gradient is the SUM of dout over both.")
def mha_backward_mean_bias(dout, cache):
    query, key, value, num_heads, W, out_proj_weight, merged, attention_cache = cache
    E = query.shape[2]
    flat = dout.reshape(-1, E)
    dheads = scaled_dot_product_attention_backward(_split_heads(dout @ out_proj_weight, num_heads), attention_cache)
    dprojected = [_merge_heads(dh) for dh in dheads]
    return (*(d @ w for d, w in zip(dprojected, W)),
            np.concatenate([d.reshape(-1, E).T @ x.reshape(-1, E) for d, x in zip(dprojected, (query, key, value))]),
            np.concatenate([d.reshape(-1, E).mean(axis=0) for d in dprojected]),
            flat.T @ merged.reshape(-1, E), flat.mean(axis=0))


# ----------------------------------------------------------------------------- positional encoding
@mistake("attention.sinusoidal_positional_encoding", "exponent i/d with the pair number i (not 2i/d)",
         "The divisor of column pair i is 10000**(2i/d): with the even column index 2i, over the width d.")
def encoding_pair_index(T, d):
    angles = np.arange(T)[:, None] / 10000.0 ** (np.arange((d + 1) // 2) / d)
    P = np.zeros((T, d))
    P[:, 0::2] = np.sin(angles)
    P[:, 1::2] = np.cos(angles[:, : d // 2])
    return P


@mistake("attention.sinusoidal_positional_encoding", "sines and cosines in two halves, not interleaved",
         "Put sin in the even columns and cos in the odd ones: P[:, 0::2] and P[:, 1::2].")
def encoding_halves(T, d):
    angles = np.arange(T)[:, None] / 10000.0 ** (np.arange(0, d, 2) / d)
    return np.concatenate([np.sin(angles), np.cos(angles[:, : d // 2])], axis=1)


@mistake("attention.sinusoidal_positional_encoding", "positions counted from 1",
         "The first position is 0, whose encoding is sin 0 = 0 and cos 0 = 1.")
def encoding_from_one(T, d):
    angles = np.arange(1, T + 1)[:, None] / 10000.0 ** (np.arange(0, d, 2) / d)
    P = np.zeros((T, d))
    P[:, 0::2] = np.sin(angles)
    P[:, 1::2] = np.cos(angles[:, : d // 2])
    return P


# ----------------------------------------------------------------------------- encoder layer
@mistake("attention.transformer_encoder_layer_forward", "LayerNorm after the residual sum even with norm_first",
         "With norm_first=True normalize the sublayer's INPUT: x + attend(LN1(x)), then x + ffn(LN2(x)).")
def encoder_always_post_norm(x, params, num_heads, norm_first=False, key_padding_mask=None, causal=False, eps=1e-5):
    p = params
    x = _layer_norm(x + multi_head_attention_forward(x, x, x, num_heads, p["in_proj_weight"], p["in_proj_bias"],
                                                     p["out_proj_weight"], p["out_proj_bias"], key_padding_mask,
                                                     causal)[0], p["norm1_weight"], p["norm1_bias"], eps)
    hidden = np.maximum(x @ p["linear1_weight"].T + p["linear1_bias"], 0.0)
    return _layer_norm(x + hidden @ p["linear2_weight"].T + p["linear2_bias"], p["norm2_weight"], p["norm2_bias"], eps)


@mistake("attention.transformer_encoder_layer_forward", "norm1 and norm2 swapped",
         "norm1 belongs to the attention sublayer, norm2 to the feed-forward one.")
def encoder_norms_swapped(x, params, num_heads, norm_first=False, key_padding_mask=None, causal=False, eps=1e-5):
    p = params

    def attend(h):
        return multi_head_attention_forward(h, h, h, num_heads, p["in_proj_weight"], p["in_proj_bias"],
                                            p["out_proj_weight"], p["out_proj_bias"], key_padding_mask, causal)[0]

    def ffn(h):
        return np.maximum(h @ p["linear1_weight"].T + p["linear1_bias"], 0.0) @ p["linear2_weight"].T + p["linear2_bias"]

    if norm_first:
        x = x + attend(_layer_norm(x, p["norm2_weight"], p["norm2_bias"], eps))
        return x + ffn(_layer_norm(x, p["norm1_weight"], p["norm1_bias"], eps))
    x = _layer_norm(x + attend(x), p["norm2_weight"], p["norm2_bias"], eps)
    return _layer_norm(x + ffn(x), p["norm1_weight"], p["norm1_bias"], eps)


@mistake("attention.transformer_encoder_layer_forward", "layer norm with the unbiased variance (ddof=1)",
         "nn.LayerNorm divides by E, not E - 1: np.var(x, axis=-1) with its default ddof=0.")
def encoder_unbiased_variance(x, params, num_heads, norm_first=False, key_padding_mask=None, causal=False, eps=1e-5):
    p = params

    def attend(h):
        return multi_head_attention_forward(h, h, h, num_heads, p["in_proj_weight"], p["in_proj_bias"],
                                            p["out_proj_weight"], p["out_proj_bias"], key_padding_mask, causal)[0]

    def ffn(h):
        return np.maximum(h @ p["linear1_weight"].T + p["linear1_bias"], 0.0) @ p["linear2_weight"].T + p["linear2_bias"]

    def norm(h, which):
        return (h - h.mean(axis=-1, keepdims=True)) / np.sqrt(h.var(axis=-1, ddof=1, keepdims=True) + eps) \
            * p[f"{which}_weight"] + p[f"{which}_bias"]

    if norm_first:
        x = x + attend(norm(x, "norm1"))
        return x + ffn(norm(x, "norm2"))
    x = norm(x + attend(x), "norm1")
    return norm(x + ffn(x), "norm2")


@mistake("attention.transformer_encoder_layer_forward", "pre-norm residual adds the normalized x",
         "The residual stream carries the un-normalized x: x + attend(LN1(x)), not LN1(x) + attend(LN1(x)).")
def encoder_normed_residual(x, params, num_heads, norm_first=False, key_padding_mask=None, causal=False, eps=1e-5):
    p = params

    def attend(h):
        return multi_head_attention_forward(h, h, h, num_heads, p["in_proj_weight"], p["in_proj_bias"],
                                            p["out_proj_weight"], p["out_proj_bias"], key_padding_mask, causal)[0]

    def ffn(h):
        return np.maximum(h @ p["linear1_weight"].T + p["linear1_bias"], 0.0) @ p["linear2_weight"].T + p["linear2_bias"]

    if norm_first:
        h = _layer_norm(x, p["norm1_weight"], p["norm1_bias"], eps)
        x = h + attend(h)
        h = _layer_norm(x, p["norm2_weight"], p["norm2_bias"], eps)
        return h + ffn(h)
    x = _layer_norm(x + attend(x), p["norm1_weight"], p["norm1_bias"], eps)
    return _layer_norm(x + ffn(x), p["norm2_weight"], p["norm2_bias"], eps)


# ----------------------------------------------------------------------------- encoder layer backward
# These recompute the forward as the reference does and reuse its private pieces (_layer_norm_backward,
# _feed_forward_backward, _self_attention_backward), each changing the one step the learner gets wrong.
@mistake("attention.transformer_encoder_layer_backward", "residual paths dropped (only the sublayer's gradient)",
         "A residual sum r = h + f(h) sends its gradient down both paths: dh = dr + (backward of f)(dr).")
def encoder_backward_no_residual(dout, x, params, num_heads, norm_first=False, key_padding_mask=None, causal=False,
                                 eps=1e-5):
    p, grads = params, {}
    inputs = (p["in_proj_weight"], p["in_proj_bias"], p["out_proj_weight"], p["out_proj_bias"], key_padding_mask, causal)
    if norm_first:
        h1 = _layer_norm(x, p["norm1_weight"], p["norm1_bias"], eps)
        attended, cache = multi_head_attention_forward(h1, h1, h1, num_heads, *inputs)
        s = x + attended
        h2 = _layer_norm(s, p["norm2_weight"], p["norm2_bias"], eps)
        ds = _layer_norm_backward(_feed_forward_backward(dout, h2, p, grads), s, p, "norm2", eps, grads)
        dx = _layer_norm_backward(_self_attention_backward(ds, cache, grads), x, p, "norm1", eps, grads)
    else:
        attended, cache = multi_head_attention_forward(x, x, x, num_heads, *inputs)
        a = x + attended
        y = _layer_norm(a, p["norm1_weight"], p["norm1_bias"], eps)
        dr = _layer_norm_backward(dout, y + _feed_forward(y, p), p, "norm2", eps, grads)
        da = _layer_norm_backward(_feed_forward_backward(dr, y, p, grads), a, p, "norm1", eps, grads)
        dx = _self_attention_backward(da, cache, grads)
    return dx, grads


@mistake("attention.transformer_encoder_layer_backward",
         "layer norm's backward without the mean terms (dx = dy * weight / std)",
         "The mean and the variance depend on x too: dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / std, "
         "with dxhat = dy * weight and the means over the last axis.")
def encoder_backward_norm_no_mean_terms(dout, x, params, num_heads, norm_first=False, key_padding_mask=None,
                                        causal=False, eps=1e-5):
    p, grads = params, {}

    def norm_backward(dy, h, which):
        xhat, inv_std = _normalized(h, eps)
        grads[f"{which}_weight"], grads[f"{which}_bias"] = _rows(dy * xhat).sum(axis=0), _rows(dy).sum(axis=0)
        return dy * p[f"{which}_weight"] * inv_std

    attend = (p["in_proj_weight"], p["in_proj_bias"], p["out_proj_weight"], p["out_proj_bias"], key_padding_mask, causal)
    h = _layer_norm(x, p["norm1_weight"], p["norm1_bias"], eps) if norm_first else x
    attended, cache = multi_head_attention_forward(h, h, h, num_heads, *attend)
    if norm_first:
        s = x + attended
        ds = dout + norm_backward(_feed_forward_backward(dout, _layer_norm(s, p["norm2_weight"], p["norm2_bias"], eps),
                                                         p, grads), s, "norm2")
        return ds + norm_backward(_self_attention_backward(ds, cache, grads), x, "norm1"), grads
    y = _layer_norm(x + attended, p["norm1_weight"], p["norm1_bias"], eps)
    dr = norm_backward(dout, y + _feed_forward(y, p), "norm2")
    da = norm_backward(dr + _feed_forward_backward(dr, y, p, grads), x + attended, "norm1")
    return da + _self_attention_backward(da, cache, grads), grads


@mistake("attention.transformer_encoder_layer_backward",
         "ReLU's backward applied to the gradient (np.maximum(dhidden, 0)), not masked by its input",
         "Pass the gradient where the ReLU's INPUT was positive: dhidden * (h @ W1.T + b1 > 0).")
def encoder_backward_relu_on_gradient(dout, x, params, num_heads, norm_first=False, key_padding_mask=None,
                                      causal=False, eps=1e-5):
    p, grads = params, {}

    def ffn_backward(d, h):
        hidden = np.maximum(h @ p["linear1_weight"].T + p["linear1_bias"], 0.0)
        grads["linear2_weight"], grads["linear2_bias"] = _rows(d).T @ _rows(hidden), _rows(d).sum(axis=0)
        dbefore = np.maximum(d @ p["linear2_weight"], 0.0)
        grads["linear1_weight"], grads["linear1_bias"] = _rows(dbefore).T @ _rows(h), _rows(dbefore).sum(axis=0)
        return dbefore @ p["linear1_weight"]

    attend = (p["in_proj_weight"], p["in_proj_bias"], p["out_proj_weight"], p["out_proj_bias"], key_padding_mask, causal)
    h = _layer_norm(x, p["norm1_weight"], p["norm1_bias"], eps) if norm_first else x
    attended, cache = multi_head_attention_forward(h, h, h, num_heads, *attend)
    a = x + attended
    if norm_first:
        h2 = _layer_norm(a, p["norm2_weight"], p["norm2_bias"], eps)
        ds = dout + _layer_norm_backward(ffn_backward(dout, h2), a, p, "norm2", eps, grads)
        return ds + _layer_norm_backward(_self_attention_backward(ds, cache, grads), x, p, "norm1", eps, grads), grads
    y = _layer_norm(a, p["norm1_weight"], p["norm1_bias"], eps)
    dr = _layer_norm_backward(dout, y + _feed_forward(y, p), p, "norm2", eps, grads)
    da = _layer_norm_backward(dr + ffn_backward(dr, y), a, p, "norm1", eps, grads)
    return da + _self_attention_backward(da, cache, grads), grads


@mistake("attention.transformer_encoder_layer_backward", "post-norm's backward even with norm_first",
         "With norm_first=True the norms come BEFORE the sublayers: ds = dout + LN2'(ffn'(dout)), "
         "then dx = ds + LN1'(attend'(ds)).")
def encoder_backward_always_post_norm(dout, x, params, num_heads, norm_first=False, key_padding_mask=None,
                                      causal=False, eps=1e-5):
    p, grads = params, {}
    attended, cache = multi_head_attention_forward(x, x, x, num_heads, p["in_proj_weight"], p["in_proj_bias"],
                                                   p["out_proj_weight"], p["out_proj_bias"], key_padding_mask, causal)
    y = _layer_norm(x + attended, p["norm1_weight"], p["norm1_bias"], eps)
    dr = _layer_norm_backward(dout, y + _feed_forward(y, p), p, "norm2", eps, grads)
    da = _layer_norm_backward(dr + _feed_forward_backward(dr, y, p, grads), x + attended, p, "norm1", eps, grads)
    return da + _self_attention_backward(da, cache, grads), grads
