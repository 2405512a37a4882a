"""Regularization with Fortran-ordered results, strided views, lists for tuples, and 0-d array penalties."""
import numpy as np

F = np.asfortranarray


def dropout_forward(x, p, rng, training=True):
    if not training:
        return [np.copy(x, order="F"), np.ones(x.shape, order="F")]
    scale = 0.0 if p >= 1.0 else 1.0 / (1.0 - p)
    mask = F((rng.random(x.shape) >= p) * scale)
    return [F(x * mask), mask]


def dropout_backward(dout, mask):
    return (dout.T * mask.T).T


def l2_penalty(weights, lam):
    return np.asarray(lam * 0.5 * sum(float(np.vdot(w, w)) for w in weights))


def l2_grad(weights, lam):
    return [F(lam * w) for w in weights]


def l1_penalty(weights, lam):
    return np.array(lam * sum(np.abs(w).sum() for w in weights))


def l1_grad(weights, lam):
    grads = []
    for w in weights:
        both = np.stack([lam * np.sign(w), np.zeros_like(w)], axis=-1)
        grads.append(both[..., 0])  # a strided view of our own array
    return grads


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    n = x.shape[0]
    if training:
        mu, var = x.mean(axis=0), x.var(axis=0)
        new_mean = (1.0 - momentum) * running_mean + momentum * mu
        new_var = (1.0 - momentum) * running_var + momentum * x.var(axis=0, ddof=1)
    else:
        mu, var = running_mean, running_var
        new_mean, new_var = running_mean[::-1].copy()[::-1], running_var[::-1].copy()[::-1]  # reversed views
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    out = F(gamma * x_hat + beta)
    return [out, new_mean, new_var, (x_hat, gamma, inv_std, training, n)]


def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std, training, n = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    if training:
        dx = (gamma * inv_std / n) * (n * dout - dbeta - x_hat * dgamma)
    else:
        dx = gamma * inv_std * dout
    return F(dx), dgamma, dbeta


def layernorm_forward(x, gamma, beta, eps=1e-5):
    xt = x.T  # features along axis 0, samples along axis 1
    mu = xt.mean(axis=0)
    inv_std = 1.0 / np.sqrt(xt.var(axis=0) + eps)
    x_hat = ((xt - mu) * inv_std).T
    return [gamma * x_hat + beta, (x_hat, gamma, inv_std[:, None])]


def layernorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    d = dout.shape[1]
    g = dout * gamma
    dx = inv_std / d * (d * g - g.sum(axis=1, keepdims=True) - x_hat * (g * x_hat).sum(axis=1, keepdims=True))
    return F(dx), (dout * x_hat).T.sum(axis=1), dout.T.sum(axis=1)
