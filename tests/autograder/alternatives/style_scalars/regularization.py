"""Regularization with np.float64 totals and the long-form (textbook) normalisation gradients."""
import numpy as np


def dropout_forward(x, p, rng, training=True):
    if not training:
        return x.copy(), np.ones(x.shape)
    if p >= 1:
        return np.zeros(x.shape), np.zeros(x.shape)
    mask = np.where(rng.uniform(size=x.shape) < p, 0.0, 1.0 / (1.0 - p))
    return x * mask, mask


def dropout_backward(dout, mask):
    return np.multiply(dout, mask)


def l2_penalty(weights, lam):
    total = np.float64(0.0)
    for w in weights:
        total += np.sum(w ** 2)
    return lam / 2 * total


def l2_grad(weights, lam):
    return [w * lam for w in weights]


def l1_penalty(weights, lam):
    return lam * np.sum([np.abs(w).sum() for w in weights])


def l1_grad(weights, lam):
    return [lam * ((w > 0) * 1.0 - (w < 0)) for w in weights]


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    if training:
        mu, var = np.mean(x, axis=0), np.var(x, axis=0)
        new_mean = (1 - momentum) * running_mean + momentum * mu
        new_var = (1 - momentum) * running_var + momentum * np.var(x, axis=0, ddof=1)
    else:
        mu, var = running_mean, running_var
        new_mean, new_var = running_mean.copy(), running_var.copy()
    out = gamma * (x - mu) / np.sqrt(var + eps) + beta
    return out, new_mean, new_var, (x, mu, var, eps, gamma, training)


def batchnorm_backward(dout, cache):
    x, mu, var, eps, gamma, training = cache
    n = x.shape[0]
    std = np.sqrt(var + eps)
    x_hat = (x - mu) / std
    dgamma = np.sum(dout * x_hat, axis=0)
    dbeta = np.sum(dout, axis=0)
    dx_hat = dout * gamma
    if not training:
        return dx_hat / std, dgamma, dbeta
    dvar = np.sum(dx_hat * (x - mu), axis=0) * -0.5 * (var + eps) ** -1.5
    dmu = -np.sum(dx_hat, axis=0) / std + dvar * np.mean(-2.0 * (x - mu), axis=0)
    return dx_hat / std + dvar * 2.0 * (x - mu) / n + dmu / n, dgamma, dbeta


def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = np.mean(x, axis=1, keepdims=True)
    var = np.var(x, axis=1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, mu, var, eps, gamma)


def layernorm_backward(dout, cache):
    x, mu, var, eps, gamma = cache
    d = x.shape[1]
    std = np.sqrt(var + eps)
    x_hat = (x - mu) / std
    dx_hat = dout * gamma
    dvar = np.sum(dx_hat * (x - mu), axis=1, keepdims=True) * -0.5 * (var + eps) ** -1.5
    dmu = -np.sum(dx_hat, axis=1, keepdims=True) / std + dvar * np.mean(-2.0 * (x - mu), axis=1, keepdims=True)
    dx = dx_hat / std + dvar * 2.0 * (x - mu) / d + dmu / d
    return dx, np.sum(dout * x_hat, axis=0), np.sum(dout, axis=0)
