"""The oracle cases: for every contract function, inputs and what PyTorch computes on them.

Shapes are non-square with distinct dimensions and batches > 1 so that a
transposed product, a wrong axis or a wrong divisor changes the answer;
hyperparameters take non-default values; derivatives come from torch autograd.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch.nn import init as torch_init
from torch.nn.utils import clip_grad_norm_, clip_grad_value_

from oracle_kit import ATOL, AllOf, Case, Close, Distribution, Prior, Raises, Seed, leaf, t64, torch_outcome

CASES = []


def case(function, label, build, oracle, pick=None, atol=ATOL):
    CASES.append(Case(f"{function}:{label}", function, build, oracle, pick, atol))


def tiny(label):
    """Cases whose values are ~1e-6 or below are compared with rtol only (atol 1e-8 would accept zeros)."""
    return 0.0 if any(word in label for word in ("tiny", "1e-6", "nearly")) else ATOL


def call(*args, **kwargs):
    return args, kwargs


# ============================================================================ activations
def mixed(shape, scale=3.0):
    """Normal pre-activations with every fifth entry exactly 0 (the kink of relu & co)."""
    def build(rng):
        z = rng.normal(0.0, scale, shape)
        z.flat[::5] = 0.0
        return z
    return build


EXTREME = np.array([[-1e4, -750.0, -40.0, -1e-3, 0.0, 1e-3, 40.0, 750.0, 1e4],
                    [1e4, 1e3, 3.0, -0.5, 2e-8, -2e-8, -3.0, -1e3, -1e4]])


def extreme(rng):
    return EXTREME.copy()


def value_of(torch_fn):
    def oracle(z, *args, **kwargs):
        return torch_fn(t64(z), *args, **kwargs)
    return oracle


def derivative_of(torch_fn):
    """d f / d z element-wise: autograd of sum(f(z)) (f acts element by element)."""
    def oracle(z, *args, **kwargs):
        zt = leaf(z)
        (grad,) = torch.autograd.grad(torch_fn(zt, *args, **kwargs).sum(), zt)
        return grad
    return oracle


def torch_leaky_relu(z, negative_slope=0.01):
    return F.leaky_relu(z, negative_slope)


def torch_elu(z, alpha=1.0):
    return F.elu(z, alpha)


def torch_softmax(z, axis=-1):
    return torch.softmax(z, dim=axis)


ELEMENTWISE = [
    # (name, torch function, [(label, build, kwargs)])
    ("sigmoid", torch.sigmoid, [("normal-3x5", mixed((3, 5)), {}), ("3d-2x3x4", mixed((2, 3, 4), 6.0), {}),
                                ("extreme-pm1e4", extreme, {})]),
    ("tanh", torch.tanh, [("normal-4x3", mixed((4, 3), 1.5), {}), ("3d-2x3x4", mixed((2, 3, 4)), {}),
                          ("extreme-pm1e4", extreme, {})]),
    ("relu", torch.relu, [("normal-3x5-zeros", mixed((3, 5)), {}), ("3d-2x3x4-zeros", mixed((2, 3, 4)), {})]),
    ("leaky_relu", torch_leaky_relu, [
        ("default-slope-3x5", mixed((3, 5)), {}),
        ("slope0.2-2x3x4", mixed((2, 3, 4)), {"negative_slope": 0.2}),
        ("slope1.5-4x3", mixed((4, 3)), {"negative_slope": 1.5}),
    ]),
    ("elu", torch_elu, [
        ("default-alpha-3x5", mixed((3, 5)), {}),
        ("alpha0.5-2x3x4", mixed((2, 3, 4)), {"alpha": 0.5}),
        ("alpha2-extreme-pm1e4", extreme, {"alpha": 2.0}),
    ]),
]

for name, fn, settings in ELEMENTWISE:
    for label, build, kwargs in settings:
        case(f"activations.{name}", label, lambda rng, b=build, k=kwargs: call(b(rng), **k), value_of(fn))
        case(f"activations.{name}_derivative", label, lambda rng, b=build, k=kwargs: call(b(rng), **k),
             derivative_of(fn))

for label, build, kwargs in [
    ("rows-3x5", mixed((3, 5)), {}),
    ("axis0-3x5", mixed((3, 5)), {"axis": 0}),
    ("3d-axis1-2x3x4", mixed((2, 3, 4)), {"axis": 1}),
    ("extreme-pm1e4", extreme, {}),
    ("extreme-pm1e4-axis0", extreme, {"axis": 0}),
]:
    case("activations.softmax", label, lambda rng, b=build, k=kwargs: call(b(rng), **k), value_of(torch_softmax))


# ============================================================================ losses
def pair(shape):
    return lambda rng: call(rng.normal(0.0, 2.0, shape), rng.normal(0.0, 2.0, shape))


def mse_oracle(y_pred, y_true):
    return F.mse_loss(t64(y_pred), t64(y_true)).item()


def mse_grad_oracle(y_pred, y_true):
    pred = leaf(y_pred)
    return torch.autograd.grad(F.mse_loss(pred, t64(y_true)), pred)[0]


for label, shape in [("4x3", (4, 3)), ("3d-2x3x5", (2, 3, 5)), ("column-6x1", (6, 1))]:
    case("losses.mse", label, pair(shape), mse_oracle)
    case("losses.mse_grad", label, pair(shape), mse_grad_oracle)


def hard_targets(shape):
    return lambda rng: call(rng.uniform(0.02, 0.98, shape), rng.integers(0, 2, shape).astype(np.float64))


def soft_targets(shape):
    return lambda rng: call(rng.uniform(0.02, 0.98, shape), rng.uniform(0.0, 1.0, shape))


def certain_predictions(rng):
    # p exactly 0 or 1, right and wrong: torch's BCELoss clamps each log at -100 (a wrong certainty costs 100)
    p = np.array([[0.0, 1.0, 0.0, 1.0, 0.3], [1.0, 0.0, 0.5, 1.0, 0.0]])
    y = np.array([[0.0, 1.0, 1.0, 0.0, 1.0], [1.0, 1.0, 0.0, 0.0, 0.0]])
    return call(p, y)


def bce_oracle(p, y):
    return F.binary_cross_entropy(t64(p), t64(y)).item()


def bce_grad_oracle(p, y):
    pt = leaf(p)
    return torch.autograd.grad(F.binary_cross_entropy(pt, t64(y)), pt)[0]


for label, build in [("hard-5x3", hard_targets((5, 3))), ("soft-2x3x4", soft_targets((2, 3, 4))),
                     ("p-exactly-0-and-1", certain_predictions)]:
    case("losses.binary_cross_entropy", label, build, bce_oracle)
def near_certain_predictions(rng):
    # p within 1e-4 of 0 or 1, where an epsilon added to p (1 - p) changes the gradient by 1e-4 relative
    p = rng.choice([1e-4, 1e-3, 0.999, 0.9999], size=(2, 4))
    return call(p, rng.integers(0, 2, (2, 4)).astype(np.float64))


for label, build in [("hard-5x3", hard_targets((5, 3))), ("soft-2x3x4", soft_targets((2, 3, 4))),
                     ("near-certain-2x4", near_certain_predictions)]:
    case("losses.binary_cross_entropy_grad", label, build, bce_grad_oracle)


def logits_and_labels(n, c, scale=2.0):
    return lambda rng: call(rng.normal(0.0, scale, (n, c)), rng.integers(0, c, n))


def extreme_logits(rng):
    logits = np.array([[1e4, -1e4, 0.0, 5e3], [-1e4, -1e4 + 1.0, -1e4 + 2.0, -1e4 + 3.0], [0.0, 1e4, 1e4, -1e4]])
    return call(logits, np.array([1, 0, 2]))  # the first label sits on a logit 2e4 below the top one


def ce_oracle(logits, labels):
    return F.cross_entropy(t64(logits), t64(labels)).item()


def ce_grad_oracle(logits, labels):
    lt = leaf(logits)
    return torch.autograd.grad(F.cross_entropy(lt, t64(labels)), lt)[0]


for label, build in [("5x4", logits_and_labels(5, 4)), ("7x3", logits_and_labels(7, 3, 4.0)),
                     ("extreme-pm1e4", extreme_logits)]:
    case("losses.softmax_cross_entropy", label, build, ce_oracle)
    case("losses.softmax_cross_entropy_grad", label, build, ce_grad_oracle)


# ============================================================================ initializers
TORCH_DRAWS = 8  # pooled PyTorch draws of the same (fan_out, fan_in) tensor for the two-sample KS test


def torch_distribution(fan_in, fan_out, family, scale, fill):
    """The Distribution PyTorch's initializer `fill(tensor, generator)` samples, for a (fan_in, fan_out) W.

    torch stores a Linear weight as (fan_out, fan_in) and computes its fans from that
    layout, so the oracle initializes a (fan_out, fan_in) tensor and transposes it.
    `scale` (std or bound) comes from torch's own formula; it is first proven to be the
    one torch uses: filling with the same generator seed gives bit-for-bit the same
    tensor as drawing N(0, scale^2) or U(-scale, scale) directly.
    """
    shape = (fan_out, fan_in)
    by_init = fill(torch.empty(shape, dtype=torch.float64), torch.Generator().manual_seed(0))
    direct = torch.empty(shape, dtype=torch.float64)
    if family == "normal":
        direct.normal_(0.0, scale, generator=torch.Generator().manual_seed(0))
    else:
        direct.uniform_(-scale, scale, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(by_init, direct, rtol=1e-12, atol=0.0), f"oracle bug: {scale} is not torch's {family} scale"
    generator = torch.Generator().manual_seed(1)
    pooled = [fill(torch.empty(shape, dtype=torch.float64), generator).T.numpy().ravel() for _ in range(TORCH_DRAWS)]
    return Distribution(family, scale, (fan_in, fan_out), np.concatenate(pooled), getattr(fill, "label", "torch"))


def labelled(label, fill):
    fill.label = label
    return fill


def torch_fans(fan_in, fan_out):
    return torch_init._calculate_fan_in_and_fan_out(torch.empty(fan_out, fan_in))


def torch_fan(fan_in, fan_out, mode):
    return torch_init._calculate_correct_fan(torch.empty(fan_out, fan_in), mode)


def random_normal_oracle(fan_in, fan_out, rng, std=0.01):
    fill = labelled(f"normal_(0, {std})", lambda t, g: torch_init.normal_(t, 0.0, std, generator=g))
    return torch_distribution(fan_in, fan_out, "normal", std, fill)


def xavier_uniform_oracle(fan_in, fan_out, rng, gain=1.0):
    fi, fo = torch_fans(fan_in, fan_out)
    bound = gain * math.sqrt(6.0 / (fi + fo))
    fill = labelled(f"xavier_uniform_(gain={gain:.4g})", lambda t, g: torch_init.xavier_uniform_(t, gain, generator=g))
    return torch_distribution(fan_in, fan_out, "uniform", bound, fill)


def xavier_normal_oracle(fan_in, fan_out, rng, gain=1.0):
    fi, fo = torch_fans(fan_in, fan_out)
    std = gain * math.sqrt(2.0 / (fi + fo))
    fill = labelled(f"xavier_normal_(gain={gain:.4g})", lambda t, g: torch_init.xavier_normal_(t, gain, generator=g))
    return torch_distribution(fan_in, fan_out, "normal", std, fill)


def kaiming_oracle(family):
    torch_fill = torch_init.kaiming_uniform_ if family == "uniform" else torch_init.kaiming_normal_

    def oracle(fan_in, fan_out, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
        def fill(t, g):
            return torch_fill(t, a=negative_slope, mode=mode, nonlinearity=nonlinearity, generator=g)
        refused = torch_outcome(lambda: fill(torch.empty(fan_out, fan_in), None))
        if isinstance(refused, Raises):
            return refused
        std = torch_init.calculate_gain(nonlinearity, negative_slope) / math.sqrt(torch_fan(fan_in, fan_out, mode))
        scale = std if family == "normal" else math.sqrt(3.0) * std
        fill.label = f"kaiming_{family}_(a={negative_slope}, mode={mode!r}, nonlinearity={nonlinearity!r})"
        return torch_distribution(fan_in, fan_out, family, scale, fill)
    return oracle


def lecun_normal_oracle(fan_in, fan_out, rng):
    # LeCun normal is torch's kaiming_normal_ with gain 1 ("linear") on fan_in
    fill = labelled("kaiming_normal_(mode='fan_in', nonlinearity='linear')",
                    lambda t, g: torch_init.kaiming_normal_(t, mode="fan_in", nonlinearity="linear", generator=g))
    return torch_distribution(fan_in, fan_out, "normal", 1.0 / math.sqrt(torch_fan(fan_in, fan_out, "fan_in")), fill)


def zeros_oracle(fan_in, fan_out):
    return torch_init.zeros_(torch.empty(fan_out, fan_in, dtype=torch.float64)).T


def init_call(fan_in, fan_out, *args, **kwargs):
    """Builder of initializer inputs: the rng is a Seed, resolved afresh for every call."""
    return lambda rng: call(fan_in, fan_out, Seed(int(rng.integers(2**31))), *args, **kwargs)


for label, fan_in, fan_out in [("3x5", 3, 5), ("6x2", 6, 2)]:
    case("initializers.zeros", label, lambda rng, i=fan_in, o=fan_out: call(i, o), zeros_oracle)

INITIALIZER_CASES = [
    ("random_normal", random_normal_oracle, [
        ("std0.5-300x70", init_call(300, 70, std=0.5)),
        ("default-std-40x600", init_call(40, 600)),
    ]),
    ("xavier_uniform", xavier_uniform_oracle, [
        ("gain1-250x90", init_call(250, 90)),
        ("tanh-gain-90x250", init_call(90, 250, gain=5.0 / 3.0)),
    ]),
    ("xavier_normal", xavier_normal_oracle, [
        ("gain1-250x90", init_call(250, 90)),
        ("relu-gain-120x200", init_call(120, 200, gain=math.sqrt(2.0))),
    ]),
    ("he_uniform", kaiming_oracle("uniform"), [
        ("relu-fan_in-300x70", init_call(300, 70)),
        ("leaky0.2-fan_out-70x300", init_call(70, 300, mode="fan_out", nonlinearity="leaky_relu",
                                              negative_slope=0.2)),
        ("tanh-fan_in-64x400", init_call(64, 400, "fan_in", "tanh")),
        ("bad-mode-raises", init_call(30, 20, mode="fan_avg")),
    ]),
    ("he_normal", kaiming_oracle("normal"), [
        ("relu-fan_in-300x70", init_call(300, 70)),
        ("leaky0.2-fan_out-70x300", init_call(70, 300, mode="fan_out", nonlinearity="leaky_relu",
                                              negative_slope=0.2)),
        ("selu-fan_in-64x400", init_call(64, 400, nonlinearity="selu")),
        ("bad-mode-raises", init_call(30, 20, mode="fan_avg")),
    ]),
    ("lecun_normal", lecun_normal_oracle, [("300x70", init_call(300, 70)), ("50x420", init_call(50, 420))]),
]
for name, oracle, settings in INITIALIZER_CASES:
    for label, build in settings:
        case(f"initializers.{name}", label, build, oracle)


def gain_oracle(nonlinearity, param=None):
    return torch_outcome(lambda: torch_init.calculate_gain(nonlinearity, param))


for label, args in [
    ("linear", ("linear",)), ("sigmoid", ("sigmoid",)), ("tanh", ("tanh",)), ("relu", ("relu",)),
    ("selu", ("selu",)), ("leaky_relu-default", ("leaky_relu",)), ("leaky_relu-param0", ("leaky_relu", 0)),
    ("leaky_relu-param0.2", ("leaky_relu", 0.2)), ("leaky_relu-int-param3", ("leaky_relu", 3)),
    ("relu-param-ignored", ("relu", 0.3)), ("unknown-gelu-raises", ("gelu",)),
    ("unknown-softplus-raises", ("softplus",)), ("leaky_relu-bool-param-raises", ("leaky_relu", True)),
]:
    case("initializers.calculate_gain", label, lambda rng, a=args: call(*a), gain_oracle)

# The contract names exactly six nonlinearities; torch also answers 1 for "conv2d" & co.,
# where the contract asks for a ValueError. This one case is the contract's, not torch's.
case("initializers.calculate_gain", "contract-conv2d-raises", lambda rng: call("conv2d"),
     lambda *args: Raises(ValueError, "the contract lists six names; any other raises"))


# ============================================================================ layers
def dense_inputs(n, d, m):
    return lambda rng: (rng.normal(size=(n, d)), rng.normal(size=(d, m)), rng.normal(size=m))


def dense_forward_oracle(x, W, b):
    return t64(x) @ t64(W) + t64(b)


def dense_backward_case(n, d, m):
    inputs = dense_inputs(n, d, m)

    def build(rng):
        x, W, b = inputs(rng)
        return call(rng.normal(size=(n, m)), Prior("layers.dense_forward", (x, W, b), pick=1))
    return build


def dense_backward_oracle(dout, forward):
    x, W, b = (leaf(a) for a in forward.args)
    out = x @ W + b
    return torch.autograd.grad(out, (x, W, b), grad_outputs=t64(dout))


for label, (n, d, m) in [("N4-D3-M5", (4, 3, 5)), ("N7-D6-M2", (7, 6, 2)), ("N3-D2-M4", (3, 2, 4))]:
    case("layers.dense_forward", label, lambda rng, s=(n, d, m): call(*dense_inputs(*s)(rng)),
         dense_forward_oracle, pick=0)
    case("layers.dense_backward", label, dense_backward_case(n, d, m), dense_backward_oracle)

TORCH_ACTIVATIONS = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
                     "leaky_relu": lambda z: F.leaky_relu(z, 0.01)}


def mlp_case(sizes, n, activation=None):
    def build(rng):
        params = {}
        for layer, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            params[f"W{layer}"] = rng.normal(0.0, 1.2 / math.sqrt(d_in), (d_in, d_out))
            params[f"b{layer}"] = rng.normal(0.0, 0.5, d_out)
        x, y = rng.normal(0.0, 1.5, (n, sizes[0])), rng.integers(0, sizes[-1], n)
        return call(params, x, y) if activation is None else call(params, x, y, activation=activation)
    return build


def mlp_oracle(params, x, y, activation="relu"):
    act = TORCH_ACTIVATIONS[activation]
    n_layers = sum(key.startswith("W") for key in params)
    leaves = {key: leaf(value) for key, value in params.items()}
    h = t64(x)
    for layer in range(1, n_layers + 1):
        z = h @ leaves[f"W{layer}"] + leaves[f"b{layer}"]
        h = act(z) if layer < n_layers else z
    loss = F.cross_entropy(h, t64(y))
    grads = torch.autograd.grad(loss, list(leaves.values()))
    return loss.item(), dict(zip(leaves, grads))


for label, build in [
    ("relu-default-4-6-3-N5", mlp_case((4, 6, 3), 5)),
    ("sigmoid-4-5-7-3-N6", mlp_case((4, 5, 7, 3), 6, "sigmoid")),
    ("tanh-5-8-4-N9", mlp_case((5, 8, 4), 9, "tanh")),
    ("leaky_relu-3-6-5-2-N8", mlp_case((3, 6, 5, 2), 8, "leaky_relu")),
    ("one-layer-softmax-regression-6-4-N7", mlp_case((6, 4), 7, "tanh")),
]:
    case("layers.mlp_loss_and_grads", label, build, mlp_oracle)


# ============================================================================ gradcheck
class Probe:
    """f(x) = sum(a sin x) + sum(b x^3) + (sum(c x))^2, in NumPy (for the implementation) and torch (the oracle).

    Along one coordinate i its third derivative is -a_i cos x_i + 6 b_i, so
    |f'''| <= |a_i| + 6 b_i: a rigorous bound for the O(h^2) error of a central difference.
    """

    def __init__(self, rng, shape):
        self.a = rng.uniform(-1.0, 1.0, shape)
        self.b = rng.uniform(0.5, 1.5, shape)  # keeps f''' >= 2, so a different step h shows
        self.c = rng.normal(0.0, 0.5, shape)

    def __call__(self, x):
        x = np.asarray(x, dtype=np.float64)
        return float(np.sum(self.a * np.sin(x)) + np.sum(self.b * x**3) + np.sum(self.c * x) ** 2)

    def torch(self, x):
        return (t64(self.a) * torch.sin(x)).sum() + (t64(self.b) * x**3).sum() + (t64(self.c) * x).sum() ** 2

    def third_derivative_bound(self):
        return np.abs(self.a) + 6.0 * self.b

    def magnitude(self, x, h):
        """An upper bound on the sum of |terms| of f anywhere within h of x, for the rounding error."""
        r = np.abs(x) + h
        return float(np.sum(np.abs(self.a)) + np.sum(self.b * r**3) + np.sum(np.abs(self.c) * r) ** 2)


def probe_case(shape, h=None, h_keyword=False):
    def build(rng):
        x = np.asarray(rng.normal(0.0, 1.0, shape))
        if h is None:
            return call(Probe(rng, shape), x)
        return call(Probe(rng, shape), x, h=h) if h_keyword else call(Probe(rng, shape), x, h)
    return build


def numerical_gradient_oracle(f, x, h=1e-5):
    exact = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] = x[index] + h
        minus[index] = x[index] - h
        exact[index] = (f(plus) - f(minus)) / (2.0 * h)
    xt = leaf(x)
    (grad,) = torch.autograd.grad(f.torch(xt), xt)
    grad = grad.numpy()
    eps = np.finfo(np.float64).eps
    # central difference = f'(x) + h^2/6 f'''(xi) exactly (Taylor with remainder), so the truncation
    # is at most h^2/6 (|a_i| + 6 b_i), a bound that some seeds nearly reach (10% slack against
    # rounding); plus the rounding of the two evaluations of f divided by 2h, and of the step
    # x + h itself (relative eps |x| / h). The exact-formula check above stays at the contract tolerance.
    allowed = (1.1 * h * h / 6.0 * f.third_derivative_bound() + (x.size + 10) * eps * f.magnitude(x, h) / h
               + 2.0 * eps * np.abs(x) / h * np.abs(grad))
    return AllOf([
        Close(exact, label="the central difference (f(x + h e_i) - f(x - h e_i)) / (2 h)"),
        Close(grad, rtol=0.0, atol=allowed, label="torch autograd (allowing the O(h^2) truncation)"),
    ])


for label, build in [
    ("2d-3x4-default-h", probe_case((3, 4))),
    ("3d-2x3x2-h1e-2", probe_case((2, 3, 2), 1e-2)),
    ("1d-5-h1e-4-keyword", probe_case((5,), 1e-4, h_keyword=True)),
    ("0d-h1e-3", probe_case((), 1e-3)),
]:
    case("gradcheck.numerical_gradient", label, build, numerical_gradient_oracle)


def relative_error_oracle(a, b):
    a, b = t64(a), t64(b)
    if a.numel() == 0:
        return 0.0  # the contract's rule for empty input: torch's max of no elements raises
    return ((a - b).abs() / torch.clamp(a.abs() + b.abs(), min=1e-8)).max().item()


def nearly_equal(rng):
    a = rng.normal(size=(4, 6))
    return call(a, a * (1.0 + 1e-6 * rng.normal(size=(4, 6))) + 1e-9 * rng.normal(size=(4, 6)))


def zeros_and_signs(rng):
    a = np.array([[0.0, 0.0, 1.0, -2.0], [3.0, 0.0, 1e-9, 5.0]])
    b = np.array([[0.0, 1e-3, 1.0, 2.0], [3.1, 0.0, 0.0, 5.0]])
    return call(a, b)


def one_bad_entry(rng):
    a = rng.normal(size=(5, 3))
    b = a.copy()
    b[3, 1] += 0.5
    return call(a, b)


def below_the_floor(rng):
    """One pair of entries with |a| + |b| under 1e-8: only the floor sets their ratio, and it is the largest."""
    a = rng.normal(size=(3, 2))
    b = a * (1.0 + 1e-9 * rng.normal(size=(3, 2)))
    a[2, 0], b[2, 0] = 3e-9, -2e-9
    return call(a, b)


for label, build in [("nearly-equal-4x6", nearly_equal), ("zeros-and-signs-2x4", zeros_and_signs),
                     ("one-bad-entry-5x3", one_bad_entry), ("floor-decides-3x2", below_the_floor),
                     ("one-element-1d", lambda rng: call(np.array([1.5]), np.array([3.0]))),
                     ("one-element-0d", lambda rng: call(np.array(-0.25), np.array(0.75))),
                     ("empty-0x3", lambda rng: call(np.zeros((0, 3)), np.zeros((0, 3))))]:
    case("gradcheck.relative_error", label, build, relative_error_oracle, atol=tiny(label))


# ============================================================================ clipping
def torch_params(grads):
    """Parameters whose .grad holds the given gradients (what torch.nn.utils clipping works on)."""
    params = []
    for grad in grads:
        param = torch.zeros(np.shape(grad), dtype=torch.float64, requires_grad=True)
        param.grad = t64(grad)
        params.append(param)
    return params


def clip_by_value_oracle(grads, clip_value):
    params = torch_params(grads)
    clip_grad_value_(params, clip_value)
    return [p.grad for p in params]


def clip_by_norm_oracle(grad, max_norm):
    params = torch_params([grad])
    clip_grad_norm_(params, max_norm, norm_type=2.0)
    return params[0].grad


def clip_by_global_norm_oracle(grads, max_norm, norm_type=2.0):
    params = torch_params(grads)
    total_norm = clip_grad_norm_(params, max_norm, norm_type=norm_type)
    return [p.grad for p in params], total_norm.item()


def clip_by_global_norm_skipping_empty_oracle(grads, max_norm, norm_type=2.0):
    """The contract's rule: zero-size arrays add nothing to the norm. Torch agrees for finite norm types and
    refuses the inf-norm of a zero-size tensor, so torch clips the other arrays and the empty ones come back as they are."""
    params = torch_params(grads)
    kept = [p for p in params if p.numel() > 0]
    total_norm = clip_grad_norm_(kept, max_norm, norm_type=norm_type)
    return [p.grad for p in params], float(total_norm)


SHAPES = [(3, 4), (5,), (2, 3, 2)]


def grad_list(scale, shapes=SHAPES):
    return lambda rng: [scale * rng.normal(size=shape) for shape in shapes]


for label, grads, clip_value in [
    ("mixed-0.5", grad_list(2.0, [(3, 4), (5,)]), 0.5),
    ("3d-some-over-3.0", grad_list(2.0), 3.0),
    ("tiny-1e-8-under", grad_list(1e-8), 1e-3),
]:
    case("clipping.clip_by_value", label, lambda rng, g=grads, c=clip_value: call(g(rng), c), clip_by_value_oracle,
         atol=tiny(label))


def uneven_columns(rng):
    return rng.normal(size=(4, 3)) * np.array([0.1, 1.0, 10.0])


for label, grad, max_norm in [
    ("over-4x3-uneven-columns", uneven_columns, 1.0),
    ("over-1d-5", lambda rng: rng.normal(size=5), 0.5),
    ("under-2x5", lambda rng: 0.01 * rng.normal(size=(2, 5)), 5.0),
    ("tiny-1e-8", lambda rng: 1e-8 * rng.normal(size=(3, 2)), 1e-3),
    ("all-zero", lambda rng: np.zeros((2, 3)), 1.0),
    ("norm-1e-6-shows-the-eps", lambda rng: 4e-7 * rng.normal(size=(3, 4)), 1e-7),  # the +1e-6 halves the scale
    ("norm-1e-2-over-the-eps-shows", lambda rng: 3e-3 * rng.normal(size=(4, 3)), 2e-3),  # 1e-6 / 1e-2 >> rtol
    ("zero-size-0x3", lambda rng: np.zeros((0, 3)), 1.0),
]:
    case("clipping.clip_by_norm", label, lambda rng, g=grad, c=max_norm: call(g(rng), c), clip_by_norm_oracle,
         atol=tiny(label))

for label, grads, max_norm, norm_type in [
    ("l2-over", grad_list(2.0), 1.0, None),
    ("l2-under", grad_list(0.01), 10.0, 2.0),
    ("l1-over", grad_list(1.0), 2.0, 1.0),
    ("l1-under", grad_list(0.01), 5.0, 1.0),
    ("inf-over", grad_list(1.0), 0.5, float("inf")),
    ("inf-under", grad_list(0.01), 0.5, float("inf")),
    ("p3-over", grad_list(1.0), 0.7, 3.0),
    ("tiny-1e-8-l2", grad_list(1e-8), 1.0, 2.0),
    ("all-zero-l2", grad_list(0.0), 1.0, 2.0),
    ("all-zero-inf", grad_list(0.0), 1.0, float("inf")),
    ("single-array-over", grad_list(3.0, [(4, 3)]), 1.5, 2.0),
    ("norm-1e-6-shows-the-eps-l1", grad_list(5e-8), 1e-7, 1.0),
    ("norm-1e-2-over-the-eps-shows-l2", grad_list(2e-3), 2e-3, 2.0),
    ("empty-list", lambda rng: [], 1.0, 2.0),
    ("zero-size-among-others-l2", lambda rng: [0.1 * rng.normal(size=(3, 2)), np.zeros((0, 4)),
                                               0.1 * rng.normal(size=5)], 0.05, 2.0),
]:
    if norm_type is None:
        build = (lambda rng, g=grads, m=max_norm: call(g(rng), m))
    else:
        build = (lambda rng, g=grads, m=max_norm, p=norm_type: call(g(rng), m, norm_type=p))
    case("clipping.clip_by_global_norm", label, build, clip_by_global_norm_oracle, atol=tiny(label))

# Zero-size arrays with the inf-norm, where torch refuses: the contract's rule, computed by torch on the others.
for label, grads in [
    ("zero-size-among-others-inf", lambda rng: [0.1 * rng.normal(size=(3, 2)), np.zeros((0, 4)),
                                                0.1 * rng.normal(size=5)]),
    ("only-zero-size-inf", lambda rng: [np.zeros((0, 4)), np.zeros((2, 0))]),
]:
    case("clipping.clip_by_global_norm", label,
         lambda rng, g=grads: call(g(rng), 0.05, norm_type=float("inf")), clip_by_global_norm_skipping_empty_oracle)


import cases_further  # noqa: E402,F401  (registers the cases of the further modules in CASES)
import cases_attention  # noqa: E402,F401  (registers the cases of attention.py in CASES)
import cases_nlp  # noqa: E402,F401  (the cases of nlp.py)
