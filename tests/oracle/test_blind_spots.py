"""The oracle cases reject the mutants that once kept full marks in the grader (issue 15).

Each name is a single-point mutant of solutions/ built by tools/mutation/mutator.py:
the wrong variants that the small-norm, tiny-gradient, floor and empty-input cases
exist to reject. The grader's own checks are held to the same mutants by `make mutation`.
"""
import sys
import types
from pathlib import Path

import pytest

from oracle_cases import CASES
from oracle_kit import verify

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools" / "mutation"))
from mutator import mutants_of  # noqa: E402

BLIND_SPOTS = [
    "clipping.clip_by_norm: norm + 1e-06 -> norm + 0.0",
    "clipping.clip_by_norm: norm + 1e-06 -> norm + 2e-06",
    "clipping.clip_by_global_norm: ([], 0.0) -> ([], 1.0)",
    "clipping.clip_by_global_norm: total_norm + 1e-06 -> total_norm - 1e-06",
    "clipping.clip_by_global_norm: total_norm + 1e-06 -> total_norm + 0.0",
    "clipping.clip_by_global_norm: total_norm + 1e-06 -> total_norm + 2e-06",
    "clipping.clip_by_global_norm: float(np.max(np.abs(g))) if g.size else 0.0 -> "
    "float(np.max(np.abs(g))) if g.size else 1.0",
    "gradcheck.relative_error: a.size == 0 -> a.size == 1",
    "gradcheck.relative_error: return 0.0 -> return 1.0",
    "gradcheck.relative_error: np.maximum(1e-08, np.abs(a) + np.abs(b)) -> np.maximum(2e-08, np.abs(a) + np.abs(b))",
    "optimizers.adam_step: np.sqrt(v_hat) + eps -> np.sqrt(v_hat) - eps",
    "optimizers.adamw_step: np.sqrt(v_hat) + eps -> np.sqrt(v_hat) - eps",
]


def mutant_module(name):
    """The mutant's module, executed from its source in a fresh namespace (these modules import only NumPy)."""
    module = name.split(".")[0]
    found = {m.name: m for m in mutants_of(module, (ROOT / "solutions" / f"{module}.py").read_text())}
    assert name in found, f"no such mutant (has solutions/{module}.py changed?): {name}"
    namespace = {"__name__": module}
    exec(compile(found[name].source, f"<mutant of {module}>", "exec"), namespace)  # noqa: S102 - our own reference
    return types.SimpleNamespace(**namespace)


@pytest.mark.parametrize("name", BLIND_SPOTS)
def test_an_oracle_case_rejects_the_mutant(solution_modules, name):
    function = name.split(":")[0]
    modules = {**solution_modules, function.split(".")[0]: mutant_module(name)}
    failures = []
    for case in (c for c in CASES if c.function == function):
        try:
            verify(modules, case)
        except AssertionError as error:
            failures.append(str(error))
    assert failures, f"no oracle case of {function} rejects the mutant {name!r}"


def test_the_unmutated_source_passes(solution_modules):
    """The harness itself: the same exec of an unchanged module agrees with every case."""
    namespace = {"__name__": "clipping"}
    exec(compile((ROOT / "solutions" / "clipping.py").read_text(), "<clipping>", "exec"), namespace)  # noqa: S102
    modules = {**solution_modules, "clipping": types.SimpleNamespace(**namespace)}
    for case in (c for c in CASES if c.function.startswith("clipping.")):
        verify(modules, case)
