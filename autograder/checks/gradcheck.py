"""Checks of gradcheck.py: central differences that honour h, on arrays of any rank, x restored."""
import numpy as np

from autograder.sandbox.wire import Special
from autograder.spec import ValueCheck


def numerical(shape, advisory="", **kwargs):
    def make(rng):
        probe = Special("probe", {"name": "cubic", "params": {"c": float(rng.uniform(0.5, 2.0)),
                                                              "B": rng.normal(size=shape)}})
        return probe, rng.uniform(-2.0, 2.0, size=shape)

    return ValueCheck("gradcheck.numerical_gradient",
                      f"numerical_gradient of sum(c x^3 + B x) at x of shape {shape}" + (f" with {kwargs}" if kwargs else ""),
                      inputs=make, kwargs=kwargs, advisory=advisory)


def identical(rng):
    """Two equal arrays of drawn values, one entry exactly 0 in both (0 / max(1e-8, 0) = 0)."""
    a = rng.normal(size=(2, 3))
    a.flat[rng.integers(a.size)] = 0.0
    return a, a.copy()


def errors(shape):
    def make(rng):
        a = rng.normal(size=shape)
        b = a * (1 + rng.normal(scale=1e-3, size=shape))
        b.flat[0] = a.flat[0] = 0.0  # both zero: the 1e-8 floor keeps this entry at 0
        b.flat[-1] = a.flat[-1] + 0.5  # one clearly wrong entry must dominate the max
        return a, b

    return ValueCheck("gradcheck.relative_error", f"relative_error of two {shape} arrays", inputs=make)


def below_the_floor(rng):
    """Close arrays but for one pair of entries whose |a| + |b| is under 1e-8: the floor alone sets the answer."""
    a = rng.normal(size=(2, 3))
    b = a * (1 + rng.normal(scale=1e-9, size=a.shape))
    a[1, 2], b[1, 2] = rng.uniform(1e-9, 4e-9), -rng.uniform(1e-9, 4e-9)  # |a - b| / 1e-8, between 0.2 and 0.8
    return a, b


def one_element(shape):
    return ValueCheck("gradcheck.relative_error", f"relative_error of two one-element arrays of shape {shape}",
                      inputs=lambda rng: (np.full(shape, rng.uniform(1.0, 2.0)), np.full(shape, rng.uniform(2.5, 4.0))))


CHECKS = [
    numerical((3, 4), h=1e-2),
    numerical((2, 3, 2), h=5e-3),
    numerical((5,)),
    numerical((), h=0.1),
    numerical((0, 3), advisory="a zero-size x"),  # the contract's convention for empty input: advisory
    errors((3, 4)),
    errors((7,)),
    ValueCheck("gradcheck.relative_error", "relative_error of identical arrays is 0", inputs=identical,
               regime=lambda args, kwargs: bool(np.array_equal(*args) and (args[0] == 0).any())),
    ValueCheck("gradcheck.relative_error", "relative_error where only the 1e-8 floor decides", inputs=below_the_floor,
               regime=lambda args, kwargs: bool((np.abs(args[0]) + np.abs(args[1]) < 1e-8).any())),
    one_element((1,)),
    one_element(()),
    # Empty input (the contract's convention, advisory): no element differs, so the error is 0.0.
    ValueCheck("gradcheck.relative_error", "relative_error of two zero-size (0, k) arrays is 0.0",
               inputs=lambda rng: (np.zeros((0, int(rng.integers(1, 2**20)))),) * 2, advisory="zero-size arrays"),
]
