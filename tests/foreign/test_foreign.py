"""The foreign-styles corpus (issue 19 §5; see corpus.py): correct code in the styles of widely used books
and courses gets full marks in both isolation modes, and their real bugs lose points, named rightly or
not at all, on every seed."""
import pytest

import corpus

CORRECT = [pytest.param(style, function, id=f"{style}:{function}")
           for style in corpus.STYLES for function in corpus.functions_of(style)]


def test_the_corpus_writes_every_module_in_at_least_two_styles():
    written = {module: [s for s in corpus.STYLES if module in corpus.modules_of(s)] for module in corpus.MODULES}
    assert {m: s for m, s in written.items() if len(s) < 2} == {}
    assert len(corpus.STYLES) >= 5
    assert {corpus.BUGS[bug][0] for bug in corpus.BUGS} == set(corpus.STYLES), "a style without a real bug"


@pytest.mark.parametrize("mode", corpus.MODES)
@pytest.mark.parametrize("seed", corpus.SEEDS[:2])
@pytest.mark.parametrize("style, function", CORRECT)
def test_a_correct_foreign_variant_gets_full_marks_and_no_mistake_named(style, function, seed, mode):
    assert corpus.correct_verdict(style, function, seed, mode) is None


@pytest.mark.parametrize("seed", corpus.SEEDS[:3])
@pytest.mark.parametrize("bug", sorted(corpus.BUGS))
def test_a_real_bug_in_a_foreign_style_loses_points_and_is_named_rightly_or_not_at_all(bug, seed):
    caught, misleading = corpus.bug_verdict(bug, seed)
    assert caught, f"{bug} kept its points (or was not given {corpus.BUGS[bug][3]!r}) at seed {seed}"
    assert misleading == [], f"{bug} was told {misleading}"
