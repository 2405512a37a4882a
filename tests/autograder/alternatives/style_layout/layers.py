"""Dense layers computed in the transposed (torch) orientation: results are .T of computed arrays."""
import numpy as np

import activations
import losses


def dense_forward(x, W, b):
    return (W.T @ x.T + b[:, None]).T, [x, W]


def dense_backward(dout, cache):
    x, W = cache
    return [(W @ dout.T).T, (dout.T @ x).T, dout.T.sum(axis=1)]


def mlp_loss_and_grads(params, x, y, activation="relu"):
    if activation not in ("relu", "sigmoid", "tanh", "leaky_relu"):
        raise ValueError(f"unknown activation {activation!r}")
    f = getattr(activations, activation)
    df = getattr(activations, f"{activation}_derivative")
    n_layers = len(params) // 2
    h, kept = x, []
    for l in range(1, n_layers + 1):
        z, cache = dense_forward(h, params[f"W{l}"], params[f"b{l}"])
        kept.append((z, cache))
        h = z if l == n_layers else f(z)
    dz = losses.softmax_cross_entropy_grad(h, y)
    grads = {}
    for l in range(n_layers, 0, -1):
        z, cache = kept[l - 1]
        if l < n_layers:
            dz = dz * df(z)
        dz, grads[f"W{l}"], grads[f"b{l}"] = dense_backward(dz, cache)
    return [losses.softmax_cross_entropy(h, y), grads]
