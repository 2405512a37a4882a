"""Gradient checking into a Fortran-ordered array; the relative error as a 0-d array."""
import numpy as np


def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape, order="F")
    for index in np.ndindex(*x.shape):
        kept = x[index].copy()
        x[index] = kept + h
        ahead = f(x)
        x[index] = kept - h
        behind = f(x)
        x[index] = kept
        grad[index] = (ahead - behind) / (2.0 * h)
    return grad


def relative_error(a, b):
    if np.size(a) == 0:
        return np.array(0.0)
    return np.array(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))
