"""Mutation test of the grader: does every single-point change of the reference lose marks?

    python tools/mutation/run.py [--jobs 2] [--seed N] [--sample K] [--modules m1,m2] [--list]

Each mutant (tools/mutation/mutator.py) is a copy of solutions/ with one change
in one module. It is graded through the public API, autograder.grade.grade, in
the sandbox, on its module and on the modules that import it; it is KILLED when
it loses any point there. A mutant that keeps full marks SURVIVES. Survivors
listed in tools/mutation/equivalent.txt, each with the argument why it cannot
change any result on the contract's domain, are EQUIVALENT and excluded from
the score; any other survivor is a blind spot of the checks.

Exit status 0 when every mutant is killed or listed as equivalent; 1 when a
survivor is not listed, or when the list names a mutant that no longer exists
or that the checks kill (the list must stay true); 2 for a bad argument.

--sample K grades a deterministic sample: every K-th mutant in file order, a
fraction 1/K of them (the equivalents list is then checked only on the sample).
"""
import argparse
import ast
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from mutator import mutants_of  # noqa: E402

from autograder.mistakes import MODULES  # noqa: E402

SOLUTIONS = ROOT / "solutions"
EQUIVALENTS = HERE / "equivalent.txt"
SEED = 20261123


def read_equivalents(path=EQUIVALENTS):
    """{mutant name: reason} from the file: entries `name` then an indented `because: reason` line."""
    entries, name = {}, None
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if not line[0].isspace():
            if name is not None:
                raise ValueError(f"{path.name}:{number}: the entry above has no 'because:' line")
            name = line.strip()
        elif line.strip().startswith("because:") and name is not None:
            reason = line.strip()[len("because:"):].strip()
            if not reason:
                raise ValueError(f"{path.name}:{number}: an empty reason for {name!r}")
            if name in entries:
                raise ValueError(f"{path.name}:{number}: {name!r} is listed twice")
            entries[name], name = reason, None
        else:
            raise ValueError(f"{path.name}:{number}: expected 'because: <reason>' under {name!r}")
    if name is not None:
        raise ValueError(f"{path.name}: the last entry has no 'because:' line")
    return entries


def importers():
    """{module: the modules that grade it too}: itself and every solution module that imports it."""
    graded = {module: [module] for module in MODULES}
    for module in MODULES:
        for node in ast.walk(ast.parse((SOLUTIONS / f"{module}.py").read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                if name in graded and module not in graded[name]:
                    graded[name].append(module)
    # Imports are transitive: a module importing layers also exercises activations.
    changed = True
    while changed:
        changed = False
        for module, users in graded.items():
            for user in list(users):
                for further in graded[user]:
                    if further not in users:
                        users.append(further)
                        changed = True
    return graded


def all_mutants(modules=MODULES):
    return [m for module in modules for m in mutants_of(module, (SOLUTIONS / f"{module}.py").read_text())]


def grade_mutant(job):
    """(name, lost points or None, problem): graded in a scratch copy of solutions/ with the one module mutated."""
    name, module, source, graded, seed = job
    from autograder.grade import grade

    with tempfile.TemporaryDirectory(prefix="mutant-") as folder:
        for original in SOLUTIONS.glob("*.py"):
            text = source if original.stem == module else original.read_text()
            Path(folder, original.name).write_text(text)
        try:
            report = grade(folder, seed=seed, modules=tuple(graded), parallel=1)
        except Exception as error:  # noqa: BLE001 - a grading failure is reported, never taken for a kill
            return name, None, f"{type(error).__name__}: {error}"
    failed = [o.check.name for o in report.outcomes if not o.verdict.passed]
    return name, len(failed), failed[0] if failed else ""


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Mutation test of the autograder's checks.")
    parser.add_argument("--jobs", type=int, default=2, help="mutants graded at once (default 2)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"the grading seed (default {SEED})")
    parser.add_argument("--sample", type=int, default=1, metavar="K", help="grade every K-th mutant only (default 1: all)")
    parser.add_argument("--modules", default=",".join(MODULES), help="comma-separated modules (default: all)")
    parser.add_argument("--equivalents", type=Path, default=EQUIVALENTS, metavar="FILE",
                        help=f"the argued equivalent mutants (default {EQUIVALENTS.relative_to(ROOT)})")
    parser.add_argument("--list", action="store_true", help="print the mutants' names and exit")
    args = parser.parse_args(argv)
    args.modules = [m.strip() for m in args.modules.split(",") if m.strip()]
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module {unknown[0]!r}; choose from {', '.join(MODULES)}")
    if args.jobs < 1 or args.sample < 1:
        parser.error("--jobs and --sample must be at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        equivalents = read_equivalents(args.equivalents)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    mutants = all_mutants(args.modules)
    if args.list:
        for mutant in mutants:
            print(f"{mutant.name}    [solutions/{mutant.module}.py:{mutant.line}]")
        return 0
    names = [m.name for m in mutants]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        print(f"error: two mutants share the name {sorted(duplicates)[0]!r}", file=sys.stderr)
        return 2
    mutants = mutants[::args.sample]
    graded = importers()
    jobs = [(m.name, m.module, m.source, graded[m.module], args.seed) for m in mutants]
    by_name = {m.name: m for m in mutants}
    print(f"{len(mutants)} mutants of {len(args.modules)} modules"
          + (f" (a sample: 1 in {args.sample})" if args.sample > 1 else "")
          + f", graded at seed {args.seed} with {args.jobs} jobs", flush=True)

    from tqdm import tqdm

    started = time.perf_counter()
    results = {}
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for name, lost, note in tqdm(pool.map(grade_mutant, jobs, chunksize=4), total=len(jobs), desc="mutants",
                                     unit="mutant", file=sys.stderr, mininterval=1.0, dynamic_ncols=True):
            results[name] = (lost, note)
    seconds = time.perf_counter() - started

    errors = {n: note for n, (lost, note) in results.items() if lost is None}
    survivors = [n for n, (lost, _) in results.items() if lost == 0]
    unlisted = [n for n in survivors if n not in equivalents]
    killed_but_listed = [n for n, (lost, _) in results.items() if lost and n in equivalents]
    stale = [n for n in equivalents if n.split(".")[0] in args.modules and n not in names]

    print(f"\n{'module':<16}{'mutants':>8}{'killed':>8}{'equiv.':>8}{'survived':>9}{'score':>9}")
    totals = [0, 0, 0, 0]
    for module in args.modules:
        own = [n for n in results if by_name[n].module == module]
        killed = sum(1 for n in own if results[n][0])
        equivalent = sum(1 for n in own if results[n][0] == 0 and n in equivalents)
        survived = sum(1 for n in own if results[n][0] == 0 and n not in equivalents)
        row = [len(own), killed, equivalent, survived]
        totals = [a + b for a, b in zip(totals, row)]
        print(f"{module:<16}{row[0]:>8}{row[1]:>8}{row[2]:>8}{row[3]:>9}{_score(row):>9}")
    print(f"{'all':<16}{totals[0]:>8}{totals[1]:>8}{totals[2]:>8}{totals[3]:>9}{_score(totals):>9}")
    print(f"score = killed / (mutants - equivalent); {seconds:.0f} s wall clock")

    for title, items in (("Survivors not listed as equivalent (blind spots of the checks)", unlisted),
                         ("Listed as equivalent but killed (remove them from equivalent.txt)", killed_but_listed),
                         ("Listed as equivalent but no longer a mutant (remove or rename)", stale),
                         ("Could not be graded", list(errors))):
        if items:
            print(f"\n{title}:")
            for name in items:
                where = f"  [solutions/{by_name[name].module}.py:{by_name[name].line}]" if name in by_name else ""
                print(f"  {name}{where}" + (f"\n      {errors[name]}" if name in errors else ""))
    listed_survivors = [n for n in survivors if n in equivalents]
    if listed_survivors:
        shown = args.equivalents.resolve()
        shown = shown.relative_to(ROOT) if shown.is_relative_to(ROOT) else shown
        print(f"\n{len(listed_survivors)} equivalent survivors, argued in {shown}.")
    return 1 if unlisted or killed_but_listed or stale or errors else 0


def _score(row):
    total, killed, equivalent, _ = row
    return f"{100.0 * killed / (total - equivalent):.1f}%" if total > equivalent else "-"


if __name__ == "__main__":
    sys.exit(main())
