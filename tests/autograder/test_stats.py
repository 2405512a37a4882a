"""The statistics behind the initializer checks (autograder/stats.py), against exact values."""
import math

import numpy as np
import pytest

from autograder import stats


def exact_phi(z):
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def test_normal_cdf_is_within_its_stated_error_everywhere_including_the_tails():
    z = np.concatenate([np.linspace(-12.0, 12.0, 100_001), [-8.5, 8.5, 0.0, -1e-300, 40.0, -40.0]])
    error = np.max(np.abs(stats.normal_cdf(z) - np.array([exact_phi(v) for v in z])))
    assert error < 4e-8


@pytest.mark.parametrize("kind, scale, draw", [
    ("normal", 0.07, lambda rng, n: rng.normal(0.0, 0.07, n)),
    ("normal", 0.07, lambda rng, n: rng.normal(0.0, 0.08, n)),  # a law 14% too wide
    ("uniform", 0.3, lambda rng, n: rng.uniform(-0.3, 0.3, n)),
    ("normal", 0.3 / math.sqrt(3.0), lambda rng, n: rng.uniform(-0.3, 0.3, n)),  # same variance, other law
])
def test_ks_statistic_equals_the_definition(kind, scale, draw):
    """sup |F_n - F| by its definition, with F from math.erfc, on a sample with distinct dimensions."""
    sample = draw(np.random.default_rng(5), 2_000).reshape(40, 50)
    x = np.sort(sample.ravel())
    n = x.size
    if kind == "normal":
        f = np.array([exact_phi(v / scale) for v in x])
    else:
        f = np.clip((x + scale) / (2 * scale), 0.0, 1.0)
    expected = max(max((i + 1) / n - f[i], f[i] - i / n) for i in range(n))
    assert stats.ks_statistic(sample, kind, scale) == pytest.approx(expected, abs=1e-7)


def test_the_ks_test_rejects_a_law_ten_percent_too_wide_at_the_checks_sample_size():
    rng = np.random.default_rng(11)
    n = 300 * 200
    assert stats.law_mismatch(rng.normal(0.0, 1.0, n), "normal", 1.0) is None
    assert stats.law_mismatch(rng.normal(0.0, 1.1, n), "normal", 1.0) is not None
