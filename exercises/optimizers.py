# Your exercise: replace each `raise NotImplementedError` by an implementation.

"""Optimizer update steps with explicit state, and learning-rate schedules.

Each step function takes the parameter, its gradient and the optimizer's state
for that parameter, and returns NEW arrays: the updated parameter and the
updated state. A state of None means "before the first step". Each one matches
the corresponding torch.optim optimizer step for step.

Course page: docs/ann/optimizers.md
"""

import math
import numpy as np


def sgd_step(param, grad, lr, weight_decay=0.0):
    """Plain stochastic gradient descent: param - lr * (grad + weight_decay * param).

    Matches torch.optim.SGD(lr=lr, weight_decay=weight_decay).

    Args:
        param: parameter array of any shape.
        grad: d loss / d param, same shape.
        lr: learning rate.
        weight_decay: L2 coefficient added to the gradient.
    Returns:
        the updated parameter, a new array of param's shape.

    Pitfall: param -= lr * grad updates the caller's array in place; return
    param - lr * ... instead.
    Read: docs/ann/optimizers.md
    """
    raise NotImplementedError("sgd_step")


def momentum_step(param, grad, velocity, lr, momentum=0.9, dampening=0.0, weight_decay=0.0):
    """SGD with momentum, as torch.optim.SGD(momentum=momentum, dampening=dampening).

    g = grad + weight_decay * param
    velocity = g                                          on the first step (velocity is None)
    velocity = momentum * velocity + (1 - dampening) * g  afterwards
    param = param - lr * velocity

    Args:
        param, grad: arrays of the same shape.
        velocity: the momentum buffer from the previous step, or None before the first.
        lr, momentum, dampening, weight_decay: hyperparameters.
    Returns:
        (param, velocity): new arrays.

    Pitfall: PyTorch's velocity accumulates gradients (v = mu v + g) and multiplies
    by lr afterwards; the textbook form v = mu v - lr g gives the same path only for
    a constant lr. On the first step PyTorch copies g into the buffer (no dampening).
    Read: docs/ann/optimizers.md
    """
    raise NotImplementedError("momentum_step")


def nesterov_step(param, grad, velocity, lr, momentum=0.9, weight_decay=0.0):
    """SGD with Nesterov momentum, as torch.optim.SGD(momentum=momentum, nesterov=True).

    g = grad + weight_decay * param
    velocity = g if velocity is None else momentum * velocity + g
    param = param - lr * (g + momentum * velocity)

    Args:
        param, grad: arrays of the same shape.
        velocity: the momentum buffer, or None before the first step.
        lr, momentum, weight_decay: hyperparameters.
    Returns:
        (param, velocity): new arrays.

    Pitfall: the step uses g + momentum * velocity (a look-ahead), not velocity
    alone as plain momentum does.
    Read: docs/ann/optimizers.md
    """
    raise NotImplementedError("nesterov_step")


def adagrad_step(param, grad, sum_sq, lr=0.01, eps=1e-10):
    """AdaGrad, as torch.optim.Adagrad(lr=lr, eps=eps).

    sum_sq = sum_sq + grad**2           (sum_sq is None -> zeros before the first step)
    param = param - lr * grad / (sqrt(sum_sq) + eps)

    Args:
        param, grad: arrays of the same shape.
        sum_sq: running sum of squared gradients, or None before the first step.
        lr, eps: hyperparameters.
    Returns:
        (param, sum_sq): new arrays.

    Pitfall: eps is added AFTER the square root, as PyTorch does; sqrt(sum_sq + eps)
    differs visibly when gradients are small.
    Read: docs/ann/optimizers.md
    """
    raise NotImplementedError("adagrad_step")


def rmsprop_step(param, grad, square_avg, lr=0.01, alpha=0.99, eps=1e-8):
    """RMSProp, as torch.optim.RMSprop(lr=lr, alpha=alpha, eps=eps).

    square_avg = alpha * square_avg + (1 - alpha) * grad**2   (None -> zeros)
    param = param - lr * grad / (sqrt(square_avg) + eps)

    Args:
        param, grad: arrays of the same shape.
        square_avg: running average of squared gradients, or None before the first step.
        lr, alpha, eps: hyperparameters.
    Returns:
        (param, square_avg): new arrays.

    Pitfall: alpha weights the OLD average; (1 - alpha) weights the new squared
    gradient. Swapping them makes the average forget almost at once.
    Read: docs/ann/optimizers.md
    """
    raise NotImplementedError("rmsprop_step")


def adam_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    """Adam, as torch.optim.Adam (weight_decay adds an L2 term to the gradient).

    g = grad + weight_decay * param
    m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g**2   (None -> zeros)
    m_hat = m / (1 - beta1**t);  v_hat = v / (1 - beta2**t)
    param = param - lr * m_hat / (sqrt(v_hat) + eps)

    Args:
        param, grad: arrays of the same shape.
        m, v: first and second moment estimates, or None before the first step.
        t: the step number, counting from 1.
        lr, beta1, beta2, eps, weight_decay: hyperparameters.
    Returns:
        (param, m, v): new arrays.

    Pitfall: leaving out the bias correction (the 1 - beta**t factors) does not make
    the first steps tiny but too LARGE: v starts at zero too and sits under a square
    root, so with the default betas step 1 is 0.1 / sqrt(0.001) ~ 3.16 times too long.
    Read: docs/ann/optimizers.md
    """
    raise NotImplementedError("adam_step")


def adamw_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    """AdamW, as torch.optim.AdamW: decoupled weight decay, then Adam without L2.

    param = param * (1 - lr * weight_decay), then the adam_step update with grad.

    Args:
        param, grad: arrays of the same shape.
        m, v: moment estimates, or None before the first step.
        t: the step number, counting from 1.
        lr, beta1, beta2, eps, weight_decay: hyperparameters.
    Returns:
        (param, m, v): new arrays.

    Pitfall: adding weight_decay * param to the gradient (Adam's L2) is NOT AdamW:
    the adaptive denominator then rescales the decay too.
    Read: docs/ann/regularization.md
    """
    raise NotImplementedError("adamw_step")


def step_decay(epoch, lr0, step_size, gamma=0.1):
    """Learning rate of torch.optim.lr_scheduler.StepLR: lr0 * gamma ** (epoch // step_size).

    Args:
        epoch: epoch number, from 0.
        lr0: initial learning rate.
        step_size: epochs between decays.
        gamma: factor applied at each decay.
    Returns:
        the learning rate as a Python float.

    Pitfall: integer division: the rate changes only every step_size epochs.
    Read: docs/ann/optimizers.md
    """
    raise NotImplementedError("step_decay")


def cosine_annealing(epoch, lr0, t_max, eta_min=0.0):
    """Learning rate of torch CosineAnnealingLR for 0 <= epoch <= t_max.

    eta_min + (lr0 - eta_min) * (1 + cos(pi * epoch / t_max)) / 2

    Args:
        epoch: epoch number, from 0.
        lr0: initial learning rate.
        t_max: epochs of the half cosine.
        eta_min: the final learning rate.
    Returns:
        the learning rate as a Python float.

    Pitfall: at epoch = t_max the rate is eta_min, not 0.
    Read: docs/ann/optimizers.md
    """
    raise NotImplementedError("cosine_annealing")


def linear_warmup(epoch, lr0, warmup_epochs, start_factor=0.1):
    """Learning rate of torch LinearLR(start_factor, end_factor=1.0, total_iters=warmup_epochs).

    lr0 * (start_factor + (1 - start_factor) * min(epoch, warmup_epochs) / warmup_epochs)

    Args:
        epoch: epoch number, from 0.
        lr0: the learning rate after warm-up.
        warmup_epochs: epochs to reach lr0.
        start_factor: fraction of lr0 at epoch 0.
    Returns:
        the learning rate as a Python float.

    Pitfall: after warm-up the rate stays at lr0; do not keep growing it.
    Read: docs/ann/optimizers.md
    """
    raise NotImplementedError("linear_warmup")
