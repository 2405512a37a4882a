"""Regularisation in the manner of "Neural Networks from Scratch": Layer_Dense carries its L1/L2
regularizer strengths and adds their gradients in backward (dL1 built as ones with -1 where the weight is
negative), Layer_Dropout draws a binomial mask scaled by 1 / rate, batch and layer norm are classes too.
The book's L2 term has no 1/2, its dL1 is +1 at 0 and its mask comes from np.random; the contract wants
lam / 2 * sum(W**2), sign(0) = 0 and the rng argument, as written here."""
import numpy as np


class Layer_Dropout:
    def __init__(self, rate):
        self.rate = 1 - rate  # the book keeps the success (keep) rate

    def forward(self, inputs, rng, training=True):
        self.inputs = inputs
        if not training:
            self.binary_mask = np.ones_like(inputs)
        elif self.rate == 0:
            self.binary_mask = np.zeros_like(inputs)
        else:
            self.binary_mask = rng.binomial(1, self.rate, size=inputs.shape) / self.rate
        self.output = inputs * self.binary_mask

    def backward(self, dvalues):
        self.dinputs = dvalues * self.binary_mask


class Regularizer:
    def __init__(self, weight_regularizer_l1=0.0, weight_regularizer_l2=0.0):
        self.weight_regularizer_l1 = weight_regularizer_l1
        self.weight_regularizer_l2 = weight_regularizer_l2

    def regularization_loss(self, weights):
        loss = 0
        if self.weight_regularizer_l1 > 0:
            loss += self.weight_regularizer_l1 * np.sum(np.abs(weights))
        if self.weight_regularizer_l2 > 0:
            loss += 0.5 * self.weight_regularizer_l2 * np.sum(weights * weights)
        return loss

    def dweights(self, weights):
        dweights = np.zeros_like(weights, dtype=float)
        if self.weight_regularizer_l1 > 0:
            dL1 = np.ones_like(weights, dtype=float)
            dL1[weights < 0] = -1
            dL1[weights == 0] = 0
            dweights += self.weight_regularizer_l1 * dL1
        if self.weight_regularizer_l2 > 0:
            dweights += self.weight_regularizer_l2 * weights
        return dweights


class Layer_BatchNorm:
    def __init__(self, gamma, beta, momentum, eps):
        self.gamma, self.beta, self.momentum, self.eps = gamma, beta, momentum, eps

    def forward(self, inputs, mean, var, training):
        self.training = training
        self.mean, self.var = (inputs.mean(axis=0), inputs.var(axis=0)) if training else (mean, var)
        self.inv_std = 1.0 / np.sqrt(self.var + self.eps)
        self.normalized = (inputs - self.mean) * self.inv_std
        self.output = self.gamma * self.normalized + self.beta

    def backward(self, dvalues):
        self.dgamma = np.sum(dvalues * self.normalized, axis=0)
        self.dbeta = np.sum(dvalues, axis=0)
        dnorm = dvalues * self.gamma
        if not self.training:
            self.dinputs = dnorm * self.inv_std
            return
        n = dvalues.shape[0]
        self.dinputs = self.inv_std / n * (n * dnorm - dnorm.sum(axis=0)
                                           - self.normalized * np.sum(dnorm * self.normalized, axis=0))


class Layer_LayerNorm:
    def __init__(self, gamma, beta, eps):
        self.gamma, self.beta, self.eps = gamma, beta, eps

    def forward(self, inputs):
        mean = inputs.mean(axis=-1, keepdims=True)
        self.inv_std = 1.0 / np.sqrt(inputs.var(axis=-1, keepdims=True) + self.eps)
        self.normalized = (inputs - mean) * self.inv_std
        self.output = self.gamma * self.normalized + self.beta

    def backward(self, dvalues):
        d = dvalues.shape[-1]
        dnorm = dvalues * self.gamma
        self.dinputs = self.inv_std / d * (d * dnorm - dnorm.sum(axis=-1, keepdims=True)
                                           - self.normalized * np.sum(dnorm * self.normalized, axis=-1, keepdims=True))
        self.dgamma = np.sum(dvalues * self.normalized, axis=0)
        self.dbeta = np.sum(dvalues, axis=0)


def dropout_forward(x, p, rng, training=True):
    layer = Layer_Dropout(p)
    layer.forward(x, rng, training)
    return layer.output, layer.binary_mask


def dropout_backward(dout, mask):
    return dout * mask


def l2_penalty(weights, lam):
    return sum(Regularizer(weight_regularizer_l2=lam).regularization_loss(w) for w in weights)


def l2_grad(weights, lam):
    return [Regularizer(weight_regularizer_l2=lam).dweights(w) for w in weights]


def l1_penalty(weights, lam):
    return sum(Regularizer(weight_regularizer_l1=lam).regularization_loss(w) for w in weights)


def l1_grad(weights, lam):
    return [Regularizer(weight_regularizer_l1=lam).dweights(w) for w in weights]


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    layer = Layer_BatchNorm(gamma, beta, momentum, eps)
    layer.forward(x, running_mean, running_var, training)
    if training:
        n = x.shape[0]
        running_mean = (1 - momentum) * running_mean + momentum * layer.mean
        running_var = (1 - momentum) * running_var + momentum * layer.var * n / (n - 1)
    else:
        running_mean, running_var = running_mean.copy(), running_var.copy()
    return layer.output, running_mean, running_var, layer


def batchnorm_backward(dout, cache):
    cache.backward(dout)
    return cache.dinputs, cache.dgamma, cache.dbeta


def layernorm_forward(x, gamma, beta, eps=1e-5):
    layer = Layer_LayerNorm(gamma, beta, eps)
    layer.forward(x)
    return layer.output, layer


def layernorm_backward(dout, cache):
    cache.backward(dout)
    return cache.dinputs, cache.dgamma, cache.dbeta
