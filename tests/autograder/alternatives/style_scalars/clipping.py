"""Clipping with np.float64 running totals and np.linalg.norm."""
import numpy as np


def clip_by_value(grads, clip_value):
    return [np.minimum(np.maximum(g, -clip_value), clip_value) for g in grads]


def clip_by_norm(grad, max_norm):
    norm = np.linalg.norm(grad.ravel())
    return grad * np.minimum(1.0, max_norm / (norm + 1e-6))


def clip_by_global_norm(grads, max_norm, norm_type=2.0):
    if np.isinf(norm_type):
        total_norm = np.max([np.max(np.abs(g)) for g in grads if g.size] + [np.float64(0.0)])
    else:
        total = np.float64(0.0)
        for g in grads:
            total += np.sum(np.abs(g) ** norm_type)
        total_norm = total ** (1.0 / norm_type)
    scale = np.minimum(1.0, max_norm / (total_norm + 1e-6))
    return [g * scale for g in grads], total_norm
