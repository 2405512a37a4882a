"""`autograder classroom`: the GitHub Classroom workflow is valid YAML in the shape GitHub Actions and
Classroom's actions read, and the commands in it grade a correct and a broken submission as they should."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from autograder.classroom import COMMAND_GRADER, REPORTER
from mutants import write_solutions

HOMEWORK = ["activations", "losses", "gradcheck"]  # modules that import no other


def autograder(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], capture_output=True, text=True,
                          timeout=300, **kwargs)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    repo = tmp_path_factory.mktemp("template")
    points = repo.parent / "hw.toml"
    points.write_text("activations = 50\nlosses = 30\ngradcheck = 20\n")
    done = autograder("classroom", "--out", repo, "--modules", ",".join(HOMEWORK), "--points", points)
    assert done.returncode == 0, done.stderr
    return repo


@pytest.fixture(scope="module")
def flow(template):
    return yaml.safe_load((template / ".github" / "workflows" / "classroom.yml").read_text())


def grader_steps(flow):
    return [s for s in flow["jobs"]["run-autograding-tests"]["steps"] if s.get("uses") == COMMAND_GRADER]


def test_workflow_has_the_structure_the_actions_expect(flow):
    assert set(flow) == {"name", "on", "permissions", "jobs"}  # `on` stays a key, not YAML 1.1's True
    assert "push" in flow["on"]
    assert flow["permissions"]["checks"] == "write"
    (job,) = flow["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"
    steps = job["steps"]
    assert all(isinstance(step, dict) and ("uses" in step) != ("run" in step) for step in steps)
    graders = grader_steps(flow)
    assert [s["id"] for s in graders] == HOMEWORK  # one graded test per module, in contract order
    assert [s["with"]["max-score"] for s in graders] == [50, 30, 20]
    for step in graders:
        inputs = step["with"]
        assert set(inputs) <= {"test-name", "setup-command", "command", "timeout", "max-score"}
        assert inputs["test-name"] == step["id"] and inputs["command"]
        assert isinstance(inputs["timeout"], int) and 1 <= inputs["timeout"] <= 360  # minutes, at most 6 h
    reporter = steps[-1]
    assert reporter["uses"] == REPORTER
    assert reporter["with"]["runners"].split(",") == HOMEWORK
    assert reporter["env"] == {f"{m.upper()}_RESULTS": f"${{{{steps.{m}.outputs.result}}}}" for m in HOMEWORK}
    # Everything runs from the repository: the workflow installs the vendored grader it refers to.
    install = next(s for s in steps if "run" in s)
    assert ".autograder" in install["run"]


def test_the_workflow_commands_grade_correct_and_broken_submissions(template, flow, tmp_path):
    install = next(s["run"] for s in flow["jobs"]["run-autograding-tests"]["steps"] if "run" in s)
    # The runner's `python` (actions/setup-python) is a fresh venv here.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    env = {"PATH": f"{venv / 'bin'}:{os.environ['PATH']}", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    done = subprocess.run(install, shell=True, cwd=template, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr

    def passed(exercises):
        shutil.rmtree(template / "exercises", ignore_errors=True)
        shutil.copytree(exercises, template / "exercises")
        return [subprocess.run(step["with"]["command"], shell=True, cwd=template, env=env, capture_output=True,
                               timeout=600).returncode == 0 for step in grader_steps(flow)]

    assert passed(write_solutions(tmp_path / "good")) == [True, True, True]
    losses = (template / ".autograder" / "solutions" / "losses.py").read_text()
    broken = write_solutions(tmp_path / "broken", {"losses.py": losses + "\n\ndef mse(y_pred, y_true):\n    return 0.0\n"})
    assert passed(broken) == [True, False, True]
