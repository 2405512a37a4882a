"""Activations as a student who knows the tanh identities would write them."""
import numpy as np


def sigmoid(z):
    # sigma(z) = (1 + tanh(z / 2)) / 2: tanh saturates, so nothing overflows.
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def sigmoid_derivative(z):
    t = np.tanh(0.5 * np.asarray(z, dtype=float))
    return 0.25 * (1.0 - t * t)


def tanh(z):
    return np.tanh(z)


def tanh_derivative(z):
    return np.cosh(np.clip(z, -300.0, 300.0)) ** -2.0


def relu(z):
    return z * (z > 0)


def relu_derivative(z):
    return (z > 0) * 1.0


def leaky_relu(z, negative_slope=0.01):
    return np.maximum(z, 0.0) + negative_slope * np.minimum(z, 0.0)


def leaky_relu_derivative(z, negative_slope=0.01):
    return (z > 0) * 1.0 + (z <= 0) * negative_slope


def elu(z, alpha=1.0):
    return np.maximum(z, 0.0) + alpha * np.expm1(np.minimum(z, 0.0))


def elu_derivative(z, alpha=1.0):
    return (z > 0) + (z <= 0) * alpha * np.exp(np.minimum(z, 0.0))


def softmax(z, axis=-1):
    m = np.max(z, axis=axis, keepdims=True)
    log_norm = m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))
    return np.exp(z - log_norm)
