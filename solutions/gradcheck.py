"""Gradient checking: numerical derivatives to test analytic ones.

Course page: docs/ann/backpropagation.md
"""
import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of a scalar function f at the array x.

    For every element i:  g[i] = (f(x + h e_i) - f(x - h e_i)) / (2 h)
    The error of the central difference is O(h**2); the one-sided difference
    (f(x + h e_i) - f(x)) / h is only O(h).

    Args:
        f: function taking an array of x's shape and returning a float.
        x: float array of ANY shape (0-d, 1-d, 2-d, ...). It is perturbed in place
            while the function runs and holds its original values on return.
        h: the step.
    Returns:
        float64 array of x's shape (zero-size for a zero-size x, without calling f).

    Pitfall: forgetting to restore x[i] after the two evaluations silently shifts
    every later derivative; looping over range(len(x)) only covers the first axis
    (use np.ndindex(x.shape) for any rank).
    Read: docs/ann/backpropagation.md
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        f_plus = f(x)
        x[index] = original - h
        f_minus = f(x)
        x[index] = original
        grad[index] = (f_plus - f_minus) / (2.0 * h)
    return grad


def relative_error(a, b):
    """Largest element-wise relative error: max |a - b| / max(1e-8, |a| + |b|).

    Args:
        a, b: float arrays of the same shape.
    Returns:
        a Python float; below about 1e-7 a gradient check is usually a pass.
        0.0 for zero-size arrays: no element differs (np.max of nothing would raise).

    Pitfall: dividing by |a| alone explodes where a is 0; the floor 1e-8 keeps the
    ratio finite when both are 0.
    Read: docs/ann/backpropagation.md
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
