"""Write what a GitHub Classroom template repository needs to grade the exercises on every push.

`autograder classroom --out DIR` writes into DIR (the template repository):

    .github/workflows/classroom.yml   the workflow GitHub Classroom runs
    .autograder/                      the grader, the reference solutions and constraints.txt

The workflow installs the grader (pinned like the Gradescope bundle), then runs
GitHub Classroom's own command grader once per module: each module is one test,
worth its points, passed when every check of that module passes
(`autograder check exercises --only MODULE --fail-under 100%` exits 0). The
Classroom reporter adds the tests up for the Classroom dashboard.

The reference solutions travel in the template repository, so a student can
read them: this course publishes its solutions anyway. Where that matters,
grade on Gradescope, where they are root's only.
"""
from pathlib import Path

from autograder import assignment, bundle

COMMAND_GRADER = "classroom-resources/autograding-command-grader@v1"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"
PYTHON_VERSION = "3.11"
TIMEOUT_MINUTES = 5  # per module; the command grader's unit is minutes
INSTALL = "python -m pip install --quiet --constraint .autograder/constraints.txt ./.autograder"


def module_command(module):
    return (f"AUTOGRADER_REFERENCE=.autograder/solutions python -m autograder check exercises"
            f" --only {module} --fail-under 100% --brief")


def workflow(modules, points):
    """The workflow as plain data (dicts and lists), in the shape GitHub Actions reads."""
    maxima = assignment.module_maxima(modules, points)
    steps = [
        {"name": "Check out the submission", "uses": "actions/checkout@v4"},
        {"name": "Set up Python", "uses": "actions/setup-python@v5", "with": {"python-version": PYTHON_VERSION}},
        {"name": "Install the grader", "run": INSTALL},
    ]
    for module in modules:
        steps.append({
            "name": module, "id": module, "uses": COMMAND_GRADER,
            "with": {"test-name": module, "setup-command": "", "command": module_command(module),
                     "timeout": TIMEOUT_MINUTES, "max-score": _number(maxima[module])},
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


def _number(x):
    return int(x) if float(x).is_integer() else round(x, 2)


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


def write_classroom(out, modules, points):
    """Write the workflow and the vendored grader into `out`; return the paths written."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        from autograder.submission import UsageError

        raise UsageError(f"{out} exists and is not a folder")
    flow = out / ".github" / "workflows" / "classroom.yml"
    flow.parent.mkdir(parents=True, exist_ok=True)
    header = (f"# GitHub Classroom autograding for: {', '.join(modules)}.\n"
              "# Written by `autograder classroom`; write it again rather than editing it.\n")
    flow.write_text(header + to_yaml(workflow(modules, points)) + "\n")
    vendored = out / ".autograder"
    for name, text in bundle.source_files():
        target = vendored / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    (vendored / "constraints.txt").write_text(bundle.constraints())
    return [flow, vendored]
