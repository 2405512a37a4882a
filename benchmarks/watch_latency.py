"""`autograder watch`: seconds from saving a file to its regraded report, for `make bench`.

A watch process runs on a copy of the solutions; activations.py is saved five times (alternately
right and with relu'(0) = 1) and each save is timed until the watch prints its next report.
"""
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRONG = "\n\ndef relu_derivative(z):\n    return (np.asarray(z) >= 0).astype(np.float64)\n"


def _next_report(lines, limit=60.0):
    """Wait for the line that ends a report; the time it arrived."""
    deadline = time.perf_counter() + limit
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.perf_counter()))
        except queue.Empty:
            raise RuntimeError("autograder watch printed no report") from None
        if line is None:
            raise RuntimeError("autograder watch stopped")
        if line.startswith("watching "):
            return time.perf_counter()


def _read_into(stream, lines):
    for line in stream:
        lines.put(line)
    lines.put(None)


def latencies(saves=5):
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "work"
        shutil.copytree(ROOT / "solutions", folder)
        target = folder / "activations.py"
        right = target.read_text()
        process = subprocess.Popen([sys.executable, "-m", "autograder", "watch", str(folder), "--brief"], cwd=ROOT,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
        lines = queue.Queue()
        threading.Thread(target=_read_into, args=(process.stdout, lines), daemon=True).start()
        try:
            _next_report(lines)  # the first, full grading
            seconds = []
            for save in range(saves):
                time.sleep(0.5)
                target.write_text(right + WRONG if save % 2 == 0 else right)
                saved = time.perf_counter()
                seconds.append(_next_report(lines) - saved)
            return seconds
        finally:
            process.kill()
            process.wait()


def rows():
    seconds = latencies()
    return [("autograder watch, file saved -> report (s, median of 5)", f"{statistics.median(seconds):.2f}", "<= 1"),
            ("autograder watch, file saved -> report (s, worst of 5)", f"{max(seconds):.2f}", "")]


if __name__ == "__main__":
    for name, value, target in rows():
        print(f"{name}  {value}  {target}")
