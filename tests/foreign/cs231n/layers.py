"""Layer/cache functions in the manner of CS231n's assignment layers: every layer is a forward that returns
(out, cache) and a backward that unpacks that cache; the network is a loop over them."""
import numpy as np


def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    x, w, b = cache
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def nonlinear_forward(x, kind):
    if kind == "relu":
        out = np.maximum(0, x)
    elif kind == "leaky_relu":
        out = np.where(x > 0, x, 0.01 * x)
    elif kind == "tanh":
        out = np.tanh(x)
    elif kind == "sigmoid":
        out = np.exp(-np.logaddexp(0, -x))
    else:
        raise ValueError("Unknown activation: %s" % kind)
    return out, (x, out, kind)


def nonlinear_backward(dout, cache):
    x, out, kind = cache
    if kind == "relu":
        dx = dout * (x > 0)
    elif kind == "leaky_relu":
        dx = dout * np.where(x > 0, 1.0, 0.01)
    elif kind == "tanh":
        dx = dout * (1 - out ** 2)
    else:
        dx = dout * out * (1 - out)
    return dx


def softmax_loss(x, y):
    shifted_logits = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted_logits), axis=1, keepdims=True)
    log_probs = shifted_logits - np.log(Z)
    probs = np.exp(log_probs)
    N = x.shape[0]
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx


# The contract's names over the layer functions above.
def dense_forward(x, W, b):
    return affine_forward(x, W, b)


def dense_backward(dout, cache):
    return affine_backward(dout, cache)


def mlp_loss_and_grads(params, x, y, activation="relu"):
    if activation not in ("relu", "leaky_relu", "tanh", "sigmoid"):
        raise ValueError("Unknown activation: %s" % activation)
    num_layers = len([k for k in params if k[0] == "W"])
    caches = {}
    scores = x
    for i in range(1, num_layers + 1):
        scores, caches["affine%d" % i] = affine_forward(scores, params["W%d" % i], params["b%d" % i])
        if i < num_layers:
            scores, caches["act%d" % i] = nonlinear_forward(scores, activation)
    loss, dscores = softmax_loss(scores, y)
    grads = {}
    dout = dscores
    for i in reversed(range(1, num_layers + 1)):
        if i < num_layers:
            dout = nonlinear_backward(dout, caches["act%d" % i])
        dout, grads["W%d" % i], grads["b%d" % i] = affine_backward(dout, caches["affine%d" % i])
    return loss, grads
