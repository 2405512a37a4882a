"""Dense layers one sample at a time, and an MLP with a list of layer records."""
import numpy as np

from activations import leaky_relu, leaky_relu_derivative, relu, relu_derivative, sigmoid, sigmoid_derivative, tanh, \
    tanh_derivative
from losses import softmax_cross_entropy, softmax_cross_entropy_grad


def dense_forward(x, W, b):
    rows = []
    for sample in x:
        rows.append(sample @ W + b)
    return np.array(rows), [x, W]


def dense_backward(dout, cache):
    x, W = cache
    dx = np.zeros(x.shape)
    dW = np.zeros(W.shape)
    db = np.zeros(W.shape[1])
    for i in range(x.shape[0]):
        dx[i] = W @ dout[i]
        dW += np.outer(x[i], dout[i])
        db += dout[i]
    return dx, dW, db


def mlp_loss_and_grads(params, x, y, activation="relu"):
    if activation == "relu":
        f, df = relu, relu_derivative
    elif activation == "sigmoid":
        f, df = sigmoid, sigmoid_derivative
    elif activation == "tanh":
        f, df = tanh, tanh_derivative
    elif activation == "leaky_relu":
        f, df = leaky_relu, leaky_relu_derivative
    else:
        raise ValueError("unknown activation")
    L = 0
    while "W" + str(L + 1) in params:
        L += 1
    records = []
    a = x
    for l in range(1, L + 1):
        z, cache = dense_forward(a, params["W" + str(l)], params["b" + str(l)])
        records.append((z, cache))
        a = f(z) if l != L else z
    loss = softmax_cross_entropy(a, y)
    grads = {}
    d = softmax_cross_entropy_grad(a, y)
    for l in range(L, 0, -1):
        z, cache = records[l - 1]
        if l != L:
            d = d * df(z)
        d, dW, db = dense_backward(d, cache)
        grads["W" + str(l)] = dW
        grads["b" + str(l)] = db
    return loss, grads
