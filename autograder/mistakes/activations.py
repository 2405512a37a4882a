"""Known mistakes in activations.py (names resolve in that module: np, sigmoid, ...)."""
# ruff: noqa: F821
from autograder.mistakes import mistake


def _changed_input(observation):
    return observation.get("inputs_modified") or observation.get("aliases_input")


@mistake("activations.sigmoid", "sign flipped in the exponent: 1 / (1 + exp(z))",
         "sigma(z) = 1 / (1 + exp(-z)): large positive z must give values near 1.")
def sigmoid_sign_flipped(z):
    return 1.0 / (1.0 + np.exp(np.asarray(z, dtype=np.float64)))


@mistake("activations.sigmoid_derivative", "derivative applied to the activation instead of the pre-activation",
         "Evaluate at z itself: s = sigmoid(z); return s * (1 - s). Do not pass an activation a = sigmoid(z) in.")
def sigmoid_derivative_of_activation(z):
    a = sigmoid(z)
    return sigmoid(a) * (1.0 - sigmoid(a))


@mistake("activations.sigmoid_derivative", "formula s * (1 - s) applied to z instead of to sigmoid(z)",
         "Compute s = sigmoid(z) first, then s * (1 - s).")
def sigmoid_derivative_on_z(z):
    z = np.asarray(z, dtype=np.float64)
    return z * (1.0 - z)


@mistake("activations.tanh", "tanh from exponentials, which overflow to inf/inf = nan",
         "Use np.tanh, which is stable for any input.")
def tanh_from_exponentials(z):
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))


@mistake("activations.tanh_derivative", "1 - z**2: the derivative written for the activation, applied to z",
         "1 - z**2 holds for the activation a = tanh(z); with the pre-activation, return 1 - np.tanh(z)**2.")
def tanh_derivative_on_z(z):
    z = np.asarray(z, dtype=np.float64)
    return 1.0 - z * z


@mistake("activations.relu", "input modified in place (z[z < 0] = 0)",
         "Build a new array, e.g. np.maximum(z, 0); never write into the caller's array.", seen_in=_changed_input, side_effect=True)
def relu_in_place(z):
    z[z < 0] = 0.0
    return z


@mistake("activations.relu_derivative", "derivative 1 at z = 0 (z >= 0)",
         "The convention (as torch autograd) is relu'(0) = 0: use z > 0.")
def relu_derivative_one_at_zero(z):
    return (np.asarray(z) >= 0).astype(np.float64)


@mistake("activations.leaky_relu", "negative_slope ignored (0.01 hard-coded)",
         "Use the negative_slope argument: np.where(z > 0, z, negative_slope * z).")
def leaky_relu_fixed_slope(z, negative_slope=0.01):
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, z, 0.01 * z)


@mistake("activations.leaky_relu_derivative", "derivative 0 for z <= 0 (the plain ReLU derivative)",
         "For z <= 0 the derivative of leaky ReLU is negative_slope, not 0.")
def leaky_relu_derivative_zero(z, negative_slope=0.01):
    return (np.asarray(z) > 0).astype(np.float64)


@mistake("activations.leaky_relu_derivative", "negative_slope * z instead of negative_slope for z <= 0",
         "The derivative of negative_slope * z is the constant negative_slope.")
def leaky_relu_derivative_times_z(z, negative_slope=0.01):
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, 1.0, negative_slope * z)


@mistake("activations.elu", "alpha ignored: exp(z) - 1 for z <= 0",
         "Multiply the negative branch by alpha: alpha * (exp(z) - 1).")
def elu_without_alpha(z, alpha=1.0):
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))


@mistake("activations.elu_derivative", "alpha ignored: exp(z) for z <= 0",
         "The derivative of alpha * (exp(z) - 1) is alpha * exp(z).")
def elu_derivative_without_alpha(z, alpha=1.0):
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, 1.0, np.exp(np.minimum(z, 0.0)))


@mistake("activations.softmax", "unstable softmax: exp(z) without subtracting the maximum",
         "Subtract z.max(axis, keepdims=True) before np.exp; the result is unchanged and exp cannot overflow.")
def softmax_unstable(z, axis=-1):
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(z)
        return e / np.sum(e, axis=axis, keepdims=True)


@mistake("activations.softmax", "normalised over the wrong axis (axis ignored, columns sum to 1)",
         "Reduce over the `axis` argument (default -1, the last axis) with keepdims=True.")
def softmax_wrong_axis(z, axis=-1):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


@mistake("activations.softmax", "the global maximum subtracted instead of the maximum along axis",
         "Subtract np.max(z, axis=axis, keepdims=True): with the global maximum, a row whose logits are all far "
         "below it underflows to 0 / 0 = nan at large logits.")
def softmax_global_max(z, axis=-1):
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        e = np.exp(z - np.max(z))
        return e / np.sum(e, axis=axis, keepdims=True)


@mistake("activations.softmax", "normalised over the whole array: e / e.sum() with no axis",
         "Sum along the `axis` argument with keepdims=True: e / np.sum(e, axis=axis, keepdims=True), so that each "
         "row (or slice along axis) sums to 1, not the whole array.")
def softmax_whole_array(z, axis=-1):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - np.max(z))
    return e / e.sum()


def _overflow_warned(observation):
    return "RuntimeWarning: overflow" in (observation.get("printed") or "")


# Both of these give the right numbers at z = +-1e4 (inf turns into 0 or is never selected), but only after
# exp overflowed. The contract grades values, so they lose no points: a note names the naive form and its fix.
@mistake("activations.sigmoid", "naive 1 / (1 + exp(-z)), which overflows for z below about -709",
         "Use a form that never overflows: 1 / (1 + exp(-|z|)) for z >= 0 and exp(-|z|) / (1 + exp(-|z|)) "
         "for z < 0 (np.where on exp(-np.abs(z))).", seen_in=_overflow_warned, advisory=True)
def sigmoid_naive(z):
    z = np.asarray(z, dtype=np.float64)
    return 1.0 / (1.0 + np.exp(-z))


@mistake("activations.elu", "exp(z) evaluated for every z, which overflows for z above about 709",
         "Take exp only of the non-positive part: alpha * np.expm1(np.minimum(z, 0)), then np.where(z > 0, z, that).",
         seen_in=_overflow_warned, advisory=True)
def elu_exp_everywhere(z, alpha=1.0):
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, z, alpha * (np.exp(z) - 1.0))
