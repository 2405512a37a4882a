"""Grade a class: every folder and .zip directly inside DIR, in parallel, into one CSV.

Rows are appended and flushed as each submission finishes, so an interrupted
run loses nothing: a re-run skips the submissions already in the CSV. When the
batch ends (or is interrupted) the CSV is rewritten sorted by submission name,
atomically. A submission that cannot be graded still gets its row, with score 0
and why; so does every module that scores 0.
"""
import csv
import os
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from tqdm import tqdm

from autograder import assignment, gradebook, report
from autograder.mistakes import MODULES
from autograder.sandbox import runner
from autograder.sandbox.runner import Limits, become_subreaper
from autograder.selection import lone_zip
from autograder.submission import UsageError

STOP_GRACE_SECONDS = 1.0  # how long an interrupted grading process gets to kill its sandboxes itself


class Interrupted(Exception):
    """Ctrl-C: the finished rows are saved; the message says how far the batch got."""


def submissions_in(folder):
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    return sorted(p for p in folder.iterdir()
                  if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() == ".zip"))


CLONE_DEPTH = 3  # how deep under a submission an exercises/ folder is looked for


def exercises_in(path):
    """The folder or zip to grade in one submission. A folder holding exercise files is graded as it is; in
    a clone of the course repository (GitHub Classroom's tools download each student's repository into one
    folder) the work is in exercises/, at the clone's root or deeper; a folder holding one zip and no Python
    file (as an LMS download often is) is that zip, as `autograder check` and Gradescope take it. A zip is
    read by grade(), within submission.py's limits (size, entries, paths)."""
    path = Path(path)
    if not path.is_dir() or path.is_symlink() or any((path / f"{m}.py").is_file() for m in MODULES):
        return path
    level = [path]
    for _ in range(CLONE_DEPTH):
        for folder in level:
            found = folder / "exercises"
            if found.is_dir() and not found.is_symlink():
                return found
        level = sorted(child for folder in level for child in _subfolders(folder))
    return lone_zip(path) or path


def _subfolders(folder):
    try:
        return [p for p in folder.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")]
    except OSError:
        return []


def read_rows(out, header):
    """{submission: row} of an earlier run's CSV at `out` (empty if none); rows cut short by a crash are dropped."""
    if not Path(out).exists() or Path(out).stat().st_size == 0:
        return {}
    with open(out, newline="", encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    if not lines or lines[0][: len(header)] != header:
        raise UsageError(f"{out} holds grades in other columns (another --modules, or an older grader): "
                         f"choose another --out")
    return {row[0]: row[: len(header)] for row in lines[1:] if len(row) >= len(header)}


def rewrite(out, header, rows, students=None):
    """Write the whole CSV atomically, sorted by submission; with a roster, its columns come last."""
    temporary = Path(f"{out}.tmp-{os.getpid()}")
    matched = gradebook.match(students, rows)[0] if students is not None else None
    with open(temporary, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header + (gradebook.ROSTER_COLUMNS if matched is not None else []))
        for name in sorted(rows):
            extra = gradebook.roster_cells(matched.get(name)) if matched is not None else []
            writer.writerow(rows[name] + extra)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(out)


def grade_one(path, options):
    """One CSV row; runs in a pool process, which never runs submission code itself."""
    from autograder.grade import grade

    modules, points, grade_options = options["modules"], options["points"], options["grade"]
    try:
        graded = grade(exercises_in(path), parallel=1, modules=modules, keep_warm=True, **grade_options)
        return report.csv_row(path.name, assignment.weigh_report(graded, points), modules)
    except Exception as error:  # noqa: BLE001 - one submission must never stop the class
        return report.csv_failed_row(path.name, f"could not be graded: {type(error).__name__}: {error}",
                                     options["maxima"])


def _pool_process_init():
    """In each grading process: Ctrl-C is the batch's to handle; SIGTERM means "kill your sandboxes, now"."""
    from multiprocessing.util import Finalize

    from autograder.grade import drop_standby

    become_subreaper()
    # A pool process ends with os._exit, past atexit: the sandbox kept for its next submission goes here.
    Finalize(None, drop_standby, exitpriority=10)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_now)


def _stop_now(signum, frame):
    from autograder.grade import drop_standby

    try:
        drop_standby(in_use=True)  # their scratch folders too: os._exit below skips every clean-up
    except Exception:  # noqa: BLE001 - stopping matters more than tidying
        pass
    runner.kill_strays()  # the zygotes and every process a submission started: we are their subreaper
    os._exit(128 + signum)


def _stop_pool_processes():
    """Ask every grading process to clean up and exit; kill whatever is left after a short grace."""
    me = os.getpid()
    for pid in runner.children_of(me):
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    while runner.children_of(me) and time.monotonic() < deadline:
        time.sleep(0.02)
    for pid in runner.children_of(me):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _grade_alone(path, options):
    pool = ProcessPoolExecutor(max_workers=1, initializer=_pool_process_init)
    try:
        return pool.submit(grade_one, path, options).result()
    except BrokenProcessPool:
        return report.csv_failed_row(path.name, "could not be graded: the grading process was killed "
                                                "(by the submission?)", options["maxima"])
    except KeyboardInterrupt:
        _stop_pool_processes()
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _load_grading_code():
    """Import the grading code and load the reference here, once: the pool processes are forked from
    this one and start with it loaded, instead of each compiling and loading it again."""
    from autograder import stats
    from autograder.checks import all_checks
    from autograder.grade import grade  # noqa: F401
    from autograder.reference import default_reference

    all_checks()
    default_reference()
    stats.normal_cdf(0.0)


def _grade_all(todo, record, jobs, options):
    _load_grading_code()
    breaks = {}  # submission -> how many pools broke while it was waiting or being graded
    while todo:
        # A grading process can be killed (a submission may signal processes of its own user).
        # Whatever was pending through two such breaks is graded alone, in a pool of its own:
        # the culprit gets a row with 0 and the reason, the others their real grades.
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=_pool_process_init)
        futures = {}
        try:
            for path in [p for p in todo if breaks.get(p, 0) >= 2]:
                record(_grade_alone(path, options))
                todo.remove(path)
            futures = {pool.submit(grade_one, path, options): path for path in todo}
            for future in as_completed(futures):
                record(future.result())
                todo.remove(futures[future])
        except BrokenProcessPool:
            for path in todo:
                breaks[path] = breaks.get(path, 0) + 1
        except KeyboardInterrupt:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
            for future, path in futures.items():  # rows that finished while we were told to stop
                if path in todo and future.done() and not future.cancelled() and future.exception() is None:
                    record(future.result())
                    todo.remove(path)
            _stop_pool_processes()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)


def run_batch(folder, out, jobs=1, limits=Limits(), user=None, modules=MODULES, points=None, roster=None,
              export=(), regrade=(), **grade_options):
    """Grade the class in `folder` into the CSV `out`; returns the exit status (raises Interrupted on Ctrl-C)."""
    everyone = submissions_in(folder)
    if Path(out).is_dir() or not Path(out).resolve().parent.is_dir():
        raise UsageError(f"--out {out}: not a file in an existing folder")
    names = [p.name for p in everyone]
    unknown = [name for name in regrade if name not in names]
    if unknown:
        raise UsageError(f"--regrade: no submission named {', '.join(unknown)} in {folder}")
    students = gradebook.load_roster(roster) if roster else None
    export = (export,) if isinstance(export, str) else tuple(export or ())
    if export and students is None:
        raise UsageError(f"--format {','.join(export)} needs --roster, to name each submission's student")
    points = points or {}
    header = report.csv_header(modules)
    rows = {name: row for name, row in read_rows(out, header).items() if name not in regrade}
    already = len(set(rows) & set(names))
    rewrite(out, header, rows, students)  # drops replaced rows and any half-written line before appending
    options = {"modules": modules, "points": points, "maxima": assignment.module_maxima(modules, points),
               "grade": {"limits": limits, "user": user, **grade_options}}
    todo = [p for p in everyone if p.name not in rows]
    with open(out, "a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        bar = tqdm(total=len(everyone), initial=len(everyone) - len(todo), unit="submission",
                   disable=None, file=sys.stderr)

        def record(row):
            writer.writerow(row)
            handle.flush()
            os.fsync(handle.fileno())
            rows[row[0]] = row
            bar.update()

        try:
            _grade_all(todo, record, jobs, options)
        except KeyboardInterrupt:
            bar.close()
            rewrite(out, header, rows, students)
            graded = len(set(rows) & set(names))
            raise Interrupted(f"interrupted: {graded} of {len(names)} graded; run the same command to resume") \
                from None
        bar.close()
    rewrite(out, header, rows, students)
    print(f"graded {len(names) - already} submissions ({already} already in {out}) -> {out}")
    if students is not None:
        _roster_summary(students, names)
    for kind in export:
        exported = gradebook.write_export(kind, [dict(zip(header, rows[n])) for n in sorted(rows) if n in names],
                                          students, Path(out).with_suffix(f".{kind}.csv"), Path(out).stem,
                                          report._points(sum(options["maxima"].values())))
        print(f"{kind} gradebook import file -> {exported}")
    return 0


def _roster_summary(students, names, shown=10):
    _, unmatched, absent = gradebook.match(students, names)

    def listed(items):
        return ", ".join(items[:shown]) + (f" and {len(items) - shown} more" if len(items) > shown else "")

    if unmatched:
        print(f"roster: {len(unmatched)} submission(s) match no student: {listed(unmatched)}")
    if absent:
        print(f"roster: {len(absent)} student(s) have no submission: "
              f"{listed([s.name or s.student_id or s.submission for s in absent])}")
    if not unmatched and not absent:
        print(f"roster: every submission matches one of the {len(students)} students")
