"""The student edition, for `make bench`: how long `make release` takes, and how long a local grade
takes inside the edition (the public check), against the bound of the full grader: at most 8 times
`python -c "import numpy"` on the same machine.

The edition's grade is run as a student runs it, from the edition's folder with its own `autograder`
package (python -m autograder from there), on a copy of the reference solutions; never against this
repository's grader.
"""
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _wall(command, cwd):
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
    return time.perf_counter() - started


def rows(repeats=5):
    with tempfile.TemporaryDirectory() as scratch:
        edition = Path(scratch) / "student-edition"
        make = ["make", "--no-print-directory", "release", f"RELEASE_DIR={edition}"]
        release = statistics.median(_wall(make, ROOT) for _ in range(3))
        shutil.copytree(ROOT / "solutions", Path(scratch) / "reference-copy")
        grade = [sys.executable, "-m", "autograder", "check", "../reference-copy"]
        _wall(grade, edition)  # once to warm the page cache and write the edition's bytecode, as a student's first run
        graded = statistics.median(_wall(grade, edition) for _ in range(repeats))
        numpy = statistics.median(_wall([sys.executable, "-c", "import numpy"], edition) for _ in range(repeats))
    return [
        ("make release, student edition (s, median of 3)", f"{release:.2f}", "<= 30"),
        (f"student edition: autograder check, public check (s, median of {repeats})", f"{graded:.2f}", ""),
        ("  that, over python -c 'import numpy'", f"{graded / numpy:.1f}x", "<= 8x"),
    ]


if __name__ == "__main__":
    for row in rows():
        print("  ".join(row))
