"""The graded checks as pytest tests: `pytest exercises` runs every check on your files, one test a check.

    pytest exercises                                   # every module, one item per graded check
    pytest exercises/activations.py                    # one module
    pytest "exercises/activations.py::relu_derivative"  # one function, exactly (node ID)
    pytest exercises -x --lf -q -n 2 --junitxml=out.xml  # the usual pytest options behave as usual

(`-k relu_derivative` matches substrings, so it selects leaky_relu_derivative too: the node ID is exact.)

Items read `exercises/activations.py::relu_derivative::at the kink: relu'(0) = 0`. A failing
item's message is the grader's feedback (the named mistake, its fix, the inputs, what your code
printed). A function whose body is still the stub's `raise NotImplementedError` is one item,
`exercises/activations.py::relu_derivative`, that fails in one line ("not started: ..."), read from
the file's text and never graded, so untouched stubs make the run fail (exit status 1) instead of
passing as skipped. The scores are the grader's, summed per module at the end, with the seed:
`--autograder-seed N` replays a run. A student edition grades fixed inputs: it prints no seed and
refuses `--autograder-seed` in one line (pytest's usage error), as its `autograder check` refuses `--seed`.

Your code never runs inside pytest: each module is graded once, in the grader's sandbox, when its
first item runs, and the items only report the verdicts. For the same reason the plugin refuses,
before pytest loads any conftest.py, an exercise folder from which pytest itself would run code (a
conftest.py, a package __init__.py, a test module, its own pytest settings): see _runs_code. pytest is
a practice tool; no grading path runs it, and its results are not grades.

Registered as a `pytest11` entry point of the package (or load it with `-p autograder.pytest_plugin`).
It collects only contract modules (activations.py, ...) that sit in a folder named on the command
line or are named there themselves, so a test run of other folders (the course's own `make test`)
collects nothing from it.
"""
import ast
import fnmatch
import os
from pathlib import Path

import pytest

from autograder.mistakes import MODULES

SCORE_KEY = "autograder"


def pytest_addoption(parser):
    group = parser.getgroup("autograder", "graded exercises (autograder)")
    # Not plain --seed: a project's own conftest.py may define that, and two definitions are an error.
    group.addoption("--autograder-seed", dest="autograder_seed", type=int, default=None,
                    help="replay the random inputs of an earlier run (the summary prints the seed; a "
                         "student edition's inputs are fixed, and it refuses this)")
    group.addoption("--autograder-timeout", dest="autograder_timeout", type=float, default=None,
                    help="seconds allowed per call of your code (default: the grader's)")


def pytest_configure(config):
    worker = getattr(config, "workerinput", None)
    if worker is not None and "autograder_seed" in worker:
        config._autograder_seed = worker["autograder_seed"]  # one seed for all xdist workers
    else:
        seed = config.getoption("autograder_seed")
        # here, not at the top: plugin loading stays free of NumPy
        from autograder.public import draw_seed, seed_refusal

        refused = seed is not None and seed_refusal("--autograder-seed")
        if refused:  # a student edition: its inputs are fixed, as `autograder check --seed` says too
            raise pytest.UsageError(f"autograder: {refused}")
        config._autograder_seed = draw_seed() if seed is None else seed  # never a public seed
    config._autograder_graders = {}
    # A file that cannot be imported, or a function not started, fails once: key -> node ID of that failure
    config._autograder_reported = {}
    _scores.clear()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """pytest-xdist: every worker draws the same inputs."""
    node.workerinput["autograder_seed"] = node.config._autograder_seed


# --- An exercise folder pytest would run code from is refused, before any conftest.py is imported ---------

@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config):
    """Runs once the plugins are loaded and before pytest imports the initial conftest.py files (pytest's
    own implementation of this hook imports them, and runs trylast); any later hook would be too late."""
    problem = _runs_code(early_config)
    if problem:
        raise pytest.UsageError(problem)


def _runs_code(config):
    """One line saying why an exercise folder named on the command line is refused, or None.

    Refused: a folder (or a named contract file's folder) from which pytest itself would execute code
    in its own process, outside the grader's sandbox:
    - conftest.py in the folder, below it, or above it up to --confcutdir (pytest imports all of them;
      not checked under --noconftest, which imports none);
    - __init__.py in the folder or above it up to --confcutdir (pytest collects such a folder as a
      package and imports its __init__.py before the package's first test);
    - a test module below a named folder (a file matching `python_files`, default test_*.py and
      *_test.py, other than the contract modules this plugin collects);
    - pytest's settings file (pytest.ini, pyproject.toml, tox.ini, setup.cfg) inside the folder: its
      addopts and pythonpath can make pytest import anything. pytest has parsed it, and imported any
      `-p` plugin it names, before any plugin can look; a run with `-p no:autograder` skips this check
      altogether. So this refusal protects whoever runs pytest on a folder, but only the grader's
      sandbox is a boundary, and no grading path runs pytest.
    """
    namespace = config.known_args_namespace
    here = config.invocation_params.dir
    confcutdir = Path(os.path.abspath(here / namespace.confcutdir)) if namespace.confcutdir else None
    for folder, walk in _exercise_folders(config):
        found = _code_pytest_runs(folder, walk, config, confcutdir, namespace.noconftest)
        if found:
            path, why = found
            return (f"autograder: {_shown(folder, here)}/ is not collected: pytest itself would run "
                    f"{_shown(path, here)} ({why}) in its own process, outside the grader's sandbox; "
                    f"remove it, or grade with `autograder check`")
    return None


def _exercise_folders(config):
    """[(folder, walk)] for the command line's contract files (walk False) and folders holding one."""
    here = config.invocation_params.dir
    named = list(config.known_args_namespace.file_or_dir) or [str(here)]
    for arg in named:
        path = Path(os.path.abspath(here / arg.split("::")[0]))
        if path.is_file() and path.suffix == ".py" and path.stem in MODULES:
            yield path.parent, False
        elif path.is_dir() and any((path / f"{module}.py").is_file() for module in MODULES):
            yield path, True


def _code_pytest_runs(folder, walk, config, confcutdir, noconftest):
    """(path, why) of the first file in or around `folder` that pytest would execute or read settings
    from, or None. Mirrors pytest's rules (_pytest/config: _loadconftestmodules, _is_in_confcutdir;
    _pytest/main: Session.collect, Dir.collect; _pytest/python: Package.setup)."""
    inipath = config.inipath
    if inipath is not None and (inipath.parent == folder or folder in inipath.parents):
        return inipath, "its pytest settings can name code to import"
    for directory in (folder, *folder.parents):
        if confcutdir is not None and directory in confcutdir.parents:
            break  # pytest neither loads conftest.py files nor collects packages above --confcutdir
        if not noconftest and (directory / "conftest.py").is_file():
            return directory / "conftest.py", "a conftest.py"
        if (directory / "__init__.py").is_file():
            return directory / "__init__.py", "a package's __init__.py"
    if not walk:
        return None
    skip = ["__pycache__", *config.getini("norecursedirs")]
    patterns = config.getini("python_files")
    seen = set()
    for directory, subfolders, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(directory)
        if real in seen:  # a symlink loop
            subfolders[:] = []
            continue
        seen.add(real)
        subfolders[:] = sorted(d for d in subfolders if not any(fnmatch.fnmatch(d, p) for p in skip))
        for name in sorted(files):
            path = Path(directory, name)
            if name == "conftest.py" and not noconftest:
                return path, "a conftest.py"
            contract = path.parent == folder and path.stem in MODULES
            if name.endswith(".py") and not contract and any(fnmatch.fnmatch(name, p) for p in patterns):
                return path, "a test module"
    return None


def _shown(path, here):
    try:
        return str(path.relative_to(here))
    except ValueError:
        return str(path)


def _named_on_command_line(path, config):
    base = config.invocation_params.dir
    named = {(base / arg.split("::")[0]).resolve() for arg in config.args}
    path = Path(path).resolve()
    return path in named or path.parent in named


def _graded(path, config):
    return path.suffix == ".py" and path.stem in MODULES and _named_on_command_line(path, config)


def pytest_collect_file(file_path, parent):
    if not _graded(file_path, parent.config):
        return None
    # pytest's own Python collector takes files named on the command line (or matching python_files);
    # for those, pytest_pycollect_makemodule below hands it ours instead, so no file is imported here.
    if parent.session.isinitpath(file_path) or any(
            fnmatch.fnmatch(file_path.name, pattern) for pattern in parent.config.getini("python_files")):
        return None
    return GradedFile.from_parent(parent, path=file_path)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path, parent):
    if _graded(module_path, parent.config):
        return GradedFile.from_parent(parent, path=module_path)
    return None


def _item_names(checks):
    """{check index: item name}: the check's name without its leading function name, unique per function."""
    names, used = {}, set()
    for index, check in checks:
        name = check.name
        if name.startswith(check.target):
            name = name[len(check.target):].lstrip(" :") or check.name
        name = name.replace("::", ": ")
        unique, n = name, 2
        while (check.function, unique) in used:
            unique, n = f"{name} ({n})", n + 1
        used.add((check.function, unique))
        names[index] = unique
    return names


class GradedFile(pytest.File):
    """One contract module of a submission: a node per function, an item per check; a function not
    started is a single item instead."""

    def collect(self):
        from autograder.grade import selected_checks

        checks = selected_checks((self.path.stem,))
        names = _item_names(checks)
        functions = {}
        for index, check in checks:
            functions.setdefault(check.target, []).append((index, check))
        untouched = _untouched(self.path)
        for target, items in functions.items():
            if target in untouched:
                yield NotStarted.from_parent(self, name=target, checks=[c for _, c in items])
            else:
                yield GradedFunction.from_parent(self, name=target, checks=[(i, c, names[i]) for i, c in items])


NOT_STARTED = "not started: raise NotImplementedError is still there"


def _untouched(path):
    """Names of the top-level functions whose body is still only `raise NotImplementedError` (after the
    docstring), read from the file's text, never imported. Conservative: a name bound anywhere else in
    the module (another def, an assignment, an import, any `import *`) is left to the grader."""
    try:
        tree = ast.parse(Path(path).read_bytes())
    except (SyntaxError, ValueError, OSError):
        return set()  # the grader reports why it cannot be imported
    bound = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names = [node.id]
        elif isinstance(node, ast.alias):
            if node.name == "*":
                return set()
            names = [(node.asname or node.name).split(".")[0]]
        else:
            continue
        for name in names:
            bound[name] = bound.get(name, 0) + 1
    return {node.name for node in tree.body
            if isinstance(node, ast.FunctionDef) and bound[node.name] == 1 and not node.decorator_list
            and _only_raises_not_implemented(node.body)}


def _only_raises_not_implemented(body):
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]  # the docstring
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].cause is not None:
        return False
    raised = body[0].exc
    if isinstance(raised, ast.Call):
        raised = raised.func
    return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"


class GradedFunction(pytest.Collector):
    def __init__(self, *, checks, **kwargs):
        super().__init__(**kwargs)
        self.checks = checks

    def collect(self):
        for index, check, name in self.checks:
            yield GradedCheck.from_parent(self, name=name, index=index, check=check)


class Failed(Exception):
    """A check the submission failed; the message is the grader's feedback."""


class AdvisoryNote(UserWarning):
    """Feedback that costs no points (a warning on the way to a right answer, a zero-size input)."""


class _OneLineFailures(pytest.Item):
    """An item whose failure is the grader's text alone, located at the function's `def`."""

    # pytest reads an item's `function` as a Python function (for -k), so the contract's is `graded`
    graded = target = label = None  # "activations.relu", "relu", the description IDEs show

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, Failed):
            return str(excinfo.value)  # the header above the message already names the check
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        # The line of the function's `def` (read as text, never imported), for IDEs and skip reasons.
        return self.path, _def_line(self.path, self.target), self.label

    def _score(self, earned, available):
        self.user_properties.append((SCORE_KEY, [self.graded, earned, available]))

    def _fail_once(self, key, message, pointer):
        """Fail with `message` the first time `key` fails this session; later items with the same key are
        skipped with `pointer` and the node ID of that failure, so the summary says it once."""
        reported = self.config._autograder_reported
        if key in reported:
            raise pytest.skip.Exception(f"{pointer}: see {reported[key]}", _use_item_location=True)
        reported[key] = self.nodeid
        raise Failed(message)


class NotStarted(_OneLineFailures):
    """A function still as the stub left it: one item, never graded (all its checks score 0), that fails
    in one line, so untouched stubs fail the run instead of passing as skipped."""

    def __init__(self, *, checks, **kwargs):
        super().__init__(**kwargs)
        self.graded, self.target = checks[0].function, checks[0].target
        self.label = f"{self.graded}: not started"
        self.points = sum(check.points for check in checks)

    def runtest(self):
        self._score(0.0, self.points)
        raise Failed(NOT_STARTED)


class GradedCheck(_OneLineFailures):
    def __init__(self, *, index, check, **kwargs):
        super().__init__(**kwargs)
        self.index, self.check = index, check
        self.graded, self.target = check.function, check.target
        self.label = f"{check.function}: {check.name}"

    def runtest(self):
        from autograder.report import feedback_lines, state

        outcome = _grader(self).outcome(self)
        self._score(outcome.score, outcome.check.points)
        if outcome.verdict.notes:  # advisory (the contract's "What costs points"): a warning, never a failure
            import warnings

            warnings.warn(AdvisoryNote("\n".join(outcome.verdict.notes)), stacklevel=1)
        if outcome.verdict.passed:
            return
        how = state(outcome)
        if how == "not started":  # raises NotImplementedError, though its text is no longer the stub's
            self._fail_once(self.graded, "not started: it raises NotImplementedError", "not started")
        if how == "waiting":
            needs = outcome.verdict.summary.split("it needs ")[-1].split(",")[0]
            self._fail_once(self.graded, f"waiting for {needs}, which is not started", f"waiting for {needs}")
        if how in ("import", "missing"):
            # A module that cannot be imported fails once, with its error and line; its other items are
            # skipped with a pointer to that failure (they score 0 all the same).
            self._fail_once(self.path, "\n".join(feedback_lines(outcome, indent="")),
                            f"{self.path.name} cannot be imported")
        raise Failed("\n".join(feedback_lines(outcome, indent="")))


def _def_line(path, function):
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return 0
    return next((number for number, line in enumerate(lines) if line.startswith(f"def {function}(")), 0)


def _grader(item):
    folder = str(item.path.parent)
    graders = item.config._autograder_graders
    if folder not in graders:
        graders[folder] = _Grader(folder, item.config)
    return graders[folder]


class _Grader:
    """Grades a folder's modules lazily, one module at a time, only the checks this session runs."""

    def __init__(self, folder, config):
        self.folder, self.config = folder, config
        self.outcomes = {}  # check index -> Outcome

    def outcome(self, item):
        if item.index not in self.outcomes:
            self._grade(item.check.module, item.session)
        return self.outcomes[item.index]

    def _grade(self, module, session):
        from autograder.grade import grade
        from autograder.sandbox.runner import Limits, become_subreaper

        # In one process, every module this session runs is graded at once (one sandbox start); an xdist
        # worker grades module by module, since the others' items may run on another worker.
        alone = not hasattr(self.config, "workerinput")
        items = [i for i in session.items if isinstance(i, GradedCheck) and str(i.path.parent) == self.folder
                 and (alone or i.check.module == module) and i.index not in self.outcomes]
        wanted = {i.index for i in items}
        modules = tuple(m for m in MODULES if m in {i.check.module for i in items})
        timeout = self.config.getoption("autograder_timeout")
        become_subreaper()
        report = grade(self.folder, seed=self.config._autograder_seed, modules=modules, checks=wanted,
                       limits=Limits(call_seconds=timeout) if timeout else Limits(),
                       parallel=min(2, os.cpu_count() or 1))
        indexes = sorted(wanted)
        for index, outcome in zip(indexes, report.outcomes):
            self.outcomes[index] = outcome


def pytest_runtest_logreport(report):
    """Collect the grader's points from every item's report (they travel back from xdist workers too)."""
    for key, value in getattr(report, "user_properties", ()):
        if key == SCORE_KEY and report.when in ("call", "teardown"):
            _scores[report.nodeid] = tuple(value)


_scores = {}  # node ID -> (function, points earned, points available); the terminal summary adds them up


def pytest_terminal_summary(terminalreporter, config):
    if not _scores:
        return
    from autograder.report import progress_line

    per_module, per_function = {}, {}
    for function, earned, total in _scores.values():
        module = function.split(".")[0]
        got, out_of = per_module.get(module, (0.0, 0.0))
        per_module[module] = (got + earned, out_of + total)
        got, out_of = per_function.get(function, (0.0, 0.0))
        per_function[function] = (got + earned, out_of + total)
    write = terminalreporter.write_line
    terminalreporter.section("autograder scores")
    for module in MODULES:
        if module in per_module:
            got, out_of = per_module[module]
            write(f"{module}.py  {got:g}/{out_of:g}")
    score, out_of = (sum(v[i] for v in per_module.values()) for i in (0, 1))
    write(f"Score: {score:g}/{out_of:g}")
    ordered = sorted(per_function, key=lambda f: (MODULES.index(f.split(".")[0]), _order(f)))
    passing = [f for f in ordered if per_function[f][0] == per_function[f][1]]
    remaining = [f for f in ordered if f not in passing]
    write(progress_line(len(passing), len(ordered), remaining[0] if remaining else None))
    from autograder import public

    if public.is_edition():  # the student edition grades fixed inputs: nothing to replay
        from autograder.report import PUBLIC_NOTE

        write(PUBLIC_NOTE)
    else:
        write(f"seed {config._autograder_seed}: replay exactly with  --autograder-seed {config._autograder_seed}")


def _order(function):
    from autograder.selection import graded_functions

    functions = graded_functions()
    return functions.index(function) if function in functions else len(functions)
