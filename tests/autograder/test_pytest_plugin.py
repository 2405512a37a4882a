"""`pytest exercises`: the graded checks as pytest tests, through autograder/pytest_plugin.py."""
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograder.assignment import module_maxima

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


# pytest prints its short summary uncut when it sees a CI variable: the tests read what a student's terminal shows.
STUDENT_ENV = {k: v for k, v in os.environ.items() if k not in ("CI", "BUILD_NUMBER")}


def pytest_run(*args, cwd):
    """pytest in a fresh process (the plugin comes from the package's pytest11 entry point), no other conftest."""
    return subprocess.run([sys.executable, "-m", "pytest", "--rootdir", str(cwd),
                           "-c", str(cwd / "pytest.ini"), *map(str, args)],
                          cwd=cwd, capture_output=True, text=True, timeout=600, env=STUDENT_ENV)


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
    assert "1 failed" in done.stdout and re.search(r"4[89] passed", done.stdout)
    assert "This is a known mistake: derivative 1 at z = 0 (z >= 0)" in done.stdout
    assert "z = [[" in done.stdout and "-1e-12" in done.stdout  # the kink, among drawn values
    assert "| my relu_derivative ran" in done.stdout
    assert "activations.py  28/29" in done.stdout and "losses.py  21/21" in done.stdout and "Score: 49/50" in done.stdout
    assert "seed 5" in done.stdout
    failures = [case for case in ET.parse(submission / "out.xml").iter("testcase") if case.find("failure") is not None]
    assert len(failures) == 1 and "derivative 1 at z = 0" in failures[0].find("failure").get("message")


def test_k_x_and_node_ids_select_like_pytest(submission):
    by_name = pytest_run("sub", "-q", "-k", "relu_derivative and not leaky", cwd=submission)
    assert "1 failed, 1 passed" in by_name.stdout
    first_failure = pytest_run("sub", "-x", "-q", cwd=submission)
    assert "stopping after 1 failures" in first_failure.stdout
    one_file = pytest_run("sub/losses.py", "-q", cwd=submission)
    assert one_file.returncode == 0 and "21 passed" in one_file.stdout


def test_the_node_id_selects_exactly_one_function_where_k_matches_substrings(submission):
    """The pages say `pytest exercises/activations.py::relu_derivative` for one function, not `-k`."""
    def collected(*args):
        done = pytest_run("--collect-only", "-q", *args, cwd=submission)
        return {line.split("::")[1] for line in done.stdout.splitlines() if line.startswith("sub/")}

    assert collected("sub/activations.py::relu_derivative") == {"relu_derivative"}
    assert collected("sub", "-k", "relu_derivative") == {"relu_derivative", "leaky_relu_derivative"}
    by_id = pytest_run("sub/activations.py::relu_derivative", "-q", cwd=submission)
    assert "1 failed, 1 passed" in by_id.stdout
    pages = [ROOT / "docs/exercises" / f"{page}.md" for page in ("index", "activations", "losses", "initializers",
             "gradcheck", "layers", "clipping", "optimizers", "regularization", "cnn", "rnn")]
    for page in pages:
        text = page.read_text()
        assert not re.search(r"pytest exercises\S* -k", text) and "add -k" not in text, page
        assert re.search(r"pytest exercises/\w+\.py::\w+ ", text), page


def test_last_failed_reruns_only_the_failure_with_the_same_seed(submission):
    pytest_run("sub", "-q", "--autograder-seed", "8", cwd=submission)
    again = pytest_run("sub", "-q", "--lf", "--autograder-seed", "8", cwd=submission)
    assert "1 failed" in again.stdout and "passed" not in again.stdout.split("autograder scores")[0].splitlines()[-1]


def test_xdist_workers_share_the_seed_and_the_scores_add_up(submission):
    done = pytest_run("sub", "-q", "-n", "2", "--autograder-seed", "5", cwd=submission)
    assert "Score: 49/50" in done.stdout and "seed 5" in done.stdout


NOT_STARTED = "not started: raise NotImplementedError is still there"


def test_untouched_stubs_fail_in_one_line_per_function(tmp_path):
    """A gate built on pytest (CI, Classroom, pre-commit) must read untouched stubs as not done."""
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -ra\n")
    shutil.copytree(ROOT / "exercises", tmp_path / "sub")
    done = pytest_run("sub", cwd=tmp_path)
    functions = {c.function for c in grade.__globals__["all_checks"]()}
    assert done.returncode == 1
    assert f"{len(functions)} failed" in done.stdout and "skipped" not in done.stdout.lower()
    assert done.stdout.count(NOT_STARTED) == len(functions)  # the FAILURES section; -ra lines are cut at 80 columns
    assert "Traceback" not in done.stdout and "NotImplementedError(" not in done.stdout
    failed = [line for line in done.stdout.splitlines() if line.startswith("FAILED ")]
    assert len(failed) == len(functions)
    assert any(line.startswith("FAILED sub/layers.py::dense_backward - not started") for line in failed)
    maxima = module_maxima()
    assert f"layers.py  0/{maxima['layers']:g}" in done.stdout
    assert f"Score: 0/{sum(maxima.values()):g}" in done.stdout


def test_a_stub_is_read_as_text_and_anything_else_is_graded(tmp_path):
    from autograder.pytest_plugin import _untouched

    path = tmp_path / "activations.py"
    path.write_text('''
def sigmoid(z):
    """doc"""
    raise NotImplementedError("sigmoid")


def tanh(z):
    raise NotImplementedError


def relu(z):
    z = z + 0
    raise NotImplementedError


def relu_derivative(z):
    raise NotImplementedError


relu_derivative = sigmoid


@staticmethod
def leaky_relu(z):
    raise NotImplementedError


def sigmoid_derivative(z):
    raise NotImplementedError from None
''')
    assert _untouched(path) == {"sigmoid", "tanh"}
    path.write_text(path.read_text() + "from numpy import *\n")
    assert _untouched(path) == set()  # the star import may rebind any of them
    path.write_text("def broken(:\n")
    assert _untouched(path) == set()  # the grader says why it cannot be imported


def test_started_functions_that_still_cannot_run_fail_once_each(tmp_path):
    """A function whose text is no longer the stub's but still raises NotImplementedError, and one that
    needs a function not started: graded, and each fails on one line, once."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    folder = write_solutions(tmp_path / "sub")
    layers = folder / "layers.py"
    text = layers.read_text()
    body = re.search(r"(def dense_forward\(.*?\n)(.*?)\n\n\ndef ", text, re.S)
    # dense_forward is the stub again; dense_backward's checks call it first; mlp_loss_and_grads calls it.
    layers.write_text(text.replace(body.group(0), body.group(1) + '    raise NotImplementedError("dense_forward")\n\n\ndef '))
    done = pytest_run("sub/layers.py", "-q", "-ra", cwd=tmp_path)
    assert done.returncode == 1 and "3 failed, 5 skipped" in done.stdout
    assert "FAILED sub/layers.py::dense_forward - not started" in done.stdout
    assert done.stdout.count("waiting for dense_forward, which is not started") == 1
    assert done.stdout.count("not started: it raises NotImplementedError") == 1  # mlp_loss_and_grads
    assert "waiting for dense_forward: see sub/layers.py::dense_backward::" in done.stdout
    assert "Traceback" not in done.stdout


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
    assert "losses.py  0/21" in done.stdout


# What a submission would put next to its exercise files so that pytest runs it in the pytest process: it
# leaves a mark when imported, and turns every report into a pass.
PLANTED = '''
import pathlib
pathlib.Path({mark!r}).write_text("ran")
import pytest

@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    report.outcome = "passed"
    return report
'''


@pytest.mark.parametrize("planted, named", [
    ("sub/conftest.py", "sub"),
    ("sub/conftest.py", "sub/activations.py::relu"),
    ("conftest.py", "sub"),  # above the folder, up to the rootdir: pytest imports it too
    ("sub/deeper/conftest.py", "sub"),
    ("sub/__init__.py", "sub"),  # pytest collects sub as a package and imports its __init__.py
    ("sub/test_mine.py", "sub"),
])
def test_code_pytest_would_run_is_never_imported_and_the_run_fails_in_one_line(submission, planted, named):
    mark = submission / "ran"
    path = submission / planted
    path.parent.mkdir(exist_ok=True)
    path.write_text(PLANTED.format(mark=str(mark)))
    done = pytest_run(named, "-q", cwd=submission)
    assert not mark.exists()
    assert done.returncode == 4  # pytest's usage error
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert f"pytest itself would run {planted}" in lines[0] and "outside the grader's sandbox" in lines[0]
    assert "passed" not in done.stdout


def test_the_planted_conftest_is_live_code(submission):
    """The control: with the plugin off, pytest imports the same file (so the test above can fail)."""
    mark = submission / "ran"
    (submission / "sub" / "conftest.py").write_text(PLANTED.format(mark=str(mark)))
    pytest_run("sub", "-q", "-p", "no:autograder", cwd=submission)
    assert mark.exists()


def test_a_conftest_pytest_would_not_load_is_no_reason_to_refuse(submission):
    mark = submission / "ran"
    (submission / "elsewhere").mkdir()
    (submission / "elsewhere" / "conftest.py").write_text(PLANTED.format(mark=str(mark)))
    done = pytest_run("--collect-only", "-q", "sub", "--noconftest", cwd=submission)
    assert done.returncode == 0 and "sub/losses.py::mse::" in done.stdout
    (submission / "sub" / "conftest.py").write_text(PLANTED.format(mark=str(mark)))
    done = pytest_run("--collect-only", "-q", "sub", "--noconftest", cwd=submission)  # pytest imports none
    assert done.returncode == 0 and not mark.exists()


def test_a_settings_file_in_the_exercise_folder_is_refused(submission):
    """pytest chooses the ini file nearest the named folder: the submission's own settings would apply."""
    (submission / "sub" / "pytest.ini").write_text("[pytest]\npython_files = *.py\n")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "sub"], cwd=submission, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 4 and "pytest itself would run sub/pytest.ini" in done.stderr


def test_no_grading_path_runs_pytest():
    """Grades come from the grader's sandbox alone: only the plugin and the edition's `make test` use pytest."""
    uses = sorted(path.relative_to(ROOT / "autograder").as_posix() for path in (ROOT / "autograder").rglob("*.py")
                  if "pytest" in path.read_text())
    assert uses == ["pytest_plugin.py", "release.py"]
    release = (ROOT / "autograder" / "release.py").read_text()
    assert all(line.startswith(("test", "\\t$(BIN)/python -m pytest", "\\t$(GRADE_BIN)/python -m pytest", "make test",
                                "#", "grade:", "make grade",
                                "[project.entry-points.pytest11]", "autograder = \"autograder.pytest_plugin\"",
                                "\\trm -rf", ".pytest_cache"))
               for line in release.splitlines() if "pytest" in line), "release.py runs pytest beyond `make test`"
    readme = (ROOT / "README.md").read_text()
    assert "its results are not grades" in " ".join(readme.split())
