"""tools/mutation: the mutants it makes, its list of equivalent mutants, and its verdict on two real mutants.

The whole run is `make mutation` (minutes); these tests take seconds.
"""
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools" / "mutation"))
from mutator import constant_variants, mutants_of  # noqa: E402

# run.py under a name of its own: a bare `run` could be any other test helper on sys.path.
_spec = importlib.util.spec_from_file_location("mutation_run", ROOT / "tools" / "mutation" / "run.py")
run = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run)

SOURCE = '''
def f(x, k=2):
    """Docstring 1 + 2 stays."""
    y = x * 3 + 1
    y += 1
    if y > 0:
        return y
    return f"text {1 + 1}" + "s"
'''


def test_the_three_kinds_of_change_and_nothing_else():
    names = [m.name for m in mutants_of("demo", SOURCE)]
    assert sorted(names) == sorted([
        "demo.f: x * 3 + 1 -> x * 3 - 1",
        "demo.f: y += 1 -> y -= 1",
        "demo.f: y > 0 -> y >= 0",
        "demo.f: x * 3 -> x / 3",
        "demo.f: x * 3 -> x * 4",
        "demo.f: x * 3 -> x * 0",
        "demo.f: x * 3 -> x * 6",
        "demo.f: x * 3 + 1 -> x * 3 + 2",
        "demo.f: x * 3 + 1 -> x * 3 + 0",
        "demo.f: y += 1 -> y += 2",
        "demo.f: y += 1 -> y += 0",
        "demo.f: y > 0 -> y > 1",
    ])  # the default k=2, the docstring, the f-string and the string concatenation are left alone


def test_each_mutant_is_the_source_with_one_change():
    for mutant in mutants_of("demo", SOURCE):
        namespace = {}
        exec(compile(mutant.source, "<mutant>", "exec"), namespace)  # noqa: S102 - our own test source
        assert callable(namespace["f"])
    assert constant_variants(0) == [1] and constant_variants(1.0) == [2.0, 0.0] and constant_variants(3) == [4, 0, 6]


def test_repeated_changes_in_one_function_are_numbered():
    names = [m.name for m in mutants_of("demo", "def g(a):\n    return (a + 1) * (a + 1)\n")]
    assert "demo.g: a + 1 -> a - 1" in names and "demo.g: a + 1 -> a - 1 #2" in names
    assert len(names) == len(set(names))


def test_every_listed_equivalent_is_a_current_mutant_with_a_reason():
    equivalents = run.read_equivalents()
    names = {m.name for m in run.all_mutants()}
    assert equivalents, "the list is read"
    assert sorted(set(equivalents) - names) == []
    assert all(len(reason.split()) >= 8 for reason in equivalents.values()), "an argument, not a label"


@pytest.mark.parametrize("text, problem", [
    ("m: a -> b\n", "no 'because:' line"),
    ("m: a -> b\n    because:\n", "empty reason"),
    ("m: a -> b\n    because: x\nm: a -> b\n    because: y\n", "listed twice"),
    ("m: a -> b\n    reason: x\n", "expected 'because:"),
])
def test_a_malformed_list_is_refused_with_a_line_number(tmp_path, text, problem):
    path = tmp_path / "equivalent.txt"
    path.write_text(text)
    with pytest.raises(ValueError, match=problem):
        run.read_equivalents(path)


def test_a_blind_spot_mutant_is_killed_and_an_equivalent_one_survives():
    by_name = {m.name: m for m in run.all_mutants(("clipping", "activations"))}
    graded = run.importers()
    assert set(graded["activations"]) == {"activations", "layers", "rnn"}

    def lost(name):
        mutant = by_name[name]
        return run.grade_mutant((name, mutant.module, mutant.source, graded[mutant.module], run.SEED))[1]

    assert lost("clipping.clip_by_norm: norm + 1e-06 -> norm + 0.0") > 0
    assert lost("activations.sigmoid: z >= 0 -> z > 0") == 0
