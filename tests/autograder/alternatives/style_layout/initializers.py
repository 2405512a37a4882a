"""Initializers drawn in torch's (fan_out, fan_in) layout and transposed, so the results are Fortran-ordered."""
import math

import numpy as np


def zeros(fan_in, fan_out):
    return np.zeros((fan_in, fan_out), order="F")


def random_normal(fan_in, fan_out, rng, std=0.01):
    return rng.normal(0.0, std, size=(fan_out, fan_in)).T


def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_out, fan_in)).T


def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    return rng.normal(0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), size=(fan_out, fan_in)).T


def _fan(fan_in, fan_out, mode):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode should be 'fan_in' or 'fan_out', not {mode!r}")
    return fan_in if mode == "fan_in" else fan_out


def he_uniform(fan_in, fan_out, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    b = calculate_gain(nonlinearity, negative_slope) * math.sqrt(3.0 / _fan(fan_in, fan_out, mode))
    return rng.uniform(-b, b, size=(fan_out, fan_in)).T


def he_normal(fan_in, fan_out, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    std = calculate_gain(nonlinearity, negative_slope) / math.sqrt(_fan(fan_in, fan_out, mode))
    return rng.normal(0.0, std, size=(fan_out, fan_in)).T


def lecun_normal(fan_in, fan_out, rng):
    return np.asfortranarray(rng.normal(0.0, fan_in ** -0.5, size=(fan_in, fan_out)))


def calculate_gain(nonlinearity, param=None):
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return np.array(math.sqrt(2.0 / (1.0 + slope ** 2)))  # a 0-d array
    gains = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0, "relu": 2.0 ** 0.5, "selu": 0.75}
    if nonlinearity not in gains:
        raise ValueError(f"no gain for {nonlinearity!r}")
    return np.float64(gains[nonlinearity])
