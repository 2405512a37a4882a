"""Every known mistake, pasted into the reference solutions, must fail its function's checks and be named.

This is what proves the checks can fail and the detectors fire: one mutant per
mistake, covering every contract function, graded by the real sandboxed grader.
"""
import pytest

from autograder.checks import all_checks
from autograder.grade import grade
from autograder.mistakes import MODULES, all_mistakes
from autograder.reference import default_reference
from mutants import write_mutant

MISTAKES = [m for m in all_mistakes() if not m.advisory]
ADVISORY = [m for m in all_mistakes() if m.advisory]  # right values with a warning: a note, no points lost


@pytest.fixture(scope="module")
def solutions_report():
    return grade("solutions", seed=20261123)


def test_solutions_get_full_marks_and_no_detector_fires(solutions_report):
    failed = [(o.check.name, o.verdict.summary) for o in solutions_report.outcomes if not o.verdict.passed]
    assert failed == []
    assert solutions_report.score == solutions_report.max_score > 0
    assert all(o.verdict.mistake is None for o in solutions_report.outcomes)


def test_stubs_score_zero():
    report = grade("exercises", seed=1)
    assert report.score == 0
    assert all("not implemented yet" in o.verdict.summary for o in report.outcomes)


def test_every_contract_function_has_checks_and_a_mistake():
    functions = set(default_reference().functions)
    checked = {tag for check in all_checks() for tag in check.tags}
    with_mistake = {m.function for m in MISTAKES}  # advisory ones do not count: they lose no points
    assert functions - checked == set(), "functions without checks"
    assert functions - with_mistake == set(), "functions without a known mistake (mutant)"
    assert {f.split(".")[0] for f in functions} == set(MODULES)


def test_at_least_twenty_mistakes_are_detected():
    assert len(MISTAKES) >= 20


@pytest.mark.parametrize("mistake", MISTAKES, ids=[f"{m.function}:{m.name[:40]}" for m in MISTAKES])
def test_mutant_is_rejected_and_its_mistake_named(mistake, tmp_path):
    report = grade(write_mutant(mistake, tmp_path), modules=(mistake.module,), seed=7)
    failing = [o for o in report.outcomes if o.check.function == mistake.function and not o.verdict.passed]
    assert failing, f"no check of {mistake.function} rejects the mistake {mistake.name!r}"
    assert any(o.verdict.mistake is mistake or mistake in o.verdict.candidates for o in failing), (
        f"the detector for {mistake.name!r} did not fire; feedback was: {[o.verdict.summary for o in failing]}")
    # Detectors never mislead: a check that names mistakes names this one among them (never only another).
    for outcome in failing:
        assert not outcome.verdict.candidates or mistake in outcome.verdict.candidates, (
            f"{outcome.check.name}: named {[m.name for m in outcome.verdict.candidates]}, not {mistake.name!r}")
    # Other functions may fail (and have their own mistakes named) only if they call the mutated one.
    # The feedback says where and names the fix.
    text = "\n".join([failing[0].verdict.summary, *failing[0].verdict.details])
    assert mistake.fix in "\n".join("\n".join(o.verdict.details) for o in failing)
    assert text.strip()


@pytest.mark.parametrize("mistake", ADVISORY, ids=[f"{m.function}:{m.name[:40]}" for m in ADVISORY])
def test_an_advisory_mistake_keeps_full_marks_and_is_named_in_a_note(mistake, tmp_path):
    report = grade(write_mutant(mistake, tmp_path), modules=(mistake.module,), seed=7)
    own = [o for o in report.outcomes if o.check.function == mistake.function]
    assert all(o.verdict.passed for o in own)
    notes = "\n".join(note for o in own for note in o.verdict.notes)
    assert mistake.name in notes and mistake.fix in notes


def test_ks_test_tells_normal_from_uniform_of_the_same_variance_and_accepts_the_true_law():
    """The arithmetic of autograder/stats.py on real samples: the test has power where it must."""
    import numpy as np

    from autograder import stats

    rng = np.random.default_rng(0)
    n = 300 * 200
    normal, uniform = rng.normal(0.0, 1.0, n), rng.uniform(-np.sqrt(3.0), np.sqrt(3.0), n)
    assert stats.law_mismatch(normal, "normal", 1.0) is None
    assert stats.law_mismatch(uniform, "uniform", np.sqrt(3.0)) is None
    assert "KS" in stats.law_mismatch(uniform, "normal", 1.0)
    assert stats.law_mismatch(normal, "uniform", np.sqrt(3.0)) is not None
    assert 2 * np.exp(-2 * n * stats.dkw_epsilon(n) ** 2) <= 1e-6
