"""Known mistakes in losses.py (names resolve in that module)."""
# ruff: noqa: F821
from autograder.mistakes import mistake


@mistake("losses.mse", "sum instead of mean", "Average over all elements: np.mean((y_pred - y_true) ** 2).")
def mse_sum(y_pred, y_true):
    return float(np.sum((np.asarray(y_pred) - np.asarray(y_true)) ** 2))


@mistake("losses.mse", "divided by the batch size N instead of the number of elements",
         "The mean runs over ALL elements: divide by y_pred.size, not len(y_pred).")
def mse_per_sample(y_pred, y_true):
    y_pred = np.asarray(y_pred, dtype=np.float64)
    return float(np.sum((y_pred - y_true) ** 2) / y_pred.shape[0])


@mistake("losses.mse_grad", "factor 2 missing", "d/dy (y - t)**2 = 2 (y - t): keep the 2.")
def mse_grad_no_two(y_pred, y_true):
    y_pred = np.asarray(y_pred, dtype=np.float64)
    return (y_pred - y_true) / y_pred.size


@mistake("losses.mse_grad", "missing division by the number of elements (gradient of the sum)",
         "The loss is a mean, so its gradient is 2 (y_pred - y_true) / y_pred.size.")
def mse_grad_of_sum(y_pred, y_true):
    return 2.0 * (np.asarray(y_pred, dtype=np.float64) - y_true)


@mistake("losses.binary_cross_entropy", "unclamped log: nan or inf when p is exactly 0 or 1",
         "Clamp each log term at -100 as PyTorch does: np.maximum(np.log(p), -100).")
def bce_unclamped(p, y):
    p = np.asarray(p, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@mistake("losses.binary_cross_entropy", "sum instead of mean", "Average over all elements with np.mean.")
def bce_sum(p, y):
    p = np.asarray(p, dtype=np.float64)
    with np.errstate(divide="ignore"):
        return float(-np.sum(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log(1 - p), -100)))


@mistake("losses.binary_cross_entropy_grad", "missing division by the number of elements (gradient of the sum)",
         "The loss is a mean: divide (p - y) / (p (1 - p)) by p.size.")
def bce_grad_of_sum(p, y):
    p = np.asarray(p, dtype=np.float64)
    return (p - y) / (p * (1 - p))


@mistake("losses.softmax_cross_entropy", "log of softmax: -inf or nan for extreme logits",
         "Use log-softmax: z - max(z) - log(sum(exp(z - max(z)))), never log(softmax(z)).")
def ce_log_of_softmax(logits, labels):
    logits = np.asarray(logits, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        e = np.exp(logits)
        p = e / np.sum(e, axis=1, keepdims=True)
        return float(-np.mean(np.log(p[np.arange(len(labels)), labels])))


@mistake("losses.softmax_cross_entropy", "sum over the batch instead of mean",
         "Average the per-sample losses over the batch (divide by N).")
def ce_sum(logits, labels):
    logits = np.asarray(logits, dtype=np.float64)
    shifted = logits - logits.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.sum(logp[np.arange(len(labels)), labels]))


@mistake("losses.softmax_cross_entropy_grad", "missing division by the batch size N",
         "The loss is a batch mean, so d loss / d logits = (softmax - one_hot) / N.")
def ce_grad_no_mean(logits, labels):
    logits = np.asarray(logits, dtype=np.float64)
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    probs[np.arange(len(labels)), labels] -= 1.0
    return probs


@mistake("losses.softmax_cross_entropy_grad", "divided by N * C instead of N",
         "Only the batch is averaged: divide by N = logits.shape[0], not by logits.size.")
def ce_grad_over_size(logits, labels):
    logits = np.asarray(logits, dtype=np.float64)
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    probs[np.arange(len(labels)), labels] -= 1.0
    return probs / logits.size


@mistake("losses.mse_grad", "divided by N = len(y_pred) instead of y_pred.size",
         "mse is the mean over every entry, so its gradient is 2 * (y_pred - y_true) / y_pred.size; "
         "len() counts only the first axis (the answer is too large by the size of the trailing axes).")
def mse_grad_over_n(y_pred, y_true):
    y_pred, y_true = np.asarray(y_pred, dtype=np.float64), np.asarray(y_true, dtype=np.float64)
    return 2.0 * (y_pred - y_true) / len(y_pred)


@mistake("losses.binary_cross_entropy_grad", "divided by len(p) * len(p[0]) (assumes 2-D input)",
         "The loss is the mean over every element, whatever the shape: divide by p.size "
         "(len(p) * len(p[0]) is wrong on 3-D input and fails on 1-D).")
def bce_grad_two_axes(p, y):
    p = np.asarray(p, dtype=np.float64)
    return (p - y) / (p * (1.0 - p)) / (len(p) * len(p[0]))


@mistake("losses.binary_cross_entropy_grad", "epsilon in the denominator: (p - y) / (p (1 - p) + 1e-8)",
         "For p strictly inside (0, 1) the gradient is exactly (p - y) / (p (1 - p)) / p.size: an epsilon "
         "makes it wrong for p near 0 or 1 (by 1e-4 relative at p = 1e-4).")
def bce_grad_epsilon(p, y):
    p = np.asarray(p, dtype=np.float64)
    return (p - y) / (p * (1.0 - p) + 1e-8) / p.size


@mistake("losses.mse_grad", "divided by len(y_pred) * len(y_pred[0]) (assumes 2-D input)",
         "mse is the mean over every element, whatever the shape: divide by y_pred.size "
         "(len(y_pred) * len(y_pred[0]) is wrong on 3-D input and fails on 1-D).")
def mse_grad_two_axes(y_pred, y_true):
    y_pred = np.asarray(y_pred, dtype=np.float64)
    return 2.0 * (y_pred - y_true) / (len(y_pred) * len(y_pred[0]))
