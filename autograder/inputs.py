"""A failing call's inputs in words: small arrays in full, larger ones summarised.

Up to SMALL numbers an array is printed whole, so the student can copy it into
a notebook; beyond that its dtype, shape and range are shown (the failing index
is in the feedback's first line, and --save-failures keeps every number).
"""
import inspect

import numpy as np

from autograder.sandbox.wire import Special

SMALL = 30  # numbers per array shown in full

_SPECIAL = {"result": "what your forward function returned", "rng": "a seeded Generator",
            "probe": "a test function"}


def describe(call, function=None, width=100):
    """['z = [[-2, -0, 0, 1e-12, -1e-12, 3]]', 'negative_slope = 0.1'] for a worker Call."""
    try:
        names = list(inspect.signature(function).parameters) if function else []
    except (TypeError, ValueError):
        names = []
    names += [f"arg{i}" for i in range(len(names), len(call.args))]
    lines = []
    for name, value in list(zip(names, call.args)) + list(call.kwargs.items()):
        lines += _describe(name, value, width)
    return lines


def _describe(name, value, width):
    if type(value) is np.ndarray:
        return _array(name, value, width)
    if type(value) is Special:
        text = _SPECIAL.get(value.kind, value.kind)
        if value.kind == "rng":
            text += f" (np.random.default_rng({value.data}))"
        return [f"{name}: {text}"]
    if type(value) is dict:
        return [line for key, item in value.items() for line in _describe(f"{name}[{key!r}]", item, width)]
    if type(value) in (list, tuple) and value and all(type(v) in (np.ndarray, dict, list, tuple) for v in value):
        return [line for i, item in enumerate(value) for line in _describe(f"{name}[{i}]", item, width)]
    return [f"{name} = {value!r}"]


def _array(name, value, width):
    if value.size <= SMALL:
        prefix = f"{name} = "
        text = np.array2string(value, separator=", ", threshold=SMALL + 1, max_line_width=max(40, width - 8),
                               prefix=prefix, formatter={"float_kind": lambda x: f"{x:.8g}"})
        first, *rest = text.split("\n")
        return [prefix + first] + [line for line in rest]
    finite = value[np.isfinite(value)] if value.dtype.kind == "f" else value
    summary = f"{name}: {value.dtype} array of shape {value.shape}"
    if finite.size and value.dtype.kind in "iuf":
        summary += f", from {finite.min():.4g} to {finite.max():.4g}, mean {finite.mean():.4g}"
    return [summary]
