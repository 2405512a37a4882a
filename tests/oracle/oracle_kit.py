"""The machinery of the PyTorch-oracle suite: cases as data, matchers, and `verify`.

A Case names one contract function ("module.function"), builds its inputs from a
NumPy Generator, and computes what PyTorch says the answer is. `verify` runs the
implementation found in a {name: module} mapping on those inputs and raises
AssertionError, with a message that says what went wrong, when it disagrees with
PyTorch or breaks a contract convention (inputs modified, input returned as the
output, the global np.random state touched, a result not reproducible from rng).
"""
import copy
import math
import types
import warnings
import zlib
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import torch

RTOL, ATOL = 1e-6, 1e-8  # the contract's tolerance in float64

SIDE_EFFECT = "[side effect]"  # prefix of every failure about behaviour rather than values


# ----------------------------------------------------------------------------- cases and input markers
@dataclass(frozen=True)
class Case:
    id: str  # reads well as a pytest id, e.g. "activations.softmax:axis0-3x5"
    function: str  # "module.function"
    build: Callable[[np.random.Generator], tuple]  # rng -> (args, kwargs)
    oracle: Callable  # (*args, **kwargs) of the build, markers unresolved -> expected value or Matcher
    pick: Any = None  # compare output[pick] instead of the whole output (dense_forward's cache is free-form)
    atol: float = ATOL  # 0 for cases whose values are far below 1e-8, where the contract's atol would hide them

    @property
    def module(self):
        return self.function.split(".")[0]

    @property
    def name(self):
        return self.function.split(".")[1]


@dataclass(frozen=True)
class Seed:
    """Stands for numpy.random.default_rng(value): a fresh generator at every call."""
    value: int


@dataclass(frozen=True)
class Prior:
    """Stands for modules[function](*args)[pick], computed by the implementation under test."""
    function: str
    args: tuple
    pick: Any = None


def case_seed(case_id):
    return zlib.crc32(case_id.encode())


def _lookup(modules, function):
    module, name = function.split(".")
    if module not in modules:
        raise AssertionError(f"{function}: module {module!r} is missing")
    fn = getattr(modules[module], name, None)
    if not callable(fn):
        raise AssertionError(f"{function}: no such function")
    return fn


def _resolve(value, modules, shift=0):
    if isinstance(value, Seed):
        return np.random.default_rng(value.value + shift)
    if isinstance(value, Prior):
        result = _lookup(modules, value.function)(*copy.deepcopy(value.args))
        return result if value.pick is None else result[value.pick]
    if type(value) in (list, tuple):
        return type(value)(_resolve(v, modules, shift) for v in value)
    if type(value) is dict:
        return {k: _resolve(v, modules, shift) for k, v in value.items()}
    return value


def _has_seed(value):
    if isinstance(value, Seed):
        return True
    if type(value) in (list, tuple):
        return any(_has_seed(v) for v in value)
    if type(value) is dict:
        return any(_has_seed(v) for v in value.values())
    return False


def _arrays(value, path="input"):
    """(path, array) for every ndarray inside nested lists/tuples/dicts."""
    if isinstance(value, np.ndarray):
        yield path, value
    elif type(value) in (list, tuple):
        for i, v in enumerate(value):
            yield from _arrays(v, f"{path}[{i}]")
    elif type(value) is dict:
        for k, v in value.items():
            yield from _arrays(v, f"{path}[{k!r}]")


# ----------------------------------------------------------------------------- torch helpers for oracles
def t64(array):
    """A float64 (or int64 for integer arrays) torch tensor holding a copy of `array`."""
    array = np.asarray(array)
    if array.dtype.kind in "iu":
        return torch.tensor(array, dtype=torch.int64)
    return torch.tensor(array, dtype=torch.float64)


def leaf(array):
    return t64(array).requires_grad_(True)


def to_numpy(value):
    """Tensors to NumPy arrays (shape kept, also 0-d) inside nested lists/tuples/dicts."""
    if isinstance(value, torch.Tensor):
        return value.detach().numpy().copy()
    if type(value) in (list, tuple):
        return type(value)(to_numpy(v) for v in value)
    if type(value) is dict:
        return {k: to_numpy(v) for k, v in value.items()}
    return value


def torch_outcome(thunk):
    """The value of thunk(), or Raises(type) when PyTorch itself refuses the input."""
    try:
        return thunk()
    except (ValueError, TypeError) as error:
        return Raises(type(error), f"PyTorch raises {type(error).__name__}: {error}")


# ----------------------------------------------------------------------------- matchers
class Matcher:
    def check(self, output, where):  # raises AssertionError
        raise NotImplementedError


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"ndarray shape {value.shape} dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}"[:200]


@dataclass
class Close(Matcher):
    """Same structure (arrays: shape and float64; scalars: a float; lists/tuples/dicts alike), values close."""
    expected: Any
    rtol: float = RTOL
    atol: Any = ATOL  # a number, or an array broadcast against the expected array
    label: str = "PyTorch"

    def check(self, output, where):
        self._check(output, self.expected, where)

    def _check(self, out, exp, where):
        if isinstance(exp, (list, tuple)):
            if not isinstance(out, (list, tuple)) or len(out) != len(exp):
                raise AssertionError(f"{where}: expected a sequence of {len(exp)} items, got {_describe(out)}")
            for i, (o, e) in enumerate(zip(out, exp)):
                self._check(o, e, f"{where}[{i}]")
            return
        if isinstance(exp, dict):
            if not isinstance(out, dict) or set(out) != set(exp):
                keys = sorted(out) if isinstance(out, dict) else None
                raise AssertionError(f"{where}: expected a dict with keys {sorted(exp)}, got {keys or _describe(out)}")
            for k in exp:
                self._check(out[k], exp[k], f"{where}[{k!r}]")
            return
        if isinstance(exp, np.ndarray):
            if not isinstance(out, np.ndarray):
                raise AssertionError(f"{where}: expected an ndarray of shape {exp.shape}, got {_describe(out)}")
            if out.shape != exp.shape:
                raise AssertionError(f"{where}: shape {out.shape}, {self.label} gives {exp.shape}")
            if out.dtype != np.float64:
                raise AssertionError(f"{where}: dtype {out.dtype}, expected float64")
        elif isinstance(exp, (bool, np.bool_)) or not isinstance(exp, (int, float, np.floating)):
            raise TypeError(f"oracle produced an unsupported value {exp!r}")  # a bug in a case, not in a solution
        elif not isinstance(out, float) or isinstance(out, np.ndarray):
            raise AssertionError(f"{where}: expected a float, got {_describe(out)}")
        _assert_close(np.asarray(out, dtype=np.float64), np.asarray(exp, dtype=np.float64),
                      self.rtol, self.atol, where, self.label)


def _assert_close(out, exp, rtol, atol, where, label):
    atol = np.broadcast_to(np.asarray(atol, dtype=np.float64), exp.shape)
    with np.errstate(invalid="ignore", over="ignore"):
        error = np.abs(out - exp)
        allowed = atol + rtol * np.abs(exp)
        ok = (error <= allowed) | (np.isinf(exp) & (out == exp))
    if ok.all():
        return
    bad = np.argwhere(~ok) if out.ndim else [()]
    first = tuple(int(i) for i in bad[0])
    at = f" at index {first}" if out.ndim else ""
    raise AssertionError(
        f"{where}: {len(bad)} of {out.size} values differ from {label}; first{at}: got {float(out[first])!r}, "
        f"expected {float(exp[first])!r} (|diff| {float(error[first]):.3g} > allowed {float(allowed[first]):.3g})")


@dataclass
class Raises(Matcher):
    error: type
    why: str = ""

    def check(self, output, where):
        if isinstance(output, BaseException):
            if isinstance(output, self.error):
                return
            raise AssertionError(f"{where}: raised {type(output).__name__}: {output}; expected "
                                 f"{self.error.__name__} ({self.why})")
        raise AssertionError(f"{where}: returned {_describe(output)}; expected {self.error.__name__} ({self.why})")


@dataclass
class AllOf(Matcher):
    matchers: list

    def check(self, output, where):
        for matcher in self.matchers:
            matcher.check(output, where)


# ----------------------------------------------------------------------------- distributions
# A random initializer is compared with PyTorch by statistics whose false-failure
# probability is bounded. Every uniform-CDF bound below is the
# Dvoretzky-Kiefer-Wolfowitz inequality with Massart's constant:
#     P(sup_x |F_n(x) - F(x)| > eps) <= 2 exp(-2 n eps^2)
# so eps(n, a) = sqrt(ln(2 / a) / (2 n)) is exceeded with probability at most a.
# One Distribution check spends its failure budget as follows:
#   one-sample KS of the NumPy sample against the theoretical CDF:   ALPHA
#   two-sample KS against a pooled PyTorch sample: by the triangle inequality
#     sup|F_n - G_m| <= sup|F_n - F| + sup|G_m - F|, so the threshold
#     eps(n, ALPHA) + eps(m, ALPHA) fails with probability <= 2 ALPHA
#   uniform only: max |w| reaches bound * (1 - d), d = ln(1/ALPHA) / n:
#     P(all n draws below it) = (1 - d)^n <= exp(-n d) = ALPHA
#   mean and standard deviation within 7 standard errors (normal approximation,
#     n >= 20000: 2 * P(Z > 7) = 2.6e-12 each)
# Total: 4 * ALPHA + 5.2e-12 = 4.0e-7 < 1e-6 per case (each case is also run with a
# fixed seed, so a pass is reproducible; the bound says the seed is not cherry-picked).
ALPHA = 1e-7
MOMENT_Z = 7.0


def dkw_eps(n, alpha=ALPHA):
    return math.sqrt(math.log(2.0 / alpha) / (2.0 * n))


def ks_one_sample(sample, cdf):
    """sup |F_n - F| for the empirical CDF F_n of `sample` and a continuous CDF `cdf` (vectorised)."""
    x = np.sort(np.ravel(sample))
    n = x.size
    f = cdf(x)
    i = np.arange(1, n + 1)
    return float(max(np.max(i / n - f), np.max(f - (i - 1) / n)))


def ks_two_sample(a, b):
    """sup_t |F_a(t) - F_b(t)| of two empirical CDFs; the sup is reached at one of the sample points."""
    a, b = np.sort(np.ravel(a)), np.sort(np.ravel(b))
    grid = np.concatenate([a, b])
    fa = np.searchsorted(a, grid, side="right") / a.size
    fb = np.searchsorted(b, grid, side="right") / b.size
    return float(np.max(np.abs(fa - fb)))


@dataclass
class Distribution(Matcher):
    """W of shape `shape`, float64, i.i.d. from N(0, scale^2) or U(-scale, scale), like `torch_sample`."""
    family: str  # "normal" or "uniform"
    scale: float  # the std (normal) or the bound (uniform), from PyTorch's own formula
    shape: tuple
    torch_sample: np.ndarray  # pooled draws of the PyTorch initializer, same distribution
    label: str

    @property
    def std(self):
        return self.scale if self.family == "normal" else self.scale / math.sqrt(3.0)

    def cdf(self, x):
        if self.family == "normal":
            return torch.special.ndtr(torch.from_numpy(x / self.scale)).numpy()
        return np.clip((x + self.scale) / (2.0 * self.scale), 0.0, 1.0)

    def check(self, output, where):
        if not isinstance(output, np.ndarray) or output.shape != self.shape or output.dtype != np.float64:
            raise AssertionError(f"{where}: expected a float64 array of shape {self.shape} (fan_in, fan_out), "
                                 f"got {_describe(output)}")
        if not np.isfinite(output).all():
            raise AssertionError(f"{where}: non-finite weights")
        w = output.ravel()
        n, m = w.size, self.torch_sample.size
        what = f"{self.label}: {self.family} with {'std' if self.family == 'normal' else 'bound'} {self.scale:.6g}"
        # Moments: sd(mean) = std / sqrt(n); sd(sample std) ~= std * sqrt((kurtosis - 1) / (4 n)),
        # kurtosis 3 for a normal, 9/5 for a uniform.
        kurtosis = 3.0 if self.family == "normal" else 1.8
        mean_tol = MOMENT_Z * self.std / math.sqrt(n)
        std_tol = MOMENT_Z * self.std * math.sqrt((kurtosis - 1.0) / (4.0 * n))
        if abs(w.mean()) > mean_tol:
            raise AssertionError(f"{where}: sample mean {w.mean():.4g}, expected 0 for {what} "
                                 f"(tolerance {mean_tol:.3g})")
        if abs(w.std() - self.std) > std_tol:
            raise AssertionError(f"{where}: sample std {w.std():.6g}, expected {self.std:.6g} for {what} "
                                 f"(tolerance {std_tol:.3g}, {n} weights)")
        if self.family == "uniform":
            top, reach = np.max(np.abs(w)), self.scale * (1.0 - math.log(1.0 / ALPHA) / n)
            if top > self.scale or top < reach:
                raise AssertionError(f"{where}: max |w| = {top:.6g}, expected in [{reach:.6g}, {self.scale:.6g}] "
                                     f"for {what}")
        d_theory, eps_theory = ks_one_sample(w, self.cdf), dkw_eps(n)
        if d_theory > eps_theory:
            raise AssertionError(f"{where}: Kolmogorov-Smirnov distance {d_theory:.4f} to {what} "
                                 f"exceeds the DKW bound {eps_theory:.4f}")
        d_torch, eps_torch = ks_two_sample(w, self.torch_sample), dkw_eps(n) + dkw_eps(m)
        if d_torch > eps_torch:
            raise AssertionError(f"{where}: Kolmogorov-Smirnov distance {d_torch:.4f} to {m} PyTorch draws of "
                                 f"{self.label} exceeds the DKW bound {eps_torch:.4f}")


# ----------------------------------------------------------------------------- verify
_GLOBAL_SEED = 123457


def _call(fn, args, kwargs):
    """fn's output, or the exception it raised; RuntimeWarnings (overflow, invalid, divide) count as errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            return fn(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - an implementation may raise; that is an outcome
            return error


def verify(modules, case):
    """Run case.function from `modules` on the case's inputs; AssertionError unless it agrees with PyTorch."""
    fn = _lookup(modules, case.function)
    where = f"{case.function} [{case.id}]"
    raw_args, raw_kwargs = case.build(np.random.default_rng(case_seed(case.id)))
    expected = case.oracle(*copy.deepcopy(raw_args), **copy.deepcopy(raw_kwargs))
    expected = expected if isinstance(expected, Matcher) else Close(to_numpy(expected), atol=case.atol)

    args, kwargs = _resolve(raw_args, modules), _resolve(raw_kwargs, modules)
    before = copy.deepcopy((args, kwargs))
    np.random.seed(_GLOBAL_SEED)
    output = _call(fn, args, kwargs)
    global_after = np.random.random()
    np.random.seed(_GLOBAL_SEED)
    if global_after != np.random.random():
        raise AssertionError(f"{SIDE_EFFECT} {where}: the global np.random state changed; "
                             "draw only from the rng argument")

    now_arrays, then_arrays = list(_arrays((args, kwargs))), list(_arrays(before))
    if [p for p, _ in now_arrays] != [p for p, _ in then_arrays]:
        raise AssertionError(f"{SIDE_EFFECT} {where}: an input list/dict was modified in place")
    for (path, now), (_, then) in zip(now_arrays, then_arrays):
        if now.shape != then.shape or not np.array_equal(now, then, equal_nan=True):
            raise AssertionError(f"{SIDE_EFFECT} {where}: {path} was modified in place")

    if isinstance(output, BaseException) and not isinstance(expected, Raises):
        raise AssertionError(f"{where}: raised {type(output).__name__}: {output}")
    if not isinstance(output, BaseException) and case.pick is not None:
        try:
            output = output[case.pick]
        except Exception as error:  # noqa: BLE001
            raise AssertionError(f"{where}: output[{case.pick!r}] is not available: {error}") from None
    for path, array in _arrays(output, "output"):
        for in_path, given in _arrays((args, kwargs)):
            if np.shares_memory(array, given):
                raise AssertionError(f"{SIDE_EFFECT} {where}: {path} shares memory with {in_path}; "
                                     "return a new array")
    expected.check(output, where)

    if _has_seed((raw_args, raw_kwargs)) and not isinstance(expected, Raises):
        again = _call(fn, *_resolve((raw_args, raw_kwargs), modules))
        if not _identical(output, again):
            raise AssertionError(f"{SIDE_EFFECT} {where}: the same rng seed gave a different result")
        other = _call(fn, *_resolve((raw_args, raw_kwargs), modules, shift=1))
        if _identical(output, other) and not getattr(expected, "seed_free", False):
            raise AssertionError(f"{SIDE_EFFECT} {where}: another rng seed gave the same result; draw from rng")


def _identical(a, b):
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return a.shape == b.shape and np.array_equal(a, b)
    if type(a) in (tuple, list) and type(b) in (tuple, list) and len(a) == len(b):
        return all(_identical(x, y) for x, y in zip(a, b))
    return False


# ----------------------------------------------------------------------------- mutants
def mutant_modules(modules, mistake):
    """`modules` with mistake.function replaced by the mistake, in a copy of its module's namespace."""
    namespace = dict(vars(modules[mistake.module]))
    namespace[mistake.target] = mistake.bind(namespace)
    return {**modules, mistake.module: types.SimpleNamespace(**namespace)}


def contract_functions(modules):
    """Every public function defined in the loaded modules, as "module.function"."""
    return sorted(
        f"{name}.{attr}"
        for name, module in modules.items()
        for attr, value in vars(module).items()
        if callable(value) and not attr.startswith("_") and getattr(value, "__module__", None) == name
    )

