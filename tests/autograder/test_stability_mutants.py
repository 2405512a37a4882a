"""Every single-point mutant of solutions/ (tools/mutation/mutator.py) gets the same verdict per function
under five seeds, killed or not, so a regrade never changes a grade.

By default a deterministic sample, every SAMPLE-th mutant in file order (a quarter: SAMPLE = 4), to keep
`make test` short; AUTOGRADER_STABILITY_SAMPLE=1 grades all of them.
"""
import os
import sys
from pathlib import Path

import pytest

from stability import unstable

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools" / "mutation"))

from run import all_mutants  # noqa: E402

SAMPLE = int(os.environ.get("AUTOGRADER_STABILITY_SAMPLE", "4"))
MUTANTS = all_mutants()[::SAMPLE]


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_a_mutant_gets_the_same_verdict_on_every_seed(mutant, tmp_path):
    for original in (ROOT / "solutions").glob("*.py"):
        (tmp_path / original.name).write_text(mutant.source if original.stem == mutant.module else original.read_text())
    assert unstable(tmp_path, [mutant.module]) == []


def test_the_sample_is_at_least_a_quarter():
    assert SAMPLE <= 4 and len(MUTANTS) * SAMPLE >= len(all_mutants())
