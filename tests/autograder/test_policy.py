"""The grading policy (docs/exercises/contract.md, "What costs points"): points follow the values the contract
defines, on inputs where the maths is defined. A warning on the way to a right answer and a zero-size or empty
input are advisory: a note under "Notes: no points lost", a line of results.json, a pytest warning."""
import json
import subprocess
import sys
import textwrap

import pytest

from autograder.grade import grade
from autograder.report import NOTE_PREFIX, NOTES_HEADING, gradescope, text
from mutants import write_solutions

# Correct code in the styles of textbooks and course solutions: naive exponentials, np.nditer loops, np.max
# and np.concatenate that raise on zero-size input.
NAIVE = {
    "activations": '''
        def sigmoid(z):
            return 1 / (1 + np.exp(-z))


        def elu(z, alpha=1.0):
            return np.where(z > 0, z, alpha * (np.exp(z) - 1))
    ''',
    "gradcheck": '''
        def numerical_gradient(f, x, h=1e-5):
            grad = np.zeros_like(x)
            it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
            while not it.finished:
                ix = it.multi_index
                old = x[ix]
                x[ix] = old + h
                plus = f(x)
                x[ix] = old - h
                minus = f(x)
                x[ix] = old
                grad[ix] = (plus - minus) / (2 * h)
                it.iternext()
            return grad


        def relative_error(a, b):
            return np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))
    ''',
    "clipping": '''
        def clip_by_global_norm(grads, max_norm, norm_type=2.0):
            flat = np.concatenate([g.ravel() for g in grads])
            if norm_type == float("inf"):
                total = np.max(np.abs(flat))
            else:
                total = np.sum(np.abs(flat) ** norm_type) ** (1.0 / norm_type)
            scale = min(1.0, max_norm / (total + 1e-6))
            return [g * scale for g in grads], float(total)
    ''',
}


@pytest.fixture(scope="module")
def naive_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("naive")
    overrides = {}
    for module, code in NAIVE.items():
        source = (write_solutions(folder) / f"{module}.py").read_text()
        overrides[f"{module}.py"] = source + "\n\n" + textwrap.dedent(code)
    write_solutions(folder, overrides)
    return grade(folder, modules=tuple(NAIVE), seed=20261207)


def test_correct_naive_styles_get_full_marks(naive_report):
    lost = [(o.check.name, o.verdict.summary) for o in naive_report.outcomes if not o.verdict.passed]
    assert lost == []
    assert naive_report.score == naive_report.max_score


def test_each_advisory_is_noted_with_the_naive_form_and_its_fix(naive_report):
    notes = {o.check.name: "\n".join(o.verdict.notes) for o in naive_report.outcomes if o.verdict.notes}
    sigmoid = next(v for k, v in notes.items() if k.startswith("sigmoid stays finite"))
    assert "RuntimeWarning (overflow encountered in exp)" in sigmoid and "naive 1 / (1 + exp(-z))" in sigmoid
    assert "Stable fix:" in sigmoid
    assert any(k.startswith("elu stays finite") for k in notes)
    for empty in ("numerical_gradient of sum(c x^3 + B x) at x of shape (0, 3)",
                  "relative_error of two zero-size (0, k) arrays is 0.0",
                  "clip_by_global_norm of an empty list is ([], 0.0)"):
        assert "is checked for this note only" in notes[empty], empty
    # The zero-size relative_error returns nan (np.max raises, or a mean gives nan): no mistake is claimed.
    assert "mean instead of max" not in "\n".join(notes.values())


def test_notes_appear_in_the_report_and_in_results_json(naive_report):
    report_text = text(naive_report)
    assert NOTES_HEADING in report_text and "What went wrong" not in report_text
    tests = gradescope(naive_report)["tests"]
    noted = [t for t in tests if NOTE_PREFIX in t["output"]]
    assert noted and all(t["status"] == "passed" for t in noted)
    assert all(t["score"] == t["max_score"] for t in tests)
    json.dumps(gradescope(naive_report))


def test_advisory_checks_are_worth_no_points():
    from autograder.checks import all_checks

    advisory = [c for c in all_checks() if c.advisory]
    assert len(advisory) >= 7 and all(c.points == 0 for c in advisory)


def test_pytest_shows_an_advisory_as_a_warning_never_a_failure(tmp_path):
    folder = tmp_path / "exercises"
    write_solutions(folder, {"activations.py": (write_solutions(folder) / "activations.py").read_text()
                             + "\n\n" + textwrap.dedent(NAIVE["activations"])})
    done = subprocess.run([sys.executable, "-m", "pytest", str(folder / "activations.py"),
                           "-k", "sigmoid or elu", "-q", "-p", "no:cacheprovider", "--autograder-seed", "99"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "AdvisoryNote" in done.stdout and "overflow encountered in exp" in done.stdout
