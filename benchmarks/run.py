"""`make bench`: the figures the issues set targets for, printed as a table.

    grading latency   autograder check solutions / exercises, wall clock, median of 5
    watch latency     autograder watch: a saved file -> its regraded report, median and worst of 5
    batch throughput  N copies of the solutions graded with --jobs 1 and --jobs 2
    student edition   make release, and autograder check inside the edition over python -c "import numpy"
    foreign styles    book and course styles (tests/foreign): correct ones with full marks, their bugs caught
    install           a fresh full .venv from locks/ (uv), as `make install` makes it
    site build        clean build with every notebook executed, a rebuild with nothing changed, the
                      built site's size and largest page, and make serve's first page and reloads
    accessibility     axe-core's serious and critical violations on every page of the built site,
                      both colour schemes, desktop and phone width (count per rule), and the audit's time

Run from the repository root: python benchmarks/run.py [--submissions N] [--skip-site] [--skip-install]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wall(command, **kwargs):
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, **kwargs)
    return time.perf_counter() - started


def busy_cores(command):
    """(seconds, mean number of cores busy) while `command` runs: the whole machine's CPU, from /proc/stat,
    so that the sandboxes' processes count too (Linux only; None elsewhere)."""
    def busy():
        try:
            fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        except (OSError, ValueError):
            return None
        return sum(fields) - fields[3] - fields[4]  # all but idle and iowait, in clock ticks

    before = busy()
    seconds = wall(command)
    after = busy()
    if before is None or after is None:
        return seconds, None
    return seconds, (after - before) / os.sysconf("SC_CLK_TCK") / seconds


def autograder(*args):
    return [sys.executable, "-m", "autograder", *map(str, args)]


def isolation_in_use(klass):
    """How the batches above isolated submissions, as the grader reports it."""
    results = Path(klass) / "isolation.json"
    subprocess.run(autograder("check", "solutions", "--json", results), check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return json.loads(results.read_text()).get("extra_data", {}).get("isolation", "not reported").split(":")[0]


def ctrl_c_to_exit(klass, attempt):
    """Seconds from SIGINT (to the process group, as a terminal sends it) to the batch's exit."""
    import signal

    folder = klass / f"attempt{attempt}"
    for name in ("loop1", "loop2"):
        (folder / name).mkdir(parents=True)
        (folder / name / "activations.py").write_text("while True:\n    pass\n")
    batch = subprocess.Popen(autograder("batch", folder, "--out", klass / f"ctrl-c-{attempt}.csv", "--jobs", 2,
                                        "--timeout", 60),
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(3)  # both submissions are being graded, stuck in their loops
    started = time.perf_counter()
    os.killpg(batch.pid, signal.SIGINT)
    batch.wait()
    return time.perf_counter() - started


def accessibility_rows():
    """site_tools/a11y_audit.py on a fresh strict build: violations per rule, and seconds taken."""
    sys.path.insert(0, str(ROOT / "site_tools"))
    import a11y_audit

    with tempfile.TemporaryDirectory() as out:
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", out], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        server, base_url = a11y_audit.serve(Path(out))
        paths = a11y_audit.sitemap_paths(Path(out))
        started = time.perf_counter()
        try:
            violations = a11y_audit.audit("/usr/bin/chromium", base_url, paths, workers=2)
        finally:
            server.shutdown()
        seconds = time.perf_counter() - started
    rows = [(f"axe-core serious+critical violations ({len(paths)} pages x 2 schemes x 2 widths, {seconds:.0f} s)",
             str(len(violations)), "0")]
    rows += [(f"  {rule}", str(n), "") for rule, n in a11y_audit.counts_per_rule(violations).items()]
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=100, help="class size for the batch figure")
    parser.add_argument("--skip-site", action="store_true", help="leave out the site build (it takes minutes)")
    parser.add_argument("--skip-install", action="store_true", help="leave out the fresh install (a minute or more)")
    args = parser.parse_args()
    rows = []

    for folder, target in (("solutions", 2.0), ("exercises", None)):  # all modules: <= 2 s
        times = [wall(autograder("check", folder)) for _ in range(5)]
        rows.append((f"autograder check {folder} (s, median of 5)", f"{statistics.median(times):.2f}",
                     f"<= {target}" if target else ""))

    import sandbox  # benchmarks/sandbox.py: the sandbox's latency ratio, peak memory and hostile end time

    rows += sandbox.rows()

    import watch_latency  # benchmarks/watch_latency.py: a saved file -> its regraded report in autograder watch

    rows += watch_latency.rows()

    import release_figures  # benchmarks/release_figures.py: make release, and a grade inside the student edition

    rows += release_figures.rows()

    import foreign_styles  # benchmarks/foreign_styles.py: book and course styles graded, their bugs caught

    rows += foreign_styles.rows()

    with tempfile.TemporaryDirectory() as klass:
        for i in range(args.submissions):
            shutil.copytree(ROOT / "solutions", Path(klass) / f"student{i:03d}")
        throughput = {}
        for jobs in (1, 2):
            out = Path(klass) / f"grades-{jobs}.csv"
            seconds, cores = busy_cores(autograder("batch", klass, "--out", out, "--jobs", jobs))
            throughput[jobs] = args.submissions / seconds
            rows.append((f"batch, {args.submissions} submissions, --jobs {jobs} (submissions/s)",
                         f"{throughput[jobs]:.1f}", ">= 3" if jobs == 2 else ""))
            if cores is not None:
                # One job keeps more than one core busy: its next sandbox starts while it judges.
                rows.append((f"  cores busy during it (of {os.cpu_count()})", f"{cores:.2f}", ""))
        rows.append(("batch speed-up, 2 jobs over 1", f"{throughput[2] / throughput[1]:.2f}x", ">= 1.7x"))
        rows.append((f"  (isolation of those batches: {isolation_in_use(klass)})", "", ""))

    with tempfile.TemporaryDirectory() as klass:
        seconds = [ctrl_c_to_exit(Path(klass), attempt) for attempt in range(3)]
        rows.append(("batch, Ctrl-C to exit, 2 infinite loops at --jobs 2 (s, worst of 3)", f"{max(seconds):.2f}",
                     "<= 2"))

    if not args.skip_install:
        import install  # benchmarks/install.py: make install into an empty folder, from locks/dev.txt

        rows.append(("fresh full .venv install from locks/dev.txt, uv with its cache as it is (s)",
                     f"{install.fresh_install_seconds():.0f}", ""))

    if not args.skip_site:
        with tempfile.TemporaryDirectory() as scratch:
            figures = Path(scratch) / "site.json"
            subprocess.run([sys.executable, str(ROOT / "site_tools" / "bench_site.py"), "--json", str(figures)],
                           check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
            site = json.loads(figures.read_text())
        targets = {"site clean build (s)": "<= 300", "site rebuild, nothing changed (s)": "<= 20",
                   "make serve, first page (s)": "<= 15",
                   "make serve, Markdown page saved -> page rebuilt (s)": "<= 2",
                   "make serve, notebook saved -> page rebuilt (s)": "<= 5"}
        rows += [(name, str(value), targets.get(name, "")) for name, value in site.items()]
        rows += accessibility_rows()

    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>8}  target")
    print(f"{'-' * width}  {'-' * 8}  ------")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>8}  {target}")


if __name__ == "__main__":
    main()
