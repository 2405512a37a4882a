"""CNN layers with sliding_window_view, np.einsum and np.add.at scatters."""
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import initializers


def _windows(x, kh, kw, stride):
    return sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]


def _scatter(target, pieces, stride):
    """Add pieces (n, c, h_out, w_out, kh, kw) into target at the windows they came from."""
    h_out, w_out, kh, kw = pieces.shape[2:]
    rows = (np.arange(h_out) * stride)[:, None] + np.arange(kh)
    cols = (np.arange(w_out) * stride)[:, None] + np.arange(kw)
    np.add.at(target, (slice(None), slice(None), rows[:, None, :, None], cols[None, :, None, :]), pieces)
    return target


def conv2d_forward(x, w, b, stride=1, padding=0):
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    win = _windows(xp, w.shape[2], w.shape[3], stride)
    return np.einsum("nchwpq,fcpq->nfhw", win, w) + b[:, None, None], (x, w, stride, padding)


def conv2d_backward(dout, cache):
    x, w, stride, padding = cache
    h, width = x.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    win = _windows(xp, w.shape[2], w.shape[3], stride)
    dw = np.einsum("nfhw,nchwpq->fcpq", dout, win)
    dxp = _scatter(np.zeros(xp.shape), np.einsum("nfhw,fcpq->nchwpq", dout, w), stride)
    return dxp[:, :, padding:padding + h, padding:padding + width], dw, np.einsum("nfhw->f", dout)


def maxpool2d_forward(x, kernel_size, stride=None):
    stride = stride or kernel_size
    win = _windows(x, kernel_size, kernel_size, stride)
    flat = win.reshape(win.shape[:4] + (-1,))
    return np.max(flat, axis=-1), (x.shape, kernel_size, stride, np.argmax(flat, axis=-1))


def maxpool2d_backward(dout, cache):
    shape, k, stride, best = cache
    pieces = np.zeros(dout.shape + (k * k,))
    np.put_along_axis(pieces, best[..., None], dout[..., None], axis=-1)
    return _scatter(np.zeros(shape), pieces.reshape(dout.shape + (k, k)), stride)


def avgpool2d_forward(x, kernel_size, stride=None):
    stride = stride or kernel_size
    win = _windows(x, kernel_size, kernel_size, stride)
    return np.einsum("nchwpq->nchw", win) / kernel_size ** 2, (x.shape, kernel_size, stride)


def avgpool2d_backward(dout, cache):
    shape, k, stride = cache
    pieces = np.broadcast_to((dout / k ** 2)[..., None, None], dout.shape + (k, k))
    return _scatter(np.zeros(shape), pieces, stride)


def flatten(x):
    return np.vstack([sample.ravel() for sample in x])


def unflatten(x, shape):
    return np.copy(x).reshape(len(x), *shape)


def conv_fans(shape):
    size = math.prod(shape)
    return size // shape[0], size // shape[1]


def _bound_or_std(shape, mode, nonlinearity, negative_slope, factor):
    fans = dict(zip(("fan_in", "fan_out"), conv_fans(shape)))
    if mode not in fans:
        raise ValueError(f"mode {mode!r} is not fan_in or fan_out")
    return initializers.calculate_gain(nonlinearity, negative_slope) * np.sqrt(factor / fans[mode])


def conv_kaiming_uniform(shape, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    bound = _bound_or_std(shape, mode, nonlinearity, negative_slope, 3.0)
    return rng.uniform(-bound, bound, math.prod(shape)).reshape(shape)


def conv_kaiming_normal(shape, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    std = _bound_or_std(shape, mode, nonlinearity, negative_slope, 1.0)
    return rng.normal(0.0, std, math.prod(shape)).reshape(shape)


def conv_xavier_uniform(shape, rng, gain=1.0):
    bound = gain * np.sqrt(6.0 / sum(conv_fans(shape)))
    return rng.uniform(-bound, bound, math.prod(shape)).reshape(shape)
