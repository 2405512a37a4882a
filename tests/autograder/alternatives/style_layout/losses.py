"""Losses returned as 0-d arrays (np.asarray of a reduction); gradients Fortran-ordered or strided."""
import numpy as np


def mse(y_pred, y_true):
    return np.asarray(np.square(y_pred - y_true).mean())


def mse_grad(y_pred, y_true):
    return np.asfortranarray((y_pred - y_true) * (2.0 / y_pred.size))


def binary_cross_entropy(p, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = y * np.fmax(np.log(p), -100.0) + (1 - y) * np.fmax(np.log(1 - p), -100.0)
    return np.squeeze(-np.sum(terms, keepdims=True) / p.size)  # a 0-d array


def binary_cross_entropy_grad(p, y):
    return ((p - y) / (p - p * p) / p.size).T.copy().T


def softmax_cross_entropy(logits, labels):
    m = logits.max(axis=1)
    lse = m + np.log(np.exp(logits - m[:, None]).sum(axis=1))
    return np.array((lse - logits[np.arange(logits.shape[0]), labels]).mean())


def softmax_cross_entropy_grad(logits, labels):
    n = logits.shape[0]
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    grad = np.asfortranarray(e / e.sum(axis=1, keepdims=True))
    grad[np.arange(n), labels] -= 1.0
    return grad / n
