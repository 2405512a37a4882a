"""`autograder watch`: regrade on every save, clearing the screen between runs.

The folder's .py files are polled (their size and modification time, every
POLL_SECONDS): no file-system events to install, and the same on every OS. A
save of one exercise file regrades only that module, with the same seed all
session long, and the report shows the other modules' latest results, so the
feedback arrives about as fast as one module grades. A change to any other .py
file (a helper the exercises import) regrades everything.
"""
import dataclasses
import os
import re
import sys
import time
from pathlib import Path

from autograder import public
from autograder.mistakes import MODULES

POLL_SECONDS = 0.1
CLEAR = "\033[H\033[2J\033[3J"  # home, clear the screen and the scroll-back


def snapshot(folder):
    """{file name: (modification time, size)} of the .py files the grader would read."""
    found = {}
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return found
    for entry in entries:
        if entry.name.endswith(".py"):
            try:
                info = entry.stat()
            except OSError:
                continue
            found[entry.name] = (info.st_mtime_ns, info.st_size)
    return found


def changed_modules(before, after, selected, folder=None):
    """The selected modules to regrade between two snapshots: those whose file changed, and those whose
    source imports a changed file (layers.py imports activations.py); all of them when a .py file that is
    no exercise module changed (a helper any module may use)."""
    names = {name for name in set(before) | set(after) if before.get(name) != after.get(name)}
    if any(name[:-3] not in MODULES for name in names):
        return tuple(selected)
    changed = {name[:-3] for name in names}
    sources = {m: _source(folder, m) for m in MODULES} if folder is not None else {}
    grown = True
    while grown:  # what imports a changed module changes too, transitively
        grown = False
        for module, text in sources.items():
            if module not in changed and any(re.search(rf"^\s*(?:import|from)\s+{m}\b", text, re.M) for m in changed):
                changed.add(module)
                grown = True
    return tuple(m for m in selected if m in changed)


def _source(folder, module):
    try:
        return (Path(folder) / f"{module}.py").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def merge(outcomes, order, latest):
    """One Report of the latest outcomes per module ({module: [Outcome]}), in contract order; the timing,
    seed and notes are those of the `latest` grading."""
    return dataclasses.replace(latest, outcomes=[o for module in order for o in outcomes.get(module, [])])


def watch(args, out=sys.stdout, rounds=None):
    """Grade, then regrade on every change until Ctrl-C. `rounds` (for tests) stops after that many gradings."""
    from autograder import report
    from autograder.grade import grade
    from autograder.sandbox.runner import Limits
    from autograder.selection import resolve

    selection = resolve(args.path, args.modules)
    seed = public.draw_seed() if args.seed is None else args.seed  # never a public seed (autograder/public.py)
    folder = Path(selection.path)
    if not folder.is_dir():
        from autograder.submission import UsageError

        raise UsageError(f"{folder} is not a folder: watch grades a folder or one exercise file")
    limits = Limits(call_seconds=args.timeout)
    color = out.isatty() and "NO_COLOR" not in os.environ
    reports, before, graded = {}, {}, 0
    try:
        while rounds is None or graded < rounds:
            now = snapshot(folder)
            todo = selection.modules if not reports else changed_modules(before, now, selection.modules, folder)
            before = now
            if not todo:
                time.sleep(POLL_SECONDS)
                continue
            started = time.perf_counter()
            latest = grade(str(folder), seed=seed, limits=limits, modules=todo, functions=selection.functions,
                           parallel=2, isolation_mode=getattr(args, "isolation", "auto"))
            for module in todo:
                reports[module] = [o for o in latest.outcomes if o.check.module == module]
            graded += 1
            text = report.text(merge(reports, selection.modules, latest), color=color, details=not args.brief,
                               replay=_replay(args))
            took = time.perf_counter() - started
            out.write((CLEAR if out.isatty() else "\n" + "=" * 40 + "\n") + text + "\n")
            out.write(f"\nwatching {folder} for changes ({', '.join(todo)} regraded in {took:.2f} s at "
                      f"{time.strftime('%H:%M:%S')}); Ctrl-C to stop\n")
            out.flush()
    except KeyboardInterrupt:
        out.write("\n")
    return 0


def _replay(args):
    words = ["autograder", "check"] + ([args.path] if args.path else []) + (["--only", args.modules] if args.modules else [])
    return " ".join(words)
