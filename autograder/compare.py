"""Trusted comparisons of a submission's plain-data output with the expected one.

`mismatch` answers None when the output is right, else one line saying what is
wrong and where: the type, the shape, the dtype, the first non-finite entry, or
the entry with the largest error (index, expected, got, relative error).

Numbers are judged by value: where the contract asks for a float, a NumPy
scalar (np.float64, np.int64, ...) or a 0-d array is as good as a Python float,
and where it asks for an int, a NumPy integer is as good as an int. A wrong
type or dtype is named with the usual fix (an int64 array where float64 is
required: compute in float).
"""
import math

import numpy as np

from autograder.sandbox.wire import Special


def describe_type(value):
    """What a value is, in the words of the feedback: 'numpy.float64', 'a float64 array of shape (3, 4)'."""
    if type(value) is Special:
        return _capped(str(value.data))  # the worker's words: shown, but never at length
    if value is None:
        return "None"
    if isinstance(value, np.generic):
        return f"numpy.{type(value).__name__}"
    if type(value) is np.ndarray:
        if value.shape == ():
            return f"a 0-d {value.dtype} array"
        return f"{_a(value.dtype.name)} {value.dtype} array of shape {value.shape}"
    if type(value) in (list, tuple):
        return _sequence(value)
    return type(value).__name__


def as_number(value):
    """A Python float for a real number: a float or int, a NumPy integer or float scalar, or a
    0-d array of one (what np.mean, np.max, np.sum(...) ** 0.5 return); else None."""
    if type(value) in (float, int):
        return float(value)
    if isinstance(value, (np.generic, np.ndarray)) and np.shape(value) == () and value.dtype.kind in "iuf":
        return float(value)
    return None


def as_integer(value):
    """A Python int for an integer: an int, a NumPy integer scalar or a 0-d integer array; else None."""
    if type(value) is int:
        return value
    if isinstance(value, (np.generic, np.ndarray)) and np.shape(value) == () and value.dtype.kind in "iu":
        return int(value)
    return None


def mismatch(expected, got, rtol, atol, label="the result", names=None):
    """None if `got` matches `expected`; else one line. `names` label the items of a tuple result (dx, dW, db)."""
    if type(expected) is float:
        number = as_number(got)
        if number is None:
            return _not_a_number(got, label)
        if math.isfinite(expected) and not math.isfinite(number):
            return f"{label} is {number}, expected {expected:.6g}"
        if not math.isclose(number, expected, rel_tol=rtol, abs_tol=atol) and not (
            math.isnan(expected) and math.isnan(number)
        ):
            return f"{label} is {number:.8g}, expected {expected:.8g} ({_error(number, expected)})"
        return None
    if type(expected) is np.ndarray:
        return _array_mismatch(expected, got, rtol, atol, label)
    if type(expected) is int:
        number = as_integer(got)
        if number is None:
            fix = " (e.g. int(...))" if as_number(got) is not None else ""
            return f"{label} should be an int, got {describe_type(got)}{_shown(got)}: return a whole number{fix}"
        return None if number == expected else f"{label} is {number}, expected {expected}"
    if type(expected) in (tuple, list):
        if type(got) not in (tuple, list) or len(got) != len(expected):
            return f"{label} should be a {type(expected).__name__} of {len(expected)} items, got {describe_type(got)}"
        for i, (e, g) in enumerate(zip(expected, got)):
            problem = mismatch(e, g, rtol, atol, names[i] if names and i < len(names) else f"{label}[{i}]")
            if problem:
                return problem
        return None
    if type(expected) is dict:
        if type(got) is not dict:
            return f"{label} should be a dict, got {describe_type(got)}"
        if set(got) != set(expected):
            missing, extra = sorted(set(expected) - set(got)), sorted(set(got) - set(expected))
            parts = ([f"lacks the keys {_capped(str(missing))}"] if missing else []) + (
                [f"has unexpected keys {_capped(str(extra))}"] if extra else [])
            return f"{label} " + " and ".join(parts)
        for key in expected:
            problem = mismatch(expected[key], got[key], rtol, atol, f"{label}[{key!r}]")
            if problem:
                return problem
        return None
    if type(got) is not type(expected) or got != expected:
        return f"{label} is {_short_repr(got)}, expected {expected!r}"
    return None


def _not_a_number(got, label):
    """Why `got` is not the single number the contract asks for, and how to make it one."""
    what = describe_type(got)
    if got is None:
        return f"{label} should be a float, got None: is a return statement missing?"
    if type(got) is np.ndarray and got.dtype.kind in "iuf" and got.size == 1:
        return f"{label} should be a float, got {what}: return one number (e.g. float(x.item()), or drop keepdims=True)"
    if type(got) is np.ndarray:
        return f"{label} should be a float, got {what}: reduce it to one number (e.g. np.mean, np.sum, np.max)"
    if type(got) in (list, tuple):
        return f"{label} should be a float, got {what}: return one number, not a sequence"
    return f"{label} should be a float, got {what}"


def _array_mismatch(expected, got, rtol, atol, label):
    if expected.shape == () and type(got) is not np.ndarray and as_number(got) is not None:
        got = np.asarray(got, dtype=np.float64 if expected.dtype.kind == "f" else None)  # a 0-d result: by value
    if type(got) is not np.ndarray:
        return _not_an_array(expected, got, label)
    if got.shape != expected.shape:
        return f"{label} has shape {got.shape}, expected {expected.shape}"
    if got.dtype != expected.dtype:
        return _wrong_dtype(expected, got, label)
    if expected.dtype.kind != "f":
        if not np.array_equal(got, expected):
            index = tuple(int(i) for i in np.argwhere(got != expected)[0])
            return f"{label}{list(index)} is {got[index]!r}, expected {expected[index]!r}"
        return None
    with np.errstate(invalid="ignore", over="ignore"):
        # Nearly every answer graded is right: one pass says so. A NaN or an infinity anywhere fails this
        # test (NaN compares false), and the full look below finds what is wrong or rules it right.
        if (np.abs(got - expected) <= atol + rtol * np.abs(expected)).all():
            return None
    finite = np.isfinite(expected)
    same_special = (np.isnan(expected) & np.isnan(got)) | (~finite & (got == expected))
    bad_finite = (np.isfinite(got) != finite) | (~finite & ~same_special)
    if bad_finite.any():
        index = tuple(int(i) for i in np.argwhere(bad_finite)[0])
        hint = " (overflow or 0/0?)" if finite[index] else ""
        return f"{label}{list(index)} is {got[index]:.8g}, expected {expected[index]:.8g}{hint}"
    with np.errstate(invalid="ignore", over="ignore"):
        excess = np.abs(got - expected) - (atol + rtol * np.abs(expected))
    excess = np.where(np.isnan(excess), 0.0, excess)
    if (excess > 0).any():
        with np.errstate(invalid="ignore", divide="ignore"):
            relative = np.abs(got - expected) / np.maximum(np.abs(expected), 1e-300)
        relative = np.where(excess > 0, relative, -1.0)
        index = np.unravel_index(int(np.argmax(relative)), expected.shape)
        index = tuple(int(i) for i in index)
        count = int((excess > 0).sum())
        return (f"{label}{list(index)} is {got[index]:.8g}, expected {expected[index]:.8g} "
                f"({_error(got[index], expected[index])}; {count} of {expected.size} entries wrong)")
    return None


def _rel(got, expected):
    return abs(got - expected) / max(abs(expected), 1e-300)


def _error(got, expected):
    """How far apart: relative to the expected value, or absolute where that is 0 (a relative error would be 1e+300)."""
    if expected == 0:
        return f"absolute error {abs(got - expected):.2g}"
    return f"relative error {_rel(got, expected):.2g}"


def _not_an_array(expected, got, label):
    """Why `got` is not the NumPy array the contract asks for, and how to make it one."""
    wanted = f"a numpy.ndarray of shape {expected.shape}"
    if got is None:
        return f"{label} should be {wanted}, got None: is a return statement missing?"
    if type(got) in (list, tuple):
        if all(type(v) is np.ndarray for v in got):
            fix = "stack them into one array (e.g. np.stack(...) or np.array(...))"
        else:
            fix = "build an array from it (e.g. np.array(...))"
        return f"{label} should be {wanted}, got {describe_type(got)}: {fix}"
    if as_number(got) is not None:
        return f"{label} should be {wanted}, got a single number ({describe_type(got)}): compute the whole array"
    if type(got) is Special and "subclass of numpy.ndarray" in str(got.data):
        return f"{label} should be {wanted}, got {describe_type(got)}: return a plain array (e.g. np.asarray(...))"
    return f"{label} should be {wanted}, got {describe_type(got)}"


def _wrong_dtype(expected, got, label):
    """A wrong dtype in the contract's words, with the usual way to get the right one."""
    article = _a(got.dtype.name)
    if expected.dtype != np.float64:
        return f"{label} is {article} {got.dtype} array; the contract asks for {expected.dtype}"
    if got.dtype.kind in "iu":
        fix = "compute in float (e.g. x.astype(float), or 1.0 instead of 1)"
    elif got.dtype.kind == "b":
        fix = "convert the booleans (e.g. (z > 0).astype(float))"
    else:
        fix = "compute in float64 (e.g. np.asarray(x, dtype=np.float64)), not in lower precision"
    return f"{label} is {article} {got.dtype} array; the contract asks for float64: {fix}"


def _sequence(value):
    kind, n = type(value).__name__, len(value)
    if value and all(type(v) is np.ndarray for v in value):
        return f"a {kind} of {n} array{'s' * (n != 1)}"
    if value and all(as_number(v) is not None for v in value):
        return f"a Python {kind} of {n} number{'s' * (n != 1)}"
    if value and all(type(v) in (list, tuple) for v in value):
        return f"a Python {kind} of {n} {type(value[0]).__name__}s"  # nested, e.g. from .tolist()
    return f"a {kind} of {n} item{'s' * (n != 1)}"


def _a(word):
    return "an" if word[:1] in "aeio" else "a"  # an int64, a uint8, a float32


def _shown(value):
    number = as_number(value)
    return f" ({number!r})" if number is not None else ""


def _short_repr(value):
    return _capped(repr(value), 60)


def _capped(text, limit=80):
    return text if len(text) <= limit else text[: limit - 3] + "..."


def same_inputs(before, after):
    """True if the arrays in `after` (what the worker saw after the call) equal those in `before`."""
    if type(before) is np.ndarray:
        return type(after) is np.ndarray and after.shape == before.shape and np.array_equal(
            after, before, equal_nan=before.dtype.kind == "f"
        )
    if type(before) in (tuple, list):
        return type(after) in (tuple, list) and len(after) == len(before) and all(
            same_inputs(b, a) for b, a in zip(before, after)
        )
    if type(before) is dict:
        return type(after) is dict and all(k in after and same_inputs(v, after[k]) for k, v in before.items())
    return True  # scalars, strings, rngs and probes cannot be changed in place
