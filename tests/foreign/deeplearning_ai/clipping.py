"""Gradient clipping in the manner of the deeplearning.ai sequence-models code: the gradients are a dict
of named arrays clipped with np.clip, and their global norm is taken on one long vector (the course's
gradients_to_vector), with np.concatenate."""
import numpy as np


def clip(gradients, maxValue):
    clipped = {}
    for name, gradient in gradients.items():
        clipped[name] = np.clip(gradient, -maxValue, maxValue)
    return clipped


def clip_by_value(grads, clip_value):
    gradients = {"d%d" % i: g for i, g in enumerate(grads)}
    clipped = clip(gradients, clip_value)
    return [clipped["d%d" % i] for i in range(len(grads))]


def clip_by_norm(grad, max_norm):
    norm = np.linalg.norm(grad)
    return grad * min(1.0, max_norm / (norm + 1e-6))


def gradients_to_vector(grads):
    return np.concatenate([np.reshape(g, (-1, 1)) for g in grads], axis=0)


def clip_by_global_norm(grads, max_norm, norm_type=2.0):
    theta = gradients_to_vector(grads)
    if norm_type == float("inf"):
        total_norm = np.max(np.abs(theta))
    else:
        total_norm = np.sum(np.abs(theta) ** norm_type) ** (1.0 / norm_type)
    scale = min(1.0, max_norm / (total_norm + 1e-6))
    return [g * scale for g in grads], total_norm
