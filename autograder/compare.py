"""Trusted comparisons of a submission's plain-data output with the expected one.

`mismatch` answers None when the output is right, else one line saying what is
wrong and where: the type, the shape, the dtype, the first non-finite entry, or
the entry with the largest error (index, expected, got, relative error).
"""
import math

import numpy as np

from autograder.sandbox.wire import Special


def describe_type(value):
    if type(value) is Special:
        if value.kind == "numpy_scalar":
            return f"numpy.{value.data['type']}"
        return str(value.data)
    if type(value) is np.ndarray:
        return f"ndarray of shape {value.shape}"
    return type(value).__name__


def as_number(value):
    """A Python float for a scalar result (float, int, NumPy scalar or 0-d array), else None."""
    if type(value) in (float, int):
        return float(value)
    if type(value) is Special and value.kind == "numpy_scalar" and type(value.data.get("value")) in (float, int):
        return float(value.data["value"])
    if type(value) is np.ndarray and value.shape == () and value.dtype.kind in "iuf":
        return float(value)
    return None


def mismatch(expected, got, rtol, atol, label="the result", names=None):
    """None if `got` matches `expected`; else one line. `names` label the items of a tuple result (dx, dW, db)."""
    if type(expected) is float:
        number = as_number(got)
        if number is None:
            return f"{label} should be a float, got {describe_type(got)}"
        if math.isfinite(expected) and not math.isfinite(number):
            return f"{label} is {number}, expected {expected:.6g}"
        if not math.isclose(number, expected, rel_tol=rtol, abs_tol=atol) and not (
            math.isnan(expected) and math.isnan(number)
        ):
            return f"{label} is {number:.8g}, expected {expected:.8g} (relative error {_rel(number, expected):.2g})"
        return None
    if type(expected) is np.ndarray:
        return _array_mismatch(expected, got, rtol, atol, label)
    if type(expected) in (tuple, list):
        if type(got) not in (tuple, list) or len(got) != len(expected):
            return f"{label} should be a {type(expected).__name__} of {len(expected)} items, got {_len_type(got)}"
        for i, (e, g) in enumerate(zip(expected, got)):
            problem = mismatch(e, g, rtol, atol, names[i] if names and i < len(names) else f"{label}[{i}]")
            if problem:
                return problem
        return None
    if type(expected) is dict:
        if type(got) is not dict:
            return f"{label} should be a dict, got {describe_type(got)}"
        if set(got) != set(expected):
            return f"{label} has keys {sorted(got)}, expected {sorted(expected)}"
        for key in expected:
            problem = mismatch(expected[key], got[key], rtol, atol, f"{label}[{key!r}]")
            if problem:
                return problem
        return None
    if got != expected or type(got) is not type(expected):
        return f"{label} is {got!r}, expected {expected!r}"
    return None


def _array_mismatch(expected, got, rtol, atol, label):
    if type(got) is not np.ndarray:
        return f"{label} should be a numpy.ndarray, got {describe_type(got)}"
    if got.shape != expected.shape:
        return f"{label} has shape {got.shape}, expected {expected.shape}"
    if got.dtype != expected.dtype:
        return f"{label} has dtype {got.dtype}, expected {expected.dtype}"
    if expected.dtype.kind != "f":
        if not np.array_equal(got, expected):
            index = tuple(int(i) for i in np.argwhere(got != expected)[0])
            return f"{label}{list(index)} is {got[index]!r}, expected {expected[index]!r}"
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
                f"(relative error {_rel(got[index], expected[index]):.2g}; {count} of {expected.size} entries wrong)")
    return None


def _rel(got, expected):
    return abs(got - expected) / max(abs(expected), 1e-300)


def _len_type(value):
    if type(value) in (tuple, list):
        return f"a {type(value).__name__} of {len(value)} items"
    return describe_type(value)


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
