"""Named mistakes never mislead: where several known mistakes compute the same wrong answer, all are
named (or none), never only a wrong one. The three cases that used to give the opposite advice."""
import pytest

from autograder.grade import grade
from autograder.mistakes import mistakes_for
from autograder.report import feedback_lines
from mutants import write_mutant


def mistake(function, name_start):
    (found,) = [m for m in mistakes_for(function) if m.name.startswith(name_start)]
    return found


def failing(report, function):
    return [o for o in report.outcomes if o.check.function == function and not o.verdict.passed]


def test_he_normal_ignoring_mode_is_not_told_to_use_fan_in_alone(tmp_path):
    ignored = mistake("initializers.he_normal", "mode ignored")
    swapped = mistake("initializers.he_normal", "He with fan_out where mode='fan_in'")
    report = grade(write_mutant(ignored, tmp_path), modules=("initializers",), seed=3)
    (fan_out_check,) = failing(report, "initializers.he_normal")
    assert "mode': 'fan_out'" in fan_out_check.check.name
    # Both draw exactly these weights with mode='fan_out': both are named, the one that fits first.
    assert set(fan_out_check.verdict.candidates) == {ignored, swapped}
    text = " ".join(" ".join(feedback_lines(fan_out_check)).split())
    assert "one of:" in text and ignored.fix in text and swapped.fix in text


def test_a_row_view_gradient_loop_is_not_told_x_was_not_restored(tmp_path):
    row_view = mistake("gradcheck.numerical_gradient", "loop over range(len(x))")
    not_restored = mistake("gradcheck.numerical_gradient", "x not restored")
    report = grade(write_mutant(row_view, tmp_path), modules=("gradcheck",), seed=3)
    named = [o.verdict.candidates for o in failing(report, "gradcheck.numerical_gradient")]
    assert (row_view,) in named
    assert not any(not_restored in candidates for candidates in named)


def test_relative_error_without_its_floor_is_never_told_only_a_denominator_of_abs_a(tmp_path):
    no_floor = mistake("gradcheck.relative_error", "denominator |a| + |b| without")
    only_a = mistake("gradcheck.relative_error", "denominator |a| only")
    report = grade(write_mutant(no_floor, tmp_path), modules=("gradcheck",), seed=3)
    named = [o.verdict.candidates for o in failing(report, "gradcheck.relative_error") if o.verdict.candidates]
    assert named and all(no_floor in candidates for candidates in named)
    assert (no_floor,) in named  # the check where only the floor decides tells them apart
    assert any(set(candidates) == {no_floor, only_a} for candidates in named)  # 0 / 0 = nan: either


@pytest.mark.parametrize("function, name_start, says", [
    ("activations.softmax", "the global maximum", "nan"),
    ("losses.mse_grad", "divided by N", "y_pred.size"),
    ("initializers.calculate_gain", "an unknown name raises KeyError", "KeyError"),
])
def test_new_named_mistakes_lose_points_and_say_why(function, name_start, says, tmp_path):
    wrong = mistake(function, name_start)
    report = grade(write_mutant(wrong, tmp_path), modules=(wrong.module,), seed=3)
    failed = failing(report, function)
    assert failed and all(o.verdict.candidates == (wrong,) for o in failed)
    assert says in "\n".join(line for o in failed for line in feedback_lines(o))
