"""Known mistakes in regularization.py (names resolve in that module: np)."""
# ruff: noqa: F821
import numpy as np  # for the behaviour predicates below, which run in the grader

from autograder.mistakes import mistake


def _value(observation, index):
    value = observation.get("value")
    return value[index] if type(value) in (tuple, list) and len(value) > index else None


def _unscaled(observation):
    """The mask holds 0 and 1 only AND the output confirms it: every kept unit has out == x (ratio 1, no
    1/(1-p)). A boolean mask with a correctly scaled output is another mistake (the mask's values), not this."""
    mask, out = _value(observation, 1), _value(observation, 0)
    x = observation.get("args_after", [[None]])[0][0]
    if type(mask) is not np.ndarray or mask.size == 0 or not np.isin(mask, (0.0, 1.0)).all() or not 0 < mask.mean() < 1:
        return False
    if type(out) is not np.ndarray or type(x) is not np.ndarray or out.shape != x.shape or mask.shape != x.shape:
        return False
    kept = (mask != 0) & (x != 0)
    return bool(kept.any()) and bool(np.allclose(out[kept], x[kept], rtol=1e-12, atol=0.0))


def _keeps_p(observation):
    mask, p = _value(observation, 1), observation.get("args_after", [[None, None]])[0][1]
    if type(mask) is not np.ndarray or type(p) is not float or mask.size < 1000 or not 0 < p < 1:
        return False
    kept = float((mask != 0).mean())
    return abs(kept - p) < abs(kept - (1 - p))


def _drops_in_eval(observation):
    mask = _value(observation, 1)
    kwargs = observation.get("args_after", [None, {}])[1]
    return type(mask) is np.ndarray and kwargs.get("training") is False and not np.all(mask == 1.0)


@mistake("regularization.dropout_forward", "classic dropout: no 1/(1-p) scaling at training time",
         "Scale the kept units by 1/(1-p) during training (inverted dropout), so evaluation needs no scaling.",
         seen_in=_unscaled)
def dropout_unscaled(x, p, rng, training=True):
    if not training:
        return x.copy(), np.ones_like(x)
    mask = (rng.random(x.shape) >= p).astype(np.float64)
    return x * mask, mask


@mistake("regularization.dropout_forward", "p used as the keep probability",
         "In PyTorch p is the probability of DROPPING a unit: keep with probability 1 - p.", seen_in=_keeps_p)
def dropout_keep_p(x, p, rng, training=True):
    if not training:
        return x.copy(), np.ones_like(x)
    mask = (rng.random(x.shape) < p) / p
    return x * mask, mask


@mistake("regularization.dropout_forward", "dropout applied in evaluation mode",
         "With training=False dropout is the identity: return a copy of x and a mask of ones.", seen_in=_drops_in_eval)
def dropout_always(x, p, rng, training=True):
    mask = (rng.random(x.shape) >= p) / (1 - p)
    return x * mask, mask


@mistake("regularization.dropout_backward", "gradient not masked", "Multiply dout by the same mask as the forward pass.")
def dropout_backward_unmasked(dout, mask):
    return dout.copy()


@mistake("regularization.l2_penalty", "no 1/2 factor", "Use lam / 2 * sum(W**2) so the gradient is lam * W.")
def l2_no_half(weights, lam):
    return float(lam * sum(np.sum(w**2) for w in weights))


@mistake("regularization.l2_grad", "2 * lam * W (the gradient of lam * sum(W**2))",
         "With the lam / 2 penalty the gradient is lam * W, torch's weight_decay term.")
def l2_grad_double(weights, lam):
    return [2 * lam * np.asarray(w, dtype=np.float64) for w in weights]


@mistake("regularization.l1_penalty", "absolute value of the sum instead of the sum of absolute values",
         "Sum |W| element by element: np.sum(np.abs(W)).")
def l1_abs_of_sum(weights, lam):
    return float(lam * sum(abs(np.sum(w)) for w in weights))


@mistake("regularization.l1_grad", "lam * W (the L2 gradient)", "The derivative of |w| is sign(w): lam * np.sign(W).")
def l1_grad_as_l2(weights, lam):
    return [lam * np.asarray(w, dtype=np.float64) for w in weights]


@mistake("regularization.batchnorm_forward", "running statistics updated in evaluation mode",
         "With training=False use the running statistics and return them unchanged.")
def batchnorm_updates_in_eval(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    n = x.shape[0]
    mu, var = x.mean(axis=0), x.var(axis=0)
    new_mean = (1 - momentum) * running_mean + momentum * mu
    new_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)
    inv_std = 1 / np.sqrt((var if training else running_var) + eps)
    x_hat = (x - (mu if training else running_mean)) * inv_std
    return gamma * x_hat + beta, new_mean, new_var, (x_hat, gamma, inv_std, training)


@mistake("regularization.batchnorm_forward", "running variance stored biased (not scaled by N / (N - 1))",
         "Normalise with the biased batch variance, but update running_var with the unbiased one, as torch does.")
def batchnorm_biased_running_var(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    mu, var = (x.mean(axis=0), x.var(axis=0)) if training else (running_mean, running_var)
    inv_std = 1 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    if training:
        running_mean = (1 - momentum) * running_mean + momentum * mu
        running_var = (1 - momentum) * running_var + momentum * var
    return gamma * x_hat + beta, running_mean.copy(), running_var.copy(), (x_hat, gamma, inv_std, training)


@mistake("regularization.batchnorm_backward", "batch mean and variance treated as constants in training mode",
         "In training mode x also enters mu and var: dx = gamma * inv_std / N * (N dout - sum(dout) - x_hat sum(dout x_hat)).")
def batchnorm_backward_constant_stats(dout, cache):
    x_hat, gamma, inv_std, training = cache
    return gamma * inv_std * dout, np.sum(dout * x_hat, axis=0), np.sum(dout, axis=0)


@mistake("regularization.layernorm_forward", "statistics over the batch axis (that is batch norm)",
         "Layer norm normalises each row over its features: mean and var with axis=-1, keepdims=True.")
def layernorm_over_batch(x, gamma, beta, eps=1e-5):
    inv_std = 1 / np.sqrt(x.var(axis=0, keepdims=True) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)


@mistake("regularization.layernorm_backward", "row statistics treated as constants",
         "Each row's mean and variance depend on x: include the two row-sum terms in dx.")
def layernorm_backward_constant_stats(dout, cache):
    x_hat, gamma, inv_std = cache
    return dout * gamma * inv_std, np.sum(dout * x_hat, axis=0), np.sum(dout, axis=0)


@mistake("regularization.l1_grad", "epsilon in the denominator: lam * W / (|W| + 1e-8)",
         "The subgradient is exactly lam * np.sign(W) (0 at W = 0): an epsilon makes it wrong for small weights, "
         "by 1e-4 relative at |W| = 1e-4.")
def l1_grad_epsilon(weights, lam):
    return [lam * np.asarray(w, dtype=np.float64) / (np.abs(w) + 1e-8) for w in weights]
