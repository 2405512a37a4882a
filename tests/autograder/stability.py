"""The grade-stability check shared by test_stability_mistakes.py and test_stability_mutants.py.

A submission must get the same verdict per function (full marks or not) under every seed: the regimes a
check exists for are fixed, only the values around them are drawn (autograder/checks/). Each submission is
graded once at all SEEDS (autograder.grade.grade_seeds: one sandbox run, about 1.3x the cost of one seed).
"""
from autograder.grade import grade_seeds

SEEDS = (11, 2026, 65_537, 123_456_789, 4_000_000_007)  # five, the first two below the public range too


def verdicts(report):
    """{function: True when it got full marks}."""
    full = {}
    for outcome in report.outcomes:
        function = outcome.check.function
        full[function] = full.get(function, True) and outcome.verdict.passed
    return full


def unstable(folder, modules):
    """[(function, {seed: full marks?})] for every function whose verdict changes with the seed."""
    reports = grade_seeds(folder, SEEDS, modules=tuple(modules), parallel=1)
    per_seed = {report.seed: verdicts(report) for report in reports}
    functions = sorted({f for v in per_seed.values() for f in v})
    return [(f, {seed: v[f] for seed, v in per_seed.items()}) for f in functions
            if len({v[f] for v in per_seed.values()}) > 1]
