"""Gradient checks as CS231n's gradient_check.py writes them: np.nditer over multi-indices, and the
relative error as the max of |a - b| / max(1e-8, |a| + |b|)."""
import numpy as np


def eval_numerical_gradient(f, x, verbose=False, h=0.00001):
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        oldval = x[ix]
        x[ix] = oldval + h
        fxph = f(x)
        x[ix] = oldval - h
        fxmh = f(x)
        x[ix] = oldval
        grad[ix] = (fxph - fxmh) / (2 * h)
        if verbose:
            print(ix, grad[ix])
        it.iternext()
    return grad


def rel_error(x, y):
    return np.max(np.abs(x - y) / (np.maximum(1e-8, np.abs(x) + np.abs(y))))


def numerical_gradient(f, x, h=1e-5):
    return eval_numerical_gradient(f, x, verbose=False, h=h)


def relative_error(a, b):
    return rel_error(a, b)
