"""Known mistakes in layers.py (names resolve in that module: np, activations, losses, dense_forward, ...)."""
# ruff: noqa: F821
from autograder.mistakes import mistake


@mistake("layers.dense_forward", "bias not added", "out = x @ W + b: the bias broadcasts over the batch.")
def dense_forward_no_bias(x, W, b):
    return x @ W, (x, W)


@mistake("layers.dense_backward", "transposed dW: dout.T @ x has shape (M, D)",
         "dW = x.T @ dout has W's shape (D, M).")
def dense_backward_transposed_dw(dout, cache):
    x, W = cache
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)


@mistake("layers.dense_backward", "bias gradient not summed over the batch (db = dout)",
         "Every sample used the same b, so db = dout.sum(axis=0), shape (M,).")
def dense_backward_db_not_summed(dout, cache):
    x, W = cache
    return dout @ W.T, x.T @ dout, dout.copy()


@mistake("layers.dense_backward", "bias gradient of shape (1, M) (keepdims=True)",
         "db must have b's shape (M,): sum with axis=0 and without keepdims. (1, M) broadcasts, but it is not b's shape.")
def dense_backward_db_keepdims(dout, cache):
    x, W = cache
    return dout @ W.T, x.T @ dout, dout.sum(axis=0, keepdims=True)


@mistake("layers.dense_backward", "gradients divided by the batch size again",
         "dout already carries the 1/N of a mean loss; do not divide dW and db by N in the layer.")
def dense_backward_extra_mean(dout, cache):
    x, W = cache
    n = x.shape[0]
    return dout @ W.T, x.T @ dout / n, dout.sum(axis=0) / n


@mistake("layers.mlp_loss_and_grads", "derivative applied to the activation instead of the pre-activation",
         "Keep each layer's pre-activation z from the forward pass and multiply by f'(z), not f'(f(z)).")
def mlp_derivative_at_activation(params, x, y, activation="relu"):
    act, act_derivative = _ACTIVATIONS[activation]
    n_layers = len([k for k in params if k.startswith("W")])
    h, caches = x, []
    for layer in range(1, n_layers + 1):
        z, cache = dense_forward(h, params[f"W{layer}"], params[f"b{layer}"])
        h = act(z) if layer < n_layers else z
        caches.append((cache, h))
    loss = losses.softmax_cross_entropy(h, y)
    dz = losses.softmax_cross_entropy_grad(h, y)
    grads = {}
    for layer in range(n_layers, 0, -1):
        cache, a = caches[layer - 1]
        if layer < n_layers:
            dz = dz * act_derivative(a)
        dz, grads[f"W{layer}"], grads[f"b{layer}"] = dense_backward(dz, cache)
    return loss, grads


@mistake("layers.mlp_loss_and_grads", "activation applied to the output layer before the softmax",
         "The last layer is linear: its z are the logits that go straight into softmax cross-entropy.")
def mlp_activation_on_logits(params, x, y, activation="relu"):
    act, act_derivative = _ACTIVATIONS[activation]
    n_layers = len([k for k in params if k.startswith("W")])
    h, caches = x, []
    for layer in range(1, n_layers + 1):
        z, cache = dense_forward(h, params[f"W{layer}"], params[f"b{layer}"])
        caches.append((cache, z))
        h = act(z)
    loss = losses.softmax_cross_entropy(h, y)
    dz = losses.softmax_cross_entropy_grad(h, y)
    grads = {}
    for layer in range(n_layers, 0, -1):
        cache, z = caches[layer - 1]
        dz = dz * act_derivative(z)
        dz, grads[f"W{layer}"], grads[f"b{layer}"] = dense_backward(dz, cache)
    return loss, grads
