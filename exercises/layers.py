# Your exercise: replace each `raise NotImplementedError` by an implementation.

"""A dense layer's forward and backward pass, and a whole MLP's loss and gradients.

Shapes (batch-first): x (N, D), W (D, M), b (M,), out (N, M).

Course page: docs/ann/backpropagation.md
"""

import numpy as np
import activations
import losses


def dense_forward(x, W, b):
    """Affine layer: out = x @ W + b.

    Args:
        x: inputs, shape (N, D).
        W: weights, shape (D, M).
        b: biases, shape (M,).
    Returns:
        (out, cache): out of shape (N, M); cache is whatever dense_backward needs
        (here the tuple (x, W)).

    Pitfall: W @ x or x @ W.T only "work" when the shapes happen to be square.
    Read: docs/ann/forward-propagation.md
    """
    raise NotImplementedError("dense_forward")


def dense_backward(dout, cache):
    """Backward pass of dense_forward.

    Given dout = dL/dout of shape (N, M):
        dx = dout @ W.T      shape (N, D)
        dW = x.T @ dout      shape (D, M)
        db = dout summed over the batch axis, shape (M,)

    Args:
        dout: upstream gradient, shape (N, M).
        cache: the cache returned by dense_forward.
    Returns:
        (dx, dW, db) with exactly the shapes above.

    Pitfall: db must be summed over the batch (every sample used the same b) and
    must have shape (M,), not (1, M) (keepdims=True) and not (N, M). Do not divide
    by N here: the 1/N of a mean loss is already inside dout.
    Read: docs/ann/backpropagation.md
    """
    raise NotImplementedError("dense_backward")


def mlp_loss_and_grads(params, x, y, activation="relu"):
    """Loss and gradients of an L-layer MLP ending in softmax cross-entropy.

    Layer l (1..L) computes z_l = h_{l-1} @ W_l + b_l with h_0 = x; hidden layers
    apply h_l = activation(z_l); the last layer is linear (its z_L are the
    logits) and feeds the mean softmax cross-entropy with integer labels y.

    Args:
        params: dict with keys "W1", "b1", ..., "WL", "bL" (L >= 1);
            Wl of shape (D_{l-1}, D_l), bl of shape (D_l,).
        x: inputs, shape (N, D_0).
        y: integer labels, shape (N,), values in [0, D_L).
        activation: "relu", "sigmoid", "tanh" or "leaky_relu" (slope 0.01);
            anything else raises ValueError.
    Returns:
        (loss, grads): loss a Python float (the batch mean); grads a dict with the
        same keys and shapes as params.

    Pitfall: the activation's derivative is evaluated at the pre-activation z_l
    (keep it from the forward pass), not at h_l; and the output layer has no
    activation before the softmax.
    Read: docs/ann/backpropagation.md
    """
    raise NotImplementedError("mlp_loss_and_grads")
