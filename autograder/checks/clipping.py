"""Checks of clipping.py: the three clipping rules as torch applies them, under and over the threshold.

Small norms (about 1e-2, clipped to 2e-3) make the 1e-6 in max_norm / (norm + 1e-6) change the result by
1e-4 relative, a hundred times the contract's rtol; empty inputs follow the contract's rule for them.
"""
import numpy as np

from autograder.spec import ValueCheck

SHAPES = ((3, 4), (5,), (2, 2, 3))


def grads(scale, shapes=SHAPES):
    return lambda rng: ([rng.normal(0.0, scale, size=s) for s in shapes],)


def by_value(scale, clip_value):
    return ValueCheck("clipping.clip_by_value", f"clip_by_value of {len(SHAPES)} arrays (std {scale}) at {clip_value}",
                      inputs=lambda rng: (*grads(scale)(rng), clip_value))


def clipped(args, kwargs):
    """The regime of the small-norm checks: the norm is over max_norm, so the 1e-6 in the scale shows."""
    grads = args[0] if type(args[0]) is list else [args[0]]
    return bool(np.sqrt(sum(np.sum(g**2) for g in grads)) > args[1])


def by_norm(shape, scale, max_norm, regime=None):
    return ValueCheck("clipping.clip_by_norm", f"clip_by_norm of a {shape} array (std {scale}), max_norm {max_norm}",
                      inputs=lambda rng: (rng.normal(0.0, scale, size=shape), max_norm), regime=regime)


def over_norm(shape, max_norm, times=(3.0, 10.0)):
    """A drawn direction whose norm is `times` max_norm: clipped on every seed (a std alone leaves a 2-element
    draw under max_norm on 2% of seeds, where the 1e-6 goes unseen)."""
    def make(rng):
        g = rng.normal(size=shape)
        return g * (rng.uniform(*times) * max_norm / np.linalg.norm(g)), max_norm

    return ValueCheck("clipping.clip_by_norm", f"clip_by_norm of a {shape} array of norm {times[0]:g} to {times[1]:g} "
                      f"times max_norm {max_norm}", inputs=make,
                      regime=lambda args, kwargs: bool(np.linalg.norm(args[0]) > 2 * args[1]))


def by_global_norm(scale, max_norm, norm_type=None, regime=None):
    kwargs = {} if norm_type is None else {"norm_type": norm_type}
    return ValueCheck("clipping.clip_by_global_norm",
                      f"clip_by_global_norm of {len(SHAPES)} arrays (std {scale}), max_norm {max_norm}"
                      + (f", norm_type {norm_type}" if norm_type is not None else ""),
                      inputs=lambda rng: (*grads(scale)(rng), max_norm), kwargs=kwargs,
                      names=("clipped", "total_norm"), regime=regime)


CHECKS = [
    by_value(2.0, 0.7),
    by_value(0.1, 5.0),
    by_norm((4, 3), 2.0, 1.5),
    by_norm((6,), 0.1, 10.0),
    by_norm((3, 5), 1e-9, 1.0),
    by_norm((4, 3), 3e-3, 2e-3, regime=clipped),  # norm ~ 1e-2: the 1e-6 matters
    over_norm((2,), 1e-3),
    ValueCheck("clipping.clip_by_norm", "clip_by_norm of an all-zero gradient",
               inputs=lambda rng: (np.zeros((2, 3)), rng.uniform(0.5, 2.0))),
    by_global_norm(2.0, 1.5),
    by_global_norm(2.0, 3.0, 1),
    by_global_norm(2.0, 0.5, float("inf")),
    by_global_norm(0.01, 10.0),
    by_global_norm(2e-3, 2e-3, regime=clipped),  # total norm ~ 1e-2: the 1e-6 matters
    ValueCheck("clipping.clip_by_global_norm", "clip_by_global_norm of all-zero gradients",
               inputs=lambda rng: ([np.zeros((2, 3)), np.zeros(4)], rng.uniform(0.5, 2.0))),
    # Empty inputs (the contract's convention, advisory): no arrays, or zero-size arrays that add nothing to
    # any norm.
    ValueCheck("clipping.clip_by_value", "clip_by_value of an empty list",
               inputs=lambda rng: ([], rng.uniform(0.5, 2.0)), advisory="an empty list"),
    ValueCheck("clipping.clip_by_norm", "clip_by_norm of a zero-size (0, k) array",
               inputs=lambda rng: (np.zeros((0, int(rng.integers(1, 2**20)))), rng.uniform(0.5, 2.0)),
               advisory="a zero-size array"),
    ValueCheck("clipping.clip_by_global_norm", "clip_by_global_norm of an empty list is ([], 0.0)",
               inputs=lambda rng: ([], rng.uniform(0.5, 2.0)), names=("clipped", "total_norm"),
               advisory="an empty list"),
    *[ValueCheck("clipping.clip_by_global_norm",
                 f"clip_by_global_norm of arrays with a zero-size one, norm_type {p}",
                 inputs=lambda rng: ([rng.normal(0.0, 0.1, size=(3, 2)), np.zeros((0, 4)), rng.normal(0.0, 0.1, size=5)],
                                     0.05),
                 kwargs={"norm_type": p}, names=("clipped", "total_norm"), advisory="a zero-size array")
      for p in (2.0, float("inf"))],
]
