#!/usr/bin/env python3
"""Time the course site build and the authoring loop, and weigh the built site.

(a) clean build: every notebook executed from scratch (stamps ignored) and then
    `mkdocs build --strict` with an empty notebook-rendering cache;
(b) rebuild, nothing changed: what `make site` costs right after (a): the stamp check
    finds no notebook to run, and the strict build reuses its cache;
(c) site size: the whole built site, and its largest page (HTML with what it embeds);
(d) the authoring loop of `make serve` (`mkdocs serve --dirty`), with the notebook
    cache of (a): seconds until the first page is served; from saving a Markdown page
    until the served page shows the edit; the same for a notebook.

The work happens in a temporary copy of the files the site is built from (mkdocs.yml,
docs/, site_tools/, exercises/), so the working tree and its build/ folder are never
touched. Prints a small Markdown table:

    | measurement | value |
    | --- | ---: |
    | site clean build (s) | 71.4 |
    ...
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COPY = ("mkdocs.yml", "docs", "site_tools", "exercises")
SERVE_TIMEOUT = 300.0  # seconds; a figure never reached is an error, not a number
MD_PAGE = "ann/bias.md"  # a Markdown page and a notebook to edit in the copy
NOTEBOOK = "ann/notebooks/activation-functions.ipynb"


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


def site_size(site: Path) -> tuple[int, str, int]:
    """(bytes of the whole site, the largest page, its bytes)."""
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    pages = [(p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob("*.html")]
    size, page = max(pages)
    return total, page, size


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.read().decode("utf-8", errors="replace")
    except OSError:
        return None


def wait_for(url: str, marker: str, proc: subprocess.Popen, since: float) -> float:
    """Seconds from `since` until the page at url contains marker (polled every 50 ms)."""
    while time.perf_counter() - since < SERVE_TIMEOUT:
        if proc.poll() is not None:
            raise SystemExit(f"bench_site: mkdocs serve exited ({proc.returncode}) while waiting for {url}")
        text = fetch(url)
        if text is not None and marker in text:
            return time.perf_counter() - since
        time.sleep(0.05)
    raise SystemExit(f"bench_site: {url} did not show {marker!r} within {SERVE_TIMEOUT:.0f} s")


def edit_markdown(path: Path, marker: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n\n{marker}\n", encoding="utf-8")


def edit_notebook(path: Path, marker: str) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    cell["source"] = source + f"\n\n{marker}"
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def page_url(base: str, src: str) -> str:
    stem = src.rsplit(".", 1)[0]
    return base + (stem[: -len("index")] if stem.endswith("index") else stem + "/")


def authoring_loop(work: Path, quiet: bool) -> dict[str, float]:
    """The three `make serve` figures, measured on the copy in `work`."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    cmd = [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr", f"127.0.0.1:{port}"]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    out = None if not quiet else subprocess.DEVNULL
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=out, stderr=out)
    try:
        figures = {"make serve, first page (s)": wait_for(base, "</html>", proc, start)}
        time.sleep(1.0)  # let the watcher settle after the first build
        for label, src, edit in (
            ("make serve, Markdown page saved -> page rebuilt (s)", MD_PAGE, edit_markdown),
            ("make serve, notebook saved -> page rebuilt (s)", NOTEBOOK, edit_notebook),
        ):
            marker = f"bench-marker-{time.time_ns()}"
            since = time.perf_counter()
            edit(work / "docs" / src, marker)
            figures[label] = wait_for(page_url(base, src), marker, proc, since)
            time.sleep(1.0)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    return figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    ap.add_argument("--verbose", action="store_true", help="show the notebook and mkdocs output")
    ap.add_argument("--loop-only", action="store_true",
                    help="measure only the make serve figures, with a copy of the working tree's build caches")
    args = ap.parse_args(argv)

    py = sys.executable
    quiet = not args.verbose
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        work = Path(tmp)
        for name in COPY:
            src = REPO / name
            if src.is_dir():
                shutil.copytree(src, work / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "vendor"))
            elif src.is_file():
                shutil.copy2(src, work / name)
        if args.loop_only:
            # the caches a previous build in the working tree left (notebook HTML, search entries)
            for cache in (REPO / "build" / "mkdocs-jupyter-cache", REPO / "build" / "search-entries.json"):
                if cache.is_dir():
                    shutil.copytree(cache, work / "build" / cache.name)
                elif cache.is_file():
                    (work / "build").mkdir(exist_ok=True)
                    shutil.copy2(cache, work / "build" / cache.name)
            rows = {k: round(v, 1) for k, v in authoring_loop(work, quiet).items()}
            print_rows(rows, args.json)
            return 0
        notebooks = [py, str(work / "site_tools/execute_notebooks.py"), "--jobs", "2"]
        build = [py, "-m", "mkdocs", "build", "--strict", "--quiet"]

        print("bench_site: clean build (every notebook executed)...", file=sys.stderr)
        clean = run(notebooks + ["--all"], work, quiet) + run(build, work, quiet)
        print("bench_site: rebuild with nothing changed...", file=sys.stderr)
        rebuild = run(notebooks, work, quiet) + run(build, work, quiet)
        total, largest, largest_size = site_size(work / "site")
        print("bench_site: make serve (first page, a Markdown save, a notebook save)...", file=sys.stderr)
        loop = authoring_loop(work, quiet)

    rows: dict[str, float | str] = {
        "site clean build (s)": round(clean, 1),
        "site rebuild, nothing changed (s)": round(rebuild, 1),
        "built site, total (MB)": round(total / 1e6, 1),
        f"largest page, {largest} (KB)": round(largest_size / 1e3),
        **{k: round(v, 1) for k, v in loop.items()},
    }
    print_rows(rows, args.json)
    return 0


def print_rows(rows: dict[str, float | str], json_path: Path | None) -> None:
    print("| measurement | value |")
    print("| --- | ---: |")
    for name, value in rows.items():
        print(f"| {name} | {value} |")
    if json_path:
        json_path.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    sys.exit(main())
