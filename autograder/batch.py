"""Grade a class: every folder and .zip directly inside DIR, in parallel, into one CSV.

Rows are appended and flushed as each submission finishes, so an interrupted
run loses nothing: a re-run skips the submissions already in the CSV. A
submission that cannot be graded still gets its row, with score 0 and why.
"""
import csv
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from tqdm import tqdm

from autograder import report
from autograder.mistakes import MODULES
from autograder.sandbox.runner import Limits, become_subreaper
from autograder.submission import UsageError


def submissions_in(folder):
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    return sorted(p for p in folder.iterdir()
                  if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() == ".zip"))


def already_graded(out):
    if not Path(out).exists():
        return set()
    with open(out, newline="") as handle:
        return {row[0] for row in csv.reader(handle) if row and row[0] != "submission"}


def grade_one(path, limits, user):
    """One CSV row; runs in a pool process, which never runs submission code itself."""
    from autograder.grade import grade

    try:
        return report.csv_row(path.name, grade(path, limits=limits, user=user, parallel=1))
    except Exception as error:  # noqa: BLE001 - one submission must never stop the class
        return _failed_row(path.name, f"could not be graded: {type(error).__name__}: {error}")


def _grade_alone(path, limits, user):
    try:
        with ProcessPoolExecutor(max_workers=1, initializer=become_subreaper) as pool:
            return pool.submit(grade_one, path, limits, user).result()
    except BrokenProcessPool:
        return _failed_row(path.name, "could not be graded: the grading process was killed (by the submission?)")


def _failed_row(name, reason):
    return [name, "0", "", *([""] * len(MODULES)), reason]


def _write(writer, handle, row):
    writer.writerow(row)
    handle.flush()
    os.fsync(handle.fileno())


def run_batch(folder, out, jobs=1, limits=Limits(), user=None):
    todo_all = submissions_in(folder)
    done = already_graded(out)
    todo = [p for p in todo_all if p.name not in done]
    new_file = not Path(out).exists() or Path(out).stat().st_size == 0
    with open(out, "a", newline="") as handle:
        writer = csv.writer(handle)
        if new_file:
            writer.writerow(report.CSV_HEADER)
        bar = tqdm(total=len(todo_all), initial=len(todo_all) - len(todo), unit="submission",
                   disable=None, file=sys.stderr)
        breaks = {}  # submission -> how many pools broke while it was waiting or being graded
        while todo:
            # A grading process can be killed (a submission may signal processes of its own user).
            # Whatever was pending through two such breaks is graded alone, in a pool of its own:
            # the culprit gets a row with 0 and the reason, the others their real grades.
            for path in [p for p in todo if breaks.get(p, 0) >= 2]:
                _write(writer, handle, _grade_alone(path, limits, user))
                todo.remove(path)
                bar.update()
            try:
                with ProcessPoolExecutor(max_workers=jobs, initializer=become_subreaper) as pool:
                    futures = {pool.submit(grade_one, path, limits, user): path for path in todo}
                    for future in as_completed(futures):
                        _write(writer, handle, future.result())
                        todo.remove(futures[future])
                        bar.update()
            except BrokenProcessPool:
                for path in todo:
                    breaks[path] = breaks.get(path, 0) + 1
        bar.close()
    print(f"graded {len(todo_all) - len(done & {p.name for p in todo_all})} submissions"
          f" ({len(done & {p.name for p in todo_all})} already in {out}) -> {out}")
    return 0
