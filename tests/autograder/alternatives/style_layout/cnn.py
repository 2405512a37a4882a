"""CNN layers computed in NHWC (channels last) and handed back as NCHW views of it: never C-contiguous.

Written with type hints (numpy.typing) and a dataclass for the convolution's cache.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from initializers import calculate_gain


@dataclass(frozen=True)
class ConvCache:
    xp: npt.NDArray[np.float64]  # the padded input, channels last
    w: npt.NDArray[np.float64]
    stride: int
    padding: int
    x_shape: tuple[int, ...]


def _nhwc(x):
    return np.moveaxis(x, 1, -1)


def conv2d_forward(x: npt.NDArray[np.float64], w: npt.NDArray[np.float64], b: npt.NDArray[np.float64],
                   stride: int = 1, padding: int = 0) -> tuple[npt.NDArray[np.float64], ConvCache]:
    n, c, h, width = x.shape
    f, _, kh, kw = w.shape
    xp = np.zeros((n, h + 2 * padding, width + 2 * padding, c))
    xp[:, padding:padding + h, padding:padding + width] = _nhwc(x)
    h_out, w_out = (h + 2 * padding - kh) // stride + 1, (width + 2 * padding - kw) // stride + 1
    out = np.zeros((n, h_out, w_out, f)) + b
    for p in range(kh):
        for q in range(kw):
            patch = xp[:, p:p + stride * h_out:stride, q:q + stride * w_out:stride]  # (n, h_out, w_out, c)
            out += patch @ w[:, :, p, q].T
    return np.moveaxis(out, -1, 1), ConvCache(xp, w, stride, padding, x.shape)


def conv2d_backward(dout: npt.NDArray[np.float64], cache: ConvCache):
    xp, w, stride, padding = cache.xp, cache.w, cache.stride, cache.padding
    n, c, h, width = cache.x_shape
    f, _, kh, kw = w.shape
    h_out, w_out = dout.shape[2:]
    d = _nhwc(dout)  # (n, h_out, w_out, f)
    dxp, dw = np.zeros(xp.shape), np.zeros((kh, kw, f, c))
    for p in range(kh):
        for q in range(kw):
            patch = xp[:, p:p + stride * h_out:stride, q:q + stride * w_out:stride]
            dw[p, q] = d.reshape(-1, f).T @ patch.reshape(-1, c)
            dxp[:, p:p + stride * h_out:stride, q:q + stride * w_out:stride] += d @ w[:, :, p, q]
    dx = np.moveaxis(dxp[:, padding:padding + h, padding:padding + width], -1, 1)
    return dx, np.transpose(dw, (2, 3, 0, 1)), d.sum(axis=(0, 1, 2))


def _pool_windows(x, k, stride):
    h_out, w_out = (x.shape[2] - k) // stride + 1, (x.shape[3] - k) // stride + 1
    xs = _nhwc(x)
    return [((p, q), xs[:, p:p + stride * h_out:stride, q:q + stride * w_out:stride])
            for p in range(k) for q in range(k)], (h_out, w_out)


def maxpool2d_forward(x, kernel_size, stride=None):
    stride = kernel_size if stride is None else stride
    windows, _ = _pool_windows(x, kernel_size, stride)
    best = windows[0][1].copy()
    for _, patch in windows[1:]:
        best = np.maximum(best, patch)
    return np.moveaxis(best, -1, 1), (x, kernel_size, stride)


def maxpool2d_backward(dout, cache):
    x, k, stride = cache
    windows, _ = _pool_windows(x, k, stride)
    d = _nhwc(dout)
    dxs = np.zeros(_nhwc(x).shape)
    best = np.max(np.stack([patch for _, patch in windows]), axis=0)
    taken = np.zeros(d.shape, dtype=bool)
    for (p, q), patch in windows:  # row-major order within the window: the first maximum wins, as torch
        hit = (patch == best) & ~taken
        taken |= hit
        dxs[:, p:p + stride * d.shape[1]:stride, q:q + stride * d.shape[2]:stride] += np.where(hit, d, 0.0)
    return np.moveaxis(dxs, -1, 1)


def avgpool2d_forward(x, kernel_size, stride=None):
    stride = kernel_size if stride is None else stride
    windows, _ = _pool_windows(x, kernel_size, stride)
    return np.moveaxis(sum(patch for _, patch in windows) / kernel_size ** 2, -1, 1), (x.shape, kernel_size, stride)


def avgpool2d_backward(dout, cache):
    (n, c, h, width), k, stride = cache
    d = _nhwc(dout) / k ** 2
    dxs = np.zeros((n, h, width, c))
    for p in range(k):
        for q in range(k):
            dxs[:, p:p + stride * d.shape[1]:stride, q:q + stride * d.shape[2]:stride] += d
    return np.moveaxis(dxs, -1, 1)


def flatten(x):
    return np.asfortranarray(x.reshape(x.shape[0], -1))


def unflatten(x, shape):
    return np.asfortranarray(x).reshape((x.shape[0], *shape), order="C").copy(order="F")


def conv_fans(shape):
    receptive = np.asarray(shape[2] * shape[3])
    return receptive * shape[1], receptive * shape[0]  # 0-d integer arrays


def _fan(shape, mode):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode should be 'fan_in' or 'fan_out', not {mode!r}")
    return int(conv_fans(shape)[mode == "fan_out"])


def conv_kaiming_uniform(shape, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    bound = calculate_gain(nonlinearity, negative_slope) * math.sqrt(3.0 / _fan(shape, mode))
    return np.transpose(rng.uniform(-bound, bound, size=shape[::-1]), (3, 2, 1, 0))


def conv_kaiming_normal(shape, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    std = calculate_gain(nonlinearity, negative_slope) / math.sqrt(_fan(shape, mode))
    return np.asfortranarray(rng.normal(0.0, std, size=shape))


def conv_xavier_uniform(shape, rng, gain=1.0):
    fan_in, fan_out = (int(v) for v in conv_fans(shape))
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return np.transpose(rng.uniform(-a, a, size=shape[::-1]), (3, 2, 1, 0))
