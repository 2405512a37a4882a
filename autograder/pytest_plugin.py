"""The graded checks as pytest tests: `pytest exercises` runs every check on your files, one test a check.

    pytest exercises                                   # every module, one item per graded check
    pytest exercises/activations.py -k relu_derivative  # one function
    pytest "exercises/activations.py::relu_derivative"  # the same, by node ID
    pytest exercises -x --lf -q -n 2 --junitxml=out.xml  # the usual pytest options behave as usual

Items read `exercises/activations.py::relu_derivative::at the kink: relu'(0) = 0`. A failing
item's message is the grader's feedback (the named mistake, its fix, the inputs, what your code
printed); a function that still raises NotImplementedError is skipped as "not started". The scores
are the grader's, summed per module at the end, with the seed: `--autograder-seed N` replays a run.

Your code never runs inside pytest: each module is graded once, in the grader's sandbox, when its
first item runs, and the items only report the verdicts.

Registered as a `pytest11` entry point of the package (or load it with `-p autograder.pytest_plugin`).
It collects only contract modules (activations.py, ...) that sit in a folder named on the command
line or are named there themselves, so a test run of other folders (the course's own `make test`)
collects nothing from it.
"""
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
                    help="replay the random inputs of an earlier run (the summary prints the seed)")
    group.addoption("--autograder-timeout", dest="autograder_timeout", type=float, default=None,
                    help="seconds allowed per call of your code (default: the grader's)")


def pytest_configure(config):
    worker = getattr(config, "workerinput", None)
    if worker is not None and "autograder_seed" in worker:
        config._autograder_seed = worker["autograder_seed"]  # one seed for all xdist workers
    else:
        seed = config.getoption("autograder_seed")
        from autograder.public import draw_seed  # here, not at the top: plugin loading stays free of NumPy

        config._autograder_seed = draw_seed() if seed is None else seed  # never a public seed
    config._autograder_graders = {}
    config._autograder_broken = {}  # file -> node ID of the item that reported why it cannot be imported
    _scores.clear()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """pytest-xdist: every worker draws the same inputs."""
    node.workerinput["autograder_seed"] = node.config._autograder_seed


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
    """One contract module of a submission: a node per function, an item per check."""

    def collect(self):
        from autograder.grade import selected_checks

        checks = selected_checks((self.path.stem,))
        names = _item_names(checks)
        functions = {}
        for index, check in checks:
            functions.setdefault(check.target, []).append((index, check))
        for target, items in functions.items():
            yield GradedFunction.from_parent(self, name=target, checks=[(i, c, names[i]) for i, c in items])


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


class GradedCheck(pytest.Item):
    def __init__(self, *, index, check, **kwargs):
        super().__init__(**kwargs)
        self.index, self.check = index, check

    def runtest(self):
        from autograder.report import feedback_lines, state

        outcome = _grader(self).outcome(self)
        self.user_properties.append((SCORE_KEY, [self.check.function, outcome.score, outcome.check.points]))
        if outcome.verdict.notes:  # advisory (the contract's "What costs points"): a warning, never a failure
            import warnings

            warnings.warn(AdvisoryNote("\n".join(outcome.verdict.notes)), stacklevel=1)
        if outcome.verdict.passed:
            return
        how = state(outcome)
        if how in ("not started", "waiting"):
            needs = outcome.verdict.summary.split("it needs ")[-1].split(",")[0]
            reason = "not started" if how == "not started" else f"waiting for {needs} (not started)"
            raise pytest.skip.Exception(reason, _use_item_location=True)
        if how in ("import", "missing"):
            # A module that cannot be imported fails once, with its error and line; its other items are
            # skipped with a pointer to that failure (they score 0 all the same).
            reported = self.config._autograder_broken
            if self.path in reported:
                raise pytest.skip.Exception(f"{self.path.name} cannot be imported: see {reported[self.path]}",
                                            _use_item_location=True)
            reported[self.path] = self.nodeid
        raise Failed("\n".join(feedback_lines(outcome, indent="")))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, Failed):
            return str(excinfo.value)  # the header above the message already names the check
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        # The line of the function's `def` (read as text, never imported), for IDEs and skip reasons.
        return self.path, _def_line(self.path, self.check.target), f"{self.check.function}: {self.check.name}"


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
