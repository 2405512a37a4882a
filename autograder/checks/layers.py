"""Checks of layers.py: the dense layer forward and backward, and whole-MLP gradients."""
from autograder.checks import away_from_zero, labels
from autograder.spec import ValueCheck, result_of


def dense_inputs(n, d, m):
    return lambda rng: (rng.normal(size=(n, d)), rng.normal(size=(d, m)) / d**0.5, rng.normal(size=(m,)))


def forward(n, d, m):
    return ValueCheck("layers.dense_forward", f"dense_forward: x ({n}, {d}), W ({d}, {m}), b ({m},)",
                      inputs=dense_inputs(n, d, m), pick=0)


def backward(n, d, m):
    return ValueCheck("layers.dense_backward",
                      f"dense_backward after dense_forward with x ({n}, {d}), W ({d}, {m}); gradients (dx, dW, db)",
                      also_tags=("layers.dense_forward",),
                      before=(("layers.dense_forward", dense_inputs(n, d, m)),),
                      inputs=lambda rng: (rng.normal(size=(n, m)), result_of(0, pick=1)), names=("dx", "dW", "db"))


def mlp(sizes, n, activation):
    def make(rng):
        params = {}
        for layer, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:]), start=1):
            params[f"W{layer}"] = rng.normal(size=(fan_in, fan_out)) * (2.0 / fan_in) ** 0.5
            params[f"b{layer}"] = rng.normal(size=(fan_out,)) * 0.1
        return params, away_from_zero(rng, (n, sizes[0]), 1.0), labels(rng, n, sizes[-1])

    return ValueCheck("layers.mlp_loss_and_grads",
                      f"mlp_loss_and_grads: layer sizes {sizes}, batch {n}, activation {activation!r}",
                      also_tags=("layers.dense_forward", "layers.dense_backward"),
                      inputs=make, kwargs={} if activation == "relu" else {"activation": activation},
                      names=("loss", "grads"))


CHECKS = [
    forward(4, 5, 3),
    forward(2, 6, 4),
    backward(4, 5, 3),
    backward(6, 2, 7),
    mlp((5, 7, 3), 6, "relu"),
    mlp((4, 6, 5, 3), 8, "tanh"),
    mlp((3, 4, 2), 5, "sigmoid"),
    mlp((6, 5, 4), 7, "leaky_relu"),
    mlp((4, 3), 5, "relu"),
]
