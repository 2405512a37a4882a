"""Clipping whose arrays come back as strided views or Fortran copies; the global norm as a 0-d array."""
import numpy as np


def clip_by_value(grads, clip_value):
    clipped = []
    for g in grads:
        both = np.stack([np.clip(g, -clip_value, clip_value)] * 2, axis=-1)
        clipped.append(both[..., 1])  # a strided view of our own array
    return clipped


def clip_by_norm(grad, max_norm):
    norm = np.sqrt((grad ** 2).sum())
    return np.asfortranarray(grad * min(1.0, max_norm / (norm + 1e-6)))


def clip_by_global_norm(grads, max_norm, norm_type=2.0):
    if norm_type == float("inf"):
        total_norm = max([np.abs(g).max() for g in grads if g.size], default=0.0)
    else:
        total_norm = sum(np.sum(np.abs(g) ** norm_type) for g in grads) ** (1.0 / norm_type)
    scale = min(1.0, max_norm / (total_norm + 1e-6))
    return [np.asfortranarray(g * scale) for g in grads], np.asarray(total_norm, dtype=float)
