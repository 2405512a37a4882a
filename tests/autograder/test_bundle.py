"""The Gradescope bundle, end to end as Gradescope runs it: a fresh bundle unpacked into a temporary
root, setup.sh run there with Debian's own (externally managed) python3, then run_autograder on a
correct and a broken submission, and results.json checked against Gradescope's specification.

Needs root (setup.sh creates the grading user and makes the reference root's) and Debian's
python3 with python3-venv (installed by .ci/run); it installs NumPy from PyPI (or pip's cache)."""
import ast
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from autograder.bundle import ROOT, grade_lock
from mutants import write_solutions

REPO = Path(__file__).resolve().parents[2]
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"  # Debian's python3, not .venv's
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
HOMEWORK = "activations,losses"


def assert_gradescope_results(results):
    """The fields of Gradescope's results.json specification that we use, with their types."""
    number = (int, float)
    assert isinstance(results, dict)
    tests = results.get("tests", [])
    assert isinstance(tests, list)
    assert isinstance(results.get("score"), number) or (tests and all("score" in t for t in tests))
    for key, kind in (("execution_time", number), ("output", str), ("extra_data", dict)):
        assert key not in results or isinstance(results[key], kind), key
    for key in ("visibility", "stdout_visibility"):
        assert key not in results or results[key] in VISIBILITY
    for test in tests:
        assert isinstance(test["name"], str) and test["name"]
        assert isinstance(test["score"], number) and isinstance(test["max_score"], number)
        assert 0 <= test["score"] <= test["max_score"]
        assert test["status"] in ("passed", "failed")
        assert isinstance(test.get("output", ""), str)
        assert test.get("visibility", "visible") in VISIBILITY
        assert all(isinstance(tag, str) for tag in test.get("tags", []))
    return results


def autograder(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], capture_output=True, text=True,
                          timeout=300, **kwargs)


def test_bundle_carries_the_assignment_and_its_pins(tmp_path):
    (tmp_path / "points.toml").write_text("activations = 40\nlosses = 60\n")
    bundle = tmp_path / "hw1.zip"
    done = autograder("bundle", "--modules", HOMEWORK, "--points", tmp_path / "points.toml", "--out", bundle)
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(bundle) as z:
        names = set(z.namelist())
        assert {"setup.sh", "run_autograder", "locks/grade.txt", "points.toml", "pyproject.toml",
                "autograder/cli.py", "solutions/losses.py"} <= names
        assert not any(n.startswith("tests/") for n in names)
        run = z.read("run_autograder").decode()
        pins = z.read("locks/grade.txt").decode()
    assert f'MODULES="{HOMEWORK}"' in run and 'POINTS="points.toml"' in run
    import numpy
    import tqdm

    # The bundle pins from the course's own lock (the one this test run was installed from), with hashes.
    assert pins == grade_lock() == (ROOT / "locks" / "grade.txt").read_text()
    assert f"numpy=={numpy.__version__} ; python_full_version >= '3.11'" in pins
    assert f"tqdm=={tqdm.__version__} \\" in pins and "--hash=sha256:" in pins
    # Ubuntu 22.04's Python 3.10 gets a pinned NumPy that supports it (the lock is universal).
    assert "numpy==2.2.6 ; python_full_version < '3.11'" in pins


def test_package_metadata_and_grading_code_allow_python_3_10():
    """Ubuntu 22.04 ships Python 3.10: the grading path (autograder/, solutions/) must parse there, and
    use no module that 3.10 lacks without a fallback. (No 3.10 interpreter here: this is the static half.)"""
    pyproject = (REPO / "pyproject.toml").read_text()
    assert 'requires-python = ">=3.10"' in pyproject
    # The grading path: what `autograder check` imports, the sandbox's worker code (sent as source), the reference.
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys; from autograder.cli import main; main(['check', 'solutions', '--brief', "
         "'--only', 'layers']); print('\\n'.join(m.__file__ for m in list(sys.modules.values()) "
         "if (getattr(m, '__name__', '') or '').startswith('autograder') and getattr(m, '__file__', None)))"],
        capture_output=True, text=True, cwd=REPO, timeout=300)
    assert loaded.returncode == 0, loaded.stderr
    grading = {Path(line) for line in loaded.stdout.splitlines() if line.endswith(".py") and "/autograder/" in line}
    assert REPO / "autograder" / "grade.py" in grading and REPO / "autograder" / "assignment.py" in grading
    sources = sorted(grading | set(REPO.glob("autograder/sandbox/*.py")) | set(REPO.glob("solutions/*.py")))
    for path in sources:
        text = path.read_text()
        ast.parse(text, filename=str(path), feature_version=(3, 10))
        for new_in_311 in ("import tomllib", "datetime.UTC", "typing import Self", "StrEnum", "ExceptionGroup",
                           "asyncio.TaskGroup", "asyncio.timeout", "hashlib.file_digest", "add_note(", "contextlib.chdir",
                           "math.cbrt", "math.exp2", "sys.exception(", "operator.call", "LiteralString",
                           "assert_never", "getmembers_static"):
            if new_in_311 in text:
                assert new_in_311 == "import tomllib" and "except ImportError" in text, (path, new_in_311)


def _system_python_ok():
    if os.geteuid() != 0:
        return "needs root: setup.sh creates a user and makes the reference root's"
    probe = subprocess.run(["/usr/bin/python3", "-c", "import ensurepip, venv"], capture_output=True)
    if probe.returncode != 0:
        return "Debian's python3 with python3-venv is needed (apt-get install python3-venv)"
    return None


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    reason = _system_python_ok()
    if reason:
        pytest.skip(reason)
    work = tmp_path_factory.mktemp("bundle")
    (work / "points.toml").write_text("activations = 40\nlosses = 60\n")
    bundle = work / "hw1.zip"
    assert autograder("bundle", "--modules", HOMEWORK, "--points", work / "points.toml", "--out", bundle).returncode == 0
    # Under /tmp itself: pytest's own temporary folders are private to root, and the grading user
    # must be able to reach the venv, as it can reach /autograder on Gradescope.
    root = Path(tempfile.mkdtemp(prefix="autograder-root-", dir="/tmp"))
    root.chmod(0o755)
    with zipfile.ZipFile(bundle) as z:
        z.extractall(root / "source")
    for script in ("setup.sh", "run_autograder"):
        (root / "source" / script).chmod(0o755)
    env = {"PATH": SYSTEM_PATH, "HOME": str(work), "LANG": "C.UTF-8", "AUTOGRADER_ROOT": str(root),
           "AUTOGRADER_USER": "nobody"}  # an unprivileged user every Debian has; Gradescope's is `student`
    setup = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env, capture_output=True, text=True,
                           timeout=900)
    try:
        yield root, env, setup
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run_autograder(root, env, submission, **extra):
    target = root / "submission"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(submission, target)
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env={**env, **extra},
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return assert_gradescope_results(json.loads((root / "results" / "results.json").read_text())), done


def test_setup_installs_into_its_own_venv_with_the_pinned_numpy(installed):
    root, env, setup = installed
    assert setup.returncode == 0, setup.stderr + setup.stdout
    # Debian's python3 refuses system-wide pip (PEP 668): only a venv can have worked.
    assert glob.glob("/usr/lib/python3*/EXTERNALLY-MANAGED")
    venv_python = root / "venv" / "bin" / "python"
    prefix = subprocess.run([venv_python, "-c", "import sys, numpy, autograder; print(sys.prefix, numpy.__version__)"],
                            capture_output=True, text=True, cwd="/", env=env)
    assert prefix.returncode == 0, prefix.stderr
    venv_prefix, numpy_version = prefix.stdout.split()
    assert venv_prefix == str(root / "venv")
    assert f"numpy=={numpy_version} " in (root / "source" / "locks" / "grade.txt").read_text()
    assert os.stat(root / "source" / "solutions").st_mode & 0o077 == 0  # the reference is root's only
    assert not (root / "venv" / "grader-flags").exists()  # nothing about isolation is decided at build time


def test_correct_and_broken_submissions(installed, tmp_path):
    root, env, setup = installed
    assert setup.returncode == 0, setup.stderr
    results, done = run_autograder(root, env, write_solutions(tmp_path / "good"))
    assert results["score"] == pytest.approx(100) and len(results["tests"]) > 0
    assert {t["tags"][0].split(".")[0] for t in results["tests"]} == {"activations", "losses"}  # only hw1's tests
    assert all(t["status"] == "passed" for t in results["tests"])
    assert sum(t["max_score"] for t in results["tests"]) == pytest.approx(100)
    assert "isolation" in results.get("extra_data", {})
    bwrap_works = shutil.which("bwrap") is not None and subprocess.run(
        ["bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true"], capture_output=True).returncode == 0
    if bwrap_works:
        assert results["extra_data"]["isolation"].startswith("namespaces")  # the strongest that works

    broken = write_solutions(tmp_path / "broken", {"losses.py": "def mse(y_pred, y_true):\n    return 0.0\n"})
    (broken / "activations.py").rename(broken / "Activations.py")
    results, _ = run_autograder(root, env, broken)
    assert results["score"] == 0
    assert any(t["status"] == "failed" for t in results["tests"])
    assert "did you mean activations.py?" in results["output"]


def test_bubblewrap_failing_at_grading_time_still_grades_and_hides_the_reference(installed, tmp_path):
    """bubblewrap worked when the image was built (or not: either way) and fails now: a `bwrap` that exits 1
    comes first on PATH. Every student still gets their grade, under process limits that the report names,
    and the reference stays unreadable to the submission."""
    root, env, setup = installed
    assert setup.returncode == 0, setup.stderr
    broken_bwrap = tmp_path / "bin"
    broken_bwrap.mkdir()
    (broken_bwrap / "bwrap").write_text("#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n")
    (broken_bwrap / "bwrap").chmod(0o755)
    reference = root / "source" / "solutions" / "losses.py"
    spy = (REPO / "solutions" / "losses.py").read_text() + f"""

_mse = mse
def mse(y_pred, y_true):
    try:
        open({str(reference)!r}).read()
        return 123456.0  # read the reference: this answer loses the marks, and the test sees it
    except OSError:
        return _mse(y_pred, y_true)
"""
    submission = write_solutions(tmp_path / "spy", {"losses.py": spy})
    results, done = run_autograder(root, {**env, "PATH": f"{broken_bwrap}:{env['PATH']}"}, submission)
    isolation = results["extra_data"]["isolation"]
    assert isolation.startswith("process limits only") and "bubblewrap" in isolation, isolation
    assert "Isolation: process limits only" in results["output"]
    assert results["score"] == pytest.approx(100), [t["output"] for t in results["tests"] if t["status"] == "failed"]
    assert all(t["status"] == "passed" for t in results["tests"])


def test_results_json_is_written_whatever_is_misconfigured(installed, tmp_path):
    root, env, setup = installed
    assert setup.returncode == 0, setup.stderr
    good = write_solutions(tmp_path / "good")
    # No interpreter at all: the bash fallback writes the result.
    results, _ = run_autograder(root, env, good, AUTOGRADER_PYTHON=str(root / "no-such-python"))
    assert results["score"] == 0 and results["tests"] == []
    assert "could not grade" in results["output"] and results["extra_data"]["autograder_error"] is True
    # An interpreter without the grader (Debian's own python3): the fallback quotes its error.
    results, _ = run_autograder(root, env, good, AUTOGRADER_PYTHON="/usr/bin/python3")
    assert results["score"] == 0 and "No module named autograder" in results["output"]
    # A venv the grading user cannot enter: graded, or failed with a reason, but always a valid results.json.
    (root / "venv").chmod(0o700)
    try:
        results, _ = run_autograder(root, env, good)
    finally:
        (root / "venv").chmod(0o755)
    assert results["score"] == pytest.approx(100) or results["output"]
    # No submission folder.
    shutil.rmtree(root / "submission")
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0
    assert_gradescope_results(json.loads((root / "results" / "results.json").read_text()))


def test_setup_fails_in_one_line_on_an_old_python(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    # Ubuntu 20.04's python3 is 3.8: this stand-in answers the version questions setup.sh asks.
    (fake / "python3").write_text('#!/bin/sh\ncase "$*" in *version_info*) exit 1;; *platform*) echo 3.8.10;; '
                                  'esac\nexit 0\n')
    (fake / "python3").chmod(0o755)
    (fake / "bwrap").write_text("#!/bin/sh\nexit 0\n")
    (fake / "bwrap").chmod(0o755)
    bundle = tmp_path / "b.zip"
    assert autograder("bundle", "--out", bundle).returncode == 0
    with zipfile.ZipFile(bundle) as z:
        z.extractall(tmp_path / "root" / "source")
    done = subprocess.run(["bash", str(tmp_path / "root" / "source" / "setup.sh")], capture_output=True, text=True,
                          env={"PATH": f"{fake}:{SYSTEM_PATH}", "AUTOGRADER_ROOT": str(tmp_path / "root")},
                          timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "setup.sh: error: python3 is 3.8.10; the grader needs Python 3.10 or newer (Ubuntu 22.04 or 24.04)"]
    assert not (tmp_path / "root" / "venv").exists()
