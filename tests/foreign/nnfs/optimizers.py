"""Optimizers in the manner of "Neural Networks from Scratch": Optimizer_* classes with pre_update_params
(learning-rate decay), update_params(layer) reading layer.dweights and keeping the state on the layer
(weight_momentums, weight_cache), and post_update_params counting iterations. The contract's functions
wrap one parameter in a layer object. The book's momentum keeps the update itself (-lr * velocity); the
contract keeps torch's velocity, so that is what is stored here."""
import math

import numpy as np


class Layer:
    def __init__(self, weights, dweights):
        self.weights = np.array(weights, dtype=float)
        self.dweights = np.array(dweights, dtype=float)


class Optimizer_SGD:
    def __init__(self, learning_rate=1.0, momentum=0.0, dampening=0.0, nesterov=False):
        self.current_learning_rate = learning_rate
        self.momentum, self.dampening, self.nesterov = momentum, dampening, nesterov

    def update_params(self, layer):
        if self.momentum:
            if not hasattr(layer, "weight_momentums"):
                layer.weight_momentums = layer.dweights.copy()
            else:
                layer.weight_momentums = (self.momentum * layer.weight_momentums
                                          + (1 - self.dampening) * layer.dweights)
            if self.nesterov:
                weight_updates = -self.current_learning_rate * (layer.dweights + self.momentum * layer.weight_momentums)
            else:
                weight_updates = -self.current_learning_rate * layer.weight_momentums
        else:
            weight_updates = -self.current_learning_rate * layer.dweights
        layer.weights += weight_updates


class Optimizer_Adagrad:
    def __init__(self, learning_rate=1.0, epsilon=1e-7):
        self.current_learning_rate, self.epsilon = learning_rate, epsilon

    def update_params(self, layer):
        if not hasattr(layer, "weight_cache"):
            layer.weight_cache = np.zeros_like(layer.weights)
        layer.weight_cache += layer.dweights ** 2
        layer.weights += -self.current_learning_rate * layer.dweights / (np.sqrt(layer.weight_cache) + self.epsilon)


class Optimizer_RMSprop:
    def __init__(self, learning_rate=0.001, epsilon=1e-7, rho=0.9):
        self.current_learning_rate, self.epsilon, self.rho = learning_rate, epsilon, rho

    def update_params(self, layer):
        if not hasattr(layer, "weight_cache"):
            layer.weight_cache = np.zeros_like(layer.weights)
        layer.weight_cache = self.rho * layer.weight_cache + (1 - self.rho) * layer.dweights ** 2
        layer.weights += -self.current_learning_rate * layer.dweights / (np.sqrt(layer.weight_cache) + self.epsilon)


class Optimizer_Adam:
    def __init__(self, learning_rate=0.001, epsilon=1e-7, beta_1=0.9, beta_2=0.999, decoupled=0.0):
        self.current_learning_rate, self.epsilon = learning_rate, epsilon
        self.beta_1, self.beta_2, self.decoupled = beta_1, beta_2, decoupled
        self.iterations = 0

    def update_params(self, layer):
        if not hasattr(layer, "weight_cache"):
            layer.weight_momentums = np.zeros_like(layer.weights)
            layer.weight_cache = np.zeros_like(layer.weights)
        layer.weights *= 1 - self.current_learning_rate * self.decoupled
        layer.weight_momentums = self.beta_1 * layer.weight_momentums + (1 - self.beta_1) * layer.dweights
        weight_momentums_corrected = layer.weight_momentums / (1 - self.beta_1 ** (self.iterations + 1))
        layer.weight_cache = self.beta_2 * layer.weight_cache + (1 - self.beta_2) * layer.dweights ** 2
        weight_cache_corrected = layer.weight_cache / (1 - self.beta_2 ** (self.iterations + 1))
        layer.weights += -self.current_learning_rate * weight_momentums_corrected / (
            np.sqrt(weight_cache_corrected) + self.epsilon)

    def post_update_params(self):
        self.iterations += 1


def sgd_step(param, grad, lr, weight_decay=0.0):
    layer = Layer(param, grad + weight_decay * param)
    Optimizer_SGD(lr).update_params(layer)
    return layer.weights


def _momentum(param, grad, velocity, optimizer, weight_decay):
    layer = Layer(param, grad + weight_decay * param)
    if velocity is not None:
        layer.weight_momentums = np.array(velocity, dtype=float)
    optimizer.update_params(layer)
    return layer.weights, layer.weight_momentums


def momentum_step(param, grad, velocity, lr, momentum=0.9, dampening=0.0, weight_decay=0.0):
    return _momentum(param, grad, velocity, Optimizer_SGD(lr, momentum, dampening), weight_decay)


def nesterov_step(param, grad, velocity, lr, momentum=0.9, weight_decay=0.0):
    return _momentum(param, grad, velocity, Optimizer_SGD(lr, momentum, nesterov=True), weight_decay)


def _cached(optimizer, param, grad, cache):
    layer = Layer(param, grad)
    if cache is not None:
        layer.weight_cache = np.array(cache, dtype=float)
    optimizer.update_params(layer)
    return layer.weights, layer.weight_cache


def adagrad_step(param, grad, sum_sq, lr=0.01, eps=1e-10):
    return _cached(Optimizer_Adagrad(lr, eps), param, grad, sum_sq)


def rmsprop_step(param, grad, square_avg, lr=0.01, alpha=0.99, eps=1e-8):
    return _cached(Optimizer_RMSprop(lr, eps, alpha), param, grad, square_avg)


def _adam(param, grad, m, v, t, lr, beta1, beta2, eps, decoupled):
    optimizer = Optimizer_Adam(lr, eps, beta1, beta2, decoupled)
    optimizer.iterations = t - 1
    layer = Layer(param, grad)
    if m is not None:
        layer.weight_momentums, layer.weight_cache = np.array(m, dtype=float), np.array(v, dtype=float)
    optimizer.update_params(layer)
    optimizer.post_update_params()
    return layer.weights, layer.weight_momentums, layer.weight_cache


def adam_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    return _adam(param, grad + weight_decay * param, m, v, t, lr, beta1, beta2, eps, 0.0)


def adamw_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    return _adam(param, grad, m, v, t, lr, beta1, beta2, eps, weight_decay)


def step_decay(epoch, lr0, step_size, gamma=0.1):
    return lr0 * gamma ** math.floor(epoch / step_size)


def cosine_annealing(epoch, lr0, t_max, eta_min=0.0):
    return eta_min + (lr0 - eta_min) * (1 + math.cos(epoch / t_max * math.pi)) / 2


def linear_warmup(epoch, lr0, warmup_epochs, start_factor=0.1):
    factor = start_factor + (1.0 - start_factor) * min(epoch, warmup_epochs) / warmup_epochs
    return lr0 * factor
