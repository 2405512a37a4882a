"""Attention and the Transformer encoder block: scaled dot-product attention forward and backward,
multi-head attention forward and backward, masks, positional encodings and one encoder layer forward
and backward.

PyTorch's conventions, batch-first: a sequence batch is (N, T, E). Attention masks are boolean with
True = this key TAKES PART (as torch.nn.functional.scaled_dot_product_attention); the key padding
mask of multi-head attention is the other way round, True = padding to IGNORE (as
torch.nn.MultiheadAttention). A query whose keys are all masked gets the output 0 and passes no
gradient, as scaled_dot_product_attention does in torch 2.13.

Course pages: docs/rnn/attention.md, docs/rnn/transformer.md, docs/exercises/transformer.md
"""
import numpy as np


def causal_mask(T):
    """The causal mask of a sequence of T positions: query i may attend to keys j <= i.

    Args:
        T: the sequence length (an int >= 1).
    Returns:
        A bool array (T, T), True on and below the diagonal (True = takes part, as the
        mask of scaled_dot_product_attention), i.e. torch.ones(T, T).tril().bool().

    Pitfall: nn.MultiheadAttention's boolean attn_mask means the opposite (True =
    blocked, torch.triu(..., diagonal=1)); and a position always sees ITSELF, so the
    diagonal is True.
    Read: docs/rnn/transformer.md
    """
    return np.tril(np.ones((T, T), dtype=bool))


def scaled_dot_product_attention(q, k, v, mask=None, causal=False):
    """softmax(q k^T / sqrt(E)) v, as torch.nn.functional.scaled_dot_product_attention.

        scores = q @ k^T / sqrt(E)              (..., L, S)
        weights = softmax over the KEY axis (the last) of the scores, masked keys left out
        out = weights @ v                        (..., L, Ev)

    Args:
        q: queries (..., L, E); k: keys (..., S, E); v: values (..., S, Ev), with the
            same leading dims (e.g. (N, L, E) or (N, h, L, E)).
        mask: None, or a bool array broadcastable to (..., L, S): True = this key takes
            part for this query.
        causal: if True, query i also ignores every key j > i (torch's is_causal; with
            L != S the mask is the top-left aligned tril of an (L, S) matrix).
            Unlike torch, mask and causal may be given together: both must allow a key.
    Returns:
        (out, cache): out (..., L, Ev). A query whose keys are all masked gets out = 0.

    Pitfall: the mask acts on the SCORES (-inf before the softmax), not on the weights
    after it; the softmax runs over the keys (last axis); the divisor is sqrt(E), not E.
    Subtract each row's largest allowed score before exp: scores in the thousands must
    not overflow.
    Read: docs/rnn/transformer.md
    """
    scale = 1.0 / np.sqrt(q.shape[-1])
    scores = q @ np.swapaxes(k, -1, -2) * scale
    allowed = np.ones(scores.shape, dtype=bool)
    if mask is not None:
        allowed = allowed & mask
    if causal:
        L, S = scores.shape[-2:]
        allowed = allowed & np.tril(np.ones((L, S), dtype=bool))
    weights = _masked_softmax(scores, allowed)
    return weights @ v, (q, k, v, weights, scale)


def _masked_softmax(scores, allowed):
    """Softmax over the last axis of the allowed scores; a row with nothing allowed is all zeros."""
    masked = np.where(allowed, scores, -np.inf)
    row_max = np.max(masked, axis=-1, keepdims=True)
    row_max = np.where(np.isfinite(row_max), row_max, 0.0)  # an empty row: any shift avoids inf - inf
    e = np.exp(masked - row_max)
    total = np.sum(e, axis=-1, keepdims=True)
    return np.divide(e, total, out=np.zeros_like(e), where=total > 0.0)  # an empty row stays 0


def scaled_dot_product_attention_backward(dout, cache):
    """Gradients of scaled_dot_product_attention given dout = dL/dout (..., L, Ev).

    With P the attention weights and s = 1/sqrt(E):
        dv = P^T @ dout,  dP = dout @ v^T,
        dscores = P * (dP - sum(P * dP, over the keys)),   the softmax's Jacobian, row by row
        dq = dscores @ k * s,  dk = dscores^T @ q * s.

    Args:
        dout: upstream gradient (..., L, Ev).
        cache: from scaled_dot_product_attention.
    Returns:
        (dq, dk, dv) with the shapes of q, k and v.

    Pitfall: the softmax's gradient is not P * dP alone: subtract each row's
    sum(P * dP) (over the keys, the axis the softmax normalised), and keep the 1/sqrt(E).
    Masked keys and fully masked rows need nothing extra: their weights are 0.
    Read: docs/rnn/transformer.md
    """
    q, k, v, weights, scale = cache
    dv = np.swapaxes(weights, -1, -2) @ dout
    dweights = dout @ np.swapaxes(v, -1, -2)
    dscores = weights * (dweights - np.sum(weights * dweights, axis=-1, keepdims=True))
    return dscores @ k * scale, np.swapaxes(dscores, -1, -2) @ q * scale, dv


def multi_head_attention_forward(query, key, value, num_heads, in_proj_weight, in_proj_bias,
                                 out_proj_weight, out_proj_bias, key_padding_mask=None, causal=False):
    """Multi-head attention, as torch.nn.MultiheadAttention(E, num_heads, batch_first=True).

        Q = query @ W_q.T + b_q, K = key @ W_k.T + b_k, V = value @ W_v.T + b_v   (N, ., E)
        split each into num_heads heads of size d = E // num_heads:
            (N, T, E) -> reshape (N, T, h, d) -> transpose to (N, h, T, d)
        A = scaled_dot_product_attention(Qh, Kh, Vh, ...)                          (N, h, L, d)
        merge: transpose back to (N, L, h, d), reshape (N, L, E);  out = merged @ W_o.T + b_o

    Args:
        query (N, L, E), key (N, S, E), value (N, S, E): pass x three times for self-attention.
        num_heads: h, which divides E.
        in_proj_weight (3E, E): W_q, W_k, W_v stacked in that order; in_proj_bias (3E,).
        out_proj_weight (E, E), out_proj_bias (E,): the output projection, an nn.Linear.
        key_padding_mask: None, or a bool array (N, S) with True at padding keys to IGNORE
            (torch's convention, the opposite of the attention mask's).
        causal: if True, query i ignores keys j > i (an attn_mask of torch.triu(..., 1)).
    Returns:
        (out, cache): out (N, L, E). A query with every key masked gets out = b_o.

    Pitfall: split the heads as (N, T, h, d) then transpose; reshaping straight to
    (N, h, T, d) mixes positions and heads. Each head scales by sqrt(d), not sqrt(E).
    Read: docs/rnn/transformer.md
    """
    E = query.shape[2]
    W = (in_proj_weight[:E], in_proj_weight[E : 2 * E], in_proj_weight[2 * E :])
    b = (in_proj_bias[:E], in_proj_bias[E : 2 * E], in_proj_bias[2 * E :])
    heads = [_split_heads(x @ w.T + bias, num_heads) for x, w, bias in zip((query, key, value), W, b)]
    mask = None if key_padding_mask is None else ~key_padding_mask[:, None, None, :]
    attended, attention_cache = scaled_dot_product_attention(*heads, mask, causal)
    merged = _merge_heads(attended)
    out = merged @ out_proj_weight.T + out_proj_bias
    return out, (query, key, value, num_heads, W, out_proj_weight, merged, attention_cache)


def _split_heads(x, num_heads):
    """(N, T, E) -> (N, h, T, E // h)."""
    n, steps, e = x.shape
    return x.reshape(n, steps, num_heads, e // num_heads).transpose(0, 2, 1, 3)


def _merge_heads(x):
    """(N, h, T, d) -> (N, T, h * d), the inverse of _split_heads."""
    n, h, steps, d = x.shape
    return x.transpose(0, 2, 1, 3).reshape(n, steps, h * d)


def multi_head_attention_backward(dout, cache):
    """Gradients of multi_head_attention_forward given dout = dL/dout (N, L, E).

    Back through the output projection, the head merge (split dmerged the same way),
    scaled_dot_product_attention_backward, the head split (merge the head gradients),
    and the three input projections. Weight gradients sum over the batch AND the positions.

    Args:
        dout: upstream gradient (N, L, E).
        cache: from multi_head_attention_forward.
    Returns:
        (dquery, dkey, dvalue, din_proj_weight, din_proj_bias, dout_proj_weight, dout_proj_bias)
        with the shapes of the inputs: (N, L, E), (N, S, E), (N, S, E), (3E, E), (3E,), (E, E), (E,).
        For self-attention (the same x passed three times) dx is dquery + dkey + dvalue.

    Pitfall: din_proj_weight stacks dW_q, dW_k, dW_v in the same order as the forward, and
    each block is (gradient of Q).T @ query, not query.T @ (gradient of Q).
    Read: docs/rnn/transformer.md
    """
    query, key, value, num_heads, W, out_proj_weight, merged, attention_cache = cache
    flat = _rows(dout)
    dout_proj_weight = flat.T @ _rows(merged)
    dout_proj_bias = flat.sum(axis=0)
    dheads = scaled_dot_product_attention_backward(_split_heads(dout @ out_proj_weight, num_heads), attention_cache)
    dinputs, dweights, dbiases = [], [], []
    for x, w, dh in zip((query, key, value), W, dheads):
        dprojected = _merge_heads(dh)
        dinputs.append(dprojected @ w)
        dweights.append(_rows(dprojected).T @ _rows(x))
        dbiases.append(_rows(dprojected).sum(axis=0))
    return (*dinputs, np.concatenate(dweights), np.concatenate(dbiases), dout_proj_weight, dout_proj_bias)


def _rows(x):
    """(N, T, E) -> (N * T, E): one row per position of every sequence."""
    n, steps, e = x.shape
    return x.reshape(n * steps, e)


def sinusoidal_positional_encoding(T, d):
    """The sinusoidal positional encoding of "Attention Is All You Need", shape (T, d).

        P[pos, 2i]     = sin(pos / 10000**(2i / d))
        P[pos, 2i + 1] = cos(pos / 10000**(2i / d))        for pos = 0, ..., T - 1

    Args:
        T: number of positions (>= 1); d: the model width (>= 1).
    Returns:
        P, float64 (T, d). For an odd d the last column is the sine of the pair
        2i = d - 1, whose cosine would fall outside: P is the first d columns of the
        encoding of width d + 1 computed with the divisor d.

    Pitfall: columns are INTERLEAVED (sin in the even columns, cos in the odd ones), not
    two halves; the exponent is 2i/d with the pair's even index 2i; positions start at 0.
    Read: docs/rnn/transformer.md
    """
    angles = np.arange(T)[:, None] / 10000.0 ** (np.arange(0, d, 2) / d)
    P = np.zeros((T, d))
    P[:, 0::2] = np.sin(angles)
    P[:, 1::2] = np.cos(angles[:, : d // 2])
    return P


def transformer_encoder_layer_forward(x, params, num_heads, norm_first=False, key_padding_mask=None, causal=False,
                                      eps=1e-5):
    """One Transformer encoder block, as nn.TransformerEncoderLayer(E, num_heads, F, dropout=0,
    activation="relu", batch_first=True, norm_first=norm_first).

        attend(h) = multi_head_attention_forward(h, h, h, num_heads, ...)[0]
        ffn(h) = relu(h @ linear1_weight.T + linear1_bias) @ linear2_weight.T + linear2_bias
        post-norm (norm_first=False):  x = LN1(x + attend(x));  x = LN2(x + ffn(x))
        pre-norm  (norm_first=True):   x = x + attend(LN1(x));  x = x + ffn(LN2(x))
    LN is layer normalization over the last axis (biased variance, eps), scaled by
    norm*_weight and shifted by norm*_bias (torch.nn.LayerNorm(E, eps)).

    Args:
        x: the sequence batch (N, T, E).
        params: dict with torch's names (dots as underscores): in_proj_weight (3E, E),
            in_proj_bias (3E,), out_proj_weight (E, E), out_proj_bias (E,),
            linear1_weight (F, E), linear1_bias (F,), linear2_weight (E, F), linear2_bias (E,),
            norm1_weight, norm1_bias, norm2_weight, norm2_bias (E,).
        num_heads: h, which divides E.
        norm_first: pre-norm if True, post-norm (torch's default) if False.
        key_padding_mask: None or bool (N, T), True at padding (src_key_padding_mask).
        causal: if True, position i attends to positions j <= i only (a causal src_mask).
        eps: the layer norms' epsilon.
    Returns:
        out (N, T, E), a new array (no cache: transformer_encoder_layer_backward recomputes the forward).

    Pitfall: with norm_first the residual adds the UN-normalized x; only the sublayer's
    input is normalized. Post-norm normalizes the residual sum itself.
    Read: docs/rnn/transformer.md
    """
    def attend(h):
        return multi_head_attention_forward(h, h, h, num_heads, params["in_proj_weight"], params["in_proj_bias"],
                                            params["out_proj_weight"], params["out_proj_bias"], key_padding_mask,
                                            causal)[0]

    def norm(h, which):
        return _layer_norm(h, params[f"{which}_weight"], params[f"{which}_bias"], eps)

    if norm_first:
        x = x + attend(norm(x, "norm1"))
        return x + _feed_forward(norm(x, "norm2"), params)
    x = norm(x + attend(x), "norm1")
    return norm(x + _feed_forward(x, params), "norm2")


def _feed_forward(h, params):
    """The encoder layer's position-wise network: relu(h @ W1.T + b1) @ W2.T + b2, (N, T, E) -> (N, T, E)."""
    hidden = np.maximum(h @ params["linear1_weight"].T + params["linear1_bias"], 0.0)
    return hidden @ params["linear2_weight"].T + params["linear2_bias"]


def _layer_norm(x, gamma, beta, eps):
    """torch.nn.functional.layer_norm over the last axis."""
    return _normalized(x, eps)[0] * gamma + beta


def _normalized(x, eps):
    """(x - mean) / sqrt(var + eps) over the last axis (biased variance), and 1 / sqrt(var + eps)."""
    centred = x - x.mean(axis=-1, keepdims=True)
    inv_std = 1.0 / np.sqrt((centred * centred).mean(axis=-1, keepdims=True) + eps)
    return centred * inv_std, inv_std


def transformer_encoder_layer_backward(dout, x, params, num_heads, norm_first=False, key_padding_mask=None,
                                       causal=False, eps=1e-5):
    """Gradients of transformer_encoder_layer_forward: of sum(out * dout) with respect to x and
    every parameter. The forward keeps no cache, so this recomputes it.

    Back through each sublayer in reverse order. A residual sum r = h + f(h) passes its
    gradient twice: dh = dr + (backward of f)(dr). The pieces, with w the norm's weight:
        layer norm y = xhat * w + b over E:  dw = sum(dy * xhat), db = sum(dy) (over N and T),
            dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / sqrt(var + eps),
            where dxhat = dy * w and the means run over the last axis
        ffn: back through linear2, relu (pass where its INPUT was > 0), linear1
        attention: multi_head_attention_backward; self-attention, so dh = dquery + dkey + dvalue
    post-norm:  a = x + attend(x), y = LN1(a), r = y + ffn(y), out = LN2(r)
        dr = LN2'(dout);  da = LN1'(dr + ffn'(dr));  dx = da + attend'(da)
    pre-norm:   s = x + attend(LN1(x)), out = s + ffn(LN2(s))
        ds = dout + LN2'(ffn'(dout));  dx = ds + LN1'(attend'(ds))

    Args:
        dout: upstream gradient (N, T, E).
        x, params, num_heads, norm_first, key_padding_mask, causal, eps: the forward's arguments.
    Returns:
        (dx, grads): dx (N, T, E); grads a dict with exactly the keys of params, each
        gradient with the shape of its parameter. Weight and bias gradients sum over N and T.

    Pitfall: a residual's gradient is the upstream gradient PLUS the sublayer's; the layer
    norm's backward keeps the two mean terms (the mean and variance depend on x too); the
    ReLU's gradient masks by its input, never by the sign of the gradient; with norm_first
    the norms sit in front of the sublayers, so the order of the steps changes too.
    Read: docs/exercises/transformer.md
    """
    p = params

    def attend(h):
        return multi_head_attention_forward(h, h, h, num_heads, p["in_proj_weight"], p["in_proj_bias"],
                                            p["out_proj_weight"], p["out_proj_bias"], key_padding_mask, causal)

    def norm(h, which):
        return _layer_norm(h, p[f"{which}_weight"], p[f"{which}_bias"], eps)

    grads = {}
    if norm_first:
        h1 = norm(x, "norm1")
        attended, attention_cache = attend(h1)
        s = x + attended
        h2 = norm(s, "norm2")
        ds = dout + _layer_norm_backward(_feed_forward_backward(dout, h2, p, grads), s, p, "norm2", eps, grads)
        dx = ds + _layer_norm_backward(_self_attention_backward(ds, attention_cache, grads), x, p, "norm1", eps, grads)
    else:
        attended, attention_cache = attend(x)
        a = x + attended
        y = norm(a, "norm1")
        r = y + _feed_forward(y, p)
        dr = _layer_norm_backward(dout, r, p, "norm2", eps, grads)
        da = _layer_norm_backward(dr + _feed_forward_backward(dr, y, p, grads), a, p, "norm1", eps, grads)
        dx = da + _self_attention_backward(da, attention_cache, grads)
    return dx, {name: grads[name] for name in params}


def _layer_norm_backward(dy, x, params, which, eps, grads):
    """dL/dx of _layer_norm at its input x (N, T, E); stores the norm's weight and bias gradients in grads."""
    xhat, inv_std = _normalized(x, eps)
    grads[f"{which}_weight"] = _rows(dy * xhat).sum(axis=0)
    grads[f"{which}_bias"] = _rows(dy).sum(axis=0)
    dxhat = dy * params[f"{which}_weight"]
    mean_terms = dxhat.mean(axis=-1, keepdims=True) + xhat * (dxhat * xhat).mean(axis=-1, keepdims=True)
    return (dxhat - mean_terms) * inv_std


def _feed_forward_backward(dout, h, params, grads):
    """dL/dh of _feed_forward at its input h (N, T, E); stores linear1's and linear2's gradients in grads."""
    before_relu = h @ params["linear1_weight"].T + params["linear1_bias"]
    hidden = np.maximum(before_relu, 0.0)
    grads["linear2_weight"] = _rows(dout).T @ _rows(hidden)
    grads["linear2_bias"] = _rows(dout).sum(axis=0)
    dbefore = (dout @ params["linear2_weight"]) * (before_relu > 0.0)  # relu's gradient is 0 at 0, as torch's
    grads["linear1_weight"] = _rows(dbefore).T @ _rows(h)
    grads["linear1_bias"] = _rows(dbefore).sum(axis=0)
    return dbefore @ params["linear1_weight"]


def _self_attention_backward(dout, cache, grads):
    """dL/dh of self-attention (h passed as query, key and value); stores the projections' gradients in grads."""
    dquery, dkey, dvalue, *dweights = multi_head_attention_backward(dout, cache)
    grads.update(zip(("in_proj_weight", "in_proj_bias", "out_proj_weight", "out_proj_bias"), dweights))
    return dquery + dkey + dvalue
