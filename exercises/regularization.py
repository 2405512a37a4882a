# Your exercise: replace each `raise NotImplementedError` by an implementation.

"""Regularization: inverted dropout, L1/L2 penalties, batch and layer normalization.

Shapes (batch-first): x (N, D); gamma, beta, running statistics (D,).

Course pages: docs/ann/regularization.md, docs/ann/batch-normalization.md
"""

import numpy as np


def dropout_forward(x, p, rng, training=True):
    """Inverted dropout. p is the probability of DROPPING a unit, as in torch.nn.Dropout(p).

    Training: mask = (rng.random(x.shape) >= p) / (1 - p), so kept units are
    scaled by 1/(1-p) and the expected output equals x; out = x * mask.
    p = 1 drops everything (mask and out all zeros).
    Not training: out is a copy of x and mask is all ones (dropout does nothing).

    Args:
        x: activations, array of any shape.
        p: drop probability in [0, 1].
        rng: numpy.random.Generator, the only source of randomness.
        training: training or evaluation mode.
    Returns:
        (out, mask): both of x's shape.

    Pitfall: scaling at TEST time instead of training time (classic dropout) is not
    what PyTorch does; and p is the drop probability, not the keep probability.
    Read: docs/ann/regularization.md
    """
    raise NotImplementedError("dropout_forward")


def dropout_backward(dout, mask):
    """Gradient of dropout_forward: dout * mask.

    Args:
        dout: upstream gradient, x's shape.
        mask: the mask returned by dropout_forward.
    Returns:
        dx of x's shape.

    Pitfall: the 1/(1-p) scaling is already inside the mask; do not apply it twice.
    Read: docs/ann/regularization.md
    """
    raise NotImplementedError("dropout_backward")


def l2_penalty(weights, lam):
    """L2 penalty lam / 2 * sum over the list of sum(W**2).

    With the 1/2, its gradient lam * W is exactly torch's weight_decay term.

    Args:
        weights: list of arrays.
        lam: the coefficient.
    Returns:
        the penalty as a Python float.

    Pitfall: without the 1/2 the gradient is 2 * lam * W, twice torch's weight decay.
    Read: docs/ann/regularization.md
    """
    raise NotImplementedError("l2_penalty")


def l2_grad(weights, lam):
    """Gradient of l2_penalty: one array lam * W per weight.

    Args:
        weights: list of arrays.
        lam: the coefficient.
    Returns:
        list of new arrays with the weights' shapes.

    Pitfall: return one gradient per array, in the same order.
    Read: docs/ann/regularization.md
    """
    raise NotImplementedError("l2_grad")


def l1_penalty(weights, lam):
    """L1 penalty lam * sum over the list of sum(|W|).

    Args:
        weights: list of arrays.
        lam: the coefficient.
    Returns:
        the penalty as a Python float.

    Pitfall: sum of absolute values, not the absolute value of the sum.
    Read: docs/ann/regularization.md
    """
    raise NotImplementedError("l1_penalty")


def l1_grad(weights, lam):
    """(Sub)gradient of l1_penalty: lam * sign(W), with 0 where W == 0 (as torch autograd).

    Args:
        weights: list of arrays.
        lam: the coefficient.
    Returns:
        list of new arrays with the weights' shapes.

    Pitfall: the derivative of |w| is sign(w), a constant size: L1 pushes small
    weights to exactly zero, unlike L2.
    Read: docs/ann/regularization.md
    """
    raise NotImplementedError("l1_grad")


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    """Batch normalization of x (N, D) over the batch axis, as torch.nn.functional.batch_norm.

    Training: mu, var = mean and BIASED variance of the batch (axis 0);
        out = gamma * (x - mu) / sqrt(var + eps) + beta;
        running_mean = (1 - momentum) * running_mean + momentum * mu
        running_var  = (1 - momentum) * running_var + momentum * var * N / (N - 1)   (unbiased)
    Not training: out uses running_mean and running_var; they come back unchanged.

    Args:
        x: inputs (N, D), N >= 2 in training.
        gamma, beta: scale and shift (D,).
        running_mean, running_var: running statistics (D,); never modified in place.
        training: which mode.
        momentum, eps: as in torch.
    Returns:
        (out, running_mean, running_var, cache): out (N, D); new running arrays (D,);
        cache for batchnorm_backward.

    Pitfall: updating the running statistics in evaluation mode, or normalising
    with the unbiased variance (torch normalises with the biased one and stores the
    unbiased one).
    Read: docs/ann/batch-normalization.md
    """
    raise NotImplementedError("batchnorm_forward")


def batchnorm_backward(dout, cache):
    """Gradients of batchnorm_forward, in the mode the cache was made in.

    Training (mu and var depend on x):
        dx = gamma * inv_std / N * (N * dout - sum(dout) - x_hat * sum(dout * x_hat))
    Evaluation (running statistics are constants): dx = gamma * inv_std * dout.
    dgamma = sum over the batch of dout * x_hat; dbeta = sum of dout.

    Args:
        dout: upstream gradient (N, D).
        cache: from batchnorm_forward.
    Returns:
        (dx, dgamma, dbeta): (N, D), (D,), (D,).

    Pitfall: treating the batch mean and variance as constants in training mode
    drops two terms of dx.
    Read: docs/ann/batch-normalization.md
    """
    raise NotImplementedError("batchnorm_backward")


def layernorm_forward(x, gamma, beta, eps=1e-5):
    """Layer normalization over the last axis, as torch.nn.functional.layer_norm(x, (D,), gamma, beta, eps).

    Each sample (row) is normalised by its own mean and biased variance over its D
    features: out = gamma * (x - mu_row) / sqrt(var_row + eps) + beta.

    Args:
        x: inputs (N, D).
        gamma, beta: (D,).
        eps: as in torch.
    Returns:
        (out, cache): out (N, D).

    Pitfall: statistics over axis 0 is batch norm; layer norm uses axis=-1 with
    keepdims=True. There are no running statistics.
    Read: docs/ann/batch-normalization.md
    """
    raise NotImplementedError("layernorm_forward")


def layernorm_backward(dout, cache):
    """Gradients of layernorm_forward: (dx, dgamma, dbeta) of shapes (N, D), (D,), (D,).

    With g = dout * gamma and D features per row:
        dx = inv_std / D * (D * g - sum_row(g) - x_hat * sum_row(g * x_hat))

    Args:
        dout: upstream gradient (N, D).
        cache: from layernorm_forward.
    Returns:
        (dx, dgamma, dbeta).

    Pitfall: the sums for dx run over each ROW (the features), while dgamma and
    dbeta are summed over the batch.
    Read: docs/ann/batch-normalization.md
    """
    raise NotImplementedError("layernorm_backward")
