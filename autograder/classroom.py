"""Write a GitHub Classroom template repository: the student edition plus a workflow that checks it on every push.

`autograder classroom --out DIR` writes into DIR (the template repository):

    the student edition (`autograder release`): exercises/, the grader with its public check, the site
    .github/workflows/classroom.yml             the workflow GitHub Classroom runs

No solutions travel in the template: the workflow grades with the edition's public check (the
inputs of one public seed, judged against answers stored at release time). It installs the packages the edition's
lock pins (`locks/grade.txt`, the instructor's own lock), then the edition's grader (`pip install .`), and runs the installed `autograder` console script, never `python -m
autograder`: `-m` puts the working directory first on sys.path, so whatever `autograder/` folder the
repository holds would run instead. It then runs GitHub Classroom's own command grader once per module:
each module is one test, worth its points, passed when every check of that module passes
(`autograder check exercises --only MODULE --fail-under 100%` exits 0). The Classroom reporter adds the
tests up for the Classroom dashboard.

Students own their repositories, workflow included, so this grade is feedback. The grade that counts
comes from `autograder batch` over the collected repositories, with the instructor's grader on fresh
seeds (README, "Grade on GitHub Classroom").
"""
from pathlib import Path

from autograder import assignment, public
from autograder.submission import UsageError

COMMAND_GRADER = "classroom-resources/autograding-command-grader@v1"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"
PYTHON_VERSION = "3.11"
TIMEOUT_MINUTES = 5  # per module; the command grader's unit is minutes
# The edition's light-install lock (exact versions and hashes); then the grader itself, not editable: the
# workflow grades with the copy pip installed, whatever the working tree holds afterwards.
INSTALL = ("python -m pip install --quiet --disable-pip-version-check --require-hashes -r locks/grade.txt"
           " && python -m pip install --quiet --disable-pip-version-check --no-deps .")


def module_command(module):
    """The command grader's command for one module: the installed console script, its feedback in full."""
    return f"autograder check exercises --only {module} --fail-under 100%"


def integer_maxima(modules, points):
    """{module: integer points}; Classroom's command grader reads `max-score` with parseInt (12.5 -> 12)."""
    # A module's weighted checks add up to its points give or take rounding (50 comes back as 49.999...).
    maxima = {m: round(v, 9) for m, v in assignment.module_maxima(modules, points).items()}
    fractional = [f"{m} = {v:g}" for m, v in maxima.items() if not float(v).is_integer()]
    if fractional:
        raise UsageError(f"GitHub Classroom counts whole points only ({', '.join(fractional)}): "
                         "give every module integer points in --points")
    return {module: int(value) for module, value in maxima.items()}


def workflow(modules, points):
    """The workflow as plain data (dicts and lists), in the shape GitHub Actions reads."""
    maxima = integer_maxima(modules, points)
    steps = [
        {"name": "Check out the submission", "uses": "actions/checkout@v4"},
        {"name": "Set up Python", "uses": "actions/setup-python@v5", "with": {"python-version": PYTHON_VERSION}},
        {"name": "Install the grader", "run": INSTALL},
    ]
    for module in modules:
        steps.append({
            "name": module, "id": module, "uses": COMMAND_GRADER,
            "with": {"test-name": module, "setup-command": "", "command": module_command(module),
                     "timeout": TIMEOUT_MINUTES, "max-score": maxima[module]},
        })
    steps.append({
        "name": "Autograding Reporter", "uses": REPORTER,
        # The reporter reads each runner's result from <RUNNER ID>_RESULTS.
        "env": {f"{module.upper()}_RESULTS": f"${{{{steps.{module}.outputs.result}}}}" for module in modules},
        "with": {"runners": ",".join(modules)},
    })
    return {
        "name": "Autograding Tests",
        "on": ["push", "repository_dispatch"],
        "permissions": {"checks": "write", "actions": "read", "contents": "read"},
        "jobs": {"run-autograding-tests": {
            "runs-on": "ubuntu-latest",
            "if": "github.actor != 'github-classroom[bot]'",
            "steps": steps,
        }},
    }


def to_yaml(value, indent=0):
    """A small YAML writer for the workflow's data: every string is double-quoted (JSON escapes are
    valid YAML), so nothing in it is ever read as another type (YAML 1.1 reads a bare `on` as true)."""
    import json

    pad = " " * indent
    lines = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{json.dumps(key)}:")
                lines.append(to_yaml(item, indent + 2))
            else:
                lines.append(f"{pad}{json.dumps(key)}: {_scalar(item)}")
    else:
        for item in value:
            if isinstance(item, dict) and item:
                body = to_yaml(item, indent + 2).splitlines()
                lines.append(f"{pad}- {body[0].lstrip()}")
                lines += body[1:]
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    return "\n".join(lines)


def _scalar(item):
    import json

    if isinstance(item, (dict, list)):
        return "{}" if isinstance(item, dict) else "[]"
    return json.dumps(item)


def write_classroom(out, modules, points, public_seed=public.DEFAULT_PUBLIC_SEED, progress=True):
    """Write the student edition of `modules` and its workflow into `out`; return the paths written."""
    from autograder.release import write_release

    flow_text = to_yaml(workflow(modules, points))  # a fractional weight is refused before `out` is touched
    write_release(out, modules, public_seed, progress)
    flow = Path(out) / ".github" / "workflows" / "classroom.yml"
    flow.parent.mkdir(parents=True, exist_ok=True)
    header = (f"# GitHub Classroom autograding for: {', '.join(modules)}. This grade is feedback: it runs the\n"
              "# public check (fixed inputs). Written by `autograder classroom`; write it again rather than editing it.\n")
    flow.write_text(header + flow_text + "\n")
    return [Path(out), flow]
