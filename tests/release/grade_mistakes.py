"""Run INSIDE a student edition, by its own interpreter: grade each folder of a plan and say which
known mistakes the feedback named, per function. Prints JSON. Imports nothing but the edition."""
import json
import sys

from autograder.grade import grade

plan = json.loads(open(sys.argv[1]).read())  # {folder: [modules]}
found = {}
for folder, modules in plan.items():
    report = grade(folder, modules=tuple(modules), parallel=2)
    named = {}
    for outcome in report.outcomes:
        if not outcome.verdict.passed:
            seen = [outcome.verdict.mistake, *(getattr(outcome.verdict, "candidates", None) or [])]
            named.setdefault(outcome.check.function, []).extend(m.name for m in seen if m is not None)
    found[folder] = {"named": named, "public": report.public, "file": __import__("autograder").__file__}
print(json.dumps(found))
