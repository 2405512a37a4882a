"""Known mistakes in clipping.py (names resolve in that module: np)."""
# ruff: noqa: F821
from autograder.mistakes import mistake


@mistake("clipping.clip_by_value", "only the upper bound clamped",
         "Clamp both sides: np.clip(g, -clip_value, clip_value).")
def clip_by_value_upper_only(grads, clip_value):
    return [np.minimum(np.asarray(g, dtype=np.float64), clip_value) for g in grads]


@mistake("clipping.clip_by_norm", "gradient under max_norm rescaled anyway (scale = max_norm / norm)",
         "scale = min(1, max_norm / (norm + 1e-6)): a gradient already small enough is returned unchanged.")
def clip_by_norm_always(grad, max_norm):
    grad = np.asarray(grad, dtype=np.float64)
    return grad * (max_norm / (np.sqrt(np.sum(grad**2)) + 1e-6))


@mistake("clipping.clip_by_norm", "norm taken per column (axis=0) instead of over the whole array",
         "The norm is over all elements: np.sqrt(np.sum(grad ** 2)).")
def clip_by_norm_per_column(grad, max_norm):
    grad = np.asarray(grad, dtype=np.float64)
    norms = np.sqrt(np.sum(grad**2, axis=0, keepdims=True))
    return grad * np.minimum(1.0, max_norm / (norms + 1e-6))


@mistake("clipping.clip_by_global_norm", "per-tensor instead of global clipping",
         "Compute ONE norm over all arrays together and scale every array by the same factor.")
def clip_global_per_tensor(grads, max_norm, norm_type=2.0):
    grads = [np.asarray(g, dtype=np.float64) for g in grads]
    p = float(norm_type)
    norms = [np.max(np.abs(g)) if p == float("inf") else np.sum(np.abs(g) ** p) ** (1 / p) for g in grads]
    total = max(norms) if p == float("inf") else sum(n**p for n in norms) ** (1 / p)
    return [g * min(1.0, max_norm / (n + 1e-6)) for g, n in zip(grads, norms)], float(total)


@mistake("clipping.clip_by_global_norm", "norm returned after clipping instead of before",
         "Return the total norm measured BEFORE scaling (as torch.nn.utils.clip_grad_norm_ does).")
def clip_global_norm_after(grads, max_norm, norm_type=2.0):
    grads = [np.asarray(g, dtype=np.float64) for g in grads]
    p = float(norm_type)

    def total_of(arrays):
        if p == float("inf"):
            return max(float(np.max(np.abs(g))) for g in arrays)
        return float(sum(np.sum(np.abs(g) ** p) for g in arrays) ** (1 / p))

    clipped = [g * min(1.0, max_norm / (total_of(grads) + 1e-6)) for g in grads]
    return clipped, total_of(clipped)


@mistake("clipping.clip_by_global_norm", "norm_type ignored (always the L2 norm)",
         "Use the norm_type-norm: sum |g|**p to the power 1/p, and the max |g| for p = inf.")
def clip_global_always_l2(grads, max_norm, norm_type=2.0):
    grads = [np.asarray(g, dtype=np.float64) for g in grads]
    total = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    return [g * min(1.0, max_norm / (total + 1e-6)) for g in grads], total
