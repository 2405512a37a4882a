"""Initializers in the manner of d2l's from-scratch code: parameters drawn with a normal(0, sigma, shape)
call (the book's np.random.normal, here the rng's), Xavier written from its variance argument
(var = 2 / (n_in + n_out), a uniform on [-a, a] has variance a**2 / 3), and He from the same argument."""
import math

import numpy as np


def calculate_gain(nonlinearity, param=None):
    if nonlinearity in ("linear", "sigmoid"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        negative_slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + negative_slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def zeros(fan_in, fan_out):
    return np.zeros((fan_in, fan_out))


def random_normal(fan_in, fan_out, rng, std=0.01):
    return rng.normal(0, std, (fan_in, fan_out))


def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    var = gain ** 2 * 2 / (fan_in + fan_out)
    a = math.sqrt(3 * var)
    return rng.uniform(-a, a, (fan_in, fan_out))


def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    return rng.normal(0, gain * math.sqrt(2 / (fan_in + fan_out)), (fan_in, fan_out))


def fan(fan_in, fan_out, mode):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    return fan_in if mode == "fan_in" else fan_out


def he_uniform(fan_in, fan_out, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    n = fan(fan_in, fan_out, mode)
    var = calculate_gain(nonlinearity, negative_slope) ** 2 / n
    a = math.sqrt(3 * var)
    return rng.uniform(-a, a, (fan_in, fan_out))


def he_normal(fan_in, fan_out, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    n = fan(fan_in, fan_out, mode)
    return rng.normal(0, calculate_gain(nonlinearity, negative_slope) / math.sqrt(n), (fan_in, fan_out))


def lecun_normal(fan_in, fan_out, rng):
    return rng.normal(0, math.sqrt(1 / fan_in), (fan_in, fan_out))
