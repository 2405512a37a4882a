"""Dense layers with .dot; the MLP loss comes back as the np.float64 that losses.py returns."""
import numpy as np

import activations
import losses


def dense_forward(x, W, b):
    return x.dot(W) + b, {"x": x, "W": W}


def dense_backward(dout, cache):
    return dout.dot(cache["W"].T), cache["x"].T.dot(dout), np.sum(dout, axis=0)


def mlp_loss_and_grads(params, x, y, activation="relu"):
    forward = getattr(activations, activation, None)
    backward = getattr(activations, activation + "_derivative", None)
    if activation not in ("relu", "sigmoid", "tanh", "leaky_relu"):
        raise ValueError(activation)
    layers = len(params) // 2
    zs, caches, h = [], [], x
    for l in range(1, layers + 1):
        z, cache = dense_forward(h, params["W%d" % l], params["b%d" % l])
        zs.append(z)
        caches.append(cache)
        h = forward(z) if l < layers else z
    loss = losses.softmax_cross_entropy(h, y)
    grads = {}
    dz = losses.softmax_cross_entropy_grad(h, y)
    for l in range(layers, 0, -1):
        if l < layers:
            dz = dz * backward(zs[l - 1])
        dz, grads["W%d" % l], grads["b%d" % l] = dense_backward(dz, caches[l - 1])
    return loss, grads
