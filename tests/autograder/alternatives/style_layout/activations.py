"""Activations whose results come back Fortran-ordered or as strided views of a bigger array."""
import numpy as np


def _fortran(a):
    return np.asfortranarray(a)


def _strided(a):
    """The same values, as every other element of a twice-as-long array (a non-contiguous view)."""
    out = np.zeros(a.shape + (2,))
    out[..., 0] = a
    return out[..., 0]


def sigmoid(z):
    pos = z >= 0
    e = np.exp(np.where(pos, -z, z))
    return _fortran(np.where(pos, 1.0, e) / (1.0 + e))


def sigmoid_derivative(z):
    s = sigmoid(z)
    return _strided(s - s * s)


def tanh(z):
    return np.tanh(z.T).T


def tanh_derivative(z):
    return _fortran(1.0 - np.tanh(z) ** 2)


def relu(z):
    return _strided(np.fmax(z, 0.0))


def relu_derivative(z):
    return np.greater(z, 0).astype(np.float64, order="F")


def leaky_relu(z, negative_slope=0.01):
    return _fortran(np.where(z > 0, 1.0, negative_slope) * z)


def leaky_relu_derivative(z, negative_slope=0.01):
    return _strided(np.where(z > 0, 1.0, negative_slope))


def elu(z, alpha=1.0):
    return np.where(z.T > 0, z.T, alpha * np.expm1(np.minimum(z.T, 0.0))).T


def elu_derivative(z, alpha=1.0):
    out = np.ones_like(z, order="F")
    negative = z <= 0
    out[negative] = alpha * np.exp(z[negative])
    return out


def softmax(z, axis=-1):
    shifted = z - z.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return _fortran(e / e.sum(axis=axis, keepdims=True))
