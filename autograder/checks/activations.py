"""Checks of activations.py: values on two settings each, the kink conventions, stability at |z| = 1e4."""
import numpy as np

from autograder.checks import away_from_zero
from autograder.spec import ValueCheck

KINK = np.array([[-2.0, -0.0, 0.0, 1e-12, -1e-12, 3.0]])
HUGE = np.array([[1e4, -1e4, 800.0, -800.0, 0.5, -0.5]])


def values(function, shape, scale, **kwargs):
    return ValueCheck(function, f"{function.split('.')[1]} on a batch of shape {shape}" + (f" with {kwargs}" if kwargs else ""),
                      inputs=lambda rng: (away_from_zero(rng, shape, scale),), kwargs=kwargs)


def fixed(function, name, z, quiet=False, **kwargs):
    return ValueCheck(function, name, inputs=lambda rng: (z.copy(),), kwargs=kwargs, quiet=quiet)


CHECKS = [
    values("activations.sigmoid", (4, 7), 3.0),
    values("activations.sigmoid", (2, 3, 5), 8.0),
    # Naive 1 / (1 + exp(-z)) gets these right (exp overflows to inf, 1 / inf = 0) with a RuntimeWarning:
    # "quiet" fails that warning, as the course page asks for a form that never overflows.
    fixed("activations.sigmoid", "sigmoid stays finite and exact at z = +-1e4 and +-800, without a RuntimeWarning",
          HUGE, quiet=True),
    values("activations.sigmoid_derivative", (4, 7), 3.0),
    values("activations.sigmoid_derivative", (6,), 1.0),
    fixed("activations.sigmoid_derivative", "sigmoid_derivative at z = +-1e4 (0, not nan)", HUGE),
    values("activations.tanh", (4, 7), 2.0),
    fixed("activations.tanh", "tanh stays finite at z = +-1e4", HUGE),
    values("activations.tanh_derivative", (4, 7), 2.0),
    values("activations.tanh_derivative", (3, 2, 2), 0.5),
    values("activations.relu", (4, 7), 3.0),
    values("activations.relu", (5,), 1.0),
    values("activations.relu_derivative", (4, 7), 3.0),
    fixed("activations.relu_derivative", "relu_derivative at the kink: relu'(0) = 0", KINK),
    values("activations.leaky_relu", (4, 7), 3.0),
    values("activations.leaky_relu", (3, 5), 2.0, negative_slope=0.2),
    values("activations.leaky_relu_derivative", (4, 7), 3.0),
    values("activations.leaky_relu_derivative", (3, 5), 2.0, negative_slope=0.3),
    fixed("activations.leaky_relu_derivative", "leaky_relu_derivative at the kink is negative_slope", KINK,
          negative_slope=0.1),
    values("activations.elu", (4, 7), 3.0),
    values("activations.elu", (3, 5), 2.0, alpha=0.7),
    fixed("activations.elu", "elu stays finite at z = +-1e4, without a RuntimeWarning", HUGE, quiet=True, alpha=1.5),
    values("activations.elu_derivative", (4, 7), 3.0),
    values("activations.elu_derivative", (3, 5), 2.0, alpha=0.7),
    fixed("activations.elu_derivative", "elu_derivative at the kink is alpha * e^0 = alpha", KINK, alpha=0.4),
    values("activations.softmax", (4, 7), 3.0),
    ValueCheck("activations.softmax", "softmax over axis=0 of a (5, 3) array",
               inputs=lambda rng: (away_from_zero(rng, (5, 3), 2.0),), kwargs={"axis": 0}),
    ValueCheck("activations.softmax", "softmax over axis=1 of a (2, 4, 3) array",
               inputs=lambda rng: (away_from_zero(rng, (2, 4, 3), 2.0),), kwargs={"axis": 1}),
    fixed("activations.softmax", "softmax stays finite for logits of +-1e4",
          np.array([[1e4, -1e4, 0.0, 1e4 - 1.0], [-1e4, -1e4 + 2.0, -1e4, -1e4]])),
]
