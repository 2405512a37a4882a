"""Initializers drawing standard variates and scaling them; gains as np.float64."""
import numpy as np

GAINS = {"linear": np.float64(1.0), "sigmoid": np.float64(1.0), "tanh": np.float64(5.0) / 3,
         "relu": np.sqrt(2.0), "selu": np.float64(0.75)}


def zeros(fan_in, fan_out):
    return np.full((fan_in, fan_out), 0.0)


def random_normal(fan_in, fan_out, rng, std=0.01):
    return std * rng.standard_normal((fan_in, fan_out))


def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    a = gain * np.sqrt(6.0 / (fan_in + fan_out))
    return a * (2.0 * rng.random((fan_in, fan_out)) - 1.0)


def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    return gain * np.sqrt(2.0 / (fan_in + fan_out)) * rng.standard_normal((fan_in, fan_out))


def _fan(fan_in, fan_out, mode):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError("mode must be fan_in or fan_out")
    return fan_in if mode == "fan_in" else fan_out


def he_uniform(fan_in, fan_out, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    b = calculate_gain(nonlinearity, negative_slope) * np.sqrt(3.0 / _fan(fan_in, fan_out, mode))
    return b * (2.0 * rng.random((fan_in, fan_out)) - 1.0)


def he_normal(fan_in, fan_out, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    std = calculate_gain(nonlinearity, negative_slope) / np.sqrt(_fan(fan_in, fan_out, mode))
    return std * rng.standard_normal((fan_in, fan_out))


def lecun_normal(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)


def calculate_gain(nonlinearity, param=None):
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return np.sqrt(2.0 / (1.0 + np.square(slope)))
    if nonlinearity not in GAINS:
        raise ValueError(f"unsupported nonlinearity {nonlinearity}")
    return GAINS[nonlinearity]
