"""Checks of cnn.py: convolution and pooling both ways against the reference, flattening, conv initializers."""
import math

import numpy as np

from autograder.checks.initializers import he_gain
from autograder.spec import DistributionCheck, SeededCheck, ValueCheck, result_of


def conv_inputs(n, c, h, w, f, kh, kw):
    return lambda rng: (rng.normal(size=(n, c, h, w)), rng.normal(size=(f, c, kh, kw)), rng.normal(size=(f,)))


def conv_forward(dims, **kwargs):
    return ValueCheck("cnn.conv2d_forward", f"conv2d_forward: x {dims[:4]}, w {(dims[4], dims[1], *dims[5:])}"
                      + "".join(f", {key}={value!r}" for key, value in kwargs.items()),
                      inputs=conv_inputs(*dims), kwargs=kwargs, pick=0)


def conv_backward(dims, stride, padding):
    n, c, h, w, f, kh, kw = dims
    h_out, w_out = (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1
    make = conv_inputs(*dims)
    return ValueCheck("cnn.conv2d_backward",
                      f"conv2d_backward after conv2d_forward: x {dims[:4]}, w {(f, c, kh, kw)}, stride {stride}, padding {padding}",
                      also_tags=("cnn.conv2d_forward",),
                      before=(("cnn.conv2d_forward", lambda rng: (*make(rng), stride, padding)),),
                      inputs=lambda rng: (rng.normal(size=(n, f, h_out, w_out)), result_of(0, pick=1)),
                      names=("dx", "dw", "db"))


def normal_image(shape):
    return lambda rng: rng.normal(size=shape)


def tied_image(shape, k):
    """Integer pixel values 0..2 (ties in most windows), the first window all 2s so that every seed has a tie."""
    def make(rng):
        x = rng.integers(0, 3, size=shape).astype(np.float64)
        x[0, 0, :k, :k] = 2.0
        return x
    return make


def relu_image(shape, k):
    """A ReLU's output: about half exact zeros, the first window all zeros so that every seed has a tie."""
    def make(rng):
        x = np.maximum(rng.normal(size=shape), 0.0)
        x[:, :, :k, :k] = 0.0
        return x
    return make


def pool_forward(kind, shape, k, stride=None, image=None, what=""):
    kwargs = {} if stride is None else {"stride": stride}
    draw = image or normal_image(shape)
    return ValueCheck(f"cnn.{kind}pool2d_forward", f"{kind}pool2d_forward: x {shape}{what}, kernel {k}, stride {stride}",
                      inputs=lambda rng: (draw(rng), k), kwargs=kwargs, pick=0)


def pool_backward(kind, shape, k, stride=None, image=None, what=""):
    s = k if stride is None else stride
    out = (shape[0], shape[1], (shape[2] - k) // s + 1, (shape[3] - k) // s + 1)
    draw = image or normal_image(shape)
    return ValueCheck(f"cnn.{kind}pool2d_backward", f"{kind}pool2d_backward: x {shape}{what}, kernel {k}, stride {stride}",
                      also_tags=(f"cnn.{kind}pool2d_forward",),
                      before=((f"cnn.{kind}pool2d_forward", lambda rng: (draw(rng), k, s)),),
                      inputs=lambda rng: (rng.normal(size=out), result_of(0, pick=1)))


def weight_shape(rng, square=False):
    """(F, C, KH, KW) drawn, F != C, kernels of 2 to 7 (a 1x1 kernel would hide a dropped kernel area) and,
    unless square, KH != KW: a swapped or dropped factor shows on every seed."""
    f, c = (int(v) for v in rng.choice(np.arange(2, 33), size=2, replace=False))
    kh, kw = (int(v) for v in rng.choice(np.arange(2, 8), size=2, replace=False))
    return (f, c, kh, kh if square else kw)


def fans(shape):
    return shape[1] * shape[2] * shape[3], shape[0] * shape[2] * shape[3]


def kaiming_law(kind):
    def law(shape, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
        fan = fans(shape)[0 if mode == "fan_in" else 1]
        gain = he_gain(nonlinearity, negative_slope)
        return ("uniform", gain * math.sqrt(3.0 / fan)) if kind == "uniform" else ("normal", gain / math.sqrt(fan))
    return law


def xavier_law(shape, gain=1.0):
    return "uniform", gain * math.sqrt(6.0 / sum(fans(shape)))


def init(function, law, shape, **kwargs):
    return DistributionCheck(f"cnn.{function}", f"{function} on a {shape} weight" + (f" with {kwargs}" if kwargs else ""),
                             law=law, args=(shape,), shape=shape, kwargs=kwargs)


CONV_A = (2, 3, 7, 6, 4, 3, 2)  # N, C, H, W, F, KH, KW: all different
CONV_B = (3, 2, 8, 9, 5, 3, 3)
# Pooling shapes where H // stride is not the output size and (H - 3) % 2 != 0: in H only, then in W only.
UNEVEN = ((2, 3, 8, 7), (2, 2, 7, 8))

CHECKS = [
    conv_forward(CONV_A),
    conv_forward(CONV_B, stride=2, padding=1),
    conv_forward((1, 4, 5, 5, 2, 2, 3), stride=1, padding=2),
    conv_backward(CONV_A, 1, 0),
    conv_backward(CONV_B, 2, 1),
    pool_forward("max", (2, 3, 6, 8), 2),
    pool_forward("max", (3, 2, 7, 7), 3, stride=2),
    pool_backward("max", (2, 3, 6, 8), 2),
    pool_backward("max", (3, 2, 7, 7), 3, stride=2),
    # Windows that do not tile the image (kernel != stride, (H - k) % stride != 0): the output is
    # (H - k) // stride + 1, not H // stride, and the last rows (or columns) are left out, not refused.
    *[check("max", shape, 3, stride=2) for shape in UNEVEN for check in (pool_forward, pool_backward)],
    # Ties (integer pixels, a ReLU's zeros): as torch, each window's gradient goes to ONE position,
    # its first maximum in row-major order, never to every tied maximum.
    pool_backward("max", (2, 3, 6, 8), 2, image=tied_image((2, 3, 6, 8), 2), what=" of integers 0..2"),
    pool_backward("max", (2, 2, 7, 9), 3, stride=2, image=tied_image((2, 2, 7, 9), 3), what=" of integers 0..2"),
    pool_backward("max", (3, 2, 6, 6), 2, image=relu_image((3, 2, 6, 6), 2), what=" after a ReLU (ties at 0)"),
    pool_forward("avg", (2, 3, 6, 8), 2),
    pool_forward("avg", (3, 2, 7, 7), 3, stride=2),
    pool_backward("avg", (2, 3, 6, 8), 2),
    pool_backward("avg", (3, 2, 7, 7), 3, stride=2),
    *[check("avg", shape, 3, stride=2) for shape in UNEVEN for check in (pool_forward, pool_backward)],
    ValueCheck("cnn.flatten", "flatten of a (2, 3, 4, 5) batch", inputs=lambda rng: (rng.normal(size=(2, 3, 4, 5)),)),
    ValueCheck("cnn.flatten", "flatten of a (4, 2, 3, 1) batch", inputs=lambda rng: (rng.normal(size=(4, 2, 3, 1)),)),
    ValueCheck("cnn.unflatten", "unflatten (2, 60) to (2, 3, 4, 5)",
               inputs=lambda rng: (rng.normal(size=(2, 60)), (3, 4, 5))),
    ValueCheck("cnn.unflatten", "unflatten (3, 24) to (3, 2, 3, 4)",
               inputs=lambda rng: (rng.normal(size=(3, 24)), (2, 3, 4))),
    ValueCheck("cnn.conv_fans", "conv_fans of a (F, C, K, K) shape",
               inputs=lambda rng: (weight_shape(rng, square=True),)),
    ValueCheck("cnn.conv_fans", "conv_fans of a (F, C, KH, KW) shape", inputs=lambda rng: (weight_shape(rng),)),
    SeededCheck("cnn.conv_kaiming_uniform", "conv_kaiming_uniform draws only from rng", args=((8, 4, 3, 3),)),
    init("conv_kaiming_uniform", kaiming_law("uniform"), (64, 32, 3, 3)),
    init("conv_kaiming_uniform", kaiming_law("uniform"), (48, 16, 5, 3), mode="fan_out", nonlinearity="leaky_relu",
         negative_slope=0.2),
    SeededCheck("cnn.conv_kaiming_normal", "conv_kaiming_normal draws only from rng", args=((8, 4, 3, 3),)),
    init("conv_kaiming_normal", kaiming_law("normal"), (64, 32, 3, 3)),
    init("conv_kaiming_normal", kaiming_law("normal"), (40, 24, 3, 5), mode="fan_out", nonlinearity="tanh"),
    SeededCheck("cnn.conv_xavier_uniform", "conv_xavier_uniform draws only from rng", args=((8, 4, 3, 3),)),
    init("conv_xavier_uniform", xavier_law, (64, 32, 3, 3)),
    init("conv_xavier_uniform", xavier_law, (20, 50, 3, 3), gain=2.0),
]
