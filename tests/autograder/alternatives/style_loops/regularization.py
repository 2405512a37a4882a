"""Regularization with loops: a draw per unit, a column (or row) at a time for the norms."""
import math

import numpy as np


def dropout_forward(x, p, rng, training=True):
    out, mask = np.zeros(x.shape), np.ones(x.shape)
    if not training:
        return x.copy(), mask
    for i in np.ndindex(x.shape):
        if p >= 1 or rng.random() < p:
            mask[i] = 0.0
        else:
            mask[i] = 1 / (1 - p)
        out[i] = x[i] * mask[i]
    return out, mask


def dropout_backward(dout, mask):
    dx = np.empty(dout.shape)
    for i in np.ndindex(dout.shape):
        dx[i] = dout[i] * mask[i]
    return dx


def l2_penalty(weights, lam):
    total = 0.0
    for w in weights:
        for v in w.flat:
            total += float(v) ** 2
    return lam / 2 * total


def l2_grad(weights, lam):
    grads = []
    for w in weights:
        g = np.empty(w.shape)
        for i in np.ndindex(w.shape):
            g[i] = lam * w[i]
        grads.append(g)
    return grads


def l1_penalty(weights, lam):
    total = 0.0
    for w in weights:
        for v in w.flat:
            total += abs(float(v))
    return lam * total


def l1_grad(weights, lam):
    grads = []
    for w in weights:
        g = np.empty(w.shape)
        for i in np.ndindex(w.shape):
            g[i] = lam * (float(w[i] > 0) - float(w[i] < 0))
        grads.append(g)
    return grads


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    n, d = x.shape
    out = np.empty((n, d))
    new_mean, new_var, x_hat, inv_std = np.empty(d), np.empty(d), np.empty((n, d)), np.empty(d)
    for j in range(d):
        column = [float(v) for v in x[:, j]]
        if training:
            mu = sum(column) / n
            square = sum((v - mu) ** 2 for v in column)
            var = square / n
            new_mean[j] = (1 - momentum) * running_mean[j] + momentum * mu
            new_var[j] = (1 - momentum) * running_var[j] + momentum * square / (n - 1)
        else:
            mu, var = running_mean[j], running_var[j]
            new_mean[j], new_var[j] = running_mean[j], running_var[j]
        inv_std[j] = 1 / math.sqrt(var + eps)
        for i in range(n):
            x_hat[i, j] = (column[i] - mu) * inv_std[j]
            out[i, j] = gamma[j] * x_hat[i, j] + beta[j]
    return out, new_mean, new_var, [x_hat, gamma, inv_std, training]


def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std, training = cache
    n, d = dout.shape
    dx, dgamma, dbeta = np.empty((n, d)), np.empty(d), np.empty(d)
    for j in range(d):
        dbeta[j] = sum(dout[:, j])
        dgamma[j] = sum(dout[i, j] * x_hat[i, j] for i in range(n))
        for i in range(n):
            if training:
                dx[i, j] = gamma[j] * inv_std[j] / n * (n * dout[i, j] - dbeta[j] - x_hat[i, j] * dgamma[j])
            else:
                dx[i, j] = gamma[j] * inv_std[j] * dout[i, j]
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, eps=1e-5):
    n, d = x.shape
    out, x_hat, inv_std = np.empty((n, d)), np.empty((n, d)), np.empty(n)
    for i in range(n):
        mu = sum(x[i]) / d
        var = sum((x[i] - mu) ** 2) / d
        inv_std[i] = 1 / math.sqrt(var + eps)
        x_hat[i] = (x[i] - mu) * inv_std[i]
        out[i] = gamma * x_hat[i] + beta
    return out, [x_hat, gamma, inv_std]


def layernorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    n, d = dout.shape
    dx = np.empty((n, d))
    for i in range(n):
        g = dout[i] * gamma
        dx[i] = inv_std[i] / d * (d * g - sum(g) - x_hat[i] * sum(g * x_hat[i]))
    dgamma, dbeta = np.zeros(d), np.zeros(d)
    for i in range(n):
        dgamma += dout[i] * x_hat[i]
        dbeta += dout[i]
    return dx, dgamma, dbeta
