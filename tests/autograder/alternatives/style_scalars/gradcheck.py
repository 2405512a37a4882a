"""Gradient checking with np.nditer and an np.max that is returned as it comes."""
import numpy as np


def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index", "zerosize_ok"])
    while not it.finished:
        i = it.multi_index
        old = x[i].copy()
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * h)
        it.iternext()
    return grad


def relative_error(a, b):
    if a.size == 0:
        return np.float64(0.0)
    return np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))
