#!/usr/bin/env python3
"""Time the course site build: a clean build, and a rebuild with nothing changed.

(a) clean build: every notebook executed from scratch (stamps ignored) and then
    `mkdocs build --strict` with an empty notebook-rendering cache;
(b) rebuild, nothing changed: what `make site` costs right after (a): the stamp check
    finds no notebook to run, and the strict build reuses its cache.

The work happens in a temporary copy of the files the site is built from (mkdocs.yml,
docs/, site_tools/, exercises/), so the notebooks in the working tree are never
rewritten and its build/ folder is left alone. Prints a small Markdown table:

    | measurement | seconds |
    | --- | ---: |
    | site clean build (s) | 71.4 |
    | site rebuild, nothing changed (s) | 3.9 |
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COPY = ("mkdocs.yml", "docs", "site_tools", "exercises")


def run(cmd: list[str], cwd: Path, quiet: bool) -> float:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=quiet, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        if quiet:
            sys.stderr.write((proc.stdout or "") + (proc.stderr or ""))
        raise SystemExit(f"bench_site: command failed ({proc.returncode}): {' '.join(cmd)}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", type=Path, help="also write the timings to this JSON file")
    ap.add_argument("--verbose", action="store_true", help="show the notebook and mkdocs output")
    args = ap.parse_args(argv)

    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        work = Path(tmp)
        for name in COPY:
            src = REPO / name
            if src.is_dir():
                shutil.copytree(src, work / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "vendor"))
            elif src.is_file():
                shutil.copy2(src, work / name)
        notebooks = [py, str(work / "site_tools/execute_notebooks.py"), "--jobs", "2"]
        build = [py, "-m", "mkdocs", "build", "--strict", "--quiet"]

        quiet = not args.verbose
        clean = run(notebooks + ["--all"], work, quiet) + run(build, work, quiet)
        rebuild = run(notebooks, work, quiet) + run(build, work, quiet)

    rows = {"site clean build (s)": clean, "site rebuild, nothing changed (s)": rebuild}
    print("| measurement | seconds |")
    print("| --- | ---: |")
    for name, value in rows.items():
        print(f"| {name} | {value:.1f} |")
    if args.json:
        args.json.write_text(json.dumps({k: round(v, 2) for k, v in rows.items()}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
