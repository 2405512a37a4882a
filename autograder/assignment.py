"""What an assignment grades: which contract modules, and how many points each is worth.

A course hands the modules out over several weeks, so every command takes the
same selection (`--modules activations,losses`) and an optional points file
that weights modules. The points file is a tiny TOML file, one line per module:

    # hw1.toml: 40 points for the activations, 60 for the losses
    activations = 40
    losses = 60

(an optional `[points]` table header is accepted too). Python 3.11+ reads it
with `tomllib`; on 3.10, which Ubuntu 22.04 ships, a reader for exactly this
subset of TOML is used, so the grading path runs there unchanged.
"""
import dataclasses
import difflib
import re

from autograder.mistakes import MODULES
from autograder.submission import UsageError

try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = None


def parse_modules(text):
    """The modules named in "a,b,c", in contract order; a one-line UsageError for an unknown name."""
    if text is None:
        return MODULES
    names = [name.strip().removesuffix(".py") for name in str(text).split(",") if name.strip()]
    if not names:
        raise UsageError("--modules needs at least one module name")
    for name in names:
        if name not in MODULES:
            close = difflib.get_close_matches(name, MODULES, n=1)
            hint = f" (did you mean {close[0]}?)" if close else f" (the modules are: {', '.join(MODULES)})"
            raise UsageError(f"unknown module {name!r}{hint}")
    return tuple(m for m in MODULES if m in names)


def load_points(path, modules=MODULES):
    """{module: points} from a points file; every key must be one of `modules`, every value a number > 0."""
    if path is None:
        return {}
    try:
        text = open(path, encoding="utf-8").read()
    except OSError as error:
        raise UsageError(f"cannot read the points file {path}: {error.strerror}") from None
    table = _read_toml(text, path)
    table = table.get("points", table) if isinstance(table.get("points"), dict) else table
    points = {}
    for name, value in table.items():
        if name not in modules:
            raise UsageError(f"{path}: {name!r} is not a module of this assignment ({', '.join(modules)})")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise UsageError(f"{path}: the points of {name} must be a positive number, got {value!r}")
        points[name] = float(value)
    return points


_LINE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([0-9]+(?:\.[0-9]*)?)\s*(?:#.*)?$")


def _read_toml(text, path):
    if tomllib is not None:
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise UsageError(f"{path} is not valid TOML: {error}") from None
    table, current = {}, None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.split("#", 1)[0].strip()
        if not stripped:
            continue
        if stripped == "[points]":
            current = table.setdefault("points", {})
            continue
        match = _LINE.match(line)
        if not match:
            raise UsageError(f"{path}, line {number}: expected `module = points`, got {line.strip()!r}")
        value = float(match.group(2))
        (current if current is not None else table)[match.group(1)] = int(value) if value.is_integer() else value
    return table


def weigh(checks, points):
    """The checks with their points scaled so that each weighted module sums to its points."""
    if not points:
        return list(checks)
    totals = {}
    for check in checks:
        totals[check.module] = totals.get(check.module, 0.0) + check.points
    return [dataclasses.replace(check, points=check.points * points[check.module] / totals[check.module])
            if check.module in points else check for check in checks]


def weigh_report(report, points):
    """The Report with its outcomes' checks weighted by `points` (the verdicts are unchanged)."""
    if not points:
        return report
    weighted = weigh([o.check for o in report.outcomes], points)
    outcomes = [dataclasses.replace(o, check=check) for o, check in zip(report.outcomes, weighted)]
    return dataclasses.replace(report, outcomes=outcomes)


def module_maxima(modules=MODULES, points=None):
    """{module: maximum points} of the assignment, without grading anything."""
    from autograder.checks import all_checks

    maxima = {}
    for check in weigh(all_checks(modules), points or {}):
        maxima[check.module] = maxima.get(check.module, 0.0) + check.points
    return maxima
