"""Checks of optimizers.py: first steps (state None) and later steps, non-default hyperparameters, schedules.

Adam(W) also steps with gradients of size 1e-8, where v_hat is near eps**2: only there does the place of
eps (sqrt(v_hat) + eps, not sqrt(v_hat + eps)) change the step by more than the contract's tolerance.
"""
from autograder.spec import ValueCheck

SHAPE = (4, 3)
STATE_NAMES = {"momentum_step": ("param", "velocity"), "nesterov_step": ("param", "velocity"),
               "adagrad_step": ("param", "sum_sq"), "rmsprop_step": ("param", "square_avg"),
               "adam_step": ("param", "m", "v"), "adamw_step": ("param", "m", "v")}


def step(function, name, state_slots, scale=1.0, **kwargs):
    """A check of `function(param, grad, *states, **kwargs)`; states are None or drawn (non-negative where squared).

    The gradient and the first-moment states have size `scale`, the squared states `scale**2`.
    """
    def make(rng):
        param, grad = rng.normal(size=SHAPE), scale * rng.normal(size=SHAPE)
        states = []
        for slot in state_slots:
            if slot == "none":
                states.append(None)
            elif slot == "signed":
                states.append(scale * rng.normal(size=SHAPE))
            elif slot == "positive":
                states.append(scale**2 * rng.uniform(0.1, 2.0, size=SHAPE))
            else:  # a step count
                states.append(slot)
        return (param, grad, *states)

    return ValueCheck(f"optimizers.{function}", f"{function}: {name}" + (f" with {kwargs}" if kwargs else "")
                      + (f", gradients of size {scale:g}" if scale != 1.0 else ""),
                      inputs=make, kwargs=kwargs, names=STATE_NAMES.get(function, ()))


LR0 = "lr0"  # in a schedule's arguments: a base learning rate drawn from the seed


def schedule(function, *args, **kwargs):
    """A schedule at a fixed epoch (the regime: before, at or after a boundary) with lr0 drawn from the seed."""
    shown = "(" + ", ".join(a if a is LR0 else repr(a) for a in args) + ")"
    return ValueCheck(f"optimizers.{function}", f"{function}{shown}" + (f" with {kwargs}" if kwargs else ""),
                      inputs=lambda rng: tuple(float(rng.uniform(0.1, 1.0)) if a is LR0 else a for a in args),
                      kwargs=kwargs)


CHECKS = [
    step("sgd_step", "one step", (), lr=0.1),
    step("sgd_step", "one step", (), lr=0.05, weight_decay=0.3),
    step("momentum_step", "first step (velocity None)", ("none",), lr=0.1, momentum=0.8, dampening=0.3),
    step("momentum_step", "a later step", ("signed",), lr=0.1),
    step("momentum_step", "a later step", ("signed",), lr=0.05, momentum=0.7, dampening=0.2, weight_decay=0.1),
    step("nesterov_step", "first step (velocity None)", ("none",), lr=0.1),
    step("nesterov_step", "a later step", ("signed",), lr=0.05, momentum=0.6, weight_decay=0.2),
    step("adagrad_step", "first step (sum_sq None)", ("none",), lr=0.2),
    step("adagrad_step", "a later step", ("positive",), lr=0.1, eps=1e-3),
    step("rmsprop_step", "first step (square_avg None)", ("none",), lr=0.02, alpha=0.9),
    step("rmsprop_step", "a later step", ("positive",), lr=0.01, alpha=0.8, eps=1e-3),
    step("adam_step", "first step (m, v None, t = 1)", ("none", "none", 1), lr=0.01),
    step("adam_step", "step t = 3", ("signed", "positive", 3), lr=0.02, beta1=0.8, beta2=0.95, eps=1e-4,
         weight_decay=0.1),
    step("adamw_step", "first step (m, v None, t = 1)", ("none", "none", 1), lr=0.01, weight_decay=0.2),
    step("adamw_step", "step t = 4", ("signed", "positive", 4), lr=0.02, beta1=0.85, beta2=0.9, weight_decay=0.3),
    step("adam_step", "first step (m, v None, t = 1)", ("none", "none", 1), scale=1e-8, lr=0.01),
    step("adam_step", "step t = 3", ("signed", "positive", 3), scale=1e-8, lr=0.02, beta1=0.8, beta2=0.95),
    step("adamw_step", "first step (m, v None, t = 1)", ("none", "none", 1), scale=1e-8, lr=0.01, weight_decay=0.2),
    step("adamw_step", "step t = 4", ("signed", "positive", 4), scale=1e-8, lr=0.02, beta1=0.85, beta2=0.9),
    schedule("step_decay", 7, LR0, 3, gamma=0.5),
    schedule("step_decay", 2, LR0, 3),
    schedule("cosine_annealing", 3, LR0, 10, eta_min=0.05),
    schedule("cosine_annealing", 10, LR0, 10, eta_min=0.05),
    schedule("linear_warmup", 2, LR0, 5, start_factor=0.25),
    schedule("linear_warmup", 9, LR0, 5),
]
