"""The public check of the student edition: the reference's answers on fixed inputs, stored as plain data.

The student edition (`autograder release`) ships without solutions/. Its grader runs the same check
declarations and the same judge code as the instructor's, with a PublicReference in place of the
Reference: an object with the same three members (`functions`, `namespace`, `run`) whose `run`
returns what the reference (or, when a known mistake is swapped in, that mistake) computed on the
public seed's inputs when the edition was released. So a wrong answer is still named ("derivative
applied to the activation instead of the pre-activation"), and distribution checks keep their
statistical tests, which need the declared law only.

The data are `public_data/expected.json` (the structure) and `public_data/expected.npz` (the arrays it
refers to by name), read with allow_pickle=False: numbers, strings, lists, tuples, dicts and arrays of
plain dtypes, nothing else. Each call's inputs are stored as a digest: if the checks were edited after
the release, the public check says so instead of judging against stale answers.

Seeds below PUBLIC_SEEDS are reserved for public checks; the instructor's grader never draws them.
"""
import hashlib
import inspect
import json
import math
import secrets
from pathlib import Path

import numpy as np

from autograder.sandbox import wire

DATA = Path(__file__).resolve().parent / "public_data"  # present only in a student edition
PUBLIC_SEEDS = 2**16  # public seeds are 0 .. PUBLIC_SEEDS - 1; grading draws its seeds from the rest
DEFAULT_PUBLIC_SEED = 1
REFERENCE_RUN = "reference"
# A known mistake's weights in a distribution check are compared by their law only (a two-sample KS
# distance, autograder/stats.py), never value by value: they are stored as this many order statistics.
LAW_POINTS = 2001


class PublicDataError(Exception):
    """The stored answers are missing, malformed, or do not match the checks' inputs."""


def draw_seed():
    """A fresh grading seed, never one of the public seeds (their inputs and answers are published)."""
    return PUBLIC_SEEDS + secrets.randbelow(2**32 - PUBLIC_SEEDS)


def choose_seed(reference, seed):
    """The seed a grading run uses: the edition's public seed, the one asked for, or a fresh draw."""
    public_seed = getattr(reference, "public_seed", None)
    if public_seed is not None:
        return public_seed  # the public check has answers for its own inputs only
    return draw_seed() if seed is None else int(seed)


def call_digest(call):
    """A short fingerprint of what a call asks (function, arguments, what it keeps and returns)."""
    message = wire.encode([call.qualname, list(call.args), call.kwargs, call.pick, call.keep, call.id])
    return hashlib.sha256(message).hexdigest()[:24]


def mistake_run(mistake):
    """The key of a known mistake's stored outputs: its function and the name of its implementation."""
    return f"{mistake.function}:{mistake.impl.__name__}"


# --- plain-data trees: JSON for the structure, .npz for the arrays ---------------------------------------------

class LawSample:
    """A large random draw kept for its law only: stored as LAW_POINTS order statistics, read back as a
    sorted sample of the same shape interpolated between them (the KS distance moves by < 1 / LAW_POINTS)."""

    def __init__(self, values):
        self.values = values


def to_tree(value, arrays):
    """`value` as a JSON-able tree; arrays go into `arrays` ({name: ndarray}) and are referred to by name."""
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, np.generic):
        return {"__scalar__": value.dtype.str, "nd": to_tree(np.asarray(value), arrays)}
    if kind is np.ndarray:
        if value.dtype.str not in wire.PLAIN_DTYPES:
            raise PublicDataError(f"an array of dtype {value.dtype} cannot be stored")
        name = f"a{len(arrays)}"
        arrays[name] = value
        return {"__nd__": name}
    if kind in (list, tuple):
        return {"__seq__": kind.__name__, "items": [to_tree(v, arrays) for v in value]}
    if kind is dict and all(type(k) is str for k in value):
        return {"__dict__": {k: to_tree(v, arrays) for k, v in value.items()}}
    if kind is LawSample:
        ordered = np.sort(value.values, axis=None)
        points = np.round(np.linspace(0, ordered.size - 1, min(LAW_POINTS, ordered.size))).astype(int)
        return {"__law__": to_tree(ordered[points], arrays), "shape": list(value.values.shape)}
    if isinstance(value, Exception):
        return {"__error__": type(value).__name__, "message": str(value)[:500]}
    raise PublicDataError(f"a {kind.__name__} cannot be stored")


class StoredError(Exception):
    """What the reference or a mistake raised at release time (its type name and message)."""


def from_tree(node, arrays):
    if node is None or type(node) in (bool, int, float, str):
        return node
    if type(node) is not dict:
        raise PublicDataError("malformed public data")
    if "__float__" in node:
        return float(node["__float__"])
    if "__scalar__" in node:
        return from_tree(node["nd"], arrays)[()]
    if "__nd__" in node:
        array = arrays[node["__nd__"]]
        array.flags.writeable = False  # shared by every lookup: nobody may change a stored answer
        return array
    if "__seq__" in node:
        items = [from_tree(v, arrays) for v in node["items"]]
        return tuple(items) if node["__seq__"] == "tuple" else items
    if "__dict__" in node:
        return {k: from_tree(v, arrays) for k, v in node["__dict__"].items()}
    if "__law__" in node:
        points, shape = from_tree(node["__law__"], arrays), tuple(node["shape"])
        size = int(np.prod(shape))
        return np.interp(np.linspace(0, points.size - 1, size), np.arange(points.size), points).reshape(shape)
    if "__error__" in node:
        return StoredError(f"{node['__error__']}: {node['message']}")
    raise PublicDataError("malformed public data")


def pack(manifest, runs):
    """(JSON tree, {name: array}) of the manifest and `runs` = {run key: {call id: output}}."""
    arrays = {}
    tree = dict(manifest, runs={key: {cid: to_tree(v, arrays) for cid, v in outputs.items()}
                                for key, outputs in runs.items()})
    return tree, arrays


def save(folder, manifest, runs, packed=None):
    """Write expected.json and expected.npz (from `packed`, when pack() was already called)."""
    tree, arrays = packed or pack(manifest, runs)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "expected.json").write_text(json.dumps(tree, indent=None, separators=(",", ":")) + "\n")
    _write_npz(folder / "expected.npz", arrays)


def _write_npz(path, arrays):
    """What np.savez_compressed writes, with a fixed timestamp on every member (numpy stamps the current
    time), so that releasing twice from the same sources gives the same bytes."""
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as handle:
                np.lib.format.write_array(handle, np.asanyarray(array), allow_pickle=False)


# --- the oracle of the student edition ----------------------------------------------------------------------

class _Signature:
    """Stands for a reference function where only its parameter names are read (the feedback's 'Inputs:')."""

    def __init__(self, qualname, names):
        self.__name__ = qualname.split(".")[1]
        self.__signature__ = inspect.Signature(
            [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in names])

    def __call__(self, *args, **kwargs):
        raise PublicDataError("the student edition has no reference implementation to call")


class PublicReference:
    """The Reference interface over stored answers: the same judges run unchanged on the public inputs."""

    def __init__(self, folder=DATA):
        folder = Path(folder)
        try:
            tree = json.loads((folder / "expected.json").read_text())
            with np.load(folder / "expected.npz", allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
        except (OSError, ValueError) as error:
            raise PublicDataError(f"the public check's data cannot be read: {error}") from None
        self.public_seed = int(tree["seed"])
        self.released = tuple(tree["modules"])
        self.digests = tree["digests"]
        self.functions = {name: _Signature(name, params) for name, params in tree["signatures"].items()}
        self._runs = {key: {cid: from_tree(v, arrays) for cid, v in outputs.items()}
                      for key, outputs in tree["runs"].items()}

    def namespace(self, module):
        # A known mistake is bound to this (see Mistake.bind) only to be recognised by its code in run().
        return {"__name__": module, "np": np}

    def run(self, calls, replace=None):
        """{call id: stored output} of `calls`, as the reference computed it or, with `replace`, the mistake."""
        key = REFERENCE_RUN if not replace else self._mistake_key(replace)
        outputs = self._runs.get(key, {})
        for call in calls:
            if self.digests.get(call.id) != call_digest(call):
                raise PublicDataError(f"the checks changed since this edition was released ({call.id}): "
                                      "ask for a new release")
        if key == REFERENCE_RUN:  # stored for the value checks; other kinds never compare with it
            return {call.id: outputs.get(call.id) for call in calls}
        return {call.id: outputs[call.id] for call in calls if call.id in outputs}

    @staticmethod
    def _mistake_key(replace):
        from autograder.mistakes import all_mistakes

        (function, impl), = replace.items()
        for mistake in all_mistakes():
            if mistake.function == function and mistake.impl.__code__ is impl.__code__:
                return mistake_run(mistake)
        raise PublicDataError(f"no stored outputs for this replacement of {function}")


def is_edition():
    """Whether this installation is a student edition (it grades with the public check)."""
    return (DATA / "expected.json").is_file()


def seed_refusal(option):
    """The one line that refuses `option` (a seed to replay) in a student edition, or None elsewhere.

    The edition's inputs are those of its public seed, always: a chosen seed would be silently ignored,
    and replaying inputs of the student's choosing is what its grader must not do. The CLI (`--seed`)
    and the plugin of the practice tests (`--autograder-seed`) both refuse through this."""
    if not is_edition():
        return None
    return (f"{option} replays the random inputs of your instructor's grader; this student edition always "
            "checks the same fixed inputs")


def edition_reference():
    """The PublicReference of this installation when it is a student edition, else None."""
    return PublicReference(DATA) if is_edition() else None


def released(reference, modules):
    """The modules a run grades: in a student edition, only those its public check has answers for."""
    kept = getattr(reference, "released", None)
    return tuple(modules) if kept is None else tuple(m for m in modules if m in kept)
