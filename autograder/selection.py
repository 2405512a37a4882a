"""What a student asked to grade: a folder, a zip or one file, narrowed to modules or functions.

`autograder check exercises/activations.py` grades that file (its folder, that module only);
`--only activations.relu_derivative` narrows a run to one function; run without a path from
inside `exercises/`, the grader grades the current folder.
"""
import difflib
from dataclasses import dataclass
from pathlib import Path

from autograder.assignment import parse_modules
from autograder.mistakes import MODULES
from autograder.submission import UsageError


@dataclass(frozen=True)
class Selection:
    path: str  # the folder or zip handed to grade()
    modules: tuple = MODULES
    functions: frozenset | None = None  # "module.function" names, or None for every function of the modules


def graded_functions():
    """Every "module.function" that has checks, in contract order."""
    from autograder.checks import all_checks

    return list(dict.fromkeys(check.function for check in all_checks()))


def parse_only(text):
    """(modules, functions or None) from "activations,losses.mse_grad"; a one-line UsageError otherwise."""
    if text is None:
        return MODULES, None
    names = [name.strip().removesuffix(".py") for name in str(text).split(",") if name.strip()]
    known = graded_functions()
    by_target = {}
    for function in known:
        by_target.setdefault(function.split(".")[1], []).append(function)
    # A bare function name (relu_derivative) stands for its module's function when only one module has it.
    names = [by_target[n][0] if n not in MODULES and len(by_target.get(n, ())) == 1 else n for n in names]
    whole = [name for name in names if "." not in name]
    parts = [name for name in names if "." in name]
    for name in parts:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            raise UsageError(f"unknown function {name!r}" + (f" (did you mean {close[0]}?)" if close else ""))
    modules = parse_modules(",".join(whole + [name.split(".")[0] for name in parts]))
    if not parts:
        return modules, None
    functions = {f for f in known if f.split(".")[0] in whole} | set(parts)
    return modules, frozenset(functions)


def default_path(cwd=None):
    """`exercises` from the repository's top, or the current folder when it holds the exercise files."""
    cwd = Path(cwd or ".")
    if (cwd / "exercises").is_dir():
        return "exercises"
    if any((cwd / f"{module}.py").is_file() for module in MODULES):
        return "."
    return "exercises"  # grade() then says that it does not exist


def resolve(path, only=None):
    """The Selection for a command line's PATH and --only text. One .py file means its folder, its module."""
    modules, functions = parse_only(only)
    path = default_path() if path is None else path
    file = Path(path)
    if file.suffix == ".py" and not file.is_dir():
        if not file.is_file():
            raise UsageError(f"{path} does not exist")
        if file.stem not in MODULES:
            raise UsageError(f"{file.name} is not an exercise file (they are: {', '.join(m + '.py' for m in MODULES)})")
        if only is not None and file.stem not in modules:
            raise UsageError(f"--only {only} names nothing in {file.name}")
        modules = (file.stem,)
        if functions is not None:
            functions = frozenset(f for f in functions if f.startswith(f"{file.stem}."))
        path = str(file.parent)
    return Selection(str(lone_zip(path) or path), modules, functions)


def lone_zip(folder, depth=2):
    """The one .zip in a folder that holds no Python file (to `depth` levels down), or None.

    Gradescope leaves a zip that a student uploaded unextracted in its submission folder, and an LMS
    download puts each student's zip in a folder of its own: it is the submission, graded as
    `autograder check sub.zip` grades it (`check`, and `batch` for each student's folder). The folder is
    listed as submission.prepare lists one: an entry at a time, at most MAX_ZIP_ENTRIES of them (a folder
    holding more is no upload; prepare then says so), stopping at the first Python file or second zip."""
    import os

    from autograder.submission import MAX_ZIP_ENTRIES

    folder = Path(folder)
    if not folder.is_dir():
        return None
    zips, left, pending = [], MAX_ZIP_ENTRIES, [(folder, 0)]
    while pending:
        current, level = pending.pop()
        try:
            with os.scandir(current) as entries:
                for entry in entries:
                    left -= 1
                    if left < 0:
                        return None
                    if entry.is_dir(follow_symlinks=False):
                        if level < depth and not entry.name.startswith("."):
                            pending.append((entry.path, level + 1))
                    elif entry.name.endswith(".py"):
                        return None
                    elif level == 0 and entry.name.lower().endswith(".zip") and entry.is_file(follow_symlinks=False):
                        zips.append(Path(entry.path))
                        if len(zips) > 1:
                            return None
        except OSError:
            continue
    return zips[0] if zips else None
