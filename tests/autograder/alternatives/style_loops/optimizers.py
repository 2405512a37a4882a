"""Optimizers element by element with math.sqrt; schedules with math.pow, math.cos, min."""
import math

import numpy as np


def sgd_step(param, grad, lr, weight_decay=0.0):
    new = np.empty(param.shape)
    for i in np.ndindex(param.shape):
        new[i] = param[i] - lr * (grad[i] + weight_decay * param[i])
    return new


def momentum_step(param, grad, velocity, lr, momentum=0.9, dampening=0.0, weight_decay=0.0):
    new, buf = np.empty(param.shape), np.empty(param.shape)
    for i in np.ndindex(param.shape):
        g = grad[i] + weight_decay * param[i]
        buf[i] = g if velocity is None else momentum * velocity[i] + (1 - dampening) * g
        new[i] = param[i] - lr * buf[i]
    return new, buf


def nesterov_step(param, grad, velocity, lr, momentum=0.9, weight_decay=0.0):
    new, buf = np.empty(param.shape), np.empty(param.shape)
    for i in np.ndindex(param.shape):
        g = grad[i] + weight_decay * param[i]
        buf[i] = g if velocity is None else momentum * velocity[i] + g
        new[i] = param[i] - lr * (g + momentum * buf[i])
    return new, buf


def adagrad_step(param, grad, sum_sq, lr=0.01, eps=1e-10):
    new, acc = np.empty(param.shape), np.empty(param.shape)
    for i in np.ndindex(param.shape):
        acc[i] = (0.0 if sum_sq is None else sum_sq[i]) + grad[i] ** 2
        new[i] = param[i] - lr * grad[i] / (math.sqrt(acc[i]) + eps)
    return new, acc


def rmsprop_step(param, grad, square_avg, lr=0.01, alpha=0.99, eps=1e-8):
    new, avg = np.empty(param.shape), np.empty(param.shape)
    for i in np.ndindex(param.shape):
        avg[i] = (0.0 if square_avg is None else alpha * square_avg[i]) + (1 - alpha) * grad[i] ** 2
        new[i] = param[i] - lr * grad[i] / (math.sqrt(avg[i]) + eps)
    return new, avg


def adam_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    new, m_new, v_new = np.empty(param.shape), np.empty(param.shape), np.empty(param.shape)
    for i in np.ndindex(param.shape):
        g = grad[i] + weight_decay * param[i]
        m_new[i] = beta1 * (0.0 if m is None else m[i]) + (1 - beta1) * g
        v_new[i] = beta2 * (0.0 if v is None else v[i]) + (1 - beta2) * g * g
        m_hat = m_new[i] / (1 - math.pow(beta1, t))
        v_hat = v_new[i] / (1 - math.pow(beta2, t))
        new[i] = param[i] - lr * m_hat / (math.sqrt(v_hat) + eps)
    return new, m_new, v_new


def adamw_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    new, m_new, v_new = np.empty(param.shape), np.empty(param.shape), np.empty(param.shape)
    for i in np.ndindex(param.shape):
        m_new[i] = beta1 * (0.0 if m is None else m[i]) + (1 - beta1) * grad[i]
        v_new[i] = beta2 * (0.0 if v is None else v[i]) + (1 - beta2) * grad[i] ** 2
        m_hat = m_new[i] / (1 - math.pow(beta1, t))
        v_hat = v_new[i] / (1 - math.pow(beta2, t))
        new[i] = param[i] * (1 - lr * weight_decay) - lr * m_hat / (math.sqrt(v_hat) + eps)
    return new, m_new, v_new


def step_decay(epoch, lr0, step_size, gamma=0.1):
    lr = lr0
    for _ in range(epoch // step_size):
        lr *= gamma
    return lr


def cosine_annealing(epoch, lr0, t_max, eta_min=0.0):
    return eta_min + (lr0 - eta_min) * (1 + math.cos(math.pi * epoch / t_max)) / 2


def linear_warmup(epoch, lr0, warmup_epochs, start_factor=0.1):
    progress = min(epoch, warmup_epochs) / warmup_epochs
    return lr0 * (start_factor + (1 - start_factor) * progress)
