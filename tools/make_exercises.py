"""Write the student stubs in exercises/ from the reference code in solutions/.

The solutions are the single source: a stub keeps each public function's
signature and teaching docstring and replaces the body by a NotImplementedError,
so the two can never drift. Private helpers (leading underscore) are dropped,
since they would give the answer away.

    python tools/make_exercises.py          # rewrite exercises/
    python tools/make_exercises.py --check  # exit 1 if exercises/ is out of date
"""
import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"

HEADER = "# Your exercise: replace each `raise NotImplementedError` by an implementation.\n"


def stub_source(solution_source: str) -> str:
    """The stub module for one solution module's source text."""
    tree = ast.parse(solution_source)
    lines = solution_source.splitlines()
    parts = [HEADER]
    for node in tree.body:
        segment = "\n".join(lines[node.lineno - 1 : node.end_lineno])
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):  # module docstring
            parts.append(segment + "\n")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            parts.append(segment)
        elif isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            docstring_end = node.body[0].end_lineno
            head = "\n".join(lines[node.lineno - 1 : docstring_end])
            parts.append(f"\n\n{head}\n    raise NotImplementedError(\"{node.name}\")")
    return "\n".join(parts).replace("\n\n\n\n\n", "\n\n\n") + "\n"


def expected_stubs() -> dict[str, str]:
    return {path.name: stub_source(path.read_text()) for path in sorted(SOLUTIONS.glob("*.py"))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale stubs")
    args = parser.parse_args(argv)
    stale = []
    for name, text in expected_stubs().items():
        target = EXERCISES / name
        if target.exists() and target.read_text() == text:
            continue
        stale.append(name)
        if not args.check:
            target.write_text(text)
    if args.check and stale:
        print(f"exercises/ out of date for: {', '.join(stale)} (run: python tools/make_exercises.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
