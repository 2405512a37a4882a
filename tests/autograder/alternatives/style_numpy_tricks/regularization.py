"""Regularization with np.where, np.heaviside and np.einsum reductions."""
import numpy as np


def dropout_forward(x, p, rng, training=True):
    if not training:
        return np.array(x, copy=True), np.ones_like(x)
    keep = rng.random(x.shape) >= p
    mask = np.where(keep, 1.0 / (1.0 - p) if p < 1 else 0.0, 0.0)
    return np.where(keep, x * mask, 0.0), mask


def dropout_backward(dout, mask):
    return np.einsum("...,...->...", dout, mask)


def l2_penalty(weights, lam):
    return 0.5 * lam * sum(np.einsum("i,i->", w.ravel(), w.ravel()) for w in weights)


def l2_grad(weights, lam):
    return list(map(lambda w: np.multiply(lam, w), weights))


def l1_penalty(weights, lam):
    return lam * np.abs(np.concatenate([w.ravel() for w in weights])).sum()


def l1_grad(weights, lam):
    return [lam * (np.heaviside(w, 0.0) - np.heaviside(-w, 0.0)) for w in weights]


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    n = x.shape[0]
    if training:
        mu = np.einsum("nd->d", x) / n
        centred = x - mu
        var = np.einsum("nd,nd->d", centred, centred) / n
        new_mean = np.add((1 - momentum) * running_mean, momentum * mu)
        new_var = np.add((1 - momentum) * running_var, momentum * var * (n / (n - 1)))
    else:
        mu, var = running_mean, running_var
        new_mean, new_var = np.copy(running_mean), np.copy(running_var)
    inv_std = np.reciprocal(np.sqrt(var + eps))
    x_hat = np.einsum("nd,d->nd", x - mu, inv_std)
    return np.einsum("nd,d->nd", x_hat, gamma) + beta, new_mean, new_var, {"x_hat": x_hat, "gamma": gamma,
                                                                            "inv_std": inv_std, "training": training}


def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache["x_hat"], cache["gamma"], cache["inv_std"]
    dbeta = np.einsum("nd->d", dout)
    dgamma = np.einsum("nd,nd->d", dout, x_hat)
    if not cache["training"]:
        return np.einsum("nd,d->nd", dout, gamma * inv_std), dgamma, dbeta
    n = dout.shape[0]
    return (gamma * inv_std) * (dout - dbeta / n - x_hat * (dgamma / n)), dgamma, dbeta


def layernorm_forward(x, gamma, beta, eps=1e-5):
    d = x.shape[1]
    centred = x - np.einsum("nd->n", x)[:, None] / d
    inv_std = 1.0 / np.sqrt(np.einsum("nd,nd->n", centred, centred)[:, None] / d + eps)
    x_hat = centred * inv_std
    return x_hat * gamma + beta, (x_hat, gamma, inv_std)


def layernorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=1, keepdims=True) - x_hat * np.mean(g * x_hat, axis=1, keepdims=True))
    return dx, np.einsum("nd,nd->d", dout, x_hat), np.einsum("nd->d", dout)
