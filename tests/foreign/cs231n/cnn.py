"""Convolution and pooling as CS231n's naive layers: explicit loops over samples, filters and output
positions, padding with np.pad, max-pool backward routed with np.argmax over each window."""
import math

import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    db = np.sum(dout, axis=(0, 2, 3))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * stride, j * stride
                    dw[f] += x_pad[n, :, hs:hs + HH, ws:ws + WW] * dout[n, f, i, j]
                    dx_pad[n, :, hs:hs + HH, ws:ws + WW] += w[f] * dout[n, f, i, j]
    dx = dx_pad[:, :, pad:pad + H, pad:pad + W]
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    N, C, H, W = x.shape
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    H_out = 1 + (H - ph) // stride
    W_out = 1 + (W - pw) // stride
    out = np.zeros((N, C, H_out, W_out))
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    out[n, c, i, j] = np.max(x[n, c, i * stride:i * stride + ph, j * stride:j * stride + pw])
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    N, C, H, W = x.shape
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    _, _, H_out, W_out = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    window = x[n, c, i * stride:i * stride + ph, j * stride:j * stride + pw]
                    r, s = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * stride + r, j * stride + s] += dout[n, c, i, j]
    return dx


def conv2d_forward(x, w, b, stride=1, padding=0):
    return conv_forward_naive(x, w, b, {"stride": stride, "pad": padding})


def conv2d_backward(dout, cache):
    return conv_backward_naive(dout, cache)


def maxpool2d_forward(x, kernel_size, stride=None):
    pool_param = {"pool_height": kernel_size, "pool_width": kernel_size,
                  "stride": kernel_size if stride is None else stride}
    return max_pool_forward_naive(x, pool_param)


def maxpool2d_backward(dout, cache):
    return max_pool_backward_naive(dout, cache)


def avgpool2d_forward(x, kernel_size, stride=None):
    stride = kernel_size if stride is None else stride
    N, C, H, W = x.shape
    H_out, W_out = 1 + (H - kernel_size) // stride, 1 + (W - kernel_size) // stride
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = np.mean(x[:, :, i * stride:i * stride + kernel_size, j * stride:j * stride + kernel_size],
                                      axis=(2, 3))
    return out, (x.shape, kernel_size, stride)


def avgpool2d_backward(dout, cache):
    shape, k, stride = cache
    dx = np.zeros(shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dx[:, :, i * stride:i * stride + k, j * stride:j * stride + k] += dout[:, :, i:i + 1, j:j + 1] / (k * k)
    return dx


def flatten(x):
    return np.reshape(x, (x.shape[0], -1)).copy()


def unflatten(x, shape):
    return np.reshape(x, (x.shape[0],) + tuple(shape)).copy()


def conv_fans(shape):
    F, C, HH, WW = shape
    return C * HH * WW, F * HH * WW


def _gain(nonlinearity, negative_slope):
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        return math.sqrt(2.0 / (1 + negative_slope ** 2))
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "selu":
        return 3.0 / 4
    return 1.0


def conv_kaiming_uniform(shape, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    fan = conv_fans(shape)[0 if mode == "fan_in" else 1]
    bound = _gain(nonlinearity, negative_slope) * math.sqrt(3.0 / fan)
    return rng.uniform(-bound, bound, size=shape)


def conv_kaiming_normal(shape, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    fan = conv_fans(shape)[0 if mode == "fan_in" else 1]
    return rng.standard_normal(shape) * (_gain(nonlinearity, negative_slope) / math.sqrt(fan))


def conv_xavier_uniform(shape, rng, gain=1.0):
    fan_in, fan_out = conv_fans(shape)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=shape)
