"""Failing calls saved as .npz files a student can reproduce in a notebook (`--save-failures DIR`).

Each file holds plain arrays only (np.load needs no pickle): every array of the
inputs, keyword arguments, expected answer and the submission's answer, under
keys such as `args.0`, `kwargs.alpha`, `expected`, `got.1`, plus a JSON text
`layout` that says how they nest (tuples, lists, dicts, numbers, seeded
generators). One line reproduces the call, from the folder holding your files:

    from autograder.failures import reproduce; reproduce("failures/activations.relu_derivative-1.npz")

It imports your module, calls the function on the saved inputs, and prints what
it returned next to what was expected.
"""
import importlib
import json
import re
import sys
from pathlib import Path

import numpy as np

from autograder.reference import default_reference, plain
from autograder.sandbox.wire import Special

REPRODUCE = 'from autograder.failures import reproduce; reproduce("FILE.npz")'


def save_failures(report, folder, reference=None):
    """Write one .npz per failing check whose call ran (not stubs, nor missing modules); return the paths."""
    reference = reference or default_reference()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written, counts = [], {}
    for outcome in report.outcomes:
        if outcome.verdict.passed or not outcome.calls or outcome.observation.get("status") != "ok":
            continue
        function = outcome.check.function
        counts[function] = counts.get(function, 0) + 1
        path = folder / f"{function}-{counts[function]}.npz"
        save_call(path, outcome, reference, report.seed, report.path)
        written.append(str(path))
    return written


def save_call(path, outcome, reference, seed, submission="."):
    main, before = outcome.calls[-1], outcome.calls[:-1]
    arrays = {}
    layout = {
        "function": outcome.check.function, "check": outcome.check.name, "seed": seed,
        "folder": str(Path(submission).resolve()),  # where reproduce() imports the functions from
        # A backward check first calls your forward function; its output is passed on as the cache.
        "before": [{"id": call.id, "function": call.qualname, "args": _pack(list(call.args), f"before{i}.args", arrays),
                    "kwargs": _pack(dict(call.kwargs), f"before{i}.kwargs", arrays)} for i, call in enumerate(before)],
        "args": _pack(list(main.args), "args", arrays), "kwargs": _pack(dict(main.kwargs), "kwargs", arrays),
        "pick": main.pick,
        "expected": _pack(reference.run(outcome.calls)[main.id], "expected", arrays),
        "got": _pack(outcome.observation.get("value"), "got", arrays),
        "feedback": outcome.verdict.summary,
    }
    np.savez(path, layout=np.array(json.dumps(layout)), **arrays)


def _pack(value, key, arrays):
    """The JSON layout of `value`; its arrays go into `arrays` under keys derived from `key`."""
    value = plain(value)
    if isinstance(value, np.ndarray):
        arrays[key] = value
        return {"array": key}
    if type(value) is Special:
        return {value.kind: value.data if value.kind in ("rng", "result") else str(value.data)}
    if type(value) in (list, tuple):
        return {type(value).__name__: [_pack(v, f"{key}.{i}", arrays) for i, v in enumerate(value)]}
    if type(value) is dict:
        return {"dict": {str(k): _pack(v, f"{key}.{_safe_key(k)}", arrays) for k, v in value.items()}}
    if value is None or type(value) in (bool, int, float, str):
        return {"value": value}
    return {"unsendable": str(value)[:200]}


def _safe_key(name):
    return re.sub(r"[^A-Za-z0-9_]", "_", str(name))


def load(path):
    """The saved failure: its layout (function, check, seed, feedback) and its arrays, as plain values."""
    with np.load(path, allow_pickle=False) as data:
        layout = json.loads(str(data["layout"]))
        arrays = {key: data[key] for key in data.files if key != "layout"}
    return layout, arrays


def _unpack(node, arrays, kept):
    (kind, data), = node.items()
    if kind == "array":
        return arrays[data].copy()
    if kind == "rng":
        return np.random.default_rng(data)
    if kind == "result":
        result = kept[data["id"]]
        return result if data.get("pick") is None else result[data["pick"]]
    if kind in ("list", "tuple"):
        items = [_unpack(v, arrays, kept) for v in data]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        return {k: _unpack(v, arrays, kept) for k, v in data.items()}
    return data


def reproduce(path, folder=None):
    """Call your function again on a saved failure's inputs (your forward function first, for a backward
    check); print whether it is right now, and return (what it returns now, what is expected).

    The functions are imported afresh from `folder`: by default the folder that was graded."""
    from autograder.compare import mismatch
    from autograder.spec import ATOL, RTOL

    layout, arrays = load(path)
    if folder is None:
        folder = layout["folder"] if Path(layout.get("folder", "")).is_dir() else "."
    kept = {}
    for call in layout["before"]:
        kept[call["id"]] = _function(call["function"], folder)(*_unpack(call["args"], arrays, kept),
                                                               **_unpack(call["kwargs"], arrays, kept))
    args, kwargs = _unpack(layout["args"], arrays, kept), _unpack(layout["kwargs"], arrays, kept)
    got = _function(layout["function"], folder)(*args, **kwargs)
    pick = layout.get("pick")
    if pick is not None:
        got = tuple(got[i] for i in pick) if type(pick) is list else got[pick]
    expected = _unpack(layout["expected"], arrays, kept)
    problem = mismatch(expected, plain(got), RTOL, ATOL)
    print(f"{layout['function']} ({layout['check']}): " + (problem or "right now"))
    return got, expected


def _function(qualname, folder):
    """Your function, imported afresh from `folder` (so that an edit since the last call counts)."""
    module_name, name = qualname.split(".")
    sys.path.insert(0, str(Path(folder).resolve()))
    try:
        module = importlib.reload(sys.modules[module_name]) if module_name in sys.modules else \
            importlib.import_module(module_name)
    finally:
        sys.path.pop(0)
    return getattr(module, name)
