#!/usr/bin/env python3
"""Re-execute, in place, the course notebooks whose code changed since their last run.

The site shows the outputs stored in the notebooks (mkdocs-jupyter runs with
`execute: false`), so after editing a code cell the notebook must be run again.
This script does that for exactly the notebooks that need it:

* the "code hash" of a notebook is a SHA-256 of its kernel name and the sources of
  its code cells (Markdown edits do not need a re-run);
* `build/notebook-stamps.json` maps each notebook to the code hash it had when this
  script last executed it; a notebook whose hash matches is skipped, so a rebuild
  with nothing changed costs nothing;
* each executed notebook also records its code hash in its own metadata
  (`metadata.course.code_sha256`), so a fresh clone, which has no build/ folder,
  does not re-run notebooks whose stored outputs already match their code.

Notebooks run in parallel (one kernel per job, `--jobs`, default 2 = the machine's
cores), each with its own folder as working directory, one BLAS/OpenMP thread per
kernel, and a progress line each. Any cell error fails the notebook: it is left
unchanged on disk and the script exits with status 1.

    python site_tools/execute_notebooks.py            # what `make notebooks` runs
    python site_tools/execute_notebooks.py --all      # ignore the stamps, run everything
    python site_tools/execute_notebooks.py docs/ann/notebooks/regression.ipynb
    python site_tools/execute_notebooks.py --check    # list stale notebooks, run nothing
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HASH_VERSION = "course-notebook-code-v1"
METADATA_KEY = "course"
# One thread per kernel: two kernels share the two cores, and results do not depend on
# how many threads the machine has.
THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "PYTHONHASHSEED": "0",
}


def code_hash(nb: dict) -> str:
    """SHA-256 of the kernel name and the code cells' sources, in order."""
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name", "python3")
    sources = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            src = cell.get("source", "")
            sources.append("".join(src) if isinstance(src, list) else src)
    payload = json.dumps([HASH_VERSION, kernel, sources], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def find_notebooks(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts and not p.name.startswith(".")
    )


def rel(path: Path) -> str:
    try:
        return path.resolve().relative_to(REPO).as_posix()
    except ValueError:
        return str(path)


def load_stamps(stamp_file: Path) -> dict[str, str]:
    try:
        data = json.loads(stamp_file.read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data.items()}
    except (OSError, ValueError, AttributeError):
        return {}


def save_stamps(stamp_file: Path, stamps: dict[str, str]) -> None:
    stamp_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = stamp_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(dict(sorted(stamps.items())), indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, stamp_file)


def is_fresh(path: Path, nb: dict, digest: str, stamps: dict[str, str]) -> bool:
    key = rel(path)
    if key in stamps:
        return stamps[key] == digest
    return nb.get("metadata", {}).get(METADATA_KEY, {}).get("code_sha256") == digest


def execute_one(path_str: str, timeout: int) -> tuple[str, float, str | None, str | None]:
    """Run one notebook in place (in a worker process). Returns (path, seconds, hash, error)."""
    os.environ.update(THREAD_ENV)
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    import tempfile

    path = Path(path_str)
    start = time.perf_counter()
    # The kernel's own stderr (start-up chatter) goes to a file, shown only on failure.
    kernel_log = tempfile.TemporaryFile(mode="w+")
    try:
        nb = nbformat.read(path, as_version=4)
        digest = code_hash(nb)
        kernel = nb.metadata.get("kernelspec", {}).get("name", "python3")
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name=kernel,
            allow_errors=False,
            record_timing=False,
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute(stderr=kernel_log)
        nb.metadata.setdefault(METADATA_KEY, {})["code_sha256"] = digest
        tmp = path.with_name(f".{path.name}.tmp")
        nbformat.write(nb, tmp)
        os.replace(tmp, path)
        return path_str, time.perf_counter() - start, digest, None
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        msg = str(exc).strip().splitlines()
        short = "\n      ".join(msg[-12:]) if msg else type(exc).__name__
        return path_str, time.perf_counter() - start, None, short + _kernel_tail(kernel_log)
    except Exception as exc:  # unreadable notebook, missing kernel, ...
        return path_str, time.perf_counter() - start, None, f"{type(exc).__name__}: {exc}" + _kernel_tail(kernel_log)
    finally:
        kernel_log.close()


def _kernel_tail(log, lines: int = 8) -> str:
    """The last lines the kernel wrote to stderr, minus its routine transport warning."""
    try:
        log.seek(0)
        text = [l.rstrip() for l in log.read().splitlines() if l.strip() and "without encryption" not in l]
    except (OSError, ValueError):
        return ""
    return ("\n      kernel stderr:\n      " + "\n      ".join(text[-lines:])) if text else ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notebooks", nargs="*", type=Path, help="notebooks to consider (default: every .ipynb under --root)")
    ap.add_argument("--root", type=Path, default=REPO / "docs", help="folder searched for notebooks (default: docs/)")
    ap.add_argument("--stamp", type=Path, default=REPO / "build" / "notebook-stamps.json", help="stamp file")
    ap.add_argument("--all", action="store_true", help="execute every notebook, whatever the stamps say")
    ap.add_argument("--jobs", "-j", type=int, default=min(2, os.cpu_count() or 1), help="notebooks run at once")
    ap.add_argument("--timeout", type=int, default=900, help="seconds allowed per cell")
    ap.add_argument("--check", action="store_true", help="only report stale notebooks (exit 1 if any)")
    args = ap.parse_args(argv)

    import nbformat

    paths = [p.resolve() for p in args.notebooks] if args.notebooks else find_notebooks(args.root.resolve())
    stamps = load_stamps(args.stamp)
    t0 = time.perf_counter()
    stale: list[tuple[Path, str]] = []
    fresh: list[Path] = []
    for path in paths:
        nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
        digest = code_hash(nb)
        if not args.all and is_fresh(path, nb, digest, stamps):
            fresh.append(path)
            if rel(path) not in stamps:  # fresh by its own metadata: remember it
                stamps[rel(path)] = digest
        else:
            stale.append((path, digest))

    total = len(paths)
    if args.check:
        for path, _ in stale:
            print(f"stale: {rel(path)}")
        print(f"notebooks: {len(stale)} stale, {len(fresh)} up to date")
        return 1 if stale else 0

    n = 0
    for path in fresh:
        n += 1
        print(f"[{n}/{total}] {rel(path)}: up to date", flush=True)
    save_stamps(args.stamp, stamps)
    failures = 0
    if stale:
        jobs = max(1, min(args.jobs, len(stale)))
        print(f"executing {len(stale)} notebook(s) with {jobs} job(s)...", flush=True)
        with cf.ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(execute_one, str(p), args.timeout) for p, _ in stale]
            for fut in cf.as_completed(futures):
                path_str, seconds, digest, error = fut.result()
                n += 1
                name = rel(Path(path_str))
                if error is None:
                    stamps[name] = digest
                    save_stamps(args.stamp, stamps)
                    print(f"[{n}/{total}] {name}: executed in {seconds:.1f} s", flush=True)
                else:
                    if not sys.stdout.isatty():
                        error = re.sub(r"\x1b\[[0-9;]*m", "", error)
                    failures += 1
                    stamps.pop(name, None)
                    save_stamps(args.stamp, stamps)
                    print(f"[{n}/{total}] {name}: FAILED after {seconds:.1f} s\n      {error}", flush=True)
    executed = len(stale) - failures
    print(
        f"notebooks: {executed} executed, {len(fresh)} up to date, {failures} failed "
        f"({time.perf_counter() - t0:.1f} s)",
        flush=True,
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
