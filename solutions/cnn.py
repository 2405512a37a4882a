"""Convolution and pooling layers (forward and backward), flattening, and conv-weight initializers.

Layout NCHW: x (N, C, H, W); conv weights w (F, C, KH, KW); bias b (F,).

Course pages: docs/cnn/convolution.md, docs/cnn/pooling.md, docs/cnn/backpropagation.md
"""
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import initializers


def conv2d_forward(x, w, b, stride=1, padding=0):
    """2-D convolution as torch.nn.functional.conv2d(x, w, b, stride, padding).

    out[n, f, i, j] = b[f] + sum over c, p, q of
                      x_padded[n, c, i*stride + p, j*stride + q] * w[f, c, p, q]
    This is a cross-correlation: the kernel is NOT flipped.
    H_out = (H + 2*padding - KH) // stride + 1, and likewise W_out.

    Args:
        x: inputs (N, C, H, W).
        w: kernels (F, C, KH, KW).
        b: biases (F,).
        stride: step between windows (int).
        padding: zeros added on every side of H and W (int).
    Returns:
        (out, cache): out (N, F, H_out, W_out).

    Pitfall: flipping the kernel (the signal-processing convolution) does not match
    PyTorch; and the output size uses integer division AFTER adding the padding twice.
    Read: docs/cnn/convolution.md
    """
    x = np.asarray(x, dtype=np.float64)
    kh, kw = w.shape[2:]
    padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(padded, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    out = np.tensordot(windows, w, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2) + b[None, :, None, None]
    return out, (x, w, stride, padding, windows)


def conv2d_backward(dout, cache):
    """Gradients of conv2d_forward.

    db[f] = sum of dout[:, f];  dw = correlation of the padded input windows with dout;
    dx = every output gradient spread back over the inputs its window touched,
    weighted by the kernel (a "full" convolution), with the padding cut off.

    Args:
        dout: upstream gradient (N, F, H_out, W_out).
        cache: from conv2d_forward.
    Returns:
        (dx, dw, db) with the shapes of x, w and b.

    Pitfall: weights are shared across positions, so dw and db SUM over every
    position and every sample; and overlapping windows (stride < kernel) must add
    up in dx, not overwrite each other.
    Read: docs/cnn/backpropagation.md
    """
    x, w, stride, padding, windows = cache
    n, c, h, width = x.shape
    kh, kw = w.shape[2:]
    h_out, w_out = dout.shape[2:]
    db = dout.sum(axis=(0, 2, 3))
    dw = np.tensordot(dout, windows, axes=([0, 2, 3], [0, 2, 3]))
    dpadded = np.zeros((n, c, h + 2 * padding, width + 2 * padding))
    for p in range(kh):
        for q in range(kw):
            dpadded[:, :, p : p + stride * h_out : stride, q : q + stride * w_out : stride] += np.einsum(
                "nfhw,fc->nchw", dout, w[:, :, p, q])
    return dpadded[:, :, padding : padding + h, padding : padding + width], dw, db


def maxpool2d_forward(x, kernel_size, stride=None):
    """Max pooling as torch.nn.functional.max_pool2d(x, kernel_size, stride), no padding.

    Args:
        x: inputs (N, C, H, W).
        kernel_size: side of the square window (int).
        stride: step between windows; None means kernel_size (as torch).
    Returns:
        (out, cache): out (N, C, (H - k) // s + 1, (W - k) // s + 1).

    Pitfall: torch's default stride is the kernel size, not 1.
    Read: docs/cnn/pooling.md
    """
    x = np.asarray(x, dtype=np.float64)
    stride = kernel_size if stride is None else stride
    windows = sliding_window_view(x, (kernel_size, kernel_size), axis=(2, 3))[:, :, ::stride, ::stride]
    return windows.max(axis=(4, 5)), (x.shape, kernel_size, stride, windows)


def maxpool2d_backward(dout, cache):
    """Gradient of maxpool2d_forward: each window's gradient goes to its maximum only.

    Where windows overlap, gradients reaching the same input add up. Ties go to the
    first maximum in row-major order within the window (as torch).

    Args:
        dout: upstream gradient, the shape of the pooled output.
        cache: from maxpool2d_forward.
    Returns:
        dx of x's shape.

    Pitfall: spreading the gradient over the whole window (that is average pooling).
    Read: docs/cnn/pooling.md
    """
    shape, k, stride, windows = cache
    n, c, h_out, w_out = dout.shape
    flat = windows.reshape(n, c, h_out, w_out, k * k)
    best = flat.argmax(axis=-1)
    rows = np.arange(h_out)[None, None, :, None] * stride + best // k
    cols = np.arange(w_out)[None, None, None, :] * stride + best % k
    dx = np.zeros(shape)
    np.add.at(dx, (np.arange(n)[:, None, None, None], np.arange(c)[None, :, None, None], rows, cols), dout)
    return dx


def avgpool2d_forward(x, kernel_size, stride=None):
    """Average pooling as torch.nn.functional.avg_pool2d(x, kernel_size, stride), no padding.

    Args:
        x: inputs (N, C, H, W).
        kernel_size: side of the square window (int).
        stride: step between windows; None means kernel_size.
    Returns:
        (out, cache): out (N, C, (H - k) // s + 1, (W - k) // s + 1).

    Pitfall: divide by kernel_size**2, the window's area, not by kernel_size.
    Read: docs/cnn/pooling.md
    """
    x = np.asarray(x, dtype=np.float64)
    stride = kernel_size if stride is None else stride
    windows = sliding_window_view(x, (kernel_size, kernel_size), axis=(2, 3))[:, :, ::stride, ::stride]
    return windows.mean(axis=(4, 5)), (x.shape, kernel_size, stride)


def avgpool2d_backward(dout, cache):
    """Gradient of avgpool2d_forward: each window's gradient spread equally, dout / k**2.

    Args:
        dout: upstream gradient, the shape of the pooled output.
        cache: from avgpool2d_forward.
    Returns:
        dx of x's shape.

    Pitfall: with overlapping windows (stride < kernel_size) the shares add up.
    Read: docs/cnn/pooling.md
    """
    shape, k, stride = cache
    h_out, w_out = dout.shape[2:]
    dx = np.zeros(shape)
    for p in range(k):
        for q in range(k):
            dx[:, :, p : p + stride * h_out : stride, q : q + stride * w_out : stride] += dout / (k * k)
    return dx


def flatten(x):
    """(N, C, H, W) to (N, C*H*W), in C (row-major) order, as torch.flatten(x, 1).

    Args:
        x: array (N, ...).
    Returns:
        a NEW array (N, product of the other dimensions).

    Pitfall: x.reshape(...) returns a view that shares memory with x; copy it.
    Read: docs/cnn/flattening.md
    """
    return np.array(x, dtype=np.float64).reshape(x.shape[0], -1)


def unflatten(x, shape):
    """(N, C*H*W) back to (N, C, H, W), with shape = (C, H, W).

    Args:
        x: array (N, prod(shape)).
        shape: the per-sample shape, e.g. (C, H, W).
    Returns:
        a NEW array (N, *shape).

    Pitfall: the batch axis stays first; only the per-sample part is reshaped.
    Read: docs/cnn/flattening.md
    """
    return np.array(x, dtype=np.float64).reshape(x.shape[0], *shape)


def conv_fans(shape):
    """Fans of a conv weight of shape (F, C, KH, KW), as torch.nn.init computes them.

    fan_in = C * KH * KW (inputs feeding one output value);
    fan_out = F * KH * KW.

    Args:
        shape: the 4-D weight shape.
    Returns:
        (fan_in, fan_out) as ints.

    Pitfall: the receptive field KH * KW multiplies both fans; C alone is not the fan-in.
    Read: docs/ann/weight-initialization.md
    """
    f, c, kh, kw = shape
    return c * kh * kw, f * kh * kw


def conv_kaiming_uniform(shape, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    """He/Kaiming uniform for a conv weight: U(-b, b), b = gain * sqrt(3 / fan).

    Matches torch.nn.init.kaiming_uniform_(w, a=negative_slope, mode=mode, nonlinearity=nonlinearity)
    on a tensor of this shape; fan from conv_fans.

    Args:
        shape: (F, C, KH, KW).
        rng: numpy.random.Generator.
        mode: "fan_in" or "fan_out" (anything else: ValueError).
        nonlinearity, negative_slope: for initializers.calculate_gain.
    Returns:
        float64 array of the given shape.

    Pitfall: the fan of a conv layer includes the kernel area.
    Read: docs/ann/weight-initialization.md
    """
    fan = dict(zip(("fan_in", "fan_out"), conv_fans(shape)))
    if mode not in fan:
        raise ValueError(f"mode {mode!r} is not 'fan_in' or 'fan_out'")
    bound = initializers.calculate_gain(nonlinearity, negative_slope) * math.sqrt(3.0 / fan[mode])
    return rng.uniform(-bound, bound, size=shape)


def conv_kaiming_normal(shape, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    """He/Kaiming normal for a conv weight: N(0, std**2), std = gain / sqrt(fan).

    Matches torch.nn.init.kaiming_normal_ on a tensor of this shape.

    Args:
        shape: (F, C, KH, KW).
        rng: numpy.random.Generator.
        mode: "fan_in" or "fan_out" (anything else: ValueError).
        nonlinearity, negative_slope: for initializers.calculate_gain.
    Returns:
        float64 array of the given shape.

    Pitfall: std = gain / sqrt(fan), not gain**2 / fan (that is the variance).
    Read: docs/ann/weight-initialization.md
    """
    fan = dict(zip(("fan_in", "fan_out"), conv_fans(shape)))
    if mode not in fan:
        raise ValueError(f"mode {mode!r} is not 'fan_in' or 'fan_out'")
    return rng.normal(0.0, initializers.calculate_gain(nonlinearity, negative_slope) / math.sqrt(fan[mode]), size=shape)


def conv_xavier_uniform(shape, rng, gain=1.0):
    """Xavier/Glorot uniform for a conv weight: U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)).

    Matches torch.nn.init.xavier_uniform_ on a tensor of this shape.

    Args:
        shape: (F, C, KH, KW).
        rng: numpy.random.Generator.
        gain: scaling factor.
    Returns:
        float64 array of the given shape.

    Pitfall: fans from conv_fans (with the kernel area), not C and F.
    Read: docs/ann/weight-initialization.md
    """
    fan_in, fan_out = conv_fans(shape)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=shape)
