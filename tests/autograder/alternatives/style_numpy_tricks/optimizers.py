"""Optimizers with ufuncs; schedules by np.interp and the cos^2 identity (np.float64 results)."""
import numpy as np


def sgd_step(param, grad, lr, weight_decay=0.0):
    return np.add(param * (1.0 - lr * weight_decay), -lr * grad)


def momentum_step(param, grad, velocity, lr, momentum=0.9, dampening=0.0, weight_decay=0.0):
    g = np.add(grad, weight_decay * param)
    buf = g if velocity is None else np.add(momentum * velocity, (1.0 - dampening) * g)
    return np.subtract(param, lr * buf), buf


def nesterov_step(param, grad, velocity, lr, momentum=0.9, weight_decay=0.0):
    g = np.add(grad, weight_decay * param)
    buf = g if velocity is None else np.add(momentum * velocity, g)
    return np.subtract(param, lr * np.add(g, momentum * buf)), buf


def adagrad_step(param, grad, sum_sq, lr=0.01, eps=1e-10):
    acc = np.square(grad) if sum_sq is None else np.add(sum_sq, np.square(grad))
    return param - np.divide(lr * grad, np.sqrt(acc) + eps), acc


def rmsprop_step(param, grad, square_avg, lr=0.01, alpha=0.99, eps=1e-8):
    previous = np.zeros_like(grad) if square_avg is None else square_avg
    avg = np.add(alpha * previous, (1.0 - alpha) * np.square(grad))
    return param - np.divide(lr * grad, np.sqrt(avg) + eps), avg


def _adam_direction(g, m, v, t, beta1, beta2, eps):
    m = (1.0 - beta1) * g if m is None else beta1 * m + (1.0 - beta1) * g
    v = (1.0 - beta2) * np.square(g) if v is None else beta2 * v + (1.0 - beta2) * np.square(g)
    step = np.divide(m / (1.0 - beta1 ** t), np.sqrt(v / (1.0 - beta2 ** t)) + eps)
    return step, m, v


def adam_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    step, m, v = _adam_direction(grad + weight_decay * param, m, v, t, beta1, beta2, eps)
    return param - lr * step, m, v


def adamw_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    step, m, v = _adam_direction(grad, m, v, t, beta1, beta2, eps)
    return np.multiply(param, 1.0 - lr * weight_decay) - lr * step, m, v


def step_decay(epoch, lr0, step_size, gamma=0.1):
    return lr0 * gamma ** np.floor(epoch / step_size)


def cosine_annealing(epoch, lr0, t_max, eta_min=0.0):
    # (1 + cos 2u) / 2 = cos^2 u
    return eta_min + (lr0 - eta_min) * np.cos(np.pi * epoch / (2 * t_max)) ** 2


def linear_warmup(epoch, lr0, warmup_epochs, start_factor=0.1):
    return lr0 * np.interp(epoch, [0, warmup_epochs], [start_factor, 1.0])
