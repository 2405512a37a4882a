"""Activation functions and their derivatives, element-wise on arrays of any shape.

Every derivative is taken with respect to the PRE-activation z (the input of the
activation), because that is what backpropagation multiplies by: dL/dz = dL/da * f'(z).

Course page: docs/ann/activation-functions.md
"""
import numpy as np


def sigmoid(z):
    """Logistic sigmoid, element-wise: sigma(z) = 1 / (1 + exp(-z)).

    Args:
        z: pre-activations, float array of any shape.
    Returns:
        array of z's shape, values in [0, 1].

    Pitfall: 1 / (1 + np.exp(-z)) overflows (RuntimeWarning, inf) for z below
    about -709. Use exp(-|z|), which never overflows:
    sigma(z) = 1 / (1 + exp(-|z|)) for z >= 0 and exp(-|z|) / (1 + exp(-|z|)) for z < 0.
    Must stay finite for |z| up to 1e4.
    Read: docs/ann/activation-functions.md
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(z):
    """Derivative of the sigmoid at the pre-activation z: sigma(z) * (1 - sigma(z)).

    Args:
        z: pre-activations, float array of any shape.
    Returns:
        array of z's shape, values in [0, 0.25] (the maximum 0.25 is at z = 0).

    Pitfall: the formula s * (1 - s) needs s = sigmoid(z). Plugging in z itself,
    or applying it to an activation a = sigmoid(z) and then taking sigmoid again,
    gives the derivative at the wrong point.
    Read: docs/ann/activation-functions.md
    """
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """Hyperbolic tangent, element-wise.

    Args:
        z: pre-activations, float array of any shape.
    Returns:
        array of z's shape, values in [-1, 1].

    Pitfall: writing it as (e^z - e^-z) / (e^z + e^-z) overflows to inf/inf = nan
    for |z| > 710; np.tanh is stable.
    Read: docs/ann/activation-functions.md
    """
    return np.tanh(np.asarray(z, dtype=np.float64))


def tanh_derivative(z):
    """Derivative of tanh at the pre-activation z: 1 - tanh(z)**2.

    Args:
        z: pre-activations, float array of any shape.
    Returns:
        array of z's shape, values in (0, 1].

    Pitfall: 1 - z**2 is the derivative expressed in terms of the ACTIVATION
    a = tanh(z); here the argument is the pre-activation z.
    Read: docs/ann/activation-functions.md
    """
    t = np.tanh(np.asarray(z, dtype=np.float64))
    return 1.0 - t * t


def relu(z):
    """Rectified linear unit, element-wise: max(0, z).

    Args:
        z: pre-activations, float array of any shape.
    Returns:
        NEW array of z's shape (z itself is left untouched).

    Pitfall: z[z < 0] = 0 modifies the caller's array in place; build a new array.
    ReLU outputs max(0, z), not "0 or 1": it is its derivative that is 0 or 1.
    Read: docs/ann/activation-functions.md
    """
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)


def relu_derivative(z):
    """Derivative of ReLU: 1.0 where z > 0, else 0.0 (0 at z = 0, as torch autograd).

    Args:
        z: pre-activations, float array of any shape.
    Returns:
        float64 array of z's shape holding 0.0 and 1.0.

    Pitfall: z >= 0 gives 1 at the kink z = 0; the convention here is 0. Return
    floats, not booleans.
    Read: docs/ann/activation-functions.md
    """
    z = np.asarray(z, dtype=np.float64)
    return (z > 0).astype(np.float64)


def leaky_relu(z, negative_slope=0.01):
    """Leaky ReLU, element-wise: z where z > 0, else negative_slope * z.

    Matches torch.nn.functional.leaky_relu(z, negative_slope).

    Args:
        z: pre-activations, float array of any shape.
        negative_slope: slope used for z <= 0.
    Returns:
        new array of z's shape.

    Pitfall: max(z, negative_slope * z) is only correct for slopes below 1; use
    np.where on the sign of z.
    Read: docs/ann/activation-functions.md
    """
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, z, negative_slope * z)


def leaky_relu_derivative(z, negative_slope=0.01):
    """Derivative of leaky ReLU: 1.0 where z > 0, else negative_slope.

    Args:
        z: pre-activations, float array of any shape.
        negative_slope: slope used for z <= 0.
    Returns:
        float64 array of z's shape.

    Pitfall: the derivative for z <= 0 is negative_slope, not 0 (that is plain ReLU),
    and not negative_slope * z.
    Read: docs/ann/activation-functions.md
    """
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, 1.0, float(negative_slope))


def elu(z, alpha=1.0):
    """Exponential linear unit: z where z > 0, else alpha * (exp(z) - 1).

    Matches torch.nn.functional.elu(z, alpha).

    Args:
        z: pre-activations, float array of any shape.
        alpha: saturation value for large negative z is -alpha.
    Returns:
        new array of z's shape.

    Pitfall: np.where evaluates BOTH branches, so exp(z) overflows for large
    positive z even though that branch is not used; take exp of min(z, 0).
    np.expm1 is more accurate than exp(z) - 1 near 0.
    Read: docs/ann/activation-functions.md
    """
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def elu_derivative(z, alpha=1.0):
    """Derivative of ELU: 1.0 where z > 0, else alpha * exp(z).

    Args:
        z: pre-activations, float array of any shape.
        alpha: the ELU parameter.
    Returns:
        float64 array of z's shape.

    Pitfall: forgetting alpha (returning exp(z)) only works for the default alpha = 1.
    Read: docs/ann/activation-functions.md
    """
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


def softmax(z, axis=-1):
    """Softmax along `axis`: exp(z_i) / sum_j exp(z_j).

    Matches torch.softmax(z, dim=axis).

    Args:
        z: scores (logits), float array, e.g. of shape (N, C).
        axis: the axis that sums to 1.
    Returns:
        new array of z's shape; every slice along `axis` is positive and sums to 1.

    Pitfall: exp(z) overflows for entries above ~709. Subtract the maximum along
    `axis` first (softmax is unchanged by a shift) and keep the reduced axis with
    keepdims=True so the division broadcasts along the right axis.
    Read: docs/ann/activation-functions.md
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)
