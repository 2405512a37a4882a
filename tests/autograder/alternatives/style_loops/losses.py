"""Losses with explicit loops and math.log; the totals are plain Python floats."""
import math

import numpy as np


def mse(y_pred, y_true):
    total = 0.0
    for a, b in zip(y_pred.flat, y_true.flat):
        total += (float(a) - float(b)) ** 2
    return total / y_pred.size


def mse_grad(y_pred, y_true):
    grad = np.zeros(y_pred.shape)
    for index in np.ndindex(y_pred.shape):
        grad[index] = 2.0 * (y_pred[index] - y_true[index]) / y_pred.size
    return grad


def _clamped_log(v):
    return max(math.log(v), -100.0) if v > 0 else -100.0


def binary_cross_entropy(p, y):
    total = 0.0
    for pi, yi in zip(p.flat, y.flat):
        total -= yi * _clamped_log(pi) + (1.0 - yi) * _clamped_log(1.0 - pi)
    return total / p.size


def binary_cross_entropy_grad(p, y):
    grad = np.zeros(p.shape)
    for index in np.ndindex(p.shape):
        pi, yi = p[index], y[index]
        grad[index] = (pi - yi) / (pi * (1.0 - pi)) / p.size
    return grad


def _log_sum_exp(row):
    top = max(row)
    return top + math.log(math.fsum(math.exp(v - top) for v in row))


def softmax_cross_entropy(logits, labels):
    total = 0.0
    for row, label in zip(logits, labels):
        row = [float(v) for v in row]
        total += _log_sum_exp(row) - row[label]
    return total / len(labels)


def softmax_cross_entropy_grad(logits, labels):
    n, c = logits.shape
    grad = np.zeros((n, c))
    for i in range(n):
        row = [float(v) for v in logits[i]]
        lse = _log_sum_exp(row)
        for j in range(c):
            grad[i, j] = (math.exp(row[j] - lse) - (1.0 if j == labels[i] else 0.0)) / n
    return grad
