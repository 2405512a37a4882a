"""The reference solutions agree with PyTorch, and the oracle checks are strong enough to fail.

- every case of oracle_cases.CASES passes against solutions/;
- every known mistake (autograder.mistakes), pasted into a copy of its solution
  module, fails at least one case of its function: the suite can fail, and it
  catches side effects (inputs modified, global np.random used, x not restored);
- every contract function has at least two cases and at least one mistake.
"""
import math
from collections import Counter

import numpy as np
import pytest

from autograder.mistakes import MODULES, all_mistakes
from oracle_cases import CASES
from oracle_kit import (SIDE_EFFECT, contract_functions, dkw_eps, ks_one_sample, ks_two_sample, mutant_modules,
                        to_numpy, verify)

MISTAKES = all_mistakes()


def test_case_ids_are_unique():
    assert [c.id for c, n in Counter(c.id for c in CASES).items() if n > 1] == []


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_solution_agrees_with_torch(solution_modules, case):
    verify(solution_modules, case)


def test_every_contract_function_has_cases_and_a_mistake(solution_modules):
    assert set(solution_modules) == set(MODULES)
    functions = contract_functions(solution_modules)
    cases = Counter(c.function for c in CASES)
    mistakes = {m.function for m in MISTAKES}
    assert [f for f in functions if cases[f] < 2] == [], "functions with fewer than two oracle cases"
    assert [f for f in functions if f not in mistakes] == [], "functions without a known mistake"
    assert sorted(set(cases) - set(functions)) == [], "cases of functions that do not exist"
    assert sorted(mistakes - set(functions)) == [], "mistakes of functions that do not exist"


@pytest.mark.parametrize("mistake", MISTAKES, ids=[f"{m.function}:{m.name[:50]}" for m in MISTAKES])
def test_every_mistake_fails_an_oracle_case(solution_modules, mistake):
    mutant = mutant_modules(solution_modules, mistake)
    failures = []
    for case in (c for c in CASES if c.function == mistake.function):
        try:
            verify(mutant, case)
        except AssertionError as error:
            failures.append(str(error))
    assert failures, f"no oracle case of {mistake.function} rejects the mistake {mistake.name!r}"
    if mistake.side_effect:  # a side-effect mistake must be caught as such, not by luck in the values
        assert any(SIDE_EFFECT in failure for failure in failures), failures


def test_mutants_leave_the_solutions_untouched(solution_modules):
    """Building a mutant copies the namespace: the loaded solution modules keep their functions."""
    before = {name: dict(vars(module)) for name, module in solution_modules.items()}
    for mistake in MISTAKES:
        mutant_modules(solution_modules, mistake)
    assert {name: dict(vars(module)) for name, module in solution_modules.items()} == before


# ----------------------------------------------------------------------------- the statistics themselves
def test_ks_statistics_match_a_brute_force_sup():
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=40), rng.normal(0.3, 1.0, size=55)
    grid = np.sort(np.concatenate([a, b, a - 1e-12, b - 1e-12]))
    brute = max(abs(np.mean(a <= t) - np.mean(b <= t)) for t in grid)
    assert ks_two_sample(a, b) == pytest.approx(brute, abs=1e-12)

    def cdf(x):
        return np.clip(x, 0.0, 1.0)  # U(0, 1)
    u = rng.uniform(size=30)
    fine = np.linspace(-0.1, 1.1, 20001)
    brute = max(max(abs(np.mean(u <= t) - cdf(t)), abs(np.mean(u < t) - cdf(t))) for t in np.concatenate([fine, u]))
    assert ks_one_sample(u, cdf) == pytest.approx(brute, abs=1e-12)


def test_dkw_threshold_arithmetic():
    # 2 exp(-2 n eps^2) = alpha at eps = dkw_eps(n, alpha)
    n, alpha = 21000, 1e-7
    assert 2.0 * math.exp(-2.0 * n * dkw_eps(n, alpha) ** 2) == pytest.approx(alpha)
    assert dkw_eps(n, alpha) < 0.021  # far below the 0.2 KS distance of a sqrt(3) scale error


def test_stability_oracles_are_finite():
    """The extreme-input cases demand finite answers: PyTorch's own answers there are finite."""
    stability = [c for c in CASES if "extreme" in c.id or "exactly" in c.id]
    assert len(stability) >= 10
    for case in stability:
        args, kwargs = case.build(np.random.default_rng(0))
        expected = to_numpy(case.oracle(*args, **kwargs))
        assert np.isfinite(np.asarray(expected, dtype=np.float64)).all(), case.id
