"""Initializers in the manner of the deeplearning.ai courses: a weight of layer l is drawn as
(n_l, n_{l-1}) (examples are columns, Z = W A + b) and scaled by sqrt(k / n_{l-1}); transposed here to
the contract's (fan_in, fan_out), as the contract allows any memory order."""
import math

import numpy as np


def calculate_gain(nonlinearity, param=None):
    gains = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3, "relu": math.sqrt(2.0), "selu": 0.75}
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity not in gains:
        raise ValueError("unsupported nonlinearity " + str(nonlinearity))
    return gains[nonlinearity]


def zeros(fan_in, fan_out):
    return np.zeros((fan_out, fan_in)).T


def random_normal(fan_in, fan_out, rng, std=0.01):
    return (rng.standard_normal((fan_out, fan_in)) * std).T


def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    limit = gain * np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_out, fan_in)).T


def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    return (rng.standard_normal((fan_out, fan_in)) * gain * np.sqrt(2.0 / (fan_in + fan_out))).T


def _fan(fan_in, fan_out, mode):
    if mode == "fan_in":
        return fan_in
    if mode == "fan_out":
        return fan_out
    raise ValueError("mode must be fan_in or fan_out")


def he_uniform(fan_in, fan_out, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    bound = calculate_gain(nonlinearity, negative_slope) * np.sqrt(3.0 / _fan(fan_in, fan_out, mode))
    return rng.uniform(-bound, bound, (fan_out, fan_in)).T


def he_normal(fan_in, fan_out, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    std = calculate_gain(nonlinearity, negative_slope) / np.sqrt(_fan(fan_in, fan_out, mode))
    return (rng.standard_normal((fan_out, fan_in)) * std).T


def lecun_normal(fan_in, fan_out, rng):
    return (rng.standard_normal((fan_out, fan_in)) * np.sqrt(1.0 / fan_in)).T
