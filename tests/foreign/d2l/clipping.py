"""Gradient clipping in the manner of d2l's grad_clipping: the norm as the square root of a Python sum of
squared sums over the parameters, then every gradient scaled by theta / norm when the norm is larger
(here as new arrays, and with torch's 1e-6 in the denominator, as the contract says)."""
import numpy as np


def grad_norm(grads, norm_type=2.0):
    if norm_type == float("inf"):
        return max([float(np.abs(g).max()) for g in grads if g.size] + [0.0])
    return float(sum(np.sum(np.abs(g) ** norm_type) for g in grads) ** (1.0 / norm_type))


def clip_by_global_norm(grads, max_norm, norm_type=2.0):
    norm = grad_norm(grads, norm_type)
    scale = max_norm / (norm + 1e-6)
    if scale < 1:
        return [g * scale for g in grads], norm
    return [g.copy() for g in grads], norm


def clip_by_norm(grad, max_norm):
    clipped, _ = clip_by_global_norm([grad], max_norm)
    return clipped[0]


def clip_by_value(grads, clip_value):
    return [np.minimum(np.maximum(g, -clip_value), clip_value) for g in grads]
