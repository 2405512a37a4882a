"""Activations written from scratch in the manner of d2l ("Dive into Deep Learning"): short functions on
whole arrays, X for the input, softmax as exponentials over their partition function (here shifted by
the row maximum first, which the book's first version leaves out and the contract needs), derivatives
by their closed forms."""
import numpy as np


def relu(X):
    return np.maximum(X, 0.0)


def relu_derivative(X):
    return np.where(X > 0, 1.0, 0.0)


def sigmoid(X):
    return np.exp(-np.logaddexp(0.0, -X))


def sigmoid_derivative(X):
    s = sigmoid(X)
    return s * (1 - s)


def tanh(X):
    return np.tanh(X)


def tanh_derivative(X):
    return 1 - np.tanh(X) ** 2


def leaky_relu(X, negative_slope=0.01):
    return np.maximum(X, 0.0) + negative_slope * np.minimum(X, 0.0)


def leaky_relu_derivative(X, negative_slope=0.01):
    return np.where(X > 0, 1.0, negative_slope)


def elu(X, alpha=1.0):
    return np.maximum(X, 0.0) + alpha * np.expm1(np.minimum(X, 0.0))


def elu_derivative(X, alpha=1.0):
    return np.where(X > 0, 1.0, alpha * np.exp(np.minimum(X, 0.0)))


def softmax(X, axis=-1):
    X_exp = np.exp(X - X.max(axis=axis, keepdims=True))
    partition = X_exp.sum(axis=axis, keepdims=True)
    return X_exp / partition
