"""Activations with np.where, np.heaviside, np.clip, np.piecewise and np.logaddexp."""
import numpy as np


def sigmoid(z):
    # log(1 + e^-z) by logaddexp never overflows.
    return np.exp(-np.logaddexp(0.0, -z))


def sigmoid_derivative(z):
    # sigma(z) * sigma(-z), both in log space.
    return np.exp(-np.logaddexp(0.0, -z) - np.logaddexp(0.0, z))


def tanh(z):
    e = np.exp(-2.0 * np.abs(z))
    return np.sign(z) * -np.expm1(-2.0 * np.abs(z)) / (1.0 + e)


def tanh_derivative(z):
    return 1.0 - np.square(np.tanh(z))


def relu(z):
    return np.clip(z, 0.0, None)


def relu_derivative(z):
    return np.heaviside(z, 0.0)


def leaky_relu(z, negative_slope=0.01):
    return np.piecewise(z, [z > 0, z <= 0], [lambda v: v, lambda v: negative_slope * v])


def leaky_relu_derivative(z, negative_slope=0.01):
    return negative_slope + (1.0 - negative_slope) * np.heaviside(z, 0.0)


def elu(z, alpha=1.0):
    return np.where(z > 0, z, alpha * np.expm1(np.clip(z, None, 0.0)))


def elu_derivative(z, alpha=1.0):
    return np.where(z > 0, 1.0, alpha * np.exp(np.clip(z, None, 0.0)))


def softmax(z, axis=-1):
    return np.exp(z - np.logaddexp.reduce(z, axis=axis, keepdims=True))
