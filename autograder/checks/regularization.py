"""Checks of regularization.py: dropout by its properties and seeds, penalties, batch and layer norm both ways."""
import math

import numpy as np

from autograder.compare import describe_type
from autograder.spec import PropertyCheck, SeededCheck, ValueCheck, result_of


def dropout_holds(args, kwargs, value):
    """out = x * mask; mask holds 0 or 1/(1-p); the kept fraction is 1-p within 5.5 binomial std (P < 1e-7)."""
    x, p = args[0], args[1]
    if type(value) in (tuple, list) and len(value) == 2 and any(v is None for v in value):
        which = " and ".join(name for name, v in zip(("out", "mask"), value) if v is None)
        return f"the {which} is None: return a tuple (out, mask) of two numpy arrays" + (
            ", the mask all ones in evaluation mode" if value[1] is None and not kwargs.get("training", True) else "")
    if type(value) not in (tuple, list) or len(value) != 2 or any(type(v) is not np.ndarray for v in value):
        return f"should return a tuple (out, mask) of two numpy arrays, got {describe_type(value)}"
    out, mask = value
    if out.shape != x.shape or mask.shape != x.shape:
        return f"out and mask should have x's shape {x.shape}, got {out.shape} and {mask.shape}"
    if not kwargs.get("training", True):
        if not (np.array_equal(out, x) and np.all(mask == 1.0)):
            return "in evaluation mode dropout must return x unchanged and a mask of ones"
        return None
    if p >= 1.0:
        return None if not out.any() else "with p = 1 every unit is dropped: out must be all zeros"
    if not np.isin(mask, (0.0, 1.0 / (1.0 - p))).all():
        values = np.unique(mask)[:4]
        return f"mask values should be 0 or 1/(1-p) = {1 / (1 - p):.4g}, got {values}"
    if not np.allclose(out, x * mask, rtol=1e-12, atol=0.0):
        return "out should equal x * mask"
    n, kept = mask.size, int((mask != 0).sum())
    if abs(kept - n * (1 - p)) > 5.5 * math.sqrt(n * p * (1 - p)):
        return f"kept {kept} of {n} units; about {n * (1 - p):.0f} expected for a drop probability p = {p}"
    return None


def dropout(name, shape, p, **kwargs):
    return PropertyCheck("regularization.dropout_forward", f"dropout_forward {name}, x {shape}, p={p}",
                         inputs=lambda rng: (rng.normal(size=shape), p), kwargs=kwargs, holds=dropout_holds)


def weights(rng):
    return ([rng.normal(size=(4, 3)), rng.normal(size=(5,)), rng.normal(size=(2, 2, 3))],)


TINY = np.array([1e-4, -3e-5, 1e-6, -2e-7, 5e-5, -1e-4])


def near_zero_weights(rng):
    """Weights with TINY magnitudes at random places on every seed: sign(W) is exactly +-1 there, whereas
    W / (|W| + eps) is not, by up to 1e-1 relative at |W| = 1e-7 for eps = 1e-8."""
    first, second = rng.normal(size=(4, 5)), rng.normal(size=(7,))
    first.flat[rng.permutation(first.size)[:4]] = TINY[:4]
    second[rng.permutation(second.size)[:2]] = TINY[4:]
    return [first, second]


def penalty(function, lam):
    return ValueCheck(f"regularization.{function}", f"{function} of 3 weight arrays, lam={lam}",
                      inputs=lambda rng: (*weights(rng), lam))


def bn_inputs(n, d):
    def make(rng):
        return (rng.normal(1.0, 2.0, size=(n, d)), rng.normal(size=d), rng.normal(size=d), rng.normal(size=d),
                rng.uniform(0.5, 2.0, size=d))
    return make


def bn_forward(n, d, **kwargs):
    return ValueCheck("regularization.batchnorm_forward", f"batchnorm_forward on ({n}, {d})" + (f" with {kwargs}" if kwargs else ""),
                      inputs=bn_inputs(n, d), kwargs=kwargs, pick=[0, 1, 2],
                      names=("out", "running_mean", "running_var"))


def bn_backward(n, d, training=True, **kwargs):
    make = bn_inputs(n, d)
    return ValueCheck("regularization.batchnorm_backward",
                      f"batchnorm_backward after {'a training' if training else 'an evaluation'}-mode forward on ({n}, {d})",
                      also_tags=("regularization.batchnorm_forward",),
                      before=(("regularization.batchnorm_forward", lambda rng: (*make(rng), training, *kwargs.values())),),
                      inputs=lambda rng: (rng.normal(size=(n, d)), result_of(0, pick=3)), names=("dx", "dgamma", "dbeta"))


def ln_inputs(n, d):
    return lambda rng: (rng.normal(0.5, 1.5, size=(n, d)), rng.normal(size=d), rng.normal(size=d))


CHECKS = [
    dropout("training", (40, 50), 0.3),
    dropout("training", (30, 60), 0.75),
    dropout("in evaluation mode", (6, 7), 0.5, training=False),
    dropout("with p = 1", (5, 4), 1.0),
    dropout("with p = 0", (5, 6), 0.0),
    SeededCheck("regularization.dropout_forward", "dropout_forward draws only from rng (same seed, same mask)",
                args=(lambda rng: rng.normal(size=(20, 30)), 0.4)),
    ValueCheck("regularization.dropout_backward", "dropout_backward with a (6, 5) mask for p = 0.4",
               inputs=lambda rng: (rng.normal(size=(6, 5)), (rng.random((6, 5)) >= 0.4) / 0.6)),
    penalty("l2_penalty", 0.3),
    penalty("l2_grad", 0.3),
    penalty("l2_grad", 0.05),
    penalty("l1_penalty", 0.2),
    ValueCheck("regularization.l1_grad", "l1_grad, including weights exactly 0",
               inputs=lambda rng: ([np.array([[0.0, -1.5, 2.0], [0.3, 0.0, -0.2]]), rng.normal(size=(4,))], 0.7)),
    penalty("l1_grad", 0.1),
    ValueCheck("regularization.l1_grad", "l1_grad with weights near 0 (|W| from 1e-7 to 1e-4) among normal draws",
               inputs=lambda rng: (near_zero_weights(rng), 0.4)),
    bn_forward(6, 4, momentum=0.3, eps=1e-3),
    bn_forward(9, 3),
    bn_forward(5, 4, training=False, momentum=0.3, eps=1e-3),
    bn_backward(6, 4),
    bn_backward(8, 3, True, momentum=0.2, eps=1e-3),
    bn_backward(5, 4, training=False),
    ValueCheck("regularization.layernorm_forward", "layernorm_forward on (5, 6)", inputs=ln_inputs(5, 6), pick=0),
    ValueCheck("regularization.layernorm_forward", "layernorm_forward on (3, 8) with eps=1e-3",
               inputs=ln_inputs(3, 8), kwargs={"eps": 1e-3}, pick=0),
    ValueCheck("regularization.layernorm_backward", "layernorm_backward after layernorm_forward on (5, 6)",
               also_tags=("regularization.layernorm_forward",),
               before=(("regularization.layernorm_forward", ln_inputs(5, 6)),),
               inputs=lambda rng: (rng.normal(size=(5, 6)), result_of(0, pick=1))),
    ValueCheck("regularization.layernorm_backward", "layernorm_backward after layernorm_forward on (4, 3)",
               also_tags=("regularization.layernorm_forward",),
               before=(("regularization.layernorm_forward", ln_inputs(4, 3)),),
               inputs=lambda rng: (rng.normal(size=(4, 3)), result_of(0, pick=1))),
]
