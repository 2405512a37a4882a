"""Optimizers as classes in the manner of "Deep Learning from Scratch": update(params, grads) changes the
params dict in place and keeps the state on the object. The contract's functions build one optimizer,
load the state they are given, run one update on a copy of the parameter and return the new state.
The state follows torch (the book's Momentum keeps -lr * velocity and its Adam folds the bias correction
into the learning rate, which moves eps; both are converted here)."""
import math

import numpy as np


class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for key in params.keys():
            params[key] -= self.lr * grads[key]


class Momentum:
    def __init__(self, lr=0.01, momentum=0.9, dampening=0.0, nesterov=False):
        self.lr, self.momentum, self.dampening, self.nesterov = lr, momentum, dampening, nesterov
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = {key: grads[key].copy() for key in grads}
        else:
            for key in grads:
                self.v[key] = self.momentum * self.v[key] + (1 - self.dampening) * grads[key]
        for key in params.keys():
            step = grads[key] + self.momentum * self.v[key] if self.nesterov else self.v[key]
            params[key] -= self.lr * step


class AdaGrad:
    def __init__(self, lr=0.01, eps=1e-10):
        self.lr, self.eps = lr, eps
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = {key: np.zeros_like(val) for key, val in params.items()}
        for key in params.keys():
            self.h[key] += grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + self.eps)


class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99, eps=1e-8):
        self.lr, self.decay_rate, self.eps = lr, decay_rate, eps
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = {key: np.zeros_like(val) for key, val in params.items()}
        for key in params.keys():
            self.h[key] *= self.decay_rate
            self.h[key] += (1 - self.decay_rate) * grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + self.eps)


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, decoupled_decay=0.0):
        self.lr, self.beta1, self.beta2, self.eps, self.decoupled_decay = lr, beta1, beta2, eps, decoupled_decay
        self.iter = 0
        self.m = None
        self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m, self.v = {}, {}
            for key, val in params.items():
                self.m[key] = np.zeros_like(val)
                self.v[key] = np.zeros_like(val)
        self.iter += 1
        for key in params.keys():
            params[key] *= 1 - self.lr * self.decoupled_decay
            self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
            self.v[key] += (1 - self.beta2) * (grads[key] ** 2 - self.v[key])
            m_hat = self.m[key] / (1 - self.beta1 ** self.iter)
            v_hat = self.v[key] / (1 - self.beta2 ** self.iter)
            params[key] -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def _one_update(optimizer, param, grad):
    params = {"W": np.array(param, dtype=float)}
    optimizer.update(params, {"W": np.array(grad, dtype=float)})
    return params["W"]


def sgd_step(param, grad, lr, weight_decay=0.0):
    return _one_update(SGD(lr), param, grad + weight_decay * param)


def momentum_step(param, grad, velocity, lr, momentum=0.9, dampening=0.0, weight_decay=0.0):
    opt = Momentum(lr, momentum, dampening)
    opt.v = None if velocity is None else {"W": np.array(velocity, dtype=float)}
    new = _one_update(opt, param, grad + weight_decay * param)
    return new, opt.v["W"]


def nesterov_step(param, grad, velocity, lr, momentum=0.9, weight_decay=0.0):
    opt = Momentum(lr, momentum, nesterov=True)
    opt.v = None if velocity is None else {"W": np.array(velocity, dtype=float)}
    new = _one_update(opt, param, grad + weight_decay * param)
    return new, opt.v["W"]


def adagrad_step(param, grad, sum_sq, lr=0.01, eps=1e-10):
    opt = AdaGrad(lr, eps)
    opt.h = None if sum_sq is None else {"W": np.array(sum_sq, dtype=float)}
    new = _one_update(opt, param, grad)
    return new, opt.h["W"]


def rmsprop_step(param, grad, square_avg, lr=0.01, alpha=0.99, eps=1e-8):
    opt = RMSprop(lr, alpha, eps)
    opt.h = None if square_avg is None else {"W": np.array(square_avg, dtype=float)}
    new = _one_update(opt, param, grad)
    return new, opt.h["W"]


def _adam(param, grad, m, v, t, lr, beta1, beta2, eps, decoupled):
    opt = Adam(lr, beta1, beta2, eps, decoupled)
    opt.iter = t - 1
    if m is not None:
        opt.m, opt.v = {"W": np.array(m, dtype=float)}, {"W": np.array(v, dtype=float)}
    new = _one_update(opt, param, grad)
    return new, opt.m["W"], opt.v["W"]


def adam_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    return _adam(param, grad + weight_decay * param, m, v, t, lr, beta1, beta2, eps, 0.0)


def adamw_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    return _adam(param, grad, m, v, t, lr, beta1, beta2, eps, weight_decay)


class StepLR:
    def __init__(self, lr0, step_size, gamma):
        self.lr0, self.step_size, self.gamma = lr0, step_size, gamma

    def get_lr(self, epoch):
        return self.lr0 * self.gamma ** (epoch // self.step_size)


def step_decay(epoch, lr0, step_size, gamma=0.1):
    return StepLR(lr0, step_size, gamma).get_lr(epoch)


def cosine_annealing(epoch, lr0, t_max, eta_min=0.0):
    return eta_min + 0.5 * (lr0 - eta_min) * (1 + math.cos(math.pi * epoch / t_max))


def linear_warmup(epoch, lr0, warmup_epochs, start_factor=0.1):
    progress = min(epoch, warmup_epochs) / warmup_epochs
    return lr0 * (start_factor + (1 - start_factor) * progress)
