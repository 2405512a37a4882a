"""Loss functions and their gradients with respect to the prediction.

Every loss is a MEAN (PyTorch's default reduction "mean"), so every gradient
carries a division by the number of averaged elements.

Course page: docs/ann/loss-functions.md
"""
import numpy as np


def mse(y_pred, y_true):
    """Mean squared error over ALL elements: mean((y_pred - y_true)**2).

    Matches torch.nn.MSELoss() (reduction "mean").

    Args:
        y_pred: predictions, float array of shape (N, ...) .
        y_true: targets, same shape as y_pred.
    Returns:
        the loss as a Python float.

    Pitfall: dividing by the batch size N instead of the number of elements
    (they differ as soon as each sample has more than one output).
    Read: docs/ann/loss-functions.md
    """
    diff = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    return float(np.mean(diff * diff))


def mse_grad(y_pred, y_true):
    """Gradient of mse with respect to y_pred: 2 * (y_pred - y_true) / y_pred.size.

    Args:
        y_pred: predictions, float array of any shape.
        y_true: targets, same shape.
    Returns:
        array of y_pred's shape.

    Pitfall: the factor 2 from the square and the 1/size from the mean are both
    part of the derivative; leaving either out scales every update.
    Read: docs/ann/loss-functions.md
    """
    y_pred = np.asarray(y_pred, dtype=np.float64)
    return 2.0 * (y_pred - np.asarray(y_true, dtype=np.float64)) / y_pred.size


def binary_cross_entropy(p, y):
    """Mean binary cross-entropy: mean(-(y * log(p) + (1 - y) * log(1 - p))).

    Matches torch.nn.BCELoss(), which clamps each log term at -100, so the loss
    stays finite when p is exactly 0 or 1.

    Args:
        p: predicted probabilities in [0, 1], float array of any shape.
        y: targets in [0, 1] (usually 0.0 or 1.0), same shape.
    Returns:
        the loss as a Python float.

    Pitfall: np.log(0) = -inf and 0 * -inf = nan. Clamp the logs (as PyTorch does)
    before multiplying by y and 1 - y.
    Read: docs/ann/loss-functions.md
    """
    p = np.asarray(p, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(p), -100.0)
        log_not_p = np.maximum(np.log(1.0 - p), -100.0)
    return float(-np.mean(y * log_p + (1.0 - y) * log_not_p))


def binary_cross_entropy_grad(p, y):
    """Gradient of binary_cross_entropy with respect to p, for p strictly in (0, 1).

    d/dp = (p - y) / (p * (1 - p)) / p.size

    Args:
        p: predicted probabilities in (0, 1), float array of any shape.
        y: targets, same shape.
    Returns:
        array of p's shape.

    Pitfall: -y/p + (1-y)/(1-p) is the derivative of the SUM; the loss is a mean,
    so divide by the number of elements.
    Read: docs/ann/loss-functions.md
    """
    p = np.asarray(p, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return (p - y) / (p * (1.0 - p)) / p.size


def softmax_cross_entropy(logits, labels):
    """Mean over the batch of -log softmax(logits)[label].

    Matches torch.nn.functional.cross_entropy(logits, labels).

    Args:
        logits: raw scores, float array of shape (N, C).
        labels: integer class indices, int array of shape (N,), values in [0, C).
    Returns:
        the loss as a Python float.

    Pitfall: log(softmax(z)) underflows to log(0) = -inf for very negative
    scores. Use log-softmax directly: z - max(z) - log(sum(exp(z - max(z)))).
    Must stay finite for logits up to 1e4 in magnitude.
    Read: docs/ann/loss-functions.md
    """
    logits = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels)
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return float(-np.mean(log_probs[np.arange(logits.shape[0]), labels]))


def softmax_cross_entropy_grad(logits, labels):
    """Gradient of softmax_cross_entropy with respect to the logits.

    d loss / d logits = (softmax(logits) - one_hot(labels)) / N

    Args:
        logits: raw scores, float array of shape (N, C).
        labels: integer class indices, int array of shape (N,).
    Returns:
        array of shape (N, C).

    Pitfall: the loss is the batch MEAN, so the gradient is divided by N (not by
    N * C, and not left undivided).
    Read: docs/ann/loss-functions.md
    """
    logits = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels)
    n = logits.shape[0]
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    probs = np.exp(shifted)
    probs /= np.sum(probs, axis=1, keepdims=True)
    probs[np.arange(n), labels] -= 1.0
    return probs / n
