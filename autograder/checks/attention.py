"""Checks of attention.py: masks, scaled dot-product and multi-head attention both ways, positional
encodings and the Transformer encoder layer both ways, in both norm placements.

Every dimension differs from the others (N, L, S, E, Ev, heads), so a transposed product, a softmax
over the wrong axis or a head split in the wrong order changes the answer; masks leave one query or
one whole sequence without a key, where the contract's answer is 0.
"""
import numpy as np

from autograder.spec import ValueCheck, result_of

SDPA_GRADS = ("dq", "dk", "dv")
PADDING_TEXT = {None: "", "some": ", key padding", "all": ", key padding covering one whole sequence"}
MHA_GRADS = ("dquery", "dkey", "dvalue", "din_proj_weight", "din_proj_bias", "dout_proj_weight", "dout_proj_bias")


def _mask_text(mask, causal):
    return {None: "", "keys": ", a key mask leaving one sequence no key",
            "full": ", a (L, S) mask leaving one query no key"}[mask] + (", causal" if causal else "")


def sdpa_inputs(lead, L, S, E, Ev, mask=None, causal=False, q_scale=1.0):
    """q, k, v, mask, causal; mask None, "keys" ((N, 1.., 1, S), sequence 0 fully masked) or "full"."""
    def make(rng):
        q, k, v = (rng.normal(size=(*lead, L, E)) * q_scale, rng.normal(size=(*lead, S, E)),
                   rng.normal(size=(*lead, S, Ev)))
        m = None
        if mask == "keys":
            m = rng.random((lead[0], *(1,) * (len(lead) - 1), 1, S)) < 0.6
            m[0] = False
            m[1:, ..., 0] = True
        elif mask == "full":
            m = rng.random((*lead, L, S)) < 0.5
            m[(0,) * len(lead)][1] = False
        return q, k, v, m, causal
    return make


def sdpa_forward(lead, L, S, E, Ev, mask=None, causal=False, q_scale=1.0):
    return ValueCheck("attention.scaled_dot_product_attention",
                      f"scaled_dot_product_attention: q {(*lead, L, E)}, k {(*lead, S, E)}, v {(*lead, S, Ev)}"
                      + _mask_text(mask, causal) + (f", q of size {q_scale:g} (scores in the thousands)"
                                                    if q_scale != 1.0 else ""),
                      inputs=sdpa_inputs(lead, L, S, E, Ev, mask, causal, q_scale), pick=0)


def sdpa_backward(lead, L, S, E, Ev, mask=None, causal=False):
    return ValueCheck("attention.scaled_dot_product_attention_backward",
                      f"scaled_dot_product_attention_backward after the forward: q {(*lead, L, E)}, "
                      f"k {(*lead, S, E)}, v {(*lead, S, Ev)}" + _mask_text(mask, causal),
                      also_tags=("attention.scaled_dot_product_attention",),
                      before=(("attention.scaled_dot_product_attention", sdpa_inputs(lead, L, S, E, Ev, mask, causal)),),
                      inputs=lambda rng: (rng.normal(size=(*lead, L, Ev)), result_of(0, pick=1)), names=SDPA_GRADS)


def projection_weights(rng, E):
    s = 1.0 / np.sqrt(E)
    return (rng.uniform(-s, s, size=(3 * E, E)), rng.normal(size=3 * E) * 0.5, rng.uniform(-s, s, size=(E, E)),
            rng.normal(size=E) * 0.5)


def padding_mask(rng, N, S, every_key_of_last=False):
    """True at padding: sequence 0 has one padded key, the others random lengths >= 1."""
    lengths = rng.integers(1, S + 1, size=N)
    lengths[0] = S - 1
    mask = np.arange(S)[None, :] >= lengths[:, None]
    if every_key_of_last:
        mask[-1] = True
    return mask


def mha_inputs(N, L, S, E, heads, self_attention=False, padding=None, causal=False):
    """padding: None, "some", or "all" (the last sequence is padding only)."""
    def make(rng):
        if self_attention:
            query = key = value = rng.normal(size=(N, L, E))
        else:
            query, key, value = rng.normal(size=(N, L, E)), rng.normal(size=(N, S, E)), rng.normal(size=(N, S, E))
        mask = None if padding is None else padding_mask(rng, N, S, padding == "all")
        return query, key, value, heads, *projection_weights(rng, E), mask, causal
    return make


def _mha_text(N, L, S, E, heads, self_attention, padding, causal):
    kind = f"self-attention x ({N}, {L}, {E})" if self_attention else f"query ({N}, {L}, {E}), key/value ({N}, {S}, {E})"
    return f"{kind}, {heads} heads" + PADDING_TEXT[padding] + (", causal" if causal else "")


def mha_forward(*dims):
    return ValueCheck("attention.multi_head_attention_forward", f"multi_head_attention_forward: {_mha_text(*dims)}",
                      inputs=mha_inputs(*dims), pick=0)


def mha_backward(*dims):
    N, L, E = dims[0], dims[1], dims[3]
    return ValueCheck("attention.multi_head_attention_backward",
                      f"multi_head_attention_backward after the forward: {_mha_text(*dims)}",
                      also_tags=("attention.multi_head_attention_forward",),
                      before=(("attention.multi_head_attention_forward", mha_inputs(*dims)),),
                      inputs=lambda rng: (rng.normal(size=(N, L, E)), result_of(0, pick=1)), names=MHA_GRADS)


def encoder_params(rng, E, ff):
    """nn.TransformerEncoderLayer's parameters under the contract's names, norms far from (1, 0)."""
    w_in, b_in, w_out, b_out = projection_weights(rng, E)
    s1, s2 = 1.0 / np.sqrt(E), 1.0 / np.sqrt(ff)
    return {"in_proj_weight": w_in, "in_proj_bias": b_in, "out_proj_weight": w_out, "out_proj_bias": b_out,
            "linear1_weight": rng.uniform(-s1, s1, size=(ff, E)), "linear1_bias": rng.normal(size=ff) * 0.3,
            "linear2_weight": rng.uniform(-s2, s2, size=(E, ff)), "linear2_bias": rng.normal(size=E) * 0.3,
            "norm1_weight": 1.0 + rng.normal(size=E) * 0.5, "norm1_bias": rng.normal(size=E) * 0.5,
            "norm2_weight": 1.0 + rng.normal(size=E) * 0.5, "norm2_bias": rng.normal(size=E) * 0.5}


def encoder_inputs(N, T, E, heads, ff, norm_first, padding):
    """x, params, num_heads, norm_first, key_padding_mask: x far from zero mean and unit scale."""
    def make(rng):
        mask = None if padding is None else padding_mask(rng, N, T, padding == "all")
        return rng.normal(size=(N, T, E)) * 2.0 + 0.5, encoder_params(rng, E, ff), heads, norm_first, mask
    return make


def _encoder_text(N, T, E, heads, ff, norm_first, padding, kwargs):
    return (f"x ({N}, {T}, {E}), {heads} heads, feed-forward {ff}, norm_first={norm_first}" + PADDING_TEXT[padding]
            + "".join(f", {k}={v!r}" for k, v in kwargs.items()))


def encoder(N, T, E, heads, ff, norm_first=False, padding=None, **kwargs):
    return ValueCheck("attention.transformer_encoder_layer_forward",
                      "transformer_encoder_layer_forward: " + _encoder_text(N, T, E, heads, ff, norm_first, padding,
                                                                            kwargs),
                      also_tags=("attention.multi_head_attention_forward",),
                      inputs=encoder_inputs(N, T, E, heads, ff, norm_first, padding), kwargs=kwargs)


def dead_unit(args, kwargs):
    """The regime of the ReLU's kink: some hidden unit has the pre-activation exactly 0 at every position."""
    params = args[2]
    return bool(np.any(~params["linear1_weight"].any(axis=1) & (params["linear1_bias"] == 0.0)))


def encoder_backward(N, T, E, heads, ff, norm_first=False, padding=None, kink=False, **kwargs):
    """The backward on the forward's inputs, dout drawn first: it recomputes the forward, so no `before` call.

    kink: one hidden unit, drawn, gets a zero row of linear1_weight and a zero bias, so its pre-activation is
    exactly 0 whatever the order of the sums: relu'(0) = 0 (torch's) decides its gradients."""
    forward = encoder_inputs(N, T, E, heads, ff, norm_first, padding)

    def make(rng):
        dout, (x, params, *rest) = rng.normal(size=(N, T, E)), forward(rng)
        if kink:
            unit = rng.integers(ff)
            params["linear1_weight"][unit], params["linear1_bias"][unit] = 0.0, 0.0
        return dout, x, params, *rest

    return ValueCheck("attention.transformer_encoder_layer_backward",
                      "transformer_encoder_layer_backward: " + _encoder_text(N, T, E, heads, ff, norm_first, padding,
                                                                             kwargs)
                      + (", a hidden unit's pre-activation exactly 0 (relu'(0) = 0)" if kink else ""),
                      also_tags=("attention.multi_head_attention_backward",), inputs=make, kwargs=kwargs,
                      names=("dx", "grads"), regime=dead_unit if kink else None)


CHECKS = [
    ValueCheck("attention.causal_mask", "causal_mask(T), T drawn from 2 to 239",
               inputs=lambda rng: (int(rng.integers(2, 240)),)),
    ValueCheck("attention.causal_mask", "causal_mask(1)", inputs=lambda rng: (1,)),
    sdpa_forward((2,), 3, 5, 4, 6),
    sdpa_forward((3, 2), 4, 6, 5, 3, mask="keys"),
    sdpa_forward((2,), 3, 6, 4, 5, causal=True),
    sdpa_forward((3, 2), 4, 4, 6, 5, mask="full", causal=True),
    sdpa_forward((2,), 4, 7, 8, 3, q_scale=300.0),  # a softmax that does not subtract the row maximum overflows
    sdpa_backward((2,), 3, 5, 4, 6),
    sdpa_backward((3, 2), 4, 6, 5, 3, mask="keys"),
    sdpa_backward((2,), 3, 6, 4, 5, causal=True),
    mha_forward(3, 5, 5, 6, 2, True, None, False),
    mha_forward(2, 4, 6, 6, 3, False, "some", False),
    mha_forward(3, 3, 5, 8, 4, False, "all", False),
    mha_forward(2, 6, 6, 4, 2, True, "some", True),
    mha_backward(3, 5, 5, 6, 2, True, None, False),
    mha_backward(2, 4, 6, 6, 3, False, "some", False),
    mha_backward(2, 6, 6, 4, 2, True, "some", True),
    ValueCheck("attention.sinusoidal_positional_encoding", "sinusoidal_positional_encoding(T, d), T < 20, d even",
               inputs=lambda rng: (int(rng.integers(3, 20)), 2 * int(rng.integers(2, 40)))),
    ValueCheck("attention.sinusoidal_positional_encoding", "sinusoidal_positional_encoding(T, d), an odd width d",
               inputs=lambda rng: (int(rng.integers(3, 20)), 2 * int(rng.integers(2, 40)) + 1)),
    ValueCheck("attention.sinusoidal_positional_encoding", "sinusoidal_positional_encoding(T, d), T from 40 to 119",
               inputs=lambda rng: (int(rng.integers(40, 120)), 2 * int(rng.integers(4, 17)))),
    encoder(3, 5, 6, 2, 10),
    encoder(3, 5, 6, 2, 10, norm_first=True),
    encoder(3, 4, 6, 3, 7, padding="some", norm_first=True, causal=True, eps=0.01),
    encoder(3, 5, 4, 2, 6, padding="all"),
    encoder_backward(3, 5, 6, 2, 10),
    encoder_backward(3, 5, 6, 2, 10, norm_first=True),
    encoder_backward(2, 6, 8, 4, 5, padding="some", kink=True, causal=True, eps=0.01),
    encoder_backward(3, 4, 6, 3, 7, padding="all", norm_first=True, causal=True, eps=0.1),
]
