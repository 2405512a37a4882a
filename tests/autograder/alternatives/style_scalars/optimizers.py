"""Optimizers with zeros_like state; schedules returned as np.float64 from np.cos and np.power."""
import numpy as np


def sgd_step(param, grad, lr, weight_decay=0.0):
    return param - lr * grad - lr * weight_decay * param


def momentum_step(param, grad, velocity, lr, momentum=0.9, dampening=0.0, weight_decay=0.0):
    g = grad + weight_decay * param
    if velocity is None:
        velocity = np.array(g)
    else:
        velocity = momentum * velocity + (1 - dampening) * g
    return param - lr * velocity, velocity


def nesterov_step(param, grad, velocity, lr, momentum=0.9, weight_decay=0.0):
    g = grad + weight_decay * param
    velocity = np.array(g) if velocity is None else momentum * velocity + g
    return param - lr * g - lr * momentum * velocity, velocity


def adagrad_step(param, grad, sum_sq, lr=0.01, eps=1e-10):
    if sum_sq is None:
        sum_sq = np.zeros_like(param)
    sum_sq = sum_sq + np.square(grad)
    return param - lr * grad / (np.sqrt(sum_sq) + eps), sum_sq


def rmsprop_step(param, grad, square_avg, lr=0.01, alpha=0.99, eps=1e-8):
    if square_avg is None:
        square_avg = np.zeros_like(param)
    square_avg = alpha * square_avg + (1 - alpha) * np.square(grad)
    return param - lr * grad / (np.sqrt(square_avg) + eps), square_avg


def _moments(g, m, v, beta1, beta2):
    m = np.zeros_like(g) if m is None else m
    v = np.zeros_like(g) if v is None else v
    return beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * np.square(g)


def adam_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    m, v = _moments(grad + weight_decay * param, m, v, beta1, beta2)
    m_hat = m / (1 - np.power(beta1, t))
    v_hat = v / (1 - np.power(beta2, t))
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adamw_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    decayed = param * (1 - lr * weight_decay)
    m, v = _moments(grad, m, v, beta1, beta2)
    m_hat = m / (1 - np.power(beta1, t))
    v_hat = v / (1 - np.power(beta2, t))
    return decayed - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def step_decay(epoch, lr0, step_size, gamma=0.1):
    return lr0 * np.power(gamma, np.floor_divide(epoch, step_size))


def cosine_annealing(epoch, lr0, t_max, eta_min=0.0):
    return eta_min + (lr0 - eta_min) * (1 + np.cos(np.pi * epoch / t_max)) / 2


def linear_warmup(epoch, lr0, warmup_epochs, start_factor=0.1):
    return lr0 * (start_factor + (1 - start_factor) * np.minimum(epoch, warmup_epochs) / warmup_epochs)
