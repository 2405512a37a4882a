"""Attention in the manner of "Deep Learning from Scratch": layer classes with forward() and backward()
that keep what backward needs on self (Affine, Softmax, MatMul-style attention), the masked entries set
to -inf before the softmax and a layer stack run in order. The contract's functions build the layers,
run forward, and hand the layer object itself back as the cache; its backward() returns the gradients
in the contract's order. Masks are the contract's booleans (True = the key takes part)."""
import numpy as np


def causal_mask(T):
    return np.tri(T, T, dtype=bool)


class Softmax:
    """Softmax over the last axis with the masked entries left out; a row with nothing left gives 0."""

    def __init__(self):
        self.out = None

    def forward(self, x, mask):
        x = np.where(mask, x, -np.inf)
        c = np.max(x, axis=-1, keepdims=True)
        c = np.where(np.isneginf(c), 0.0, c)
        exp_x = np.exp(x - c)
        sum_exp_x = np.sum(exp_x, axis=-1, keepdims=True)
        self.out = exp_x / np.where(sum_exp_x > 0, sum_exp_x, 1.0)
        return self.out

    def backward(self, dout):
        return self.out * (dout - np.sum(self.out * dout, axis=-1, keepdims=True))


class Attention:
    def __init__(self, mask=None, causal=False):
        self.mask, self.causal = mask, causal
        self.softmax = Softmax()
        self.q = self.k = self.v = None

    def forward(self, q, k, v):
        self.q, self.k, self.v = q, k, v
        L, S = q.shape[-2], k.shape[-2]
        mask = np.ones((L, S), dtype=bool) if self.mask is None else self.mask
        if self.causal:
            mask = mask & np.tri(L, S, dtype=bool)
        scores = np.einsum("...le,...se->...ls", q, k) / np.sqrt(q.shape[-1])
        weights = self.softmax.forward(scores, np.broadcast_to(mask, scores.shape))
        return np.einsum("...ls,...sf->...lf", weights, v)

    def backward(self, dout):
        weights = self.softmax.out
        dv = np.einsum("...ls,...lf->...sf", weights, dout)
        dscores = self.softmax.backward(np.einsum("...lf,...sf->...ls", dout, self.v)) / np.sqrt(self.q.shape[-1])
        dq = np.einsum("...ls,...se->...le", dscores, self.k)
        dk = np.einsum("...ls,...le->...se", dscores, self.q)
        return dq, dk, dv


class Affine:
    """nn.Linear on the last axis: W (out, in), as torch stores it."""

    def __init__(self, W, b):
        self.W, self.b = W, b
        self.x = self.dW = self.db = None

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W.T) + self.b

    def backward(self, dout):
        dx = np.dot(dout, self.W)
        self.dW = np.tensordot(dout, self.x, axes=(tuple(range(dout.ndim - 1)), tuple(range(self.x.ndim - 1))))
        self.db = np.sum(dout, axis=tuple(range(dout.ndim - 1)))
        return dx


class MultiHeadAttention:
    def __init__(self, num_heads, in_proj_weight, in_proj_bias, out_proj_weight, out_proj_bias):
        self.num_heads = num_heads
        self.params = {"in_proj_weight": in_proj_weight, "in_proj_bias": in_proj_bias,
                       "out_proj_weight": out_proj_weight, "out_proj_bias": out_proj_bias}
        W_q, W_k, W_v = np.split(in_proj_weight, 3)
        b_q, b_k, b_v = np.split(in_proj_bias, 3)
        self.layers = {"q": Affine(W_q, b_q), "k": Affine(W_k, b_k), "v": Affine(W_v, b_v),
                       "out": Affine(out_proj_weight, out_proj_bias)}
        self.attention = None
        self.grads = {}

    def split(self, x):
        N, T, E = x.shape
        return x.reshape(N, T, self.num_heads, E // self.num_heads).transpose(0, 2, 1, 3)

    def merge(self, x):
        N, h, T, d = x.shape
        return x.transpose(0, 2, 1, 3).reshape(N, T, h * d)

    def forward(self, query, key, value, key_padding_mask=None, causal=False):
        mask = None if key_padding_mask is None else np.logical_not(key_padding_mask)[:, np.newaxis, np.newaxis, :]
        self.attention = Attention(mask, causal)
        q = self.split(self.layers["q"].forward(query))
        k = self.split(self.layers["k"].forward(key))
        v = self.split(self.layers["v"].forward(value))
        return self.layers["out"].forward(self.merge(self.attention.forward(q, k, v)))

    def backward(self, dout):
        dheads = self.split(self.layers["out"].backward(dout))
        dq, dk, dv = self.attention.backward(dheads)
        dquery = self.layers["q"].backward(self.merge(dq))
        dkey = self.layers["k"].backward(self.merge(dk))
        dvalue = self.layers["v"].backward(self.merge(dv))
        self.grads["in_proj_weight"] = np.vstack([self.layers[n].dW for n in "qkv"])
        self.grads["in_proj_bias"] = np.hstack([self.layers[n].db for n in "qkv"])
        self.grads["out_proj_weight"] = self.layers["out"].dW
        self.grads["out_proj_bias"] = self.layers["out"].db
        return dquery, dkey, dvalue


class LayerNormalization:
    def __init__(self, gamma, beta, eps):
        self.gamma, self.beta, self.eps = gamma, beta, eps

    def forward(self, x):
        mu = x.mean(axis=-1, keepdims=True)
        xc = x - mu
        std = np.sqrt(np.mean(xc ** 2, axis=-1, keepdims=True) + self.eps)
        self.xn, self.std = xc / std, std
        return self.gamma * xc / std + self.beta

    def backward(self, dout):
        self.dgamma = np.sum(dout * self.xn, axis=(0, 1))
        self.dbeta = np.sum(dout, axis=(0, 1))
        dxn = dout * self.gamma
        D = dxn.shape[-1]
        dxn_sum = np.sum(dxn, axis=-1, keepdims=True)
        dxn_xn = np.sum(dxn * self.xn, axis=-1, keepdims=True)
        return (dxn - dxn_sum / D - self.xn * dxn_xn / D) / self.std


class Relu:
    def forward(self, x):
        self.mask = (x <= 0)
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout = dout.copy()
        dout[self.mask] = 0
        return dout


class TransformerEncoderLayer:
    def __init__(self, params, num_heads, norm_first, eps):
        p = params
        self.self_attn = MultiHeadAttention(num_heads, p["in_proj_weight"], p["in_proj_bias"], p["out_proj_weight"],
                                            p["out_proj_bias"])
        self.ffn = [Affine(p["linear1_weight"], p["linear1_bias"]), Relu(),
                    Affine(p["linear2_weight"], p["linear2_bias"])]
        self.norm1 = LayerNormalization(p["norm1_weight"], p["norm1_bias"], eps)
        self.norm2 = LayerNormalization(p["norm2_weight"], p["norm2_bias"], eps)
        self.norm_first = norm_first

    def feed_forward(self, x):
        for layer in self.ffn:
            x = layer.forward(x)
        return x

    def forward(self, x, key_padding_mask=None, causal=False):
        def attend(h):
            return self.self_attn.forward(h, h, h, key_padding_mask, causal)

        if self.norm_first:
            x = x + attend(self.norm1.forward(x))
            return x + self.feed_forward(self.norm2.forward(x))
        x = self.norm1.forward(x + attend(x))
        return self.norm2.forward(x + self.feed_forward(x))

    def backward(self, dout):
        """The layers in reverse; a residual branch adds its input's gradient to the sublayer's."""
        def feed_forward_backward(d):
            for layer in reversed(self.ffn):
                d = layer.backward(d)
            return d

        def attend_backward(d):
            return sum(self.self_attn.backward(d))  # query, key and value are the same x

        if self.norm_first:
            dx = dout + self.norm2.backward(feed_forward_backward(dout))
            dx = dx + self.norm1.backward(attend_backward(dx))
        else:
            dx = self.norm2.backward(dout)
            dx = self.norm1.backward(dx + feed_forward_backward(dx))
            dx = dx + attend_backward(dx)
        linear1, _, linear2 = self.ffn
        grads = dict(self.self_attn.grads, linear1_weight=linear1.dW, linear1_bias=linear1.db, linear2_weight=linear2.dW,
                     linear2_bias=linear2.db, norm1_weight=self.norm1.dgamma, norm1_bias=self.norm1.dbeta,
                     norm2_weight=self.norm2.dgamma, norm2_bias=self.norm2.dbeta)
        return dx, grads


def scaled_dot_product_attention(q, k, v, mask=None, causal=False):
    layer = Attention(mask, causal)
    return layer.forward(q, k, v), layer


def scaled_dot_product_attention_backward(dout, cache):
    return cache.backward(dout)


def multi_head_attention_forward(query, key, value, num_heads, in_proj_weight, in_proj_bias, out_proj_weight,
                                 out_proj_bias, key_padding_mask=None, causal=False):
    layer = MultiHeadAttention(num_heads, in_proj_weight, in_proj_bias, out_proj_weight, out_proj_bias)
    return layer.forward(query, key, value, key_padding_mask, causal), layer


def multi_head_attention_backward(dout, cache):
    dquery, dkey, dvalue = cache.backward(dout)
    g = cache.grads
    return dquery, dkey, dvalue, g["in_proj_weight"], g["in_proj_bias"], g["out_proj_weight"], g["out_proj_bias"]


def sinusoidal_positional_encoding(T, d):
    pos = np.arange(T).reshape(T, 1)
    i = np.arange(d).reshape(1, d)
    angle = pos / np.power(10000.0, (i - i % 2) / d)
    return np.where(i % 2 == 0, np.sin(angle), np.cos(angle))


def transformer_encoder_layer_forward(x, params, num_heads, norm_first=False, key_padding_mask=None, causal=False,
                                      eps=1e-5):
    return TransformerEncoderLayer(params, num_heads, norm_first, eps).forward(x, key_padding_mask, causal)


def transformer_encoder_layer_backward(dout, x, params, num_heads, norm_first=False, key_padding_mask=None,
                                       causal=False, eps=1e-5):
    layer = TransformerEncoderLayer(params, num_heads, norm_first, eps)
    layer.forward(x, key_padding_mask, causal)
    return layer.backward(dout)
