"""Known mistakes in initializers.py (names resolve in that module: np, math, calculate_gain, ...)."""
# ruff: noqa: F821
from autograder.mistakes import mistake


def _global_random(observation):
    return observation.get("global_random_used") and not observation.get("rng_used")


@mistake("initializers.zeros", "shape (fan_out, fan_in), PyTorch's storage layout",
         "This course's W multiplies as x @ W, so it has shape (fan_in, fan_out).")
def zeros_transposed(fan_in, fan_out):
    return np.zeros((fan_out, fan_in))


@mistake("initializers.random_normal", "global np.random instead of rng",
         "Draw from the generator you are given: rng.normal(0, std, size=...). np.random.* ignores the seed in rng.",
         seen_in=_global_random, side_effect=True)
def random_normal_global(fan_in, fan_out, rng, std=0.01):
    return np.random.normal(0.0, std, size=(fan_in, fan_out))


@mistake("initializers.random_normal", "variance passed where rng.normal expects the standard deviation",
         "rng.normal(loc, scale) takes the standard deviation: pass std, not std**2.")
def random_normal_variance(fan_in, fan_out, rng, std=0.01):
    return rng.normal(0.0, std**2, size=(fan_in, fan_out))


@mistake("initializers.xavier_uniform", "bound taken as std: U(-s, s) with s = gain * sqrt(2 / (fan_in + fan_out))",
         "The uniform bound is a = gain * sqrt(6 / (fan_in + fan_out)); sqrt(2 / ...) is the standard deviation.")
def xavier_uniform_bound_as_std(fan_in, fan_out, rng, gain=1.0):
    s = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return rng.uniform(-s, s, size=(fan_in, fan_out))


@mistake("initializers.xavier_uniform", "gain ignored", "Multiply the bound by the gain argument.")
def xavier_uniform_no_gain(fan_in, fan_out, rng, gain=1.0):
    a = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@mistake("initializers.xavier_normal", "variance used as the standard deviation: std = gain * 2 / (fan_in + fan_out)",
         "std = gain * sqrt(2 / (fan_in + fan_out)): take the square root.")
def xavier_normal_variance(fan_in, fan_out, rng, gain=1.0):
    return rng.normal(0.0, gain * 2.0 / (fan_in + fan_out), size=(fan_in, fan_out))


@mistake("initializers.he_uniform", "He with fan_out where mode='fan_in' asks for fan_in",
         "With mode='fan_in' the fan is the number of inputs, W.shape[0] = fan_in.")
def he_uniform_fan_out(fan_in, fan_out, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    fan = fan_out if mode == "fan_in" else fan_in
    bound = calculate_gain(nonlinearity, negative_slope) * math.sqrt(3.0 / fan)
    return rng.uniform(-bound, bound, size=(fan_in, fan_out))


@mistake("initializers.he_uniform", "gain ignored: bound sqrt(3 / fan)",
         "Multiply by gain = calculate_gain(nonlinearity, negative_slope) (sqrt(2) for ReLU).")
def he_uniform_no_gain(fan_in, fan_out, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    bound = math.sqrt(3.0 / (fan_in if mode == "fan_in" else fan_out))
    return rng.uniform(-bound, bound, size=(fan_in, fan_out))


@mistake("initializers.he_normal", "He with fan_out where mode='fan_in' asks for fan_in",
         "With mode='fan_in' the fan is the number of inputs, W.shape[0] = fan_in.")
def he_normal_fan_out(fan_in, fan_out, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    fan = fan_out if mode == "fan_in" else fan_in
    return rng.normal(0.0, calculate_gain(nonlinearity, negative_slope) / math.sqrt(fan), size=(fan_in, fan_out))


@mistake("initializers.he_normal", "variance used as the standard deviation: std = gain**2 / fan",
         "std = gain / sqrt(fan); gain**2 / fan is the variance.")
def he_normal_variance(fan_in, fan_out, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    fan = fan_in if mode == "fan_in" else fan_out
    return rng.normal(0.0, calculate_gain(nonlinearity, negative_slope) ** 2 / fan, size=(fan_in, fan_out))


@mistake("initializers.lecun_normal", "variance used as the standard deviation: std = 1 / fan_in",
         "LeCun's VARIANCE is 1 / fan_in, so std = 1 / sqrt(fan_in).")
def lecun_normal_variance(fan_in, fan_out, rng):
    return rng.normal(0.0, 1.0 / fan_in, size=(fan_in, fan_out))


@mistake("initializers.calculate_gain", "param=0 treated as missing (slope 0.01 used)",
         "Only param=None means the default slope 0.01: test `param is None`, not `not param`.")
def calculate_gain_falsy_param(nonlinearity, param=None):
    if nonlinearity == "leaky_relu":
        slope = param or 0.01
        return math.sqrt(2.0 / (1.0 + slope**2))
    gains = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0), "selu": 0.75}
    if nonlinearity not in gains:
        raise ValueError(f"unsupported nonlinearity {nonlinearity!r}")  # one mistake per mutant
    return gains[nonlinearity]


@mistake("initializers.calculate_gain", "tanh gain taken as 1 (or sqrt(2))",
         "PyTorch's recommended gain for tanh is 5/3.")
def calculate_gain_tanh_one(nonlinearity, param=None):
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1.0 + slope**2))
    gains = {"linear": 1.0, "sigmoid": 1.0, "tanh": 1.0, "relu": math.sqrt(2.0), "selu": 0.75}
    if nonlinearity not in gains:
        raise ValueError(f"unsupported nonlinearity {nonlinearity!r}")
    return gains[nonlinearity]


# With mode='fan_out' this draws exactly what he_normal_fan_out draws: that check names both.
@mistake("initializers.he_normal", "mode ignored: fan_in used whatever mode says",
         "Take fan = fan_in if mode == 'fan_in' else fan_out (and raise ValueError for any other mode).")
def he_normal_mode_ignored(fan_in, fan_out, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    return rng.normal(0.0, calculate_gain(nonlinearity, negative_slope) / math.sqrt(fan_in), size=(fan_in, fan_out))


def _key_error(observation):
    return observation.get("status") == "raised" and observation.get("exception") == "KeyError"


@mistake("initializers.calculate_gain", "an unknown name raises KeyError (a dict lookup), not ValueError",
         "Check the name first and raise ValueError(f\"unsupported nonlinearity {nonlinearity!r}\"), as the contract asks.",
         seen_in=_key_error)
def calculate_gain_key_error(nonlinearity, param=None):
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1.0 + slope**2))
    return {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0), "selu": 0.75}[nonlinearity]
