"""How checks draw their inputs: no answer can be replayed, and every edge regime is hit on every seed.

A check's inputs come from np.random.default_rng([seed, index]) (autograder/grade.py). The student edition
publishes the answers of its public seed; a table of them must be worth nothing at any grading seed, so no
check's full input may repeat between two seeds. The regimes a check exists for (the kink at 0, logits of
1e4, an exact zero, a norm under the 1e-6 that clipping adds) are fixed and placed among drawn values, so
the verdict never depends on the seed.
"""
import hashlib

import numpy as np
import pytest

from autograder.checks import all_checks
from autograder.public import call_digest, draw_seed
from autograder.spec import degenerate

CHECKS = list(enumerate(all_checks()))
SEEDS = (1, 2, 20261123, 2**16 + 7, 3_000_000_019, 4_294_967_295)

# Checks whose inputs are names and flags only, answered by the contract's own table (torch's gains): they
# cannot vary, and a table of their answers is the implementation itself.
SAME_EVERY_SEED = {
    "calculate_gain('linear',)", "calculate_gain('sigmoid',)", "calculate_gain('tanh',)",
    "calculate_gain('relu',)", "calculate_gain('leaky_relu',)", "calculate_gain('leaky_relu', 0)",
    "calculate_gain('selu',)",
    # Its one input is the size at the edge it exists for: the answer at T = 1 is [[True]], nothing to look up.
    "causal_mask(1)",
}


def planned(check, index, seed):
    return check.calls(np.random.default_rng([seed, index]), f"c{index}")


def fingerprint(calls):
    return hashlib.sha256("".join(call_digest(call) for call in calls).encode()).hexdigest()


@pytest.mark.parametrize("index, check", CHECKS, ids=[f"{i}:{c.function}" for i, c in CHECKS])
def test_no_full_input_repeats_between_seeds(index, check):
    if check.name in SAME_EVERY_SEED:
        return
    prints = [fingerprint(planned(check, index, seed)) for seed in SEEDS]
    assert len(set(prints)) == len(SEEDS), f"{check.name}: the same input under two seeds"


def test_the_exemptions_are_still_checks():
    names = {check.name for check in all_checks()}
    assert SAME_EVERY_SEED <= names


def test_fresh_seeds_never_publish_the_public_inputs():
    assert all(draw_seed() >= 2**16 for _ in range(1000))


REGIMES = [(i, c) for i, c in CHECKS if c.regime is not None]


@pytest.mark.parametrize("index, check", REGIMES, ids=[f"{i}:{c.name[:50]}" for i, c in REGIMES])
def test_every_seed_hits_the_regime_of_the_check(index, check):
    for seed in range(40):
        main = planned(check, index, seed)[-1]
        assert check.regime(main.args, main.kwargs), f"seed {seed} misses the regime of {check.name}"


def test_the_edge_regimes_are_declared():
    """The kink, the +-1e4 stability, the exact 0 and 1 probabilities, identical arrays and the floor."""
    declared = " | ".join(c.name for c in all_checks() if c.regime is not None)
    for words in ("relu'(0) = 0", "leaky_relu_derivative at the kink", "elu_derivative at the kink",
                  "sigmoid stays finite", "tanh stays finite", "elu stays finite", "softmax stays finite",
                  "sigmoid_derivative at z = +-1e4", "p exactly 0 and 1", "softmax_cross_entropy with logits",
                  "softmax_cross_entropy_grad with logits", "identical arrays", "only the 1e-8 floor decides"):
        assert words in declared, words


@pytest.mark.parametrize("index, check", CHECKS, ids=[f"{i}:{c.function}" for i, c in CHECKS])
def test_a_check_is_advisory_exactly_when_its_input_is_degenerate(index, check):
    """Zero-size arrays and empty lists cost no points (the contract's "What costs points")."""
    degenerate_inputs = {degenerate([call.args, call.kwargs]) for seed in SEEDS[:3]
                         for call in planned(check, index, seed)}
    assert degenerate_inputs == {bool(check.advisory)}, check.name


TABLE_LOOKUP = '''
import hashlib

import numpy as np

TABLE = {table!r}


def _look(name, z):
    z = np.ascontiguousarray(z, dtype=np.float64)
    key = name + str(z.shape) + hashlib.sha256(z.tobytes()).hexdigest()
    if key not in TABLE:
        raise ValueError("not in the table")
    shape, flat = TABLE[key]
    return np.array(flat, dtype=np.float64).reshape(shape)


def _make(name):
    return lambda z, *args, **kwargs: _look(name, z)


for _name in {functions!r}:
    globals()[_name] = _make(_name)
'''


def test_a_table_of_the_published_answers_scores_nothing_at_another_seed(tmp_path):
    """Issue 20: a submission with no implementation, only the answers a student edition publishes (its public
    seed's inputs and the reference's outputs), scores at that seed and nothing at a grading seed."""
    from autograder.grade import grade, selected_checks
    from autograder.public import DEFAULT_PUBLIC_SEED
    from autograder.reference import default_reference
    from mutants import write_solutions

    reference, table = default_reference(), {}
    for index, check in selected_checks(("activations",)):
        calls = planned(check, index, DEFAULT_PUBLIC_SEED)
        answer = reference.run(calls)[calls[-1].id]
        z = np.ascontiguousarray(calls[-1].args[0], dtype=np.float64)
        table[check.target + str(z.shape) + hashlib.sha256(z.tobytes()).hexdigest()] = (
            answer.shape, [float(v) for v in answer.ravel()])
    functions = sorted({check.target for _, check in selected_checks(("activations",))})
    source = TABLE_LOOKUP.format(table=table, functions=functions)
    folder = write_solutions(tmp_path / "table", {"activations.py": source})
    published = grade(folder, seed=DEFAULT_PUBLIC_SEED, modules=("activations",))
    assert published.score == published.max_score  # the table holds every answer of the public seed ...
    graded = grade(folder, seed=20261207, modules=("activations",))
    assert graded.score == 0  # ... and none of any other
