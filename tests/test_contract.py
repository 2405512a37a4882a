"""The contract (docs/exercises/contract.md), the stubs and the solutions say the same thing.

The contract is the one source: every function it names exists in solutions/
with exactly its parameters and defaults, the stubs in exercises/ are what
tools/make_exercises.py generates from the solutions, and both folders are
plain submissions that import only NumPy, the standard library and each other.
"""
import ast
import inspect
import re
import sys
from pathlib import Path

import pytest

from autograder.mistakes import MODULES
from autograder.reference import load_modules

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = (ROOT / "docs" / "exercises" / "contract.md").read_text()
sys.path.insert(0, str(ROOT / "tools"))
import make_exercises  # noqa: E402


def contract_signatures():
    """{"module.function": "(params)"} for every function in the contract's module tables."""
    found = {}
    for section in re.split(r"^### `", CONTRACT, flags=re.M)[1:]:
        module = section.split(".py`", 1)[0]
        for cell in re.findall(r"^\| ([^|]+) \|", section, flags=re.M):
            for code in re.findall(r"`([^`]+)`", cell):
                for name, params in re.findall(r"^(\w+)(\([^)]*\))", code):
                    found[f"{module}.{name}"] = params
    return found


SIGNATURES = contract_signatures()
SOLUTIONS = load_modules(ROOT / "solutions")


def test_contract_names_every_core_module():
    assert {name.split(".")[0] for name in SIGNATURES} == set(MODULES)
    assert len(SIGNATURES) >= 30


@pytest.mark.parametrize("qualname", sorted(SIGNATURES))
def test_solution_signature_matches_contract(qualname):
    module, name = qualname.split(".")
    function = getattr(SOLUTIONS[module], name)
    declared = ast.parse(f"def f{SIGNATURES[qualname]}: pass").body[0].args
    names = [a.arg for a in declared.args]
    defaults = dict(zip(names[len(names) - len(declared.defaults):], map(ast.literal_eval, declared.defaults)))
    parameters = inspect.signature(function).parameters
    assert list(parameters) == names
    assert {k: p.default for k, p in parameters.items() if p.default is not p.empty} == defaults


def test_solutions_define_nothing_public_beyond_the_contract():
    public = {f"{m}.{n}" for m, mod in SOLUTIONS.items() for n, f in vars(mod).items()
              if inspect.isfunction(f) and not n.startswith("_") and f.__module__ == m}
    assert public == set(SIGNATURES)


def test_stubs_are_generated_from_the_solutions():
    for name, text in make_exercises.expected_stubs().items():
        assert (ROOT / "exercises" / name).read_text() == text, f"run: python tools/make_exercises.py ({name})"


def test_stub_signatures_and_docstrings_match_the_solutions():
    stubs = load_modules(ROOT / "exercises")
    for module, solution in SOLUTIONS.items():
        for name, function in vars(solution).items():
            if inspect.isfunction(function) and not name.startswith("_") and function.__module__ == module:
                stub = getattr(stubs[module], name)
                assert inspect.signature(stub) == inspect.signature(function)
                assert inspect.getdoc(stub) == inspect.getdoc(function)
                assert "Read: docs/" in inspect.getdoc(function) and "Pitfall" in inspect.getdoc(function)


@pytest.mark.parametrize("folder", ["solutions", "exercises"])
def test_submissions_import_only_numpy_the_standard_library_and_each_other(folder):
    allowed = {"numpy", *MODULES} | set(sys.stdlib_module_names)
    for path in (ROOT / folder).glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"
