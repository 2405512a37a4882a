"""Checks of activations.py: values on two settings each, the kink conventions, stability at |z| = 1e4."""
from autograder.checks import away_from_zero, holds, with_edges
from autograder.spec import ValueCheck

KINK = (-0.0, 0.0, 1e-12, -1e-12)  # the kink at 0, from both sides and both signed zeros
HUGE = (1e4, -1e4, 800.0, -800.0)  # where a naive exp overflows


def values(function, shape, scale, **kwargs):
    return ValueCheck(function, f"{function.split('.')[1]} on a batch of shape {shape}" + (f" with {kwargs}" if kwargs else ""),
                      inputs=lambda rng: (away_from_zero(rng, shape, scale),), kwargs=kwargs)


def edges(function, name, edge_values, **kwargs):
    """A check of `edge_values` placed among drawn values: the regime on every seed, never the same input."""
    return ValueCheck(function, name, inputs=lambda rng: (with_edges(rng, (3, 6), edge_values),), kwargs=kwargs,
                      regime=holds(*edge_values))


def huge_logits(rng, shape=(3, 5)):
    """Logits with a row around +1e4 (holding 1e4 and -1e4 exactly), a row all around -1e4 (a maximum taken
    over the whole array leaves it 0 / 0) and an ordinary row, in an order drawn from rng."""
    z = away_from_zero(rng, shape, 2.0)
    top, bottom = rng.permutation(shape[0])[:2]
    columns = rng.permutation(shape[1])
    z[top] += 1e4
    z[top, columns[0]], z[top, columns[1]] = 1e4, -1e4
    z[bottom] -= 1e4
    z[bottom, columns[2]] = -1e4
    return (z,)


def huge_rows(args, kwargs):
    z = args[0]
    return bool(holds(1e4, -1e4)(args, kwargs) and (z.max(axis=-1) < -9e3).any())


CHECKS = [
    values("activations.sigmoid", (4, 7), 3.0),
    values("activations.sigmoid", (2, 3, 5), 8.0),
    # Naive 1 / (1 + exp(-z)) gets these right (exp overflows to inf, 1 / inf = 0) with a RuntimeWarning:
    # full marks, and a note names the naive form and its stable fix.
    edges("activations.sigmoid", "sigmoid stays finite and exact at z = +-1e4 and +-800", HUGE),
    values("activations.sigmoid_derivative", (4, 7), 3.0),
    values("activations.sigmoid_derivative", (6,), 1.0),
    edges("activations.sigmoid_derivative", "sigmoid_derivative at z = +-1e4 (0, not nan)", HUGE),
    values("activations.tanh", (4, 7), 2.0),
    edges("activations.tanh", "tanh stays finite at z = +-1e4", HUGE),
    values("activations.tanh_derivative", (4, 7), 2.0),
    values("activations.tanh_derivative", (3, 2, 2), 0.5),
    values("activations.relu", (4, 7), 3.0),
    values("activations.relu", (5,), 1.0),
    values("activations.relu_derivative", (4, 7), 3.0),
    edges("activations.relu_derivative", "relu_derivative at the kink: relu'(0) = 0", KINK),
    values("activations.leaky_relu", (4, 7), 3.0),
    values("activations.leaky_relu", (3, 5), 2.0, negative_slope=0.2),
    values("activations.leaky_relu_derivative", (4, 7), 3.0),
    values("activations.leaky_relu_derivative", (3, 5), 2.0, negative_slope=0.3),
    edges("activations.leaky_relu_derivative", "leaky_relu_derivative at the kink is negative_slope", KINK,
          negative_slope=0.1),
    values("activations.elu", (4, 7), 3.0),
    values("activations.elu", (3, 5), 2.0, alpha=0.7),
    edges("activations.elu", "elu stays finite at z = +-1e4", HUGE, alpha=1.5),
    values("activations.elu_derivative", (4, 7), 3.0),
    values("activations.elu_derivative", (3, 5), 2.0, alpha=0.7),
    edges("activations.elu_derivative", "elu_derivative at the kink is alpha * e^0 = alpha", KINK, alpha=0.4),
    values("activations.softmax", (4, 7), 3.0),
    ValueCheck("activations.softmax", "softmax over axis=0 of a (5, 3) array",
               inputs=lambda rng: (away_from_zero(rng, (5, 3), 2.0),), kwargs={"axis": 0}),
    ValueCheck("activations.softmax", "softmax over axis=1 of a (2, 4, 3) array",
               inputs=lambda rng: (away_from_zero(rng, (2, 4, 3), 2.0),), kwargs={"axis": 1}),
    ValueCheck("activations.softmax", "softmax stays finite for logits of +-1e4", inputs=huge_logits, regime=huge_rows),
]
