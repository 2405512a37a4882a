"""Activation layers as classes in the manner of "Deep Learning from Scratch": forward keeps what backward
needs (a mask, the output), backward multiplies dout by the local derivative; the contract's functions
run one layer forward, and its derivative as the layer's backward of a gradient of ones. The sigmoid is
the book's direct 1 / (1 + exp(-x)): right to the last bit at |x| = 1e4, with NumPy's overflow warning."""
import numpy as np


class Relu:
    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = (x <= 0)
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dx = dout.copy()
        dx[self.mask] = 0
        return dx


class LeakyRelu:
    def __init__(self, slope=0.01):
        self.slope = slope
        self.mask = None

    def forward(self, x):
        self.mask = (x <= 0)
        out = x.copy()
        out[self.mask] *= self.slope
        return out

    def backward(self, dout):
        dx = dout.copy()
        dx[self.mask] *= self.slope
        return dx


class Sigmoid:
    def __init__(self):
        self.out = None

    def forward(self, x):
        out = 1 / (1 + np.exp(-x))
        self.out = out
        return out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out


class Tanh:
    def __init__(self):
        self.out = None

    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out ** 2)


class Elu:
    def __init__(self, alpha=1.0):
        self.alpha = alpha
        self.x = None

    def forward(self, x):
        self.x = x
        negative = np.minimum(x, 0)
        return np.where(x > 0, x, self.alpha * (np.exp(negative) - 1))

    def backward(self, dout):
        return dout * np.where(self.x > 0, 1.0, self.alpha * np.exp(np.minimum(self.x, 0)))


def _forward(layer, z):
    return layer.forward(np.array(z, dtype=float))


def _derivative(layer, z):
    z = np.array(z, dtype=float)
    layer.forward(z)
    return layer.backward(np.ones_like(z))


def sigmoid(z):
    return _forward(Sigmoid(), z)


def sigmoid_derivative(z):
    return _derivative(Sigmoid(), z)


def tanh(z):
    return _forward(Tanh(), z)


def tanh_derivative(z):
    return _derivative(Tanh(), z)


def relu(z):
    return _forward(Relu(), z)


def relu_derivative(z):
    return _derivative(Relu(), z)


def leaky_relu(z, negative_slope=0.01):
    return _forward(LeakyRelu(negative_slope), z)


def leaky_relu_derivative(z, negative_slope=0.01):
    return _derivative(LeakyRelu(negative_slope), z)


def elu(z, alpha=1.0):
    return _forward(Elu(alpha), z)


def elu_derivative(z, alpha=1.0):
    return _derivative(Elu(alpha), z)


def softmax(z, axis=-1):
    x = np.moveaxis(np.array(z, dtype=float), axis, 0)  # the book's transpose trick, for any axis
    x = x - np.max(x, axis=0)
    y = np.exp(x) / np.sum(np.exp(x), axis=0)
    return np.moveaxis(y, 0, axis)
