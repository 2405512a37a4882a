"""Optimizers whose new parameter and state come back Fortran-ordered; schedules as 0-d arrays or np.float64."""
import math

import numpy as np

F = np.asfortranarray


def sgd_step(param, grad, lr, weight_decay=0.0):
    return F(param - lr * (grad + weight_decay * param))


def momentum_step(param, grad, velocity, lr, momentum=0.9, dampening=0.0, weight_decay=0.0):
    g = grad + weight_decay * param
    buf = np.copy(g, order="F") if velocity is None else F(momentum * velocity + (1 - dampening) * g)
    return (param.T - lr * buf.T).T, buf


def nesterov_step(param, grad, velocity, lr, momentum=0.9, weight_decay=0.0):
    g = grad + weight_decay * param
    buf = np.copy(g, order="F") if velocity is None else F(momentum * velocity + g)
    return F(param - lr * (g + momentum * buf)), buf


def adagrad_step(param, grad, sum_sq, lr=0.01, eps=1e-10):
    acc = F(grad ** 2 if sum_sq is None else sum_sq + grad ** 2)
    return F(param - lr * grad / (np.sqrt(acc) + eps)), acc


def rmsprop_step(param, grad, square_avg, lr=0.01, alpha=0.99, eps=1e-8):
    avg = (1 - alpha) * grad ** 2
    if square_avg is not None:
        avg = avg + alpha * square_avg
    return F(param - lr * grad / (np.sqrt(avg) + eps)), F(avg)


def adam_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    g = grad + weight_decay * param
    m = F((1 - beta1) * g if m is None else beta1 * m + (1 - beta1) * g)
    v = F((1 - beta2) * g * g if v is None else beta2 * v + (1 - beta2) * g * g)
    return F(param - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)), m, v


def adamw_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    m = F((1 - beta1) * grad if m is None else beta1 * m + (1 - beta1) * grad)
    v = F((1 - beta2) * grad * grad if v is None else beta2 * v + (1 - beta2) * grad * grad)
    update = (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return [F(param * (1 - lr * weight_decay) - lr * update), m, v]


def step_decay(epoch, lr0, step_size, gamma=0.1):
    return np.array(lr0 * gamma ** (epoch // step_size))


def cosine_annealing(epoch, lr0, t_max, eta_min=0.0):
    return np.float64(eta_min + 0.5 * (lr0 - eta_min) * (1.0 + math.cos(math.pi * epoch / t_max)))


def linear_warmup(epoch, lr0, warmup_epochs, start_factor=0.1):
    fraction = np.clip(epoch / warmup_epochs, 0.0, 1.0)
    return np.asarray(lr0 * (start_factor + (1.0 - start_factor) * fraction))
