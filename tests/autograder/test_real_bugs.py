"""Real bugs found in published code that used to get full marks (issue 19 §2) now lose points on every seed.

Each bug below is pasted into a copy of the reference solutions (the later definition wins) and graded by
the real sandboxed grader at several seeds: it must lose points in its function, be named as the known
mistake it is (or named as nothing, never as another mistake), and the reference must keep full marks.
The inputs that expose them are drawn on every seed (fixed edge entries next to the random draws), and
the reference agrees with torch on exactly those inputs.
"""
import numpy as np
import pytest
import torch

from autograder.checks import all_checks
from autograder.grade import grade
from autograder.reference import DEFAULT_FOLDER, default_reference
from mutants import write_solutions

SEEDS = (7, 20261123, 424242)

POOL_LOOP = '''

def {kind}pool2d_forward(x, kernel_size, stride=None):
    stride = kernel_size if stride is None else stride
    N, C, H, W = x.shape
    {guard}
    H_out, W_out = {size}
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            window = x[:, :, i * stride:i * stride + kernel_size, j * stride:j * stride + kernel_size]
            out[:, :, i, j] = window.{reduce}(axis=(2, 3))
    return out, {cache}
'''


def pool_loop(kind, size="H // stride, W // stride", guard="pass"):
    cache = "(x.shape, kernel_size, stride, None)" if kind == "max" else "(x.shape, kernel_size, stride)"
    return POOL_LOOP.format(kind=kind, size=size, guard=guard, reduce="max" if kind == "max" else "mean", cache=cache)


REFUSES = "assert (H - kernel_size) % stride == 0 and (W - kernel_size) % stride == 0, 'invalid pool shape'"
EXACT = "(H - kernel_size) // stride + 1, (W - kernel_size) // stride + 1"

# (module, function, source appended to the module, name of the mistake it must be given, or None for no name)
BUGS = {
    "max pool output H // stride": ("cnn", "maxpool2d_forward", pool_loop("max"), "output size H // stride"),
    "max pool refuses uneven shapes": ("cnn", "maxpool2d_forward", pool_loop("max", EXACT, REFUSES), None),
    "avg pool output H // stride": ("cnn", "avgpool2d_forward", pool_loop("avg"), "output size H // stride"),
    "avg pool refuses uneven shapes": ("cnn", "avgpool2d_forward", pool_loop("avg", EXACT, REFUSES), None),
    "max pool backward to every tie": ("cnn", "maxpool2d_backward", '''

def maxpool2d_backward(dout, cache):
    shape, k, stride, windows = cache
    dx = np.zeros(shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = windows[:, :, i, j]
            mask = (window == np.max(window, axis=(2, 3), keepdims=True))
            dx[:, :, i * stride:i * stride + k, j * stride:j * stride + k] += mask * dout[:, :, i, j][:, :, None, None]
    return dx
''', "every tied maximum gets the gradient"),
    "max pool backward to the last tie": ("cnn", "maxpool2d_backward", '''

def maxpool2d_backward(dout, cache):
    shape, k, stride, windows = cache
    n, c, h_out, w_out = dout.shape
    flat = windows.reshape(n, c, h_out, w_out, k * k)[..., ::-1]
    best = k * k - 1 - flat.argmax(axis=-1)
    dx = np.zeros(shape)
    for a in range(n):
        for b in range(c):
            for i in range(h_out):
                for j in range(w_out):
                    r, s = divmod(best[a, b, i, j], k)
                    dx[a, b, i * stride + r, j * stride + s] += dout[a, b, i, j]
    return dx
''', None),
    "l1_grad with an epsilon": ("regularization", "l1_grad", '''

def l1_grad(weights, lam):
    return [lam * W / (np.abs(W) + 1e-8) for W in weights]
''', "epsilon in the denominator"),
    "bce_grad assumes 2-D": ("losses", "binary_cross_entropy_grad", '''

def binary_cross_entropy_grad(p, y):
    return (p - y) / (p * (1 - p)) / (len(p) * len(p[0]))
''', "divided by len(p) * len(p[0])"),
    "bce_grad with an epsilon": ("losses", "binary_cross_entropy_grad", '''

def binary_cross_entropy_grad(p, y):
    return (p - y) / (p * (1 - p) + 1e-8) / p.size
''', "epsilon in the denominator"),
    "mse_grad assumes 2-D": ("losses", "mse_grad", '''

def mse_grad(y_pred, y_true):
    m, n = len(y_pred), len(y_pred[0])
    return 2 * (y_pred - y_true) / (m * n)
''', "divided by len(y_pred) * len(y_pred[0])"),
    "eval dropout returns x itself": ("regularization", "dropout_forward", '''

def dropout_forward(x, p, rng, training=True):
    if not training:
        return x, np.ones_like(x)
    mask = (rng.random(x.shape) >= p) / (1 - p) if p < 1 else np.zeros_like(x)
    return x * mask, mask
''', None),
    "eval dropout mask None": ("regularization", "dropout_forward", '''

def dropout_forward(x, p, rng, training=True):
    if not training:
        return x.copy(), None
    mask = (rng.random(x.shape) >= p) / (1 - p) if p < 1 else np.zeros_like(x)
    return x * mask, mask
''', None),
    "eval batch norm returns its running stats": ("regularization", "batchnorm_forward", '''

def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    if training:
        mu, var = x.mean(axis=0), x.var(axis=0)
        n = x.shape[0]
        running_mean = (1 - momentum) * running_mean + momentum * mu
        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)
    else:
        mu, var = running_mean, running_var
    inv_std = 1 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    return gamma * x_hat + beta, running_mean, running_var, (x_hat, gamma, inv_std, training)
''', None),
}

# What the feedback must say for bugs that no value can show.
SAYS = {
    "eval dropout returns x itself": "the same object",
    "eval batch norm returns its running stats": "the same object",
    "max pool refuses uneven shapes": "invalid pool shape",
}


def with_bug(label, folder):
    module, _, source, _ = BUGS[label]
    return write_solutions(folder, {f"{module}.py": (DEFAULT_FOLDER / f"{module}.py").read_text() + source})


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("label", sorted(BUGS))
def test_a_real_bug_loses_points_on_every_seed_and_is_named_rightly_or_not_at_all(label, seed, tmp_path):
    module, function, _, expected = BUGS[label]
    report = grade(with_bug(label, tmp_path), modules=(module,), seed=seed)
    failing = [o for o in report.outcomes if o.check.function == f"{module}.{function}" and not o.verdict.passed]
    assert failing and report.score < report.max_score, f"{label} got full marks at seed {seed}"
    for outcome in report.outcomes:
        names = [m.name for m in outcome.verdict.candidates]
        assert all(expected and name.startswith(expected) for name in names), (
            f"{label}: {outcome.check.name} named {names}, expected {expected!r} or nothing")
    if expected:
        assert any(o.verdict.mistake is not None and o.verdict.mistake.name.startswith(expected) for o in failing)
    if label in SAYS:
        assert any(SAYS[label] in " ".join([o.verdict.summary, *o.verdict.details]) for o in failing)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_reference_keeps_full_marks_on_the_new_inputs(seed):
    report = grade(DEFAULT_FOLDER, modules=("losses", "regularization", "cnn"), seed=seed)
    assert [o.check.name for o in report.outcomes if not o.verdict.passed] == []
    assert all(o.verdict.mistake is None for o in report.outcomes)


def _pool_checks():
    return [(i, c) for i, c in enumerate(all_checks()) if "pool2d_backward" in c.function
            and ("integers" in c.name or "ReLU" in c.name or "(2, 3, 8, 7)" in c.name or "(2, 2, 7, 8)" in c.name)]


@pytest.mark.parametrize("seed", SEEDS)
def test_the_reference_equals_torch_on_the_tied_and_uneven_pooling_inputs(seed):
    """torch routes a tied window's gradient to the index max_pool2d(return_indices=True) gives; so does the
    reference, on the very inputs the grader draws (every seed has a tie)."""
    reference = default_reference()
    checks = _pool_checks()
    assert len(checks) >= 7
    for index, check in checks:
        calls = check.calls(np.random.default_rng([seed, index]), f"c{index}")
        forward, backward = calls
        x, k, stride = forward.args
        got = reference.run(calls)[backward.id]
        xt = torch.tensor(x, requires_grad=True)
        pool = torch.nn.functional.max_pool2d if "max" in check.function else torch.nn.functional.avg_pool2d
        out = pool(xt, k, stride)
        assert tuple(out.shape) == backward.args[0].shape
        (expected,) = torch.autograd.grad(out, xt, grad_outputs=torch.tensor(backward.args[0]))
        np.testing.assert_allclose(got, expected.numpy(), rtol=1e-12, atol=0)
        if "max" in check.function and "integers" in check.name:
            windows = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(2, 3))[:, :, ::stride, ::stride]
            assert (np.sum(windows == windows.max(axis=(4, 5), keepdims=True), axis=(4, 5)) > 1).any()


def test_tiny_weights_and_near_edge_probabilities_are_drawn_on_every_seed():
    checks = {c.name: (i, c) for i, c in enumerate(all_checks())}
    l1 = next(name for name in checks if name.startswith("l1_grad with weights near 0"))
    bce = next(name for name in checks if "as close as 1e-4" in name)
    for seed in range(20):
        index, check = checks[l1]
        weights = check.calls(np.random.default_rng([seed, index]), "c")[-1].args[0]
        tiny = np.concatenate([np.abs(w).ravel() for w in weights])
        assert ((tiny > 0) & (tiny <= 1e-4)).sum() >= 6
        index, check = checks[bce]
        p, _ = check.calls(np.random.default_rng([seed, index]), "c")[-1].args
        assert p.min() <= 1e-4 and p.max() >= 1 - 1e-4 and ((p > 0) & (p < 1)).all()
