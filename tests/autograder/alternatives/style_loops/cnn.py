"""Convolution and pooling with nested loops over every output position, as the maths reads."""
import math

import numpy as np

from initializers import calculate_gain


def conv2d_forward(x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    H_out = (H + 2 * padding - KH) // stride + 1
    W_out = (W + 2 * padding - KW) // stride + 1
    xp = np.zeros((N, C, H + 2 * padding, W + 2 * padding))
    xp[:, :, padding:padding + H, padding:padding + W] = x
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = xp[n, :, i * stride:i * stride + KH, j * stride:j * stride + KW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out, (x, w, stride, padding)


def conv2d_backward(dout, cache):
    x, w, stride, padding = cache
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.zeros((N, C, H + 2 * padding, W + 2 * padding))
    xp[:, :, padding:padding + H, padding:padding + W] = x
    dxp, dw, db = np.zeros(xp.shape), np.zeros(w.shape), np.zeros(F)
    for n in range(N):
        for f in range(F):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    rows = slice(i * stride, i * stride + KH)
                    cols = slice(j * stride, j * stride + KW)
                    dxp[n, :, rows, cols] += w[f] * dout[n, f, i, j]
                    dw[f] += xp[n, :, rows, cols] * dout[n, f, i, j]
                    db[f] += dout[n, f, i, j]
    return dxp[:, :, padding:padding + H, padding:padding + W].copy(), dw, db


def _out_size(size, k, stride):
    return (size - k) // stride + 1


def maxpool2d_forward(x, kernel_size, stride=None):
    if stride is None:
        stride = kernel_size
    N, C, H, W = x.shape
    out = np.zeros((N, C, _out_size(H, kernel_size, stride), _out_size(W, kernel_size, stride)))
    for n in range(N):
        for c in range(C):
            for i in range(out.shape[2]):
                for j in range(out.shape[3]):
                    out[n, c, i, j] = x[n, c, i * stride:i * stride + kernel_size,
                                        j * stride:j * stride + kernel_size].max()
    return out, (x, kernel_size, stride)


def maxpool2d_backward(dout, cache):
    x, k, stride = cache
    dx = np.zeros(x.shape)
    N, C, H_out, W_out = dout.shape
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    window = x[n, c, i * stride:i * stride + k, j * stride:j * stride + k]
                    p, q = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * stride + p, j * stride + q] += dout[n, c, i, j]
    return dx


def avgpool2d_forward(x, kernel_size, stride=None):
    if stride is None:
        stride = kernel_size
    N, C, H, W = x.shape
    out = np.zeros((N, C, _out_size(H, kernel_size, stride), _out_size(W, kernel_size, stride)))
    for n in range(N):
        for c in range(C):
            for i in range(out.shape[2]):
                for j in range(out.shape[3]):
                    out[n, c, i, j] = x[n, c, i * stride:i * stride + kernel_size,
                                        j * stride:j * stride + kernel_size].mean()
    return out, (x.shape, kernel_size, stride)


def avgpool2d_backward(dout, cache):
    shape, k, stride = cache
    dx = np.zeros(shape)
    N, C, H_out, W_out = dout.shape
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    dx[n, c, i * stride:i * stride + k, j * stride:j * stride + k] += dout[n, c, i, j] / (k * k)
    return dx


def flatten(x):
    out = np.empty((x.shape[0], x[0].size))
    for n in range(x.shape[0]):
        out[n] = x[n].ravel()
    return out


def unflatten(x, shape):
    out = np.empty((x.shape[0],) + tuple(shape))
    for n in range(x.shape[0]):
        out[n] = x[n].reshape(shape)
    return out


def conv_fans(shape):
    receptive = 1
    for side in shape[2:]:
        receptive *= side
    return shape[1] * receptive, shape[0] * receptive


def _fan(shape, mode):
    fan_in, fan_out = conv_fans(shape)
    if mode == "fan_in":
        return fan_in
    if mode == "fan_out":
        return fan_out
    raise ValueError("mode must be 'fan_in' or 'fan_out'")


def conv_kaiming_uniform(shape, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    bound = calculate_gain(nonlinearity, negative_slope) * math.sqrt(3 / _fan(shape, mode))
    return np.array([rng.uniform(-bound, bound, shape[1:]) for _ in range(shape[0])])


def conv_kaiming_normal(shape, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    std = calculate_gain(nonlinearity, negative_slope) / math.sqrt(_fan(shape, mode))
    return np.array([rng.normal(0, std, shape[1:]) for _ in range(shape[0])])


def conv_xavier_uniform(shape, rng, gain=1.0):
    fan_in, fan_out = conv_fans(shape)
    bound = gain * math.sqrt(6 / (fan_in + fan_out))
    return np.array([rng.uniform(-bound, bound, shape[1:]) for _ in range(shape[0])])
