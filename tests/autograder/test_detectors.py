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


# --- Feedback that never misleads on code written in other styles (issue 19, section 4) -----------------------

def variant(folder, module, code):
    """solutions/ with `code` appended to one module: its definitions replace the reference's."""
    import textwrap

    from mutants import write_solutions

    source = (write_solutions(folder) / f"{module}.py").read_text()
    return write_solutions(folder, {f"{module}.py": source + "\n\n" + textwrap.dedent(code)})


def said(outcomes):
    return " ".join(" ".join(line for o in outcomes for line in feedback_lines(o, width=1000)).split())


def test_a_scaled_dropout_with_a_boolean_mask_is_never_told_it_does_not_scale(tmp_path):
    report = grade(variant(tmp_path, "regularization", '''
        def dropout_forward(x, p, rng, training=True):
            if not training:
                return x.copy(), np.ones_like(x)
            mask = rng.random(x.shape) >= p
            return x * mask / (1 - p), mask
    '''), modules=("regularization",), seed=3)
    failed = failing(report, "regularization.dropout_forward")
    assert failed and not any(o.verdict.candidates or o.verdict.mistake for o in failed)
    assert "no 1/(1-p) scaling" not in said(failed) and "mask values should be 0 or 1/(1-p)" in said(failed)


def test_an_unscaled_dropout_is_still_named_from_its_output(tmp_path):
    unscaled = mistake("regularization.dropout_forward", "classic dropout")
    report = grade(write_mutant(unscaled, tmp_path), modules=("regularization",), seed=3)
    assert any(o.verdict.mistake is unscaled for o in failing(report, "regularization.dropout_forward"))


def test_an_evaluation_mode_mask_of_none_is_told_the_mask_is_none(tmp_path):
    report = grade(variant(tmp_path, "regularization", '''
        _train = dropout_forward

        def dropout_forward(x, p, rng, training=True):
            return _train(x, p, rng, training) if training else (x.copy(), None)
    '''), modules=("regularization",), seed=3)
    (failed,) = failing(report, "regularization.dropout_forward")
    assert failed.verdict.summary.startswith("the mask is None") and "tuple of 2 items" not in said([failed])


def test_a_relative_error_that_gives_nan_on_zero_size_is_not_told_it_takes_a_mean(tmp_path):
    report = grade(variant(tmp_path, "gradcheck", '''
        def relative_error(a, b):
            d = np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))
            return float(d.max()) if d.size else float("nan")
    '''), modules=("gradcheck",), seed=3)
    own = [o for o in report.outcomes if o.check.function == "gradcheck.relative_error"]
    assert all(o.verdict.passed for o in own)  # zero-size input: advisory
    notes = " ".join(n for o in own for n in o.verdict.notes)
    assert "is nan, expected 0" in notes and "mean" not in notes


def test_he_uniform_ignoring_mode_and_nonlinearity_gets_its_scale_not_a_wrong_name(tmp_path):
    report = grade(variant(tmp_path, "initializers", '''
        def he_uniform(fan_in, fan_out, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
            bound = np.sqrt(2.0) * np.sqrt(3.0 / fan_in)
            return rng.uniform(-bound, bound, size=(fan_in, fan_out))
    '''), modules=("initializers",), seed=3)
    (failed,) = [o for o in failing(report, "initializers.he_uniform") if "'fan_out'" in o.check.name]
    assert failed.verdict.candidates == () and "He with fan_out" not in said([failed])
    assert "bound 0.155, expected 0.179 (\u00d70.87)" in said([failed])


def test_a_distribution_mistake_whose_law_fits_alone_is_still_named(tmp_path):
    no_gain = mistake("initializers.he_uniform", "gain ignored")
    report = grade(write_mutant(no_gain, tmp_path), modules=("initializers",), seed=3)
    failed = [o for o in failing(report, "initializers.he_uniform")
              if "draws from the right distribution" in o.check.name]
    assert len(failed) == 2 and all(o.verdict.candidates == (no_gain,) for o in failed)


def test_a_fixed_step_other_than_1e_5_is_told_a_fixed_step(tmp_path):
    report = grade(variant(tmp_path, "gradcheck", '''
        def numerical_gradient(f, x, h=1e-5):
            grad = np.zeros(x.shape)
            for index in np.ndindex(x.shape):
                old = x[index]
                x[index] = old + 1e-4
                plus = f(x)
                x[index] = old - 1e-4
                minus = f(x)
                x[index] = old
                grad[index] = (plus - minus) / 2e-4
            return grad
    '''), modules=("gradcheck",), seed=3)
    failed = failing(report, "gradcheck.numerical_gradient")
    assert failed and "a fixed step used" in said(failed) and "1e-5" not in said(failed)


def test_softmax_over_the_whole_array_is_named(tmp_path):
    report = grade(variant(tmp_path, "activations", '''
        def softmax(z, axis=-1):
            e = np.exp(z - np.max(z))
            return e / e.sum()
    '''), modules=("activations",), seed=3)
    whole = mistake("activations.softmax", "normalised over the whole array")
    failed = failing(report, "activations.softmax")
    assert failed and all(o.verdict.candidates == (whole,) for o in failed)
