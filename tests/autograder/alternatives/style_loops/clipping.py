"""Clipping with loops and math: the norms are plain Python floats."""
import math

import numpy as np


def clip_by_value(grads, clip_value):
    clipped = []
    for g in grads:
        c = np.array(g, dtype=float)
        for index in np.ndindex(c.shape):
            c[index] = min(max(c[index], -clip_value), clip_value)
        clipped.append(c)
    return clipped


def clip_by_norm(grad, max_norm):
    norm = math.sqrt(sum(float(v) ** 2 for v in grad.flat))
    scale = min(1.0, max_norm / (norm + 1e-6))
    return grad * scale


def clip_by_global_norm(grads, max_norm, norm_type=2.0):
    if norm_type == math.inf:
        total_norm = 0.0
        for g in grads:
            for v in g.flat:
                total_norm = max(total_norm, abs(float(v)))
    else:
        total = 0.0
        for g in grads:
            for v in g.flat:
                total += abs(float(v)) ** norm_type
        total_norm = total ** (1.0 / norm_type)
    scale = min(1.0, max_norm / (total_norm + 1e-6))
    clipped = []
    for g in grads:
        clipped.append(g * scale)
    return clipped, total_norm
