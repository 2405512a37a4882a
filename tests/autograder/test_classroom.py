"""`autograder classroom`: a GitHub Classroom template that holds no solutions, and a workflow in the shape
GitHub Actions and Classroom's actions read, whose commands grade with the grader it installed (the
edition's public check), whatever folders the student's repository holds."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from autograder.classroom import COMMAND_GRADER, REPORTER
from mutants import write_solutions

ROOT = Path(__file__).resolve().parents[2]
HOMEWORK = ["activations", "losses", "gradcheck"]  # modules that import no other


def autograder(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], capture_output=True, text=True,
                          timeout=300, **kwargs)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    repo = tmp_path_factory.mktemp("template") / "hw1-template"
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


def test_the_template_is_the_student_edition_without_solutions(template):
    assert (template / "exercises" / "activations.py").is_file()
    assert (template / "autograder" / "public_data" / "expected.json").is_file()
    assert not (template / "solutions").exists() and not (template / ".autograder").exists()
    sys.path.insert(0, str(ROOT / "tests" / "release"))
    try:
        from release_leaks import leaks, reference_bodies
    finally:
        sys.path.pop(0)
    found, compiled = leaks(template, reference_bodies())
    # The activation notebook teaches sigmoid' = s (1 - s) in the reference's own two lines (tests/release).
    assert {name for _, name in found} <= {"activations.sigmoid_derivative"} and compiled == []
    text = (template / ".github" / "workflows" / "classroom.yml").read_text()
    assert "AUTOGRADER_REFERENCE" not in text and "solutions" not in text


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
    assert all(type(s["with"]["max-score"]) is int for s in graders)  # the action reads it with parseInt
    for step in graders:
        inputs = step["with"]
        assert set(inputs) <= {"test-name", "setup-command", "command", "timeout", "max-score"}
        assert inputs["test-name"] == step["id"] and inputs["command"]
        assert isinstance(inputs["timeout"], int) and 1 <= inputs["timeout"] <= 360  # minutes, at most 6 h
        # The installed console script, never `python -m` (the repository's root first on sys.path), and the
        # student sees what went wrong in the Actions log.
        assert inputs["command"].startswith("autograder check exercises") and "--brief" not in inputs["command"]
    reporter = steps[-1]
    assert reporter["uses"] == REPORTER
    assert reporter["with"]["runners"].split(",") == HOMEWORK
    assert reporter["env"] == {f"{m.upper()}_RESULTS": f"${{{{steps.{m}.outputs.result}}}}" for m in HOMEWORK}


def test_fractional_points_are_refused_in_one_line(tmp_path):
    points = tmp_path / "hw.toml"
    points.write_text("activations = 12.5\n")
    done = autograder("classroom", "--out", tmp_path / "repo", "--modules", "activations", "--points", points)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "whole points" in done.stderr and "activations = 12.5" in done.stderr
    assert not (tmp_path / "repo").exists()


def test_the_workflow_grades_with_the_grader_it_installed(template, flow, tmp_path):
    """As GitHub Classroom runs it: a student's repository made from the template, the install step, then
    each module's command with the command grader's environment (PATH and HOME only)."""
    repo = tmp_path / "hw1-alice"
    shutil.copytree(template, repo)
    steps = flow["jobs"]["run-autograding-tests"]["steps"]
    install = next(s["run"] for s in steps if "run" in s)
    venv = tmp_path / "runner-python"  # the runner's `python` (actions/setup-python), a fresh venv here
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    env = {"PATH": f"{venv / 'bin'}:{os.environ['PATH']}", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    done = subprocess.run(install, shell=True, cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    # Whatever the repository holds now, the installed grader runs: here a package that passes everything.
    shutil.rmtree(repo / "autograder")
    (repo / "autograder").mkdir()
    (repo / "autograder" / "__init__.py").write_text("")
    (repo / "autograder" / "__main__.py").write_text("raise SystemExit(0)\n")
    (repo / "autograder" / "cli.py").write_text("def main():\n    return 0\n")

    def run(exercises):
        shutil.rmtree(repo / "exercises", ignore_errors=True)
        shutil.copytree(exercises, repo / "exercises")
        return [subprocess.run(step["with"]["command"], shell=True, cwd=repo, env=env, capture_output=True,
                               text=True, timeout=600) for step in grader_steps(flow)]

    good = run(write_solutions(tmp_path / "good"))
    assert [r.returncode for r in good] == [0, 0, 0], good[0].stderr
    assert all("This is the public check" in r.stdout for r in good)
    losses = (ROOT / "solutions" / "losses.py").read_text()
    broken = run(write_solutions(tmp_path / "broken", {"losses.py": losses + "\n\ndef mse(y_pred, y_true):\n    return 0.0\n"}))
    assert [r.returncode for r in broken] == [0, 1, 0]
    assert "What went wrong" in broken[1].stdout  # the feedback is in the Actions log
