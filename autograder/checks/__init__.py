"""The graded checks, declared as data: one module per contract module.

`all_checks()` lists them in a fixed order; a check's position and the run
seed determine its random inputs, so a printed seed replays any failure.
"""
import importlib

import numpy as np

from autograder.mistakes import MODULES


def all_checks(modules=MODULES):
    return [check for module in modules for check in importlib.import_module(f"autograder.checks.{module}").CHECKS]


def away_from_zero(rng, shape, scale=3.0, margin=0.05):
    """Normal draws scaled by `scale`, pushed at least `margin` away from the kink at 0."""
    z = rng.normal(0.0, scale, size=shape)
    return np.where(np.abs(z) < margin, np.copysign(margin, z) + z, z)


def probabilities(rng, shape, low=0.05, high=0.95):
    return rng.uniform(low, high, size=shape)


def labels(rng, n, classes):
    """Integer labels that use every class at least once when n >= classes."""
    y = rng.integers(0, classes, size=n)
    y[: min(n, classes)] = rng.permutation(classes)[: min(n, classes)]
    return y


def with_edges(rng, shape, edges, scale=3.0):
    """Draws as `away_from_zero`, with the fixed `edges` (the regime a check exists for: the kink's 0.0 and -0.0,
    z = 1e4, ...) placed at positions drawn from rng: the regime is hit on every seed, the whole input never
    repeats between seeds (so published answers cannot be replayed)."""
    z = away_from_zero(rng, shape, scale)
    where = rng.choice(z.size, size=len(edges), replace=False)
    z.flat[where] = edges
    return z


def holds(*values, arg=0):
    """A check's regime: argument `arg` holds every one of `values` exactly (the sign of a zero included)."""
    def regime(args, kwargs):
        a = np.asarray(args[arg])
        return all(np.any((a == v) & (np.signbit(a) == np.signbit(v))) for v in values)
    return regime
