"""Oracle cases of attention.py: scaled dot-product and multi-head attention, masks, positional
encodings and the Transformer encoder layer, each against the PyTorch operation it names.

Shapes keep every dimension distinct (N, L, S, E, Ev, heads) so that a transposed product, a
softmax over the wrong axis or a head split in the wrong order changes the answer. Masks leave
some queries with no key at all: the contract's answer there (output 0, no gradient) is what
F.scaled_dot_product_attention and nn.MultiheadAttention(need_weights=False) compute in torch
2.13, and the training-mode encoder layer, which goes through them.
"""
import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from oracle_cases import call, case
from oracle_kit import Close, Matcher, Prior, leaf, t64


def bool_tensor(mask):
    return torch.from_numpy(np.array(mask, dtype=bool))


@dataclass
class SameMask(Matcher):
    """A bool array equal to `expected` (causal_mask returns booleans, not float64)."""
    expected: np.ndarray

    def check(self, output, where):
        if not isinstance(output, np.ndarray) or output.dtype != np.bool_ or output.shape != self.expected.shape:
            raise AssertionError(f"{where}: expected a bool array of shape {self.expected.shape}, got "
                                 f"{type(output).__name__} {getattr(output, 'dtype', '')} {getattr(output, 'shape', '')}")
        if not np.array_equal(output, self.expected):
            first = tuple(int(i) for i in np.argwhere(output != self.expected)[0])
            raise AssertionError(f"{where}: differs from PyTorch first at {first}: got {output[first]}, "
                                 f"expected {self.expected[first]}")


# ============================================================================ causal_mask
def causal_mask_oracle(T):
    square = torch.nn.Transformer.generate_square_subsequent_mask(T, dtype=torch.float64)  # 0 allowed, -inf not
    return SameMask(torch.isfinite(square).numpy())


for T in (1, 2, 6):
    case("attention.causal_mask", f"T={T}", lambda rng, T=T: call(T), causal_mask_oracle)


# ============================================================================ scaled_dot_product_attention
def sdpa_build(lead, L, S, E, Ev, mask=None, causal=False, scale=1.0):
    """mask: None, "keys" (a (N, ..., 1, S) key mask with one batch entry fully masked), or "full" (..., L, S)."""
    def build(rng):
        q, k, v = (rng.normal(size=(*lead, L, E)) * scale, rng.normal(size=(*lead, S, E)),
                   rng.normal(size=(*lead, S, Ev)))
        if mask is None:
            m = None
        elif mask == "keys":
            m = rng.random((*lead[:1], *(1,) * (len(lead) - 1), 1, S)) < 0.6
            m[0] = False  # the first sequence has no key at all
            m[1:, ..., 0] = True
        else:
            m = rng.random((*lead, L, S)) < 0.5
            m[(0,) * len(lead)][1] = False  # one query with no key
        return call(q, k, v, m, causal)
    return build


def torch_sdpa(q, k, v, mask=None, causal=False):
    """F.scaled_dot_product_attention; torch refuses mask and is_causal together, so both go in one mask."""
    if mask is not None and causal:
        L, S = q.shape[-2], k.shape[-2]
        mask = np.logical_and(mask, np.tril(np.ones((L, S), dtype=bool)))
        causal = False
    attn_mask = None if mask is None else bool_tensor(mask)
    return F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask, is_causal=causal)


def sdpa_oracle(q, k, v, mask=None, causal=False):
    return torch_sdpa(t64(q), t64(k), t64(v), mask, causal)


def sdpa_backward_oracle(dout, forward):
    q, k, v, mask, causal = forward.args
    leaves = [leaf(a) for a in (q, k, v)]
    out = torch_sdpa(*leaves, mask, causal)
    return torch.autograd.grad(out, leaves, grad_outputs=t64(dout))


SDPA = [  # (label, lead dims, L, S, E, Ev, mask, causal, scale of q)
    ("N2-L3-S5-E4-Ev6", (2,), 3, 5, 4, 6, None, False, 1.0),
    ("N3-h2-L4-S6-E5-Ev3-key-mask-one-sequence-all-masked", (3, 2), 4, 6, 5, 3, "keys", False, 1.0),
    ("N2-L5-S4-E3-Ev2-full-mask-one-empty-row", (2,), 5, 4, 3, 2, "full", False, 1.0),
    ("N2-L5-S5-E4-Ev3-causal", (2,), 5, 5, 4, 3, None, True, 1.0),
    ("N2-L3-S6-E4-Ev5-causal-wide", (2,), 3, 6, 4, 5, None, True, 1.0),
    ("N2-L6-S4-E3-Ev2-causal-tall", (2,), 6, 4, 3, 2, None, True, 1.0),
    ("N3-h2-L4-S4-E6-Ev5-mask-and-causal", (3, 2), 4, 4, 6, 5, "full", True, 1.0),
    ("N2-L4-S7-E8-Ev3-extreme-scores", (2,), 4, 7, 8, 3, None, False, 300.0),
]
for label, lead, L, S, E, Ev, mask, causal, scale in SDPA:
    build = sdpa_build(lead, L, S, E, Ev, mask, causal, scale)
    case("attention.scaled_dot_product_attention", label, build, sdpa_oracle, pick=0)
    # (the stability test reads "extreme" cases as single arrays: the backward's three are named "large")
    case("attention.scaled_dot_product_attention_backward", label.replace("extreme", "large"),
         lambda rng, b=build, shape=(*lead, L, Ev): call(
             rng.normal(size=shape), Prior("attention.scaled_dot_product_attention", b(rng)[0], 1)),
         sdpa_backward_oracle)


# ============================================================================ multi-head attention
def mha_weights(rng, E):
    s = 1.0 / math.sqrt(E)
    return (rng.uniform(-s, s, size=(3 * E, E)), rng.normal(size=3 * E) * 0.5, rng.uniform(-s, s, size=(E, E)),
            rng.normal(size=E) * 0.5)


def mha_build(N, L, S, E, heads, self_attention=False, padding=None, causal=False):
    """padding: None, "some" (a few padded keys per sequence) or "all" (the last sequence all padding)."""
    def build(rng):
        if self_attention:
            x = rng.normal(size=(N, L, E))
            query = key = value = x
        else:
            query, key, value = rng.normal(size=(N, L, E)), rng.normal(size=(N, S, E)), rng.normal(size=(N, S, E))
        mask = None
        if padding is not None:
            lengths = rng.integers(1, S + 1, size=N)
            lengths[0] = S - 1
            mask = np.arange(S)[None, :] >= lengths[:, None]
            if padding == "all":
                mask[-1] = True
        return call(query, key, value, heads, *mha_weights(rng, E), mask, causal)
    return build


def torch_mha(query, key, value, heads, w_in, b_in, w_out, b_out, key_padding_mask=None, causal=False):
    E = query.shape[2]
    mha = torch.nn.MultiheadAttention(E, heads, dropout=0.0, batch_first=True).double()
    mha.in_proj_weight.data, mha.in_proj_bias.data = w_in, b_in
    mha.out_proj.weight.data, mha.out_proj.bias.data = w_out, b_out
    L, S = query.shape[1], key.shape[1]
    attn_mask = bool_tensor(np.triu(np.ones((L, S), dtype=bool), 1)) if causal else None  # True = blocked
    padding = None if key_padding_mask is None else bool_tensor(key_padding_mask)
    out, _ = mha(query, key, value, key_padding_mask=padding, attn_mask=attn_mask, need_weights=False)
    return out, mha


def mha_oracle(query, key, value, heads, w_in, b_in, w_out, b_out, key_padding_mask, causal):
    return torch_mha(t64(query), t64(key), t64(value), heads, t64(w_in), t64(b_in), t64(w_out), t64(b_out),
                     key_padding_mask, causal)[0]


def mha_backward_oracle(dout, forward):
    query, key, value, heads, w_in, b_in, w_out, b_out, key_padding_mask, causal = forward.args
    inputs = [leaf(a) for a in (query, key, value)]  # separate leaves: one gradient per argument
    out, mha = torch_mha(*inputs, heads, t64(w_in), t64(b_in), t64(w_out), t64(b_out), key_padding_mask, causal)
    wanted = (*inputs, mha.in_proj_weight, mha.in_proj_bias, mha.out_proj.weight, mha.out_proj.bias)
    return torch.autograd.grad(out, wanted, grad_outputs=t64(dout))


MHA = [  # (label, N, L, S, E, heads, self-attention, padding, causal)
    ("self-N3-T5-E6-h2", 3, 5, 5, 6, 2, True, None, False),
    ("cross-N2-L4-S6-E6-h3-padding", 2, 4, 6, 6, 3, False, "some", False),
    ("cross-N3-L3-S5-E8-h4-one-sequence-all-padding", 3, 3, 5, 8, 4, False, "all", False),
    ("self-N2-T6-E4-h2-causal-padding", 2, 6, 6, 4, 2, True, "some", True),
    ("self-N2-T4-E5-h1-one-head", 2, 4, 4, 5, 1, True, None, False),
]


for label, N, L, S, E, heads, self_attention, padding, causal in MHA:
    build = mha_build(N, L, S, E, heads, self_attention, padding, causal)
    case("attention.multi_head_attention_forward", label, build, mha_oracle, pick=0)

    case("attention.multi_head_attention_backward", label,
         lambda rng, b=build, shape=(N, L, E): call(
             rng.normal(size=shape), Prior("attention.multi_head_attention_forward", b(rng)[0], 1)),
         mha_backward_oracle)


# ============================================================================ sinusoidal_positional_encoding
def sinusoidal_oracle(T, d):
    """The PyTorch tutorial's PositionalEncoding table, its cosine slice cut to d // 2 columns for an odd d."""
    position = torch.arange(T, dtype=torch.float64)[:, None]
    div_term = torch.exp(torch.arange(0, d, 2, dtype=torch.float64) * (-math.log(10000.0) / d))
    pe = torch.zeros(T, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term)[:, : d // 2]
    return pe


for T, d in ((7, 6), (5, 7), (50, 16), (1, 1), (3, 2)):
    case("attention.sinusoidal_positional_encoding", f"T={T}-d={d}", lambda rng, T=T, d=d: call(T, d),
         sinusoidal_oracle)

# The table of docs/rnn/transformer.md (E = 4, four positions), to its four decimals.
PAGE_TABLE = np.array([[0.0, 1.0, 0.0, 1.0], [0.8415, 0.5403, 0.0100, 1.0000], [0.9093, -0.4161, 0.0200, 0.9998],
                       [0.1411, -0.9900, 0.0300, 0.9996]])
case("attention.sinusoidal_positional_encoding", "the-course-page-table-T=4-d=4", lambda rng: call(4, 4),
     lambda T, d: Close(PAGE_TABLE, rtol=0.0, atol=5e-5, label="the table of docs/rnn/transformer.md"))


# ============================================================================ transformer_encoder_layer_forward
NAMES = {"in_proj_weight": "self_attn.in_proj_weight", "in_proj_bias": "self_attn.in_proj_bias",
         "out_proj_weight": "self_attn.out_proj.weight", "out_proj_bias": "self_attn.out_proj.bias",
         "linear1_weight": "linear1.weight", "linear1_bias": "linear1.bias", "linear2_weight": "linear2.weight",
         "linear2_bias": "linear2.bias", "norm1_weight": "norm1.weight", "norm1_bias": "norm1.bias",
         "norm2_weight": "norm2.weight", "norm2_bias": "norm2.bias"}


def encoder_params(rng, E, ff):
    w_in, b_in, w_out, b_out = mha_weights(rng, E)
    s1, s2 = 1.0 / math.sqrt(E), 1.0 / math.sqrt(ff)
    return {"in_proj_weight": w_in, "in_proj_bias": b_in, "out_proj_weight": w_out, "out_proj_bias": b_out,
            "linear1_weight": rng.uniform(-s1, s1, size=(ff, E)), "linear1_bias": rng.normal(size=ff) * 0.3,
            "linear2_weight": rng.uniform(-s2, s2, size=(E, ff)), "linear2_bias": rng.normal(size=E) * 0.3,
            "norm1_weight": 1.0 + rng.normal(size=E) * 0.5, "norm1_bias": rng.normal(size=E) * 0.5,
            "norm2_weight": 1.0 + rng.normal(size=E) * 0.5, "norm2_bias": rng.normal(size=E) * 0.5}


def encoder_build(N, T, E, heads, ff, norm_first, padding=None, causal=False, eps=None):
    def build(rng):
        mask = None
        if padding is not None:
            lengths = rng.integers(1, T + 1, size=N)
            lengths[0] = T - 2
            mask = np.arange(T)[None, :] >= lengths[:, None]
            if padding == "all":
                mask[-1] = True
        kwargs = {"norm_first": norm_first, "key_padding_mask": mask, "causal": causal}
        if eps is not None:
            kwargs["eps"] = eps
        return call(rng.normal(size=(N, T, E)) * 2.0 + 0.5, encoder_params(rng, E, ff), heads, **kwargs)
    return build


def encoder_oracle(x, params, heads, norm_first=False, key_padding_mask=None, causal=False, eps=1e-5):
    N, T, E = x.shape
    layer = torch.nn.TransformerEncoderLayer(E, heads, dim_feedforward=params["linear1_weight"].shape[0],
                                             dropout=0.0, batch_first=True, norm_first=norm_first,
                                             layer_norm_eps=eps).double()
    layer.train()  # dropout is 0; training mode keeps torch off the fast path, which gives nan for empty rows
    state = {NAMES[k]: t64(v) for k, v in params.items()}
    layer.load_state_dict(state)
    src_mask = bool_tensor(np.triu(np.ones((T, T), dtype=bool), 1)) if causal else None
    padding = None if key_padding_mask is None else bool_tensor(key_padding_mask)
    with torch.no_grad():
        return layer(t64(x), src_mask=src_mask, src_key_padding_mask=padding)


ENCODER = [  # (label, N, T, E, heads, dim_feedforward, norm_first, padding, causal, eps)
    ("post-norm-N3-T5-E6-h2-F10", 3, 5, 6, 2, 10, False, None, False, None),
    ("pre-norm-N3-T5-E6-h2-F10", 3, 5, 6, 2, 10, True, None, False, None),
    ("post-norm-N2-T6-E8-h4-F5-padding", 2, 6, 8, 4, 5, False, "some", False, None),
    ("pre-norm-N3-T4-E6-h3-F7-padding-causal-eps0.01", 3, 4, 6, 3, 7, True, "some", True, 0.01),
    ("post-norm-N3-T5-E4-h2-F6-one-sequence-all-padding", 3, 5, 4, 2, 6, False, "all", False, None),
    ("pre-norm-N2-T5-E4-h2-F6-causal", 2, 5, 4, 2, 6, True, None, True, None),
]
for label, N, T, E, heads, ff, norm_first, padding, causal, eps in ENCODER:
    case("attention.transformer_encoder_layer_forward", label,
         encoder_build(N, T, E, heads, ff, norm_first, padding, causal, eps), encoder_oracle)


# ============================================================================ transformer_encoder_layer_backward
def encoder_backward_oracle(dout, x, params, heads, norm_first=False, key_padding_mask=None, causal=False, eps=1e-5):
    """torch autograd of sum(out * dout) through the training-mode layer: (dx, {name: gradient})."""
    N, T, E = x.shape
    layer = torch.nn.TransformerEncoderLayer(E, heads, dim_feedforward=params["linear1_weight"].shape[0],
                                             dropout=0.0, batch_first=True, norm_first=norm_first,
                                             layer_norm_eps=eps).double()
    layer.train()
    layer.load_state_dict({NAMES[k]: t64(v) for k, v in params.items()})
    src_mask = bool_tensor(np.triu(np.ones((T, T), dtype=bool), 1)) if causal else None
    padding = None if key_padding_mask is None else bool_tensor(key_padding_mask)
    xt = leaf(x)
    out = layer(xt, src_mask=src_mask, src_key_padding_mask=padding)
    torch_params = dict(layer.named_parameters())
    wanted = [xt] + [torch_params[NAMES[k]] for k in params]
    dx, *dparams = torch.autograd.grad(out, wanted, grad_outputs=t64(dout))
    return dx, dict(zip(params, dparams))


def encoder_backward_build(N, T, E, heads, ff, norm_first, padding=None, causal=False, eps=None):
    """As the forward's cases; "kink" in the label: hidden unit 1's pre-activation is exactly 0 everywhere."""
    forward = encoder_build(N, T, E, heads, ff, norm_first, padding, causal, eps)

    def build(rng, kink=False):
        (x, params, heads_), kwargs = forward(rng)
        if kink:
            params["linear1_weight"][1], params["linear1_bias"][1] = 0.0, 0.0
        return call(rng.normal(size=(N, T, E)), x, params, heads_, **kwargs)
    return build


ENCODER_BACKWARD = [  # (label, N, T, E, heads, dim_feedforward, norm_first, padding, causal, eps)
    ("post-norm-N3-T5-E6-h2-F10", 3, 5, 6, 2, 10, False, None, False, None),
    ("pre-norm-N3-T5-E6-h2-F10", 3, 5, 6, 2, 10, True, None, False, None),
    ("post-norm-N2-T6-E8-h4-F5-padding-causal-eps0.01-kink", 2, 6, 8, 4, 5, False, "some", True, 0.01),
    ("pre-norm-N3-T4-E6-h3-F7-padding-causal-eps0.01", 3, 4, 6, 3, 7, True, "some", True, 0.01),
    ("post-norm-N3-T5-E4-h2-F6-one-sequence-all-padding", 3, 5, 4, 2, 6, False, "all", False, None),
    ("pre-norm-N2-T5-E4-h2-F6-one-sequence-all-padding-eps0.1", 2, 5, 4, 2, 6, True, "all", False, 0.1),
]
for label, N, T, E, heads, ff, norm_first, padding, causal, eps in ENCODER_BACKWARD:
    build = encoder_backward_build(N, T, E, heads, ff, norm_first, padding, causal, eps)
    case("attention.transformer_encoder_layer_backward", label,
         lambda rng, b=build, kink="kink" in label: b(rng, kink), encoder_backward_oracle)
