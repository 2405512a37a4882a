"""Weight initializers for a dense layer out = x @ W + b.

Every initializer returns W of shape (fan_in, fan_out), float64. Random ones draw
ONLY from the `rng` argument (a numpy.random.Generator), so the same seed gives
the same array and the global np.random state is never touched.

Note on PyTorch: torch stores a Linear weight as (fan_out, fan_in); the
formulas are the same, only the stored shape is transposed.

Course page: docs/ann/weight-initialization.md
"""
import math

import numpy as np


def zeros(fan_in, fan_out):
    """All-zero weights of shape (fan_in, fan_out).

    Args:
        fan_in: number of inputs of the layer (D).
        fan_out: number of outputs of the layer (M).
    Returns:
        float64 array of shape (fan_in, fan_out).

    Pitfall: zero (or any constant) weights make every unit of a layer compute the
    same thing and receive the same gradient: the symmetry is never broken.
    Fine for biases, wrong for hidden weights.
    Read: docs/ann/weight-initialization.md
    """
    return np.zeros((fan_in, fan_out), dtype=np.float64)


def random_normal(fan_in, fan_out, rng, std=0.01):
    """Weights drawn from N(0, std**2).

    Args:
        fan_in: number of inputs (D).
        fan_out: number of outputs (M).
        rng: numpy.random.Generator to draw from.
        std: standard deviation.
    Returns:
        float64 array of shape (fan_in, fan_out).

    Pitfall: np.random.randn(...) uses the GLOBAL generator: results then ignore
    `rng` and the same seed no longer gives the same weights. Use rng.normal(...).
    Read: docs/ann/weight-initialization.md
    """
    return rng.normal(0.0, std, size=(fan_in, fan_out))


def xavier_uniform(fan_in, fan_out, rng, gain=1.0):
    """Glorot/Xavier uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).

    Matches torch.nn.init.xavier_uniform_ (variance gain**2 * 2 / (fan_in + fan_out)).

    Args:
        fan_in: number of inputs (D).
        fan_out: number of outputs (M).
        rng: numpy.random.Generator to draw from.
        gain: scaling factor, e.g. calculate_gain("tanh").
    Returns:
        float64 array of shape (fan_in, fan_out).

    Pitfall: a is the BOUND of the uniform distribution, not its standard deviation
    (the std of U(-a, a) is a / sqrt(3)). Using sqrt(2 / (fan_in + fan_out)) as the
    bound gives weights that are too small.
    Read: docs/ann/weight-initialization.md
    """
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=(fan_in, fan_out))


def xavier_normal(fan_in, fan_out, rng, gain=1.0):
    """Glorot/Xavier normal: N(0, std**2) with std = gain * sqrt(2 / (fan_in + fan_out)).

    Matches torch.nn.init.xavier_normal_.

    Args:
        fan_in: number of inputs (D).
        fan_out: number of outputs (M).
        rng: numpy.random.Generator to draw from.
        gain: scaling factor.
    Returns:
        float64 array of shape (fan_in, fan_out).

    Pitfall: rng.normal takes the standard deviation, not the variance.
    Read: docs/ann/weight-initialization.md
    """
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return rng.normal(0.0, std, size=(fan_in, fan_out))


def he_uniform(fan_in, fan_out, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    """He/Kaiming uniform: U(-b, b) with b = gain * sqrt(3 / fan).

    fan is fan_in (mode="fan_in", preserves the variance of activations in the
    forward pass) or fan_out (mode="fan_out", preserves the variance of gradients
    in the backward pass); gain = calculate_gain(nonlinearity, negative_slope).
    Matches torch.nn.init.kaiming_uniform_(w, a=negative_slope, mode=mode, nonlinearity=nonlinearity).

    Args:
        fan_in: number of inputs (D).
        fan_out: number of outputs (M).
        rng: numpy.random.Generator to draw from.
        mode: "fan_in" or "fan_out"; anything else raises ValueError.
        nonlinearity: name passed to calculate_gain.
        negative_slope: the leaky-ReLU slope passed to calculate_gain.
    Returns:
        float64 array of shape (fan_in, fan_out).

    Pitfall: with the default mode the fan is fan_in, the number of INPUTS of the
    layer, i.e. W.shape[0] here (torch's weight is transposed: its fan_in is
    weight.shape[1]).
    Read: docs/ann/weight-initialization.md
    """
    bound = calculate_gain(nonlinearity, negative_slope) * math.sqrt(3.0 / _fan(fan_in, fan_out, mode))
    return rng.uniform(-bound, bound, size=(fan_in, fan_out))


def he_normal(fan_in, fan_out, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    """He/Kaiming normal: N(0, std**2) with std = gain / sqrt(fan).

    Matches torch.nn.init.kaiming_normal_(w, a=negative_slope, mode=mode, nonlinearity=nonlinearity).

    Args:
        fan_in: number of inputs (D).
        fan_out: number of outputs (M).
        rng: numpy.random.Generator to draw from.
        mode: "fan_in" or "fan_out"; anything else raises ValueError.
        nonlinearity: name passed to calculate_gain.
        negative_slope: the leaky-ReLU slope passed to calculate_gain.
    Returns:
        float64 array of shape (fan_in, fan_out).

    Pitfall: for ReLU the gain is sqrt(2), so std = sqrt(2 / fan_in); std = 2 / fan_in
    confuses the variance with the standard deviation.
    Read: docs/ann/weight-initialization.md
    """
    std = calculate_gain(nonlinearity, negative_slope) / math.sqrt(_fan(fan_in, fan_out, mode))
    return rng.normal(0.0, std, size=(fan_in, fan_out))


def lecun_normal(fan_in, fan_out, rng):
    """LeCun normal: N(0, 1 / fan_in).

    Args:
        fan_in: number of inputs (D).
        fan_out: number of outputs (M).
        rng: numpy.random.Generator to draw from.
    Returns:
        float64 array of shape (fan_in, fan_out).

    Pitfall: 1 / fan_in is the VARIANCE; the standard deviation is 1 / sqrt(fan_in).
    Read: docs/ann/weight-initialization.md
    """
    return rng.normal(0.0, 1.0 / math.sqrt(fan_in), size=(fan_in, fan_out))


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity, as torch.nn.init.calculate_gain.

    "linear", "sigmoid": 1;  "tanh": 5/3;  "relu": sqrt(2);
    "leaky_relu": sqrt(2 / (1 + slope**2)) with slope = param (0.01 when param is None);
    "selu": 3/4.  Any other name raises ValueError.

    Args:
        nonlinearity: one of the names above.
        param: the negative slope for "leaky_relu"; ignored otherwise.
    Returns:
        the gain as a Python float.

    Pitfall: param=None means slope 0.01 for leaky_relu, but param=0 means slope 0
    (gain sqrt(2)); test `param is None`, not `not param`.
    Read: docs/ann/weight-initialization.md
    """
    if nonlinearity in ("linear", "sigmoid"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"negative_slope {param!r} is not a valid number")
        return math.sqrt(2.0 / (1.0 + slope * slope))
    if nonlinearity == "selu":
        return 3.0 / 4.0
    raise ValueError(f"unsupported nonlinearity {nonlinearity!r}")


def _fan(fan_in, fan_out, mode):
    if mode == "fan_in":
        return fan_in
    if mode == "fan_out":
        return fan_out
    raise ValueError(f"mode {mode!r} is not 'fan_in' or 'fan_out'")
