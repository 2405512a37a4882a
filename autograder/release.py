"""`autograder release --out DIR`: write the student edition of the course, without the solutions.

The edition holds the course site (docs/, mkdocs.yml, the site hooks), the exercise stubs (made afresh from
solutions/ by tools/make_exercises.py, so a filled-in working copy of exercises/ never ships), the grader,
and a student README, Makefile and pyproject.toml. It has no solutions/, no tests/, no tools/ and no
benchmarks/. Its grader runs the public check (autograder/public.py): the same checks on the inputs of
one public seed, judged against the answers the reference gave on them when this command ran, stored as
plain data in autograder/public_data/. The outputs of every known mistake on those inputs are stored too,
so the feedback still names mistakes; the mistakes' own code is replaced by a stub in the edition,
because a wrong implementation is often one character away from the right one.

Nothing is compiled into the edition (no __pycache__), and `tests/release/` greps the whole tree for
the body of every reference function.
"""
import ast
import contextlib
import json
import re
import shutil
import sys
from pathlib import Path

import numpy as np

from autograder import public
from autograder.mistakes import MODULES, all_mistakes, mistakes_for
from autograder.submission import UsageError

ROOT = Path(__file__).resolve().parent.parent
MARKER = "autograder/public_data/expected.json"  # a folder holding this is an edition we may overwrite
# Copied as they are (minus bytecode, caches and build products).
COPIED = ("docs", "mkdocs.yml", "site_tools/hooks", "site_tools/overrides", "autograder")
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", ".DS_Store", "public_data")
SKIPPED_DIRS = {"docs/assets/vendor"}
# locks/grade.txt: the light install (the grader, NumPy, pytest); locks/site.txt: that and the site's packages.
EDITION_LOCKS = ("grade.txt", "site.txt")  # MathJax, vendored by the site build itself


def write_release(out, modules=MODULES, public_seed=public.DEFAULT_PUBLIC_SEED, progress=True):
    """Write the student edition into `out`; return the paths written at its top level."""
    if not 0 <= int(public_seed) < public.PUBLIC_SEEDS:
        raise UsageError(f"--public-seed must be between 0 and {public.PUBLIC_SEEDS - 1} "
                         "(the seeds the instructor's grader never draws)")
    if not (ROOT / "solutions").is_dir():
        raise UsageError("release needs the instructor repository (its solutions/): this is a student edition")
    out = Path(out)
    inside = out.resolve().is_relative_to(ROOT) and not out.resolve().is_relative_to(ROOT / "build")
    if inside:  # it would copy itself (docs/edition/docs/...) or mix with the instructor's files
        raise UsageError(f"{out} is inside the instructor repository: write the edition under build/ or elsewhere")
    runs, manifest = public_answers(modules, int(public_seed), progress)
    packed = public.pack(manifest, runs)  # anything that cannot be stored fails here, before out is touched
    _empty(out)
    for name in COPIED:
        _copy(ROOT / name, out / name)
    for page in sorted((out / "docs").rglob("*.md")):
        page.write_text(edition_page(page.read_text(), page.relative_to(out)))
    (out / "exercises").mkdir()
    for name, text in fresh_stubs().items():  # never the working copy: an instructor may have filled it in
        (out / "exercises" / name).write_text(text)
    for module in MODULES:
        path = Path("autograder/mistakes") / f"{module}.py"
        (out / path).write_text(stub_mistakes((ROOT / path).read_text()))
    public.save(out / "autograder/public_data", manifest, runs, packed)
    (out / "README.md").write_text(readme(modules))
    (out / "Makefile").write_text(MAKEFILE)
    (out / "pyproject.toml").write_text(pyproject())
    (out / "locks").mkdir()
    for lock in EDITION_LOCKS:  # the instructor's locks: students install what the course was tested with
        shutil.copyfile(ROOT / "locks" / lock, out / "locks" / lock)
    (out / ".gitignore").write_text(GITIGNORE)
    return sorted(p.name for p in out.iterdir())


# Passages of a course page that hold for one edition only. The instructor's site shows instructor-only
# passages and hides edition-only ones (an HTML comment); `release` drops the first and unwraps the second.
INSTRUCTOR_ONLY = re.compile(r"<!-- instructor-only -->\n.*?<!-- /instructor-only -->\n", re.DOTALL)
EDITION_ONLY = re.compile(r"<!-- edition-only\n(.*?)-->\n", re.DOTALL)


def edition_page(text, name="page"):
    """A course page as the student edition shows it (see INSTRUCTOR_ONLY)."""
    text = EDITION_ONLY.sub(lambda m: m.group(1), INSTRUCTOR_ONLY.sub("", text))
    if "instructor-only -->" in text or "<!-- edition-only" in text:
        raise ValueError(f"{name}: an instructor-only or edition-only marker without its end")
    return text


def _empty(out):
    """Make `out` an empty folder: new, empty, or a previous edition (whose .git is kept)."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder")
    if out.is_dir() and any(p.name != ".git" for p in out.iterdir()):
        if not (out / MARKER).is_file():
            raise UsageError(f"{out} is not empty and holds no student edition: choose a new folder")
        for entry in out.iterdir():
            if entry.name != ".git":
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    out.mkdir(parents=True, exist_ok=True)


def fresh_stubs():
    """{file name: stub text} made from solutions/ now, by tools/make_exercises.py (exercises/ is made so too)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_exercises", ROOT / "tools" / "make_exercises.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.expected_stubs()


def _copy(source, target):
    if source.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return

    def ignore(folder, names):
        skipped = set(SKIPPED(folder, names))
        relative = Path(folder).relative_to(ROOT)
        return skipped | {n for n in names if str(relative / n) in SKIPPED_DIRS}

    shutil.copytree(source, target, ignore=ignore)


def public_answers(modules, seed, progress=True):
    """({run key: {call id: output}}, manifest) of the public check: what the reference and each known
    mistake compute on the inputs `grade()` draws from `seed`, for every check of `modules`."""
    from tqdm import tqdm

    from autograder.grade import selected_checks
    from autograder.reference import Reference, load_modules
    from autograder.spec import DistributionCheck, ValueCheck

    _unique_mistake_names()
    reference = Reference(load_modules(ROOT / "solutions"))
    runs, digests = {public.REFERENCE_RUN: {}}, {}
    plans = selected_checks(modules)
    for index, check in tqdm(plans, desc="public answers", unit="check", disable=not progress, leave=False,
                             file=sys.stderr):
        calls = check.calls(np.random.default_rng([seed, index]), f"c{index}")
        digests.update({call.id: public.call_digest(call) for call in calls})
        if isinstance(check, ValueCheck):  # the only kind that compares with the reference's values
            runs[public.REFERENCE_RUN].update(reference.run(calls))
        if not hasattr(check, "recognise"):
            continue
        last = calls[-1].id  # the recognisers compare the mistake's answer to the check's last call
        for mistake in mistakes_for(check.function):  # behaviour-seen ones too: their answer must also fit
            bound = mistake.bind(reference.namespace(check.module))
            with _global_random_seeded([seed, index]):  # "global np.random": the same release, byte for byte
                output = reference.run(calls, {check.function: bound})[last]
            if isinstance(check, DistributionCheck) and type(output) is np.ndarray and output.dtype.kind == "f":
                output = public.LawSample(output)  # compared by its law only: kept as order statistics
            runs.setdefault(public.mistake_run(mistake), {})[last] = output
    signatures = {name: _parameters(fn) for name, fn in reference.functions.items() if name.split(".")[0] in modules}
    manifest = {"format": 1, "seed": seed, "modules": list(modules), "digests": digests, "signatures": signatures}
    return runs, manifest


@contextlib.contextmanager
def _global_random_seeded(seed):
    """np.random's global state seeded for the block, then restored (a mistake may draw from it)."""
    saved = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(saved)


def _parameters(function):
    import inspect

    return list(inspect.signature(function).parameters)


def _unique_mistake_names():
    keys = [public.mistake_run(m) for m in all_mistakes()]
    doubles = sorted({k for k in keys if keys.count(k) > 1})
    if doubles:
        raise UsageError(f"two known mistakes share an implementation name: {', '.join(doubles)}")


def stub_mistakes(source):
    """A mistakes module with the body of every @mistake implementation replaced by a stub.

    The name, the fix and the behaviour predicates (seen_in) stay: they are the feedback. The wrong code
    goes: the edition recognises a mistake by its stored outputs, never by running it."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(_is_mistake(d) for d in node.decorator_list):
            node.body = [ast.Raise(exc=ast.Call(func=ast.Name("NotImplementedError", ast.Load()),
                                                args=[ast.Constant("recognised from stored outputs")], keywords=[]))]
    header = ("# Student edition: the wrong implementations are left out; the public check recognises each\n"
              "# mistake by its outputs, stored in autograder/public_data/ when the edition was released.\n")
    return header + ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def _is_mistake(decorator):
    return isinstance(decorator, ast.Call) and getattr(decorator.func, "id", None) == "mistake"


def readme(modules):
    """The edition's README, naming its modules in contract order, each once."""
    first, rest = modules[0], list(modules[1:])
    then = f" (then {', '.join(rest[:-1])} and {rest[-1]})" if len(rest) > 1 else f" (then {rest[0]})" if rest else ""
    return README.replace("@FIRST@.py` (then @REST@)", f"{first}.py`{then}")


def pyproject():
    """The edition's package metadata: the grader with NumPy, and the site's packages as an extra."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    site = ",\n".join(f"    {json.dumps(r)}" for r in project["optional-dependencies"]["site"])
    needs = ",\n".join(f"    {json.dumps(r)}" for r in project["dependencies"])
    return PYPROJECT.replace("@SITE@", site).replace("@NEEDS@", needs).replace(
        "@PYTHON@", project.get("requires-python", ">=3.10"))


PYPROJECT = """[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "deep-learning-course-student"
version = "0.1.0"
description = "A self-paced deep-learning course, student edition: course site, NumPy exercises and their local check."
readme = "README.md"
requires-python = "@PYTHON@"
license = "MIT"
dependencies = [
@NEEDS@
]

[project.optional-dependencies]
site = [
@SITE@
]
test = ["pytest>=8"]

[project.scripts]
autograder = "autograder.cli:main"

# `pytest exercises` runs the public checks as tests (autograder/pytest_plugin.py).
[project.entry-points.pytest11]
autograder = "autograder.pytest_plugin"

# Said explicitly, an editable install adds this folder to sys.path (a .pth file) without a warning block.
[tool.setuptools]
package-dir = {"" = "."}

[tool.setuptools.packages.find]
include = ["autograder*"]

[tool.setuptools.package-data]
autograder = ["public_data/*"]
"""

MAKEFILE = """# Student edition. Every target installs what it needs on first use: you need Python 3.10+, make and git.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
# Grading needs NumPy, pytest and the grader only: .venv-grade holds just those (about 110 MB).
GRADE_VENV := .venv-grade
GRADE_STAMP := $(GRADE_VENV)/.installed-stamp
# The course site needs MkDocs and its plugins too: .venv holds everything.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# Grading uses .venv once it exists, else .venv-grade.
GRADE_BIN  := $(if $(wildcard $(STAMP)),$(BIN),$(GRADE_VENV)/bin)
GRADE_DEPS := $(if $(wildcard $(STAMP)),$(STAMP),$(GRADE_STAMP))
# Extra pip options, e.g. PIP_FLAGS="--no-deps --no-build-isolation" where the packages are already there.
PIP_FLAGS ?=

.DEFAULT_GOAL := help
.PHONY: help install grade watch test serve site clean

export NO_MKDOCS_2_WARNING := 1

help:  ## list the targets
\t@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\\n", $$1, $$2}'

# Exact versions and hashes from locks/ (the ones the course was tested with), then the grader itself.
$(GRADE_STAMP): pyproject.toml locks/grade.txt
\t@test -x $(GRADE_VENV)/bin/python || $(PYTHON) -m venv $(GRADE_VENV)
\t$(GRADE_VENV)/bin/python -m pip install --quiet $(PIP_FLAGS) --require-hashes -r locks/grade.txt
\t$(GRADE_VENV)/bin/python -m pip install --quiet $(PIP_FLAGS) --no-deps -e .
\t@touch $@

$(STAMP): pyproject.toml locks/site.txt
\t@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
\t$(BIN)/python -m pip install --quiet $(PIP_FLAGS) --require-hashes -r locks/site.txt
\t$(BIN)/python -m pip install --quiet $(PIP_FLAGS) --no-deps -e .
\t@touch $@

install: $(STAMP)  ## create .venv with the grader and the site's packages (make serve does it too)

grade: $(GRADE_DEPS)  ## check your exercises/ folder (the public check; installs only NumPy, pytest and the grader)
\t$(GRADE_BIN)/autograder check exercises

watch: $(GRADE_DEPS)  ## check again on every save
\t$(GRADE_BIN)/autograder watch exercises

test: $(GRADE_DEPS)  ## the public checks as pytest tests, one a check
\t$(GRADE_BIN)/python -m pytest -q exercises

serve: $(STAMP)  ## build the course site and serve it on http://127.0.0.1:8000
\t$(BIN)/python -m mkdocs serve --dirty --dev-addr 127.0.0.1:8000

site: $(STAMP)  ## build the course site into site/
\t$(BIN)/python -m mkdocs build --strict

clean:  ## remove build products (keeps .venv and .venv-grade)
\trm -rf site build .pytest_cache
"""

GITIGNORE = """.venv/
.venv-grade/
/site/
/build/
__pycache__/
*.pyc
.pytest_cache/
*.egg-info/
.ipynb_checkpoints/
docs/assets/vendor/
"""

README = """# Deep Learning, from Neurons to Sequences (student edition)

An open deep-learning course that runs on a laptop, offline: the course site, and NumPy exercises
with a grader that tells you in about a second which of your functions are right and, for each wrong
one, what is wrong.

## Set up and practise

You need Python 3.10 or newer, `make` and `git`. Then, in this folder:

```bash
make grade    # installs NumPy, pytest and the grader into .venv-grade/, then checks exercises/
```

The first run takes about 20 seconds and 110 MB; without `make`, the same install is:

```bash
python3 -m venv .venv-grade
.venv-grade/bin/python -m pip install --require-hashes -r locks/grade.txt
.venv-grade/bin/python -m pip install --no-deps -e .
```

`locks/` pins the exact version and hash of every package, as your instructor tested them.

Open `exercises/@FIRST@.py` (then @REST@), replace each `raise NotImplementedError` with your
implementation, and check your work:

```bash
make grade    # same as: .venv-grade/bin/autograder check exercises
make watch    # check again on every save
make test     # the same checks as pytest tests: .venv-grade/bin/python -m pytest exercises
```

Where the course pages say `.venv/bin/`, use `.venv-grade/bin/` (or build `.venv/` with `make install`).

The report shows, per module and function, your points and what went wrong; when your answer is a
known mistake (for example *derivative applied to the activation instead of the pre-activation*), it
names the mistake and its fix. Your code may import only NumPy and the standard library; it runs in a
separate, sandboxed process.

**This is the public check.** It runs the course's checks on one fixed set of inputs, against answers
stored in `autograder/public_data/`. Your instructor's grader runs the same checks on new random
inputs, so a function that passes here only by fitting these inputs will not pass there. The
statistical checks of the random initializers and of dropout are the same in both.

## Read the course

```bash
make serve    # build the site and serve it on http://127.0.0.1:8000
make site     # or build it into site/
```

These install the site's packages into `.venv/` on first use (a few hundred MB more); `make grade`
then grades with `.venv/` too. The notebooks are stored with their outputs; download one from its
page to run it yourself (its first cell says what to install).
"""
