"""The kinds of check, declared as data by the modules in autograder/checks/.

A check says which contract function it grades, how to draw its inputs, what
the oracle is and how close is close enough. It turns into worker calls
(`calls`), and judges the worker's observations against the reference
(`judge`) entirely in the trusted process, naming a known mistake when the
wrong answer is exactly what that mistake computes.
"""
import functools
import inspect
import math
import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from autograder import stats
from autograder.compare import describe_type, mismatch, same_inputs
from autograder.mistakes import mistakes_for
from autograder.sandbox.runner import Call
from autograder.sandbox.wire import Special

RTOL, ATOL = 1e-6, 1e-8  # the contract's tolerance in float64


@dataclass
class Verdict:
    passed: bool
    summary: str  # one line
    details: list = field(default_factory=list)
    mistake: object = None  # the Mistake recognised, if exactly one fits
    candidates: tuple = ()  # every known mistake that computes this wrong answer (never only one of several)
    notes: list = field(default_factory=list)  # advisory lines: shown under "Notes: no points lost", never deducted


@dataclass
class Check:
    function: str  # "module.function" graded
    name: str  # what is checked, in words
    points: float = 1.0
    also_tags: tuple = ()  # other contract functions this check depends on
    # Why this check is advisory (worth no points, its failure only a note), e.g. "a zero-size input": the
    # grading policy of the contract ("What costs points") deducts nothing on degenerate inputs.
    advisory: str = ""
    # (args, kwargs) -> bool: whether a call's input holds the edge regime this check exists for (a kink at 0,
    # logits of 1e4, ...). Every seed must draw it: tests/autograder/test_inputs.py asserts that.
    regime: Callable = None

    def __post_init__(self):
        if self.advisory:
            self.points = 0.0

    @property
    def module(self):
        return self.function.split(".")[0]

    @property
    def target(self):
        return self.function.split(".")[1]

    @property
    def tags(self):
        return (self.function, *self.also_tags)

    def warning_notes(self, observation):
        """Advisory lines for a right answer computed with a warning: what warned, and the naive form and its
        stable fix when a known (advisory) mistake shows it. Never a deduction: the contract grades values."""
        warned = printed_warning(observation)
        if warned is None:
            return []
        notes = [f"the answer is right, but computing it raised a {warned}"]
        naive = [m for m in mistakes_for(self.function) if m.advisory and m.seen_in(observation)]
        notes += [f"This is the naive form: {m.name}. Stable fix: {m.fix}" for m in naive]
        if not naive:
            notes.append("An intermediate value overflowed or was undefined: a form that never warns is more robust.")
        return notes

    # Every kind defines calls(rng, prefix) -> [Call] and judge(calls, observations, reference) -> Verdict.


def _failure(observation, function):
    """A verdict for an observation whose call did not return normally, or None."""
    status = observation.get("status")
    if status == "ok":
        return None
    error = observation.get("error", "")
    if status == "missing":
        return Verdict(False, f"{function} is missing", [error])
    if status == "import_error":
        return Verdict(False, error)
    if status == "raised" and observation.get("exception") == "NotImplementedError":
        return Verdict(False, "not implemented yet")
    if status == "raised":
        return Verdict(False, f"raised {error}")
    if status == "skipped":
        return Verdict(False, f"not run: {error.removeprefix('not run: ')}")  # never "not run: not run: ..."
    if status == "failed":
        return Verdict(False, error)
    return Verdict(False, error or f"no result ({status})")


def _side_effect(call, observation):
    """What the call did to its inputs, if anything; also notes it in the observation for the detectors."""
    observation["inputs_modified"] = not same_inputs(
        [call.args, call.kwargs], observation.get("args_after", [call.args, call.kwargs]))
    if observation["inputs_modified"]:
        return "modified an input array in place; compute into a new array"
    if observation.get("returns_input"):
        return "returned an input array itself (the same object, not a copy); return a new array"
    if observation.get("aliases_input"):
        return "returned an array that shares memory with an input (a view); return a new array"
    return None


@functools.lru_cache(maxsize=None)
def _parameter_names(function):
    try:
        return list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return []


def _shapes(function, args, kwargs):
    """'z: (4, 7), negative_slope=0.2' for the feedback."""
    names = _parameter_names(function) or [f"arg{i}" for i in range(len(args))]
    parts = []
    for name, value in list(zip(names, args)) + list(kwargs.items()):
        if type(value) is np.ndarray:
            parts.append(f"{name}: {value.dtype} {value.shape}")
        elif type(value) is dict:
            parts.append(f"{name}: " + "{" + ", ".join(f"{k}: {getattr(v, 'shape', v)}" for k, v in value.items()) + "}")
        elif type(value) is list and all(type(v) is np.ndarray for v in value):
            parts.append(f"{name}: [" + ", ".join(str(v.shape) for v in value) + "]")
        elif type(value) is Special:
            parts.append(f"{name}: " + {"result": "what your forward function returned", "rng": "a seeded Generator",
                                        "probe": "a test function"}.get(value.kind, value.kind))
        else:
            parts.append(f"{name}={value!r}")
    return ", ".join(parts)


def _rewrite(value, prefix):
    """Make Special('result') ids of a check absolute."""
    if type(value) is Special and value.kind == "result":
        return Special("result", dict(value.data, id=f"{prefix}/{value.data['id']}"))
    if type(value) in (list, tuple):
        return type(value)(_rewrite(v, prefix) for v in value)
    if type(value) is dict:
        return {k: _rewrite(v, prefix) for k, v in value.items()}
    return value


def result_of(index, pick=None):
    """An argument standing for the output of the check's `before` call number `index`."""
    return Special("result", {"id": str(index), "pick": pick})


@dataclass
class ValueCheck(Check):
    """Call the function on drawn inputs and compare with the reference's output.

    inputs(rng) returns the positional arguments; `kwargs` are fixed keyword
    arguments; `before` lists (function, inputs) calls made first whose outputs
    the arguments may use through result_of(i). Also checks that the inputs are
    left unmodified and that no returned array shares memory with an input.
    """

    inputs: Callable = None
    kwargs: dict = field(default_factory=dict)
    before: tuple = ()
    pick: int | None = None
    rtol: float = RTOL
    atol: float = ATOL
    names: tuple = ()  # what the items of a tuple result are called in feedback, e.g. ("dx", "dW", "db")

    def calls(self, rng, prefix):
        made = [
            # Only the forward output comes back (pick=0): the cache stays in the worker, where it may be
            # anything the student likes (a dict keyed by time step, an object), as the contract allows.
            Call(f"{prefix}/{i}", fn.split(".")[0], fn.split(".")[1], _rewrite(tuple(make(rng)), prefix), keep=True,
                 pick=0)
            for i, (fn, make) in enumerate(self.before)
        ]
        args = _rewrite(tuple(self.inputs(rng)), prefix)
        made.append(Call(prefix, self.module, self.target, args, dict(self.kwargs), pick=self.pick))
        return made

    def judge(self, calls, observations, reference):
        main = calls[-1]
        for call in calls[:-1]:
            failed = _failure(observations[call.id], call.qualname)
            if failed:
                return Verdict(False, f"could not run: it needs {call.function}, which failed: {failed.summary}")
        observation = observations[main.id]
        failed = _failure(observation, self.function)
        if failed:
            return failed
        expected = reference.run(calls)[main.id]
        got = observation.get("value")
        side_effect = _side_effect(main, observation)  # always: the detectors read what it notes
        problem = mismatch(expected, got, self.rtol, self.atol, names=self.names) or side_effect
        if problem is None:
            return Verdict(True, "passed", notes=self.warning_notes(observation))
        # On a degenerate input (advisory) the maths gives no answer to tell mistakes apart: 0 / 0 is nan in a
        # mean and in a max alike, so naming one would mislead.
        found = [] if self.advisory else self.recognise(calls, observation, reference, got)
        checked = f"Inputs: {_shapes(reference.functions.get(self.function), main.args, main.kwargs)}"
        return _named(False, problem, [checked], found)

    def recognise(self, calls, observation, reference, got):
        """Every known mistake this wrong answer shows: [] when none fits.

        A mistake matches when the answer equals what it computes on these
        inputs and that differs from the right answer; a behaviour (an input
        changed, the global generator used) matches when it is seen and its
        answer equals this one too. All matches are named, since the answer
        cannot tell them apart (a row-view loop also leaves x changed by
        rounding, yet "x not restored" would compute another answer).
        """
        expected = reference.run(calls)[calls[-1].id]
        found = []
        for candidate in mistakes_for(self.function):
            if candidate.advisory:
                continue  # it computes the right answer (with a warning): never the cause of a wrong one
            behaviour = candidate.seen_in is not None
            if behaviour and not candidate.seen_in(observation):
                continue
            wrong = candidate.bind(reference.namespace(self.module))
            outcome = reference.run(calls, {self.function: wrong})[calls[-1].id]
            if isinstance(outcome, Exception):
                if behaviour:
                    found.append(candidate)  # seen, and its answer cannot be computed here: trust the behaviour
                continue
            if not behaviour and mismatch(outcome, expected, self.rtol, self.atol) is None:
                continue
            if mismatch(outcome, got, self.rtol, self.atol) is None:
                found.append(candidate)
        return found


# A warning as Python prints it: "file.py:12: RuntimeWarning: overflow encountered in exp".
_PRINTED_WARNING = re.compile(r"^.*?:\d+: (\w*Warning): (.*)$", re.MULTILINE)


def printed_warning(observation):
    """'RuntimeWarning (overflow encountered in exp)' for the first warning the call printed, else None."""
    found = _PRINTED_WARNING.search(observation.get("printed") or "")
    return f"{found.group(1)} ({found.group(2).strip()[:200]})" if found else None


def advisory_verdict(check, verdict, observation):
    """The verdict of an advisory check: a failure becomes a pass with its feedback as notes.

    A function that is not written yet (NotImplementedError, missing, not importable) still fails: the note
    would only repeat that, and the check is worth no points either way."""
    if not check.advisory or verdict.passed:
        return verdict
    status = observation.get("status")
    if status not in ("ok", "raised") or observation.get("exception") == "NotImplementedError":
        return verdict
    notes = [f"{verdict.summary} (on {check.advisory})", *verdict.details,
             f"The contract's convention for {check.advisory} is checked for this note only: points follow values "
             "where the maths is defined. Code that follows it is more robust."]
    return Verdict(True, "passed", notes=notes)


def degenerate(value):
    """Whether a call's arguments hold a zero-size array or an empty list (the inputs graded advisory only)."""
    if type(value) is np.ndarray:
        return value.size == 0
    if type(value) in (list, tuple):
        return (type(value) is list and not value) or any(degenerate(v) for v in value)
    if type(value) is dict:
        return any(degenerate(v) for v in value.values())
    return False


def _named(passed, problem, details, found):
    """A Verdict naming the mistakes found: one with its fix, or several as "one of these"."""
    if len(found) == 1:
        details = details + [f"This is a known mistake: {found[0].name}. Fix: {found[0].fix}"]
    elif found:
        details = details + ["This matches several known mistakes, which give the same answer here; it is one of:"]
        details += [f"- {m.name}. Fix: {m.fix}" for m in found]
    return Verdict(passed, problem, details, found[0] if len(found) == 1 else None, tuple(found))


@dataclass
class RaisesCheck(Check):
    """The function must raise `exception` (by name) for these arguments."""

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    exception: str = "ValueError"
    inputs: Callable = None  # inputs(rng) -> the arguments, drawn (then `args` is unused)

    def calls(self, rng, prefix):
        args = tuple(self.inputs(rng)) if self.inputs else tuple(self.args)
        return [Call(prefix, self.module, self.target, args, dict(self.kwargs))]

    def judge(self, calls, observations, reference):
        observation = observations[calls[0].id]
        if observation.get("status") == "raised" and observation.get("exception") == self.exception:
            return Verdict(True, "passed")
        found = [m for m in mistakes_for(self.function) if m.seen_in is not None and m.seen_in(observation)]
        if observation.get("status") == "ok":
            return _named(False, f"returned {describe_type(observation.get('value'))} instead of raising {self.exception}",
                          [f"Checked: {self.name}"], found)
        failed = _failure(observation, self.function)
        return _named(False, f"expected {self.exception}, but {failed.summary}", [f"Checked: {self.name}"], found)


@dataclass
class SeededCheck(Check):
    """A random function draws only from its rng: same seed, same result; new seed, new result.

    The function is called as function(*args, rng, **kwargs) with three generators.
    """

    args: tuple = (30, 20)
    kwargs: dict = field(default_factory=dict)

    def calls(self, rng, prefix):
        seed = int(rng.integers(2**31))
        args = tuple(a(rng) if callable(a) else a for a in self.args)
        return [
            Call(f"{prefix}/{i}", self.module, self.target, (*args, Special("rng", s)), dict(self.kwargs))
            for i, s in enumerate((seed, seed, seed + 1))
        ]

    def judge(self, calls, observations, reference):
        first, again, other = (observations[c.id] for c in calls)
        for observation in (first, again, other):
            failed = _failure(observation, self.function)
            if failed:
                return failed
        found = next((m for m in mistakes_for(self.function) if m.seen_in and m.seen_in(first)), None)
        details = [f"Checked: {self.name}"] + ([f"This is a known mistake: {found.name}. Fix: {found.fix}"] if found else [])
        a, b, c = first.get("value"), again.get("value"), other.get("value")
        if first.get("global_random_used"):
            return Verdict(False, "changed the global np.random state: draw from rng only", details, found)
        if not first.get("rng_used"):
            return Verdict(False, "did not draw from the rng argument", details, found)
        if mismatch(a, b, 0.0, 0.0) is not None:
            return Verdict(False, "two generators with the same seed gave different results", details, found)
        if mismatch(a, c, 0.0, 0.0) is None:
            return Verdict(False, "generators with different seeds gave the same result", details, found)
        return Verdict(True, "passed")


@dataclass
class PropertyCheck(Check):
    """Outputs that cannot be compared value by value (they depend on how the random
    draws are made) must satisfy `holds(args, kwargs, value) -> None or a problem`."""

    inputs: Callable = None
    kwargs: dict = field(default_factory=dict)
    holds: Callable = None
    seeded: bool = True  # append an rng argument drawn from the check's seed

    def calls(self, rng, prefix):
        args = tuple(self.inputs(rng)) + ((Special("rng", int(rng.integers(2**31))),) if self.seeded else ())
        return [Call(prefix, self.module, self.target, args, dict(self.kwargs))]

    def judge(self, calls, observations, reference):
        observation = observations[calls[0].id]
        failed = _failure(observation, self.function)
        if failed:
            return failed
        call = calls[0]
        side_effect = _side_effect(call, observation)
        problem = self.holds(call.args, call.kwargs, observation.get("value")) or side_effect
        if problem is None:
            return Verdict(True, "passed", notes=self.warning_notes(observation))
        found = next((m for m in mistakes_for(self.function) if m.seen_in and m.seen_in(observation)), None)
        details = [f"Checked: {self.name}"] + ([f"This is a known mistake: {found.name}. Fix: {found.fix}"] if found else [])
        return Verdict(False, problem, details, found)


@dataclass
class DistributionCheck(Check):
    """The weights follow `law(*args, **kwargs)` = ("uniform", bound) or ("normal", std).

    Checked with the shape, dtype and (uniform) bounds exactly, then the
    mean, the standard deviation and a Kolmogorov-Smirnov test against the
    exact CDF; see autograder/stats.py for the false-failure arithmetic.
    """

    law: Callable = None
    kwargs: dict = field(default_factory=dict)
    args: tuple = (300, 200)  # the arguments before rng, e.g. (fan_in, fan_out) or (shape,)
    shape: tuple = None  # the expected output shape; default: args

    def calls(self, rng, prefix):
        return [Call(prefix, self.module, self.target, (*self.args, Special("rng", int(rng.integers(2**31)))),
                     dict(self.kwargs))]

    def judge(self, calls, observations, reference):
        observation = observations[calls[0].id]
        failed = _failure(observation, self.function)
        if failed:
            return failed
        kind, scale = self.law(*self.args, **self.kwargs)
        w = observation.get("value")
        shape = tuple(self.shape or self.args)
        law_text = f"U(-{scale:.4g}, {scale:.4g})" if kind == "uniform" else f"N(0, {scale:.4g}^2)"
        details = [f"Checked: {self.name}; arguments {self.args}, {_kw(self.kwargs)}expected {law_text}"]
        problem = mismatch(np.zeros(shape), w, RTOL, math.inf, "the weights")  # type, shape and dtype only
        if problem is None and not np.isfinite(w).all():
            problem = "the weights contain nan or inf"
        if problem is None:
            problem = stats.law_mismatch(w.ravel(), kind, scale)
        if problem is None:
            return Verdict(True, "passed", notes=self.warning_notes(observation))
        found = self.recognise(calls, observation, reference, w)
        if not found:
            details = details + _scale_line(w, kind, scale)
        return _named(False, problem, details, found)

    def recognise(self, calls, observation, reference, w):
        """The known mistakes whose law these weights follow, when exactly one law fits: every mistake that draws
        exactly those weights on these arguments (e.g. fans swapped, or mode ignored, when mode='fan_out').

        A law fits when a two-sample KS test accepts it AND the scale agrees (the largest |w| for a uniform law,
        the standard deviation for a normal one): a bound of 0.155 is not 0.152. When no law fits, or two
        different ones do, none is named: the feedback gives the measured scale against the expected one."""
        if type(w) is not np.ndarray or w.dtype.kind != "f" or w.size < 2 or not np.isfinite(w).all():
            return []
        seen = [c for c in mistakes_for(self.function) if c.seen_in is not None and c.seen_in(observation)]
        if seen:
            return seen
        kind = self.law(*self.args, **self.kwargs)[0]
        fitting = []
        for candidate in mistakes_for(self.function):
            if candidate.seen_in is not None:
                continue
            outcome = reference.run(calls, {self.function: candidate.bind(reference.namespace(self.module))})[calls[0].id]
            if isinstance(outcome, Exception) or type(outcome) is not np.ndarray or outcome.shape != w.shape:
                continue
            distance, threshold = stats.two_sample_distance(w.ravel(), outcome.ravel())
            if distance <= threshold and _same_scale(w, outcome, kind):
                fitting.append((candidate, outcome))
        laws = []  # one representative draw per distinct law among the fitting candidates
        for _, outcome in fitting:
            if not any(np.allclose(outcome, other, rtol=1e-12, atol=0.0) for other in laws):
                laws.append(outcome)
        return [candidate for candidate, _ in fitting] if len(laws) == 1 else []


def _measured_scale(w, kind):
    return float(np.max(np.abs(w))) if kind == "uniform" else float(np.std(w))


def _same_scale(w, outcome, kind):
    """Whether two draws have one scale. The largest |w| of n uniform draws is within bound * 20 / n of the
    bound with probability 1 - e^-20; a normal sample's std is within 6 / sqrt(2 n) of sigma (relative)."""
    a, b = _measured_scale(w, kind), _measured_scale(outcome, kind)
    n = min(w.size, outcome.size)
    tolerance = 20.0 / n if kind == "uniform" else 6.0 * math.sqrt(2.0 / (2.0 * n))
    return abs(a / b - 1.0) <= tolerance if b > 0 else a == 0


def _scale_line(w, kind, scale):
    """'Measured: bound 0.155, expected 0.179 (x0.87)': how far off the draws are, when no mistake is named."""
    if type(w) is not np.ndarray or w.dtype.kind != "f" or w.size < 2 or not np.isfinite(w).all():
        return []
    measured, what = _measured_scale(w, kind), "bound" if kind == "uniform" else "std"
    return [f"Measured: {what} {measured:.3g}, expected {scale:.3g} (\u00d7{measured / scale:.2f})"]


def _kw(kwargs):
    return "".join(f"{k}={v!r}, " for k, v in kwargs.items())
