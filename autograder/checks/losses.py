"""Checks of losses.py: values and gradients on distinct shapes, and stability at the extremes."""
import numpy as np

from autograder.checks import away_from_zero, labels, probabilities
from autograder.spec import ValueCheck


def regression_pair(shape):
    return lambda rng: (away_from_zero(rng, shape, 2.0), away_from_zero(rng, shape, 2.0))


def probability_pair(shape, soft=False):
    def make(rng):
        p = probabilities(rng, shape)
        y = rng.uniform(0, 1, size=shape) if soft else rng.integers(0, 2, size=shape).astype(np.float64)
        return p, y

    return make


def logits_and_labels(n, classes, scale=3.0):
    return lambda rng: (rng.normal(0, scale, size=(n, classes)), labels(rng, n, classes))


def near_edge_pair(shape):
    """Probabilities with entries 1e-4, 1e-3, 1 - 1e-3 and 1 - 1e-4 (strictly inside (0, 1), where bce_grad is
    defined) among the draws on every seed: there p (1 - p) is small, so an epsilon added to it changes the gradient."""
    def make(rng):
        p, y = probability_pair(shape)(rng)
        p.flat[:4] = (1e-4, 1 - 1e-3, 1e-3, 1 - 1e-4)
        y.flat[:4] = (1.0, 0.0, 0.0, 1.0)
        return p, y
    return make


def near_edge(args, kwargs):
    p = args[0]
    return bool(np.isin([1e-4, 1e-3, 1 - 1e-3, 1 - 1e-4], p).all())


def extreme_probabilities(rng, shape=(3, 5)):
    """p and hard targets y drawn, with the four ways p can be exactly 0 or 1 placed at drawn positions:
    (p, y) = (0, 0), (1, 1) (a zero loss term) and (0, 1), (1, 0) (log 0, clamped at -100 as torch does)."""
    p, y = probabilities(rng, shape), rng.integers(0, 2, size=shape).astype(np.float64)
    where = rng.choice(p.size, size=4, replace=False)
    p.flat[where], y.flat[where] = (0.0, 1.0, 0.0, 1.0), (0.0, 1.0, 1.0, 0.0)
    return p, y


def extreme_pairs(args, kwargs):
    p, y = args
    return all(((p == a) & (y == b)).any() for a, b in ((0, 0), (1, 1), (0, 1), (1, 0)))


def extreme_logits(rng, n=5, classes=4):
    """Logits drawn, with rows at +-1e4 in drawn places: the label's logit at 1e4 (loss 0), at -1e4 with
    another at 1e4 (loss 2e4, finite), and a row all around -1e4 (the exponentials underflow to 0)."""
    logits, y = rng.normal(0, 3.0, size=(n, classes)), labels(rng, n, classes)
    right, wrong, low = rng.permutation(n)[:3]
    others = [c for c in range(classes) if c != y[wrong]]
    logits[right, y[right]] = 1e4
    logits[right, (y[right] + 1) % classes] = -1e4
    logits[wrong, y[wrong]], logits[wrong, others[int(rng.integers(len(others)))]] = -1e4, 1e4
    logits[low] -= 1e4
    return logits, y


def extreme_rows(args, kwargs):
    logits = args[0]
    return bool((logits == 1e4).any() and (logits == -1e4).any() and (logits.max(axis=1) < -9e3).any())


CHECKS = [
    ValueCheck("losses.mse", "mse of (6, 3) predictions", inputs=regression_pair((6, 3))),
    ValueCheck("losses.mse", "mse of (5,) predictions", inputs=regression_pair((5,))),
    ValueCheck("losses.mse", "mse of (3, 2, 4) predictions", inputs=regression_pair((3, 2, 4))),
    ValueCheck("losses.mse_grad", "mse_grad of (6, 3) predictions", inputs=regression_pair((6, 3))),
    ValueCheck("losses.mse_grad", "mse_grad of (4, 2, 3) predictions", inputs=regression_pair((4, 2, 3))),
    ValueCheck("losses.mse_grad", "mse_grad of (5,) predictions", inputs=regression_pair((5,))),
    ValueCheck("losses.binary_cross_entropy", "binary_cross_entropy, (5, 4), hard targets",
               inputs=probability_pair((5, 4))),
    ValueCheck("losses.binary_cross_entropy", "binary_cross_entropy, (7,), soft targets",
               inputs=probability_pair((7,), soft=True)),
    ValueCheck("losses.binary_cross_entropy", "binary_cross_entropy, (2, 3, 4), hard targets",
               inputs=probability_pair((2, 3, 4))),
    ValueCheck("losses.binary_cross_entropy", "binary_cross_entropy with p exactly 0 and 1 (finite, as torch)",
               inputs=extreme_probabilities, regime=extreme_pairs),
    ValueCheck("losses.binary_cross_entropy_grad", "binary_cross_entropy_grad, (5, 4), hard targets",
               inputs=probability_pair((5, 4))),
    ValueCheck("losses.binary_cross_entropy_grad", "binary_cross_entropy_grad, (3, 2), soft targets",
               inputs=probability_pair((3, 2), soft=True)),
    ValueCheck("losses.binary_cross_entropy_grad", "binary_cross_entropy_grad, (7,), soft targets",
               inputs=probability_pair((7,), soft=True)),
    ValueCheck("losses.binary_cross_entropy_grad", "binary_cross_entropy_grad, (3, 2, 4), hard targets",
               inputs=probability_pair((3, 2, 4))),
    ValueCheck("losses.binary_cross_entropy_grad", "binary_cross_entropy_grad, (6, 3), p as close as 1e-4 to 0 and 1",
               inputs=near_edge_pair((6, 3)), regime=near_edge),
    ValueCheck("losses.softmax_cross_entropy", "softmax_cross_entropy, N=6, C=4", inputs=logits_and_labels(6, 4)),
    ValueCheck("losses.softmax_cross_entropy", "softmax_cross_entropy, N=3, C=10", inputs=logits_and_labels(3, 10, 1.0)),
    ValueCheck("losses.softmax_cross_entropy", "softmax_cross_entropy with logits of +-1e4",
               inputs=extreme_logits, regime=extreme_rows),
    ValueCheck("losses.softmax_cross_entropy_grad", "softmax_cross_entropy_grad, N=6, C=4",
               inputs=logits_and_labels(6, 4)),
    ValueCheck("losses.softmax_cross_entropy_grad", "softmax_cross_entropy_grad, N=3, C=10",
               inputs=logits_and_labels(3, 10, 1.0)),
    ValueCheck("losses.softmax_cross_entropy_grad", "softmax_cross_entropy_grad with logits of +-1e4",
               inputs=extreme_logits, regime=extreme_rows),
]
