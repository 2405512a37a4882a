"""A dense network in the manner of the deeplearning.ai courses: examples are COLUMNS (A has shape
(n, m)), W of layer l is (n_l, n_{l-1}) and Z = W A + b with b a column; caches are (A_prev, W, b) and
(Z,), the loss is the cost over m examples. The contract's batch-first arrays are transposed on the way
in and out, and W is the transpose of the contract's (D, M) weight. The course's linear_backward divides
by m because its dZ is per example; here the 1/m sits in dZ = (AL - Y) / m, so that dense_backward is the
gradient for a given upstream gradient, as the contract says."""
import numpy as np


def linear_forward(A, W, b):
    Z = np.dot(W, A) + b
    cache = (A, W, b)
    return Z, cache


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    dW = np.dot(dZ, A_prev.T)
    db = np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def activation_forward(Z, activation):
    if activation == "relu":
        A = np.maximum(0, Z)
    elif activation == "leaky_relu":
        A = np.maximum(0.01 * Z, Z)
    elif activation == "tanh":
        A = np.tanh(Z)
    elif activation == "sigmoid":
        A = 0.5 * (1 + np.tanh(0.5 * Z))
    else:
        raise ValueError("activation must be relu, leaky_relu, tanh or sigmoid")
    return A, Z


def activation_backward(dA, Z, activation):
    if activation == "relu":
        return dA * (Z > 0)
    if activation == "leaky_relu":
        return dA * np.where(Z > 0, 1.0, 0.01)
    if activation == "tanh":
        return dA * (1 - np.tanh(Z) ** 2)
    s = 0.5 * (1 + np.tanh(0.5 * Z))
    return dA * s * (1 - s)


def dense_forward(x, W, b):
    Z, cache = linear_forward(x.T, W.T, b.reshape(-1, 1))
    return Z.T, cache


def dense_backward(dout, cache):
    dA_prev, dW, db = linear_backward(dout.T, cache)
    return dA_prev.T, dW.T, db.ravel()


def mlp_loss_and_grads(params, x, y, activation="relu"):
    if activation not in ("relu", "leaky_relu", "tanh", "sigmoid"):
        raise ValueError("activation must be relu, leaky_relu, tanh or sigmoid")
    L = len(params) // 2
    m = x.shape[0]
    A = x.T
    caches = []
    for l in range(1, L + 1):
        Z, linear_cache = linear_forward(A, params["W" + str(l)].T, params["b" + str(l)].reshape(-1, 1))
        if l < L:
            A, activation_cache = activation_forward(Z, activation)
        else:
            A, activation_cache = Z, Z
        caches.append((linear_cache, activation_cache))
    ZL = A - np.max(A, axis=0, keepdims=True)
    log_AL = ZL - np.log(np.sum(np.exp(ZL), axis=0, keepdims=True))
    Y = np.zeros_like(ZL)
    Y[y, np.arange(m)] = 1
    cost = -np.sum(Y * log_AL) / m
    dZ = (np.exp(log_AL) - Y) / m
    grads = {}
    for l in reversed(range(1, L + 1)):
        linear_cache, activation_cache = caches[l - 1]
        if l < L:
            dZ = activation_backward(dA, activation_cache, activation)
        dA, dW, db = linear_backward(dZ, linear_cache)
        grads["W" + str(l)] = dW.T
        grads["b" + str(l)] = db.ravel()
    return cost, grads
