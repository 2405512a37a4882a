"""Dropout and normalisation in CS231n's manner: a param dict carries the mode ('train' or 'test'), the
running statistics live in the bn_param dict, and each forward returns (out, cache) for its backward.
CS231n's own dropout takes the KEEP probability and its running average weights the old value by
momentum; the wrappers below translate both to the contract (torch) conventions."""
import numpy as np


def dropout_forward_cs(x, dropout_param, rng):
    p, mode = dropout_param["p"], dropout_param["mode"]  # p: probability of keeping a unit
    if mode == "train":
        if p == 0:
            mask = np.zeros_like(x)
        else:
            mask = (rng.random(x.shape) < p) / p
        out = x * mask
    else:
        mask = np.ones_like(x)
        out = x.copy()
    return out, mask


def dropout_forward(x, p, rng, training=True):
    return dropout_forward_cs(x, {"p": 1.0 - p, "mode": "train" if training else "test"}, rng)


def dropout_backward(dout, mask):
    return dout * mask


def batchnorm_forward_cs(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)  # weight of the OLD running value, as CS231n
    running_mean, running_var = bn_param["running_mean"], bn_param["running_var"]
    N = x.shape[0]
    if mode == "train":
        sample_mean = x.mean(axis=0)
        sample_var = x.var(axis=0)
        x_hat = (x - sample_mean) / np.sqrt(sample_var + eps)
        out = gamma * x_hat + beta
        bn_param["running_mean"] = momentum * running_mean + (1 - momentum) * sample_mean
        bn_param["running_var"] = momentum * running_var + (1 - momentum) * sample_var * N / (N - 1)
        cache = ("train", x_hat, gamma, sample_var, eps)
    else:
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_hat + beta
        bn_param["running_mean"], bn_param["running_var"] = running_mean.copy(), running_var.copy()
        cache = ("test", x_hat, gamma, running_var, eps)
    return out, cache


def batchnorm_backward_cs(dout, cache):
    mode, x_hat, gamma, var, eps = cache
    N = dout.shape[0]
    dgamma = np.sum(dout * x_hat, axis=0)
    dbeta = np.sum(dout, axis=0)
    dx_hat = dout * gamma
    inv_std = 1.0 / np.sqrt(var + eps)
    if mode == "test":
        return dx_hat * inv_std, dgamma, dbeta
    dx = (1.0 / N) * inv_std * (N * dx_hat - np.sum(dx_hat, axis=0) - x_hat * np.sum(dx_hat * x_hat, axis=0))
    return dx, dgamma, dbeta


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    bn_param = {"mode": "train" if training else "test", "eps": eps, "momentum": 1.0 - momentum,
                "running_mean": running_mean, "running_var": running_var}
    out, cache = batchnorm_forward_cs(x, gamma, beta, bn_param)
    return out, bn_param["running_mean"], bn_param["running_var"], cache


def batchnorm_backward(dout, cache):
    return batchnorm_backward_cs(dout, cache)


def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    x_hat = (x - mu) / np.sqrt(var + eps)
    return gamma * x_hat + beta, (x_hat, gamma, var, eps)


def layernorm_backward(dout, cache):
    x_hat, gamma, var, eps = cache
    D = dout.shape[1]
    dx_hat = dout * gamma
    dx = (1.0 / D) / np.sqrt(var + eps) * (D * dx_hat - np.sum(dx_hat, axis=1, keepdims=True)
                                           - x_hat * np.sum(dx_hat * x_hat, axis=1, keepdims=True))
    return dx, np.sum(dout * x_hat, axis=0), np.sum(dout, axis=0)


# Penalties as the solver's loss adds them: 0.5 * reg * sum(W * W).
def l2_penalty(weights, lam):
    return 0.5 * lam * sum(np.sum(W * W) for W in weights)


def l2_grad(weights, lam):
    return [lam * W for W in weights]


def l1_penalty(weights, lam):
    return lam * sum(np.sum(np.abs(W)) for W in weights)


def l1_grad(weights, lam):
    return [lam * np.sign(W) for W in weights]
