"""Initializers drawn row by row into a list, with math for every scalar."""
import math

import numpy as np


def zeros(fan_in, fan_out):
    return np.array([[0.0] * fan_out for _ in range(fan_in)])


def random_normal(fan_in, fan_out, rng, std=0.01):
    return np.array([rng.normal(0.0, std, fan_out) for _ in range(fan_in)])


def _uniform_rows(fan_in, fan_out, rng, bound):
    rows = []
    for _ in range(fan_in):
        rows.append(rng.uniform(-bound, bound, fan_out))
    return np.array(rows)


def _normal_rows(fan_in, fan_out, rng, std):
    rows = []
    for _ in range(fan_in):
        rows.append(rng.normal(0.0, std, fan_out))
    return np.array(rows)


def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    return _uniform_rows(fan_in, fan_out, rng, gain * math.sqrt(6.0 / (fan_in + fan_out)))


def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    return _normal_rows(fan_in, fan_out, rng, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def _fan(fan_in, fan_out, mode):
    if mode == "fan_in":
        return fan_in
    elif mode == "fan_out":
        return fan_out
    else:
        raise ValueError("unknown mode " + str(mode))


def he_uniform(fan_in, fan_out, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    fan = _fan(fan_in, fan_out, mode)
    return _uniform_rows(fan_in, fan_out, rng, calculate_gain(nonlinearity, negative_slope) * math.sqrt(3.0 / fan))


def he_normal(fan_in, fan_out, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    fan = _fan(fan_in, fan_out, mode)
    return _normal_rows(fan_in, fan_out, rng, calculate_gain(nonlinearity, negative_slope) / math.sqrt(fan))


def lecun_normal(fan_in, fan_out, rng):
    return _normal_rows(fan_in, fan_out, rng, math.sqrt(1.0 / fan_in))


def calculate_gain(nonlinearity, param=None):
    if nonlinearity == "linear" or nonlinearity == "sigmoid":
        return 1
    elif nonlinearity == "tanh":
        return 5 / 3
    elif nonlinearity == "relu":
        return math.sqrt(2)
    elif nonlinearity == "leaky_relu":
        if param is None:
            param = 0.01
        return math.sqrt(2 / (1 + param ** 2))
    elif nonlinearity == "selu":
        return 3 / 4
    else:
        raise ValueError("no gain for " + nonlinearity)
