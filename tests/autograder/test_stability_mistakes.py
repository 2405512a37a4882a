"""Every named mistake gets the same verdict per function under five seeds (issue 19, "the same grade on
every regrade"). The single-point mutants of `make mutation` are in test_stability_mutants.py."""
import pytest

from autograder.mistakes import all_mistakes
from mutants import write_mutant
from stability import unstable

MISTAKES = all_mistakes()


@pytest.mark.parametrize("mistake", MISTAKES, ids=[f"{m.function}:{m.name[:40]}" for m in MISTAKES])
def test_a_named_mistake_gets_the_same_verdict_on_every_seed(mistake, tmp_path):
    assert unstable(write_mutant(mistake, tmp_path), [mistake.module]) == []
