"""CNN layers by im2col and matrix products; fans are np.int64 from np.prod."""
import numpy as np

import initializers


def _im2col(xp, kh, kw, stride, h_out, w_out):
    n, c = xp.shape[:2]
    cols = np.empty((n, h_out, w_out, c, kh, kw))
    for i in range(h_out):
        for j in range(w_out):
            cols[:, i, j] = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
    return cols.reshape(n * h_out * w_out, c * kh * kw)


def conv2d_forward(x, w, b, stride=1, padding=0):
    n, c, h, width = x.shape
    f, _, kh, kw = w.shape
    h_out = (h + 2 * padding - kh) // stride + 1
    w_out = (width + 2 * padding - kw) // stride + 1
    xp = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)], mode="constant")
    cols = _im2col(xp, kh, kw, stride, h_out, w_out)
    out = (cols @ w.reshape(f, -1).T + b).reshape(n, h_out, w_out, f).transpose(0, 3, 1, 2)
    return out, (x.shape, w, stride, padding, cols)


def conv2d_backward(dout, cache):
    (n, c, h, width), w, stride, padding, cols = cache
    f, _, kh, kw = w.shape
    h_out, w_out = dout.shape[2:]
    dout_rows = dout.transpose(0, 2, 3, 1).reshape(-1, f)
    db = np.sum(dout_rows, axis=0)
    dw = (dout_rows.T @ cols).reshape(w.shape)
    dcols = (dout_rows @ w.reshape(f, -1)).reshape(n, h_out, w_out, c, kh, kw)
    dxp = np.zeros((n, c, h + 2 * padding, width + 2 * padding))
    for i in range(h_out):
        for j in range(w_out):
            dxp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw] += dcols[:, i, j]
    return dxp[:, :, padding:padding + h, padding:padding + width], dw, db


def _pool_shape(x, k, stride):
    return (x.shape[2] - k) // stride + 1, (x.shape[3] - k) // stride + 1


def maxpool2d_forward(x, kernel_size, stride=None):
    k, s = kernel_size, stride or kernel_size
    h_out, w_out = _pool_shape(x, k, s)
    out = np.empty(x.shape[:2] + (h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            out[:, :, i, j] = np.max(x[:, :, i * s:i * s + k, j * s:j * s + k], axis=(2, 3))
    return out, (x, k, s)


def maxpool2d_backward(dout, cache):
    x, k, s = cache
    n, c, h_out, w_out = dout.shape
    dx = np.zeros(x.shape)
    rows, chans = np.arange(n)[:, None], np.arange(c)[None, :]
    for i in range(h_out):
        for j in range(w_out):
            window = x[:, :, i * s:i * s + k, j * s:j * s + k].reshape(n, c, k * k)
            first = np.argmax(window, axis=2)
            dx[rows, chans, i * s + first // k, j * s + first % k] += dout[:, :, i, j]
    return dx


def avgpool2d_forward(x, kernel_size, stride=None):
    k, s = kernel_size, stride or kernel_size
    h_out, w_out = _pool_shape(x, k, s)
    out = np.empty(x.shape[:2] + (h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            out[:, :, i, j] = np.mean(x[:, :, i * s:i * s + k, j * s:j * s + k], axis=(2, 3))
    return out, (x.shape, k, s)


def avgpool2d_backward(dout, cache):
    shape, k, s = cache
    dx = np.zeros(shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dx[:, :, i * s:i * s + k, j * s:j * s + k] += dout[:, :, i:i + 1, j:j + 1] / k ** 2
    return dx


def flatten(x):
    return x.reshape(len(x), -1).copy()


def unflatten(x, shape):
    return np.reshape(x, (x.shape[0],) + tuple(shape)).copy()


def conv_fans(shape):
    return np.prod(shape[1:]), shape[0] * np.prod(shape[2:])


def _fan(shape, mode):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(mode)
    return conv_fans(shape)[mode == "fan_out"]


def conv_kaiming_uniform(shape, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    bound = initializers.calculate_gain(nonlinearity, negative_slope) * np.sqrt(3 / _fan(shape, mode))
    return bound * (2 * rng.random(shape) - 1)


def conv_kaiming_normal(shape, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    std = initializers.calculate_gain(nonlinearity, negative_slope) / np.sqrt(_fan(shape, mode))
    return std * rng.standard_normal(shape)


def conv_xavier_uniform(shape, rng, gain=1.0):
    fan_in, fan_out = conv_fans(shape)
    a = gain * np.sqrt(6 / (fan_in + fan_out))
    return a * (2 * rng.random(shape) - 1)
