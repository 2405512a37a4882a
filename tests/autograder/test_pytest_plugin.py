"""`pytest exercises`: the graded checks as pytest tests, through autograder/pytest_plugin.py."""
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograder.grade import grade
from mutants import write_solutions

ROOT = Path(__file__).resolve().parents[2]

RELU_ONE_AT_ZERO = '''

def relu_derivative(z):
    print("my relu_derivative ran")
    return (np.asarray(z) >= 0).astype(np.float64)
'''

# A submission module that refuses to run inside pytest: the plugin must never import it in its own process.
NOT_IN_PYTEST = '''
import sys
if "pytest" in sys.modules or "_pytest" in sys.modules:
    raise SystemExit("the student's code was imported inside pytest's process")
'''


def pytest_run(*args, cwd):
    """pytest in a fresh process (the plugin comes from the package's pytest11 entry point), no other conftest."""
    return subprocess.run([sys.executable, "-m", "pytest", "--rootdir", str(cwd),
                           "-c", str(cwd / "pytest.ini"), *map(str, args)],
                          cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.fixture
def submission(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    folder = write_solutions(tmp_path / "sub")
    for name in ("activations.py", "losses.py"):
        path = folder / name
        path.write_text(NOT_IN_PYTEST + path.read_text())
    path = folder / "activations.py"
    path.write_text(path.read_text() + RELU_ONE_AT_ZERO)
    for name in folder.glob("*.py"):  # two modules keep the runs short
        if name.stem not in ("activations", "losses"):
            name.unlink()
    return tmp_path


def test_the_plugin_is_a_pytest11_entry_point():
    from importlib.metadata import entry_points

    assert [e.value for e in entry_points(group="pytest11") if e.name == "autograder"] == ["autograder.pytest_plugin"]


def test_one_item_per_check_with_natural_node_ids(submission):
    done = pytest_run("--collect-only", "-q", "sub", cwd=submission)
    ids = [line for line in done.stdout.splitlines() if line.startswith("sub/")]
    assert "sub/activations.py::relu_derivative::at the kink: relu'(0) = 0" in ids
    assert "sub/losses.py::mse_grad::of (6, 3) predictions" in ids
    assert len(ids) == len(set(ids)) == sum(1 for _ in grade.__globals__["all_checks"](("activations", "losses")))


def test_a_failing_item_says_the_graders_feedback_and_the_score_summary_follows(submission):
    done = pytest_run("sub", "-q", "--autograder-seed", "5", "--junitxml", submission / "out.xml", cwd=submission)
    assert done.returncode == 1
    assert "1 failed" in done.stdout and re.search(r"4[34] passed", done.stdout)
    assert "This is a known mistake: derivative 1 at z = 0 (z >= 0)" in done.stdout
    assert "z = [[" in done.stdout and "-1e-12" in done.stdout  # the kink, among drawn values
    assert "| my relu_derivative ran" in done.stdout
    assert "activations.py  28/29" in done.stdout and "losses.py  15/15" in done.stdout and "Score: 43/44" in done.stdout
    assert "seed 5" in done.stdout
    failures = [case for case in ET.parse(submission / "out.xml").iter("testcase") if case.find("failure") is not None]
    assert len(failures) == 1 and "derivative 1 at z = 0" in failures[0].find("failure").get("message")


def test_k_x_and_node_ids_select_like_pytest(submission):
    by_name = pytest_run("sub", "-q", "-k", "relu_derivative and not leaky", cwd=submission)
    assert "1 failed, 1 passed" in by_name.stdout
    by_id = pytest_run("sub/activations.py::relu_derivative", "-q", cwd=submission)
    assert "1 failed, 1 passed" in by_id.stdout
    first_failure = pytest_run("sub", "-x", "-q", cwd=submission)
    assert "stopping after 1 failures" in first_failure.stdout
    one_file = pytest_run("sub/losses.py", "-q", cwd=submission)
    assert one_file.returncode == 0 and "15 passed" in one_file.stdout


def test_last_failed_reruns_only_the_failure_with_the_same_seed(submission):
    pytest_run("sub", "-q", "--autograder-seed", "8", cwd=submission)
    again = pytest_run("sub", "-q", "--lf", "--autograder-seed", "8", cwd=submission)
    assert "1 failed" in again.stdout and "passed" not in again.stdout.split("autograder scores")[0].splitlines()[-1]


def test_xdist_workers_share_the_seed_and_the_scores_add_up(submission):
    done = pytest_run("sub", "-q", "-n", "2", "--autograder-seed", "5", cwd=submission)
    assert "Score: 43/44" in done.stdout and "seed 5" in done.stdout


def test_untouched_stubs_are_skipped_as_not_started(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    shutil.copytree(ROOT / "exercises", tmp_path / "sub")
    done = pytest_run("sub/layers.py", "-q", "-rs", cwd=tmp_path)
    assert done.returncode == 0
    assert "not started" in done.stdout and "waiting for dense_forward (not started)" in done.stdout
    assert "layers.py  0/9" in done.stdout


def test_folders_not_named_on_the_command_line_collect_nothing():
    """The course's own `make test` (tests docs) must not pick up the contract files its tests hold."""
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                           "-p", "no:cacheprovider", "tests/autograder/alternatives", "docs/exercises"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert "::" not in done.stdout, done.stdout
    assert (ROOT / "tests/autograder/alternatives/style_layout/activations.py").is_file()  # there is a file to skip


def test_a_module_that_cannot_be_imported_fails_once_with_its_line(submission):
    path = submission / "sub" / "losses.py"
    path.write_text(path.read_text() + "\ndef broken(:\n")
    done = pytest_run("sub/losses.py", "-q", "-rs", cwd=submission)
    assert "1 failed" in done.stdout and "skipped" in done.stdout
    assert done.stdout.count("SyntaxError") == 1 and re.search(r"SyntaxError: .*line \d+", done.stdout)
    assert "losses.py cannot be imported: see sub/losses.py::" in done.stdout
    assert "losses.py  0/15" in done.stdout
