"""Dropout, weight decay and normalisation in the manner of "Deep Learning from Scratch": layer classes
with forward(x, train_flg) and backward(dout), the state (mask, running statistics, the centred input)
kept on the object. The book draws its mask with np.random.rand and scales at test time; the contract
wants inverted dropout from rng, torch's momentum and the unbiased running variance, done here."""
import numpy as np


class Dropout:
    def __init__(self, dropout_ratio=0.5, rng=None):
        self.dropout_ratio, self.rng = dropout_ratio, rng
        self.mask = None

    def forward(self, x, train_flg=True):
        if train_flg:
            keep = self.rng.random(x.shape) > self.dropout_ratio
            scale = 0.0 if self.dropout_ratio >= 1 else 1.0 / (1.0 - self.dropout_ratio)
            self.mask = keep * scale
            return x * self.mask
        self.mask = np.ones_like(x)
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask


class BatchNormalization:
    def __init__(self, gamma, beta, momentum=0.9, running_mean=None, running_var=None, eps=1e-5):
        self.gamma, self.beta, self.momentum, self.eps = gamma, beta, momentum, eps
        self.running_mean, self.running_var = running_mean, running_var
        self.batch_size = self.xc = self.xn = self.std = None
        self.train_flg = True

    def forward(self, x, train_flg=True):
        self.train_flg = train_flg
        if train_flg:
            mu = x.mean(axis=0)
            xc = x - mu
            var = np.mean(xc ** 2, axis=0)
            std = np.sqrt(var + self.eps)
            xn = xc / std
            self.batch_size, self.xc, self.xn, self.std = x.shape[0], xc, xn, std
            unbiased = var * x.shape[0] / (x.shape[0] - 1)
            self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mu
            self.running_var = self.momentum * self.running_var + (1 - self.momentum) * unbiased
        else:
            self.std = np.sqrt(self.running_var + self.eps)
            xn = (x - self.running_mean) / self.std
            self.xn = xn
            self.running_mean, self.running_var = self.running_mean.copy(), self.running_var.copy()
        return self.gamma * xn + self.beta

    def backward(self, dout):
        dbeta = dout.sum(axis=0)
        dgamma = np.sum(self.xn * dout, axis=0)
        dxn = self.gamma * dout
        if not self.train_flg:
            return dxn / self.std, dgamma, dbeta
        dxc = dxn / self.std
        dstd = -np.sum((dxn * self.xc) / (self.std * self.std), axis=0)
        dvar = 0.5 * dstd / self.std
        dxc += (2.0 / self.batch_size) * self.xc * dvar
        dmu = np.sum(dxc, axis=0)
        dx = dxc - dmu / self.batch_size
        return dx, dgamma, dbeta


class LayerNormalization:
    def __init__(self, gamma, beta, eps=1e-5):
        self.gamma, self.beta, self.eps = gamma, beta, eps

    def forward(self, x):
        mu = x.mean(axis=1, keepdims=True)
        self.xc = x - mu
        self.std = np.sqrt(np.mean(self.xc ** 2, axis=1, keepdims=True) + self.eps)
        self.xn = self.xc / self.std
        return self.gamma * self.xn + self.beta

    def backward(self, dout):
        D = dout.shape[1]
        dxn = self.gamma * dout
        dxc = dxn / self.std
        dstd = -np.sum(dxn * self.xc / (self.std * self.std), axis=1, keepdims=True)
        dvar = 0.5 * dstd / self.std
        dxc += (2.0 / D) * self.xc * dvar
        dx = dxc - np.sum(dxc, axis=1, keepdims=True) / D
        return dx, np.sum(self.xn * dout, axis=0), dout.sum(axis=0)


def dropout_forward(x, p, rng, training=True):
    layer = Dropout(p, rng)
    return layer.forward(x, training), layer.mask


def dropout_backward(dout, mask):
    return dout * mask


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    layer = BatchNormalization(gamma, beta, 1.0 - momentum, running_mean, running_var, eps)
    out = layer.forward(x, training)
    return out, layer.running_mean, layer.running_var, layer


def batchnorm_backward(dout, cache):
    return cache.backward(dout)


def layernorm_forward(x, gamma, beta, eps=1e-5):
    layer = LayerNormalization(gamma, beta, eps)
    return layer.forward(x), layer


def layernorm_backward(dout, cache):
    return cache.backward(dout)


# The book adds weight decay to the loss as 0.5 * lambda * sum(W ** 2) over the layers, and
# lambda * W to each weight's gradient; L1 written the same way.
def l2_penalty(weights, lam):
    weight_decay = 0
    for W in weights:
        weight_decay += 0.5 * lam * np.sum(W ** 2)
    return weight_decay


def l2_grad(weights, lam):
    return [lam * W for W in weights]


def l1_penalty(weights, lam):
    decay = 0
    for W in weights:
        decay += lam * np.sum(np.abs(W))
    return decay


def l1_grad(weights, lam):
    return [lam * np.sign(W) for W in weights]
