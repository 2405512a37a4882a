"""Checks of initializers.py: exact zeros, reproducibility from rng, and the exact law of the draws."""
import math

import numpy as np

from autograder.sandbox.wire import Special
from autograder.spec import DistributionCheck, RaisesCheck, SeededCheck, ValueCheck

RELU_GAIN = math.sqrt(2.0)


def leaky_gain(slope):
    return math.sqrt(2.0 / (1.0 + slope**2))


def he_gain(nonlinearity="relu", negative_slope=0.0):
    return {"relu": RELU_GAIN, "leaky_relu": leaky_gain(negative_slope), "tanh": 5 / 3, "linear": 1.0}[nonlinearity]


def he_fan(fan_in, fan_out, mode):
    return fan_in if mode == "fan_in" else fan_out


# The law each initializer must draw from: ("uniform", bound) or ("normal", std).
LAWS = {
    "initializers.random_normal": lambda fi, fo, std=0.01: ("normal", std),
    "initializers.xavier_uniform": lambda fi, fo, gain=1.0: ("uniform", gain * math.sqrt(6.0 / (fi + fo))),
    "initializers.xavier_normal": lambda fi, fo, gain=1.0: ("normal", gain * math.sqrt(2.0 / (fi + fo))),
    "initializers.he_uniform": lambda fi, fo, mode="fan_in", nonlinearity="relu", negative_slope=0.0: (
        "uniform", he_gain(nonlinearity, negative_slope) * math.sqrt(3.0 / he_fan(fi, fo, mode))),
    "initializers.he_normal": lambda fi, fo, mode="fan_in", nonlinearity="relu", negative_slope=0.0: (
        "normal", he_gain(nonlinearity, negative_slope) / math.sqrt(he_fan(fi, fo, mode))),
    "initializers.lecun_normal": lambda fi, fo: ("normal", 1.0 / math.sqrt(fi)),
}


def law(function, fans=(300, 200), **kwargs):
    name = function.split(".")[1]
    return DistributionCheck(function, f"{name} draws from the right distribution" + (f" with {kwargs}" if kwargs else ""),
                             law=LAWS[function], args=fans, kwargs=kwargs)


def seeded(function, **kwargs):
    return SeededCheck(function, f"{function.split('.')[1]} draws only from rng (same seed, same weights)",
                       kwargs=kwargs)


def gain(*args):
    return ValueCheck("initializers.calculate_gain", f"calculate_gain{args}", inputs=lambda rng: args)


def fans(rng, largest=11):
    """(fan_in, fan_out), drawn and different (a transposed shape must show)."""
    fan_in, fan_out = rng.choice(np.arange(2, largest + 1), size=2, replace=False)
    return int(fan_in), int(fan_out)


CHECKS = [
    ValueCheck("initializers.zeros", "zeros(fan_in, fan_out) for fan_in > fan_out",
               inputs=lambda rng: tuple(sorted(fans(rng, 400), reverse=True))),
    ValueCheck("initializers.zeros", "zeros(fan_in, fan_out) for fan_in < fan_out",
               inputs=lambda rng: tuple(sorted(fans(rng, 400)))),
    seeded("initializers.random_normal"),
    law("initializers.random_normal"),
    law("initializers.random_normal", (250, 180), std=0.5),
    seeded("initializers.xavier_uniform"),
    law("initializers.xavier_uniform"),
    law("initializers.xavier_uniform", (250, 180), gain=2.5),
    seeded("initializers.xavier_normal"),
    law("initializers.xavier_normal"),
    law("initializers.xavier_normal", (250, 180), gain=2.0),
    seeded("initializers.he_uniform"),
    law("initializers.he_uniform"),
    law("initializers.he_uniform", (250, 180), mode="fan_out", nonlinearity="leaky_relu", negative_slope=0.2),
    RaisesCheck("initializers.he_uniform", "he_uniform(..., mode='fan_avg') raises ValueError",
                inputs=lambda rng: (*fans(rng), Special("rng", int(rng.integers(2**31)))), kwargs={"mode": "fan_avg"}),
    seeded("initializers.he_normal"),
    law("initializers.he_normal"),
    law("initializers.he_normal", (250, 180), mode="fan_out", nonlinearity="tanh"),
    law("initializers.he_normal", (120, 500), nonlinearity="leaky_relu", negative_slope=0.1),
    seeded("initializers.lecun_normal"),
    law("initializers.lecun_normal"),
    law("initializers.lecun_normal", (150, 400)),
    gain("linear"),
    gain("sigmoid"),
    gain("tanh"),
    gain("relu"),
    gain("leaky_relu"),
    ValueCheck("initializers.calculate_gain", "calculate_gain('leaky_relu', slope) for a slope in (0.05, 0.5)",
               inputs=lambda rng: ("leaky_relu", float(rng.uniform(0.05, 0.5)))),
    gain("leaky_relu", 0),
    gain("selu"),
    RaisesCheck("initializers.calculate_gain", "calculate_gain('swish', param) raises ValueError",
                inputs=lambda rng: ("swish", float(rng.uniform(0.05, 0.5)))),
]
