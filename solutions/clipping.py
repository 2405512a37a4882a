"""Gradient clipping: by value, by norm, and by the global norm of all gradients.

`grads` is a list of arrays (one per parameter); results are new arrays and the
inputs are left untouched.

Course page: docs/ann/gradient-clipping.md
"""
import numpy as np


def clip_by_value(grads, clip_value):
    """Clamp every element of every gradient to [-clip_value, clip_value].

    Matches torch.nn.utils.clip_grad_value_.

    Args:
        grads: list of float arrays of any shapes.
        clip_value: positive float.
    Returns:
        list of new arrays, same shapes as grads (an empty list for an empty list).

    Pitfall: clamping element-wise changes the DIRECTION of the gradient; that is
    what clip_by_norm avoids. np.clip(g, ..., out=g) would modify the caller's arrays.
    Read: docs/ann/gradient-clipping.md
    """
    return [np.clip(np.asarray(g, dtype=np.float64), -clip_value, clip_value) for g in grads]


def clip_by_norm(grad, max_norm):
    """Rescale one array so its L2 norm is at most max_norm.

    scale = min(1, max_norm / (||grad||_2 + 1e-6));  returns grad * scale.

    Args:
        grad: one float array of any shape.
        max_norm: positive float.
    Returns:
        new array of grad's shape (a zero-size array has norm 0 and comes back as it is).

    Pitfall: the norm is over ALL elements of the array (np.linalg.norm(grad) of
    a 2-D array is the Frobenius norm, which is right; axis=0 would give per-column
    norms). Gradients already below max_norm must come back unchanged.
    Read: docs/ann/gradient-clipping.md
    """
    grad = np.asarray(grad, dtype=np.float64)
    norm = np.sqrt(np.sum(grad * grad))
    return grad * min(1.0, max_norm / (norm + 1e-6))


def clip_by_global_norm(grads, max_norm, norm_type=2.0):
    """Scale ALL gradients by one common factor so their joint norm is at most max_norm.

    total_norm = the norm_type-norm of all elements of all arrays taken together
    (norm_type=float("inf"): the largest absolute element), computed BEFORE clipping;
    every array is multiplied by min(1, max_norm / (total_norm + 1e-6)).
    Matches torch.nn.utils.clip_grad_norm_.

    Args:
        grads: list of float arrays of any shapes.
        max_norm: positive float.
        norm_type: p of the p-norm: 1, 2 (default) or float("inf"), or any p > 0.
    Returns:
        (clipped, total_norm): a list of new arrays with grads' shapes, and the
        total norm before clipping as a Python float. No arrays: ([], 0.0). A
        zero-size array adds nothing to the norm, for every norm_type (for inf,
        where np.max of no elements raises, it counts as 0).

    Pitfall: clipping each array by its own norm (per-tensor) changes the relative
    sizes of the gradients; the global norm keeps the overall direction. Return
    the norm measured before clipping, not after.
    Read: docs/ann/gradient-clipping.md
    """
    grads = [np.asarray(g, dtype=np.float64) for g in grads]
    if not grads:
        return [], 0.0
    norm_type = float(norm_type)
    if norm_type == float("inf"):
        total_norm = max(float(np.max(np.abs(g))) if g.size else 0.0 for g in grads)
    else:
        total_norm = float(sum(np.sum(np.abs(g) ** norm_type) for g in grads) ** (1.0 / norm_type))
    scale = min(1.0, max_norm / (total_norm + 1e-6))
    return [g * scale for g in grads], total_norm
