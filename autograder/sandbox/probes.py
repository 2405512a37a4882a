"""Scalar functions that checks hand to a submission's numerical_gradient.

A function cannot cross the sandbox boundary, so a check names a probe and its
parameters, and the worker and the grader each build the same function from
them. Sent as source to the worker: standard library and NumPy only.
"""
import numpy as np


def cubic(c, B):
    """f(x) = sum(c * x**3 + B * x).

    Its central difference is exact up to c * h**2, while a one-sided difference
    is off by about 3 * c * x * h: with h around 1e-2 the two are far apart.
    """
    c = float(c)

    def f(x):
        x = np.asarray(x, dtype=np.float64)
        return float(np.sum(c * x**3 + B * x))

    return f


PROBES = {"cubic": cubic}


def build_probe(spec):
    """The function a probe spec {"name": ..., "params": {...}} describes."""
    return PROBES[spec["name"]](**spec["params"])
