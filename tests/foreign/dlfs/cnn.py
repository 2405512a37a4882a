"""Convolution and pooling in the manner of "Deep Learning from Scratch": im2col unrolls every window into
a row, a layer class keeps what its backward needs (col, col_W, arg_max), col2im adds the rows back into
the image. Max pooling keeps np.argmax of each unrolled window, so a tie goes to the first maximum."""
import math

import numpy as np


def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_data.shape
    out_h = (H + 2 * pad - filter_h) // stride + 1
    out_w = (W + 2 * pad - filter_w) // stride + 1
    img = np.pad(input_data, [(0, 0), (0, 0), (pad, pad), (pad, pad)], "constant")
    col = np.zeros((N, C, filter_h, filter_w, out_h, out_w))
    for y in range(filter_h):
        y_max = y + stride * out_h
        for x in range(filter_w):
            x_max = x + stride * out_w
            col[:, :, y, x, :, :] = img[:, :, y:y_max:stride, x:x_max:stride]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(N * out_h * out_w, -1)


def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_shape
    out_h = (H + 2 * pad - filter_h) // stride + 1
    out_w = (W + 2 * pad - filter_w) // stride + 1
    col = col.reshape(N, out_h, out_w, C, filter_h, filter_w).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((N, C, H + 2 * pad + stride - 1, W + 2 * pad + stride - 1))
    for y in range(filter_h):
        y_max = y + stride * out_h
        for x in range(filter_w):
            x_max = x + stride * out_w
            img[:, :, y:y_max:stride, x:x_max:stride] += col[:, :, y, x, :, :]
    return img[:, :, pad:H + pad, pad:W + pad]


class Convolution:
    def __init__(self, W, b, stride=1, pad=0):
        self.W, self.b, self.stride, self.pad = W, b, stride, pad
        self.x = self.col = self.col_W = None

    def forward(self, x):
        FN, C, FH, FW = self.W.shape
        N, C, H, W = x.shape
        out_h = 1 + (H + 2 * self.pad - FH) // self.stride
        out_w = 1 + (W + 2 * self.pad - FW) // self.stride
        col = im2col(x, FH, FW, self.stride, self.pad)
        col_W = self.W.reshape(FN, -1).T
        out = np.dot(col, col_W) + self.b
        self.x, self.col, self.col_W = x, col, col_W
        return out.reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)

    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        db = np.sum(dout, axis=0)
        dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
        dcol = np.dot(dout, self.col_W.T)
        dx = col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
        return dx, dW, db


class Pooling:
    def __init__(self, pool_h, pool_w, stride=1, pad=0, mode="max"):
        self.pool_h, self.pool_w, self.stride, self.pad, self.mode = pool_h, pool_w, stride, pad, mode
        self.x = self.arg_max = None

    def forward(self, x):
        N, C, H, W = x.shape
        out_h = int(1 + (H - self.pool_h) / self.stride)
        out_w = int(1 + (W - self.pool_w) / self.stride)
        col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, self.pool_h * self.pool_w)
        if self.mode == "max":
            self.arg_max = np.argmax(col, axis=1)
            out = np.max(col, axis=1)
        else:
            out = np.mean(col, axis=1)
        self.x = x
        return out.reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)

    def backward(self, dout):
        dout = dout.transpose(0, 2, 3, 1)
        pool_size = self.pool_h * self.pool_w
        dmax = np.zeros((dout.size, pool_size))
        if self.mode == "max":
            dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()
        else:
            dmax[:] = dout.reshape(-1, 1) / pool_size
        dmax = dmax.reshape(dout.shape + (pool_size,))
        dcol = dmax.reshape(dmax.shape[0] * dmax.shape[1] * dmax.shape[2], -1)
        return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)


def conv2d_forward(x, w, b, stride=1, padding=0):
    layer = Convolution(w, b, stride, padding)
    return layer.forward(x), layer


def conv2d_backward(dout, cache):
    return cache.backward(dout)


def _pool(x, kernel_size, stride, mode):
    layer = Pooling(kernel_size, kernel_size, kernel_size if stride is None else stride, mode=mode)
    return layer.forward(x), layer


def maxpool2d_forward(x, kernel_size, stride=None):
    return _pool(x, kernel_size, stride, "max")


def maxpool2d_backward(dout, cache):
    return cache.backward(dout)


def avgpool2d_forward(x, kernel_size, stride=None):
    return _pool(x, kernel_size, stride, "avg")


def avgpool2d_backward(dout, cache):
    return cache.backward(dout)


def flatten(x):
    return x.reshape(x.shape[0], -1).copy()


def unflatten(x, shape):
    return x.reshape(x.shape[0], *shape).copy()


def conv_fans(shape):
    receptive = shape[2] * shape[3]
    return shape[1] * receptive, shape[0] * receptive


def _gain(nonlinearity, slope):
    return {"relu": math.sqrt(2.0), "leaky_relu": math.sqrt(2.0 / (1 + slope ** 2)), "tanh": 5.0 / 3,
            "selu": 0.75}.get(nonlinearity, 1.0)


def conv_kaiming_uniform(shape, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    fan = conv_fans(shape)[mode == "fan_out"]
    limit = _gain(nonlinearity, negative_slope) * np.sqrt(3.0 / fan)
    return rng.uniform(-limit, limit, shape)


def conv_kaiming_normal(shape, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    fan = conv_fans(shape)[mode == "fan_out"]
    return _gain(nonlinearity, negative_slope) / np.sqrt(fan) * rng.standard_normal(shape)


def conv_xavier_uniform(shape, rng, gain=1.0):
    limit = gain * np.sqrt(6.0 / sum(conv_fans(shape)))
    return rng.uniform(-limit, limit, shape)
