"""The reference implementation (solutions/) as the grading oracle, run in the trusted process.

The solution modules import each other by plain name (`import activations`),
as a submission does. They are loaded once under those names and then moved
out of sys.modules, so they can never be mistaken for anything else the
process imports.
"""
import copy
import importlib
import os
import sys
import warnings
from pathlib import Path

import numpy as np

from autograder.mistakes import MODULES
from autograder.sandbox.probes import build_probe
from autograder.sandbox.wire import Special

DEFAULT_FOLDER = Path(__file__).resolve().parent.parent / "solutions"


def reference_folder():
    return Path(os.environ.get("AUTOGRADER_REFERENCE", DEFAULT_FOLDER))


def load_modules(folder=None, modules=MODULES):
    """{name: module} of the modules found in `folder`, loaded without leaving a trace in sys.modules."""
    folder = str(folder or reference_folder())
    saved = {name: sys.modules.pop(name) for name in modules if name in sys.modules}
    sys.path.insert(0, folder)
    try:
        return {name: importlib.import_module(name) for name in modules if os.path.exists(f"{folder}/{name}.py")}
    finally:
        sys.path.remove(folder)
        for name in modules:
            sys.modules.pop(name, None)
        sys.modules.update(saved)


class Reference:
    def __init__(self, modules):
        self.modules = modules
        self.functions = {
            f"{m}.{name}": fn
            for m, module in modules.items()
            for name, fn in vars(module).items()
            if callable(fn) and not name.startswith("_") and getattr(fn, "__module__", None) == m
        }

    def namespace(self, module):
        return vars(self.modules[module])

    def run(self, calls, replace=None):
        """{call id: output or the exception raised} of `calls`, with `replace` = {qualname: function} swapped in."""
        table = dict(self.functions, **(replace or {}))
        kept, outputs = {}, {}
        for call in calls:
            try:
                args = _resolve(_fresh(call.args), kept)
                kwargs = _resolve(_fresh(call.kwargs), kept)
                # A known mistake run on edge inputs may warn (mean of an empty slice): an outcome, not news.
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    output = table[call.qualname](*args, **kwargs)
            except Exception as error:  # noqa: BLE001 - a mistake may raise; that is an outcome
                outputs[call.id] = error
                continue
            if call.keep:
                kept[call.id] = output
            outputs[call.id] = plain(_picked(output, call.pick))
        return outputs


def _fresh(value, memo=None):
    """A copy of a call's arguments that a function may change in place: copy.deepcopy's result for the
    types calls are made of (arrays, containers, immutable leaves), an array seen twice copied once, but
    several times faster (grading a submission runs a few hundred of these)."""
    memo = {} if memo is None else memo
    if type(value) is np.ndarray:
        if id(value) not in memo:
            memo[id(value)] = value.copy(order="K")
        return memo[id(value)]
    if type(value) in (list, tuple):
        return type(value)(_fresh(v, memo) for v in value)
    if type(value) is dict:
        return {k: _fresh(v, memo) for k, v in value.items()}
    if value is None or type(value) in (int, float, bool, str, complex) or isinstance(value, np.generic):
        return value
    return copy.deepcopy(value, memo)


def _picked(output, pick):
    if pick is None:
        return output
    return tuple(output[i] for i in pick) if type(pick) in (list, tuple) else output[pick]


def plain(value):
    """NumPy scalars as Python numbers, recursively: the types a worker's answer decodes to."""
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return value.item()
    if type(value) in (list, tuple):
        return type(value)(plain(v) for v in value)
    if type(value) is dict:
        return {k: plain(v) for k, v in value.items()}
    return value


def _resolve(value, kept):
    if type(value) is Special:
        if value.kind == "rng":
            return np.random.default_rng(value.data)
        if value.kind == "probe":
            return build_probe(value.data)
        if value.kind == "result":
            result = kept[value.data["id"]]
            return result if value.data.get("pick") is None else result[value.data["pick"]]
    if type(value) in (list, tuple):
        return type(value)(_resolve(v, kept) for v in value)
    if type(value) is dict:
        return {k: _resolve(v, kept) for k, v in value.items()}
    return value


_cache = {}


def default_reference():
    """The solutions' Reference; in a student edition (no solutions), the public check's stored answers."""
    from autograder.public import edition_reference

    folder = reference_folder()
    if folder not in _cache:
        _cache[folder] = edition_reference() or Reference(load_modules(folder))
    return _cache[folder]
