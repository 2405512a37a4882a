"""The sandbox a batch grading process starts for its next submission before that submission is known."""
import shutil
from pathlib import Path

import pytest

from autograder import grade as grading
from autograder.sandbox import runner

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_standby_left():
    grading.drop_standby()
    yield
    grading.drop_standby()


def _left_on_host(standby):
    """Does the sandbox's scratch still exist on the host (with namespaces it never did: a tmpfs inside)."""
    return bool(standby.scratch) and Path(standby.scratch).exists()


def scores(report):
    return {o.check.function: o.score for o in report.outcomes}


def test_a_kept_sandbox_grades_the_next_submission_as_a_fresh_one(tmp_path):
    """Submission A then B on A's kept sandbox: B's own files, B's grade, and A's files nowhere."""
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(ROOT / "solutions", first)
    shutil.copytree(ROOT / "solutions", second)
    (second / "losses.py").write_text((ROOT / "exercises" / "losses.py").read_text())  # stubs: all fail
    (first / "only_in_first.py").write_text("SECRET = 1\n")
    (second / "activations.py").write_text(
        (ROOT / "solutions" / "activations.py").read_text()
        + "\nimport os\nassert not os.path.exists('only_in_first.py'), 'saw the previous submission'\n")

    report_a = grading.grade(first, seed=7, modules=("losses", "activations"), parallel=1, keep_warm=True)
    kept = grading._kept
    assert kept.sandbox.alive() and kept.sandbox.files is None  # nothing of A's was handed to it
    kept.sandbox.zygote()  # ready (NumPy imported, imports confined) before B's files arrive: the worst case
    report_b = grading.grade(second, seed=7, modules=("losses", "activations"), parallel=1, keep_warm=True)

    assert not kept.sandbox.alive() and not _left_on_host(kept)  # claimed by B, and removed when B was done
    assert report_a.score == report_a.max_score
    fresh = grading.grade(second, seed=7, modules=("losses", "activations"), parallel=1)
    assert scores(report_b) == scores(fresh)
    assert all(o.score == 0 for o in report_b.outcomes if o.check.module == "losses")
    assert all(o.verdict.passed for o in report_b.outcomes if o.check.module == "activations")


def test_a_standby_for_other_options_is_dropped_not_used(tmp_path):
    grading.grade(ROOT / "solutions", seed=3, modules=("losses",), parallel=1, keep_warm=True)
    kept = grading._kept
    report = grading.grade(ROOT / "solutions", seed=3, modules=("losses",), parallel=1,
                           limits=runner.Limits(call_seconds=4.0))
    assert report.score == report.max_score
    assert grading._kept is None and not kept.sandbox.alive() and not _left_on_host(kept)


def test_drop_standby_stops_the_sandbox_and_removes_its_folder():
    grading.grade(ROOT / "solutions", seed=3, modules=("gradcheck",), parallel=1, keep_warm=True)
    kept = grading._kept
    grading.drop_standby()
    assert not kept.sandbox.alive() and not _left_on_host(kept)
