"""Clipping with np.where, np.einsum and np.linalg.norm(ord=...) over the concatenated gradients."""
import numpy as np


def clip_by_value(grads, clip_value):
    return [np.where(np.abs(g) > clip_value, np.sign(g) * clip_value, g) for g in grads]


def clip_by_norm(grad, max_norm):
    flat = grad.ravel()
    norm = np.sqrt(np.einsum("i,i->", flat, flat))
    return grad * np.clip(max_norm / (norm + 1e-6), None, 1.0)


def clip_by_global_norm(grads, max_norm, norm_type=2.0):
    total_norm = np.linalg.norm(np.concatenate([np.zeros(0)] + [g.ravel() for g in grads]), ord=norm_type)
    scale = np.clip(max_norm / (total_norm + 1e-6), None, 1.0)
    return [g * scale for g in grads], total_norm
