"""Initializers by flat draws reshaped, fans chosen by dict lookup, gains from a table of lambdas."""
import numpy as np

_GAIN = {
    "linear": lambda slope: 1.0,
    "sigmoid": lambda slope: 1.0,
    "tanh": lambda slope: 5.0 / 3.0,
    "relu": lambda slope: np.sqrt(2.0),
    "leaky_relu": lambda slope: np.sqrt(2.0 / (1.0 + (0.01 if slope is None else slope) ** 2)),
    "selu": lambda slope: 0.75,
}


def zeros(fan_in, fan_out):
    return np.broadcast_to(0.0, (fan_in, fan_out)).copy()


def random_normal(fan_in, fan_out, rng, std=0.01):
    return rng.normal(0.0, std, fan_in * fan_out).reshape(fan_in, fan_out)


def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    return rng.uniform(-1.0, 1.0, fan_in * fan_out).reshape(fan_in, fan_out) * (gain * np.sqrt(6.0 / (fan_in + fan_out)))


def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    return rng.normal(0.0, gain * np.sqrt(2.0 / (fan_in + fan_out)), fan_in * fan_out).reshape(fan_in, fan_out)


def _fan(fan_in, fan_out, mode):
    try:
        return {"fan_in": fan_in, "fan_out": fan_out}[mode]
    except KeyError:
        raise ValueError(f"bad mode {mode!r}") from None


def he_uniform(fan_in, fan_out, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    bound = calculate_gain(nonlinearity, negative_slope) * np.sqrt(3.0 / _fan(fan_in, fan_out, mode))
    return rng.uniform(-1.0, 1.0, fan_in * fan_out).reshape(fan_in, fan_out) * bound


def he_normal(fan_in, fan_out, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    std = calculate_gain(nonlinearity, negative_slope) / np.sqrt(_fan(fan_in, fan_out, mode))
    return rng.normal(0.0, std, fan_in * fan_out).reshape(fan_in, fan_out)


def lecun_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(1.0 / fan_in), fan_in * fan_out).reshape(fan_in, fan_out)


def calculate_gain(nonlinearity, param=None):
    if nonlinearity not in _GAIN:
        raise ValueError(f"unsupported nonlinearity {nonlinearity!r}")
    return _GAIN[nonlinearity](param)
