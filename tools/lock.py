"""Write the lock files in locks/ from pyproject.toml, or check that they still agree with it.

Every install of this project pins exact versions and hashes from locks/:

    locks/installer.txt   uv, the installer the Makefile uses (pip installs it, from this file)
    locks/dev.txt         every extra at once: the full .venv of `make install` (Python 3.11)
    locks/grade.txt       the grader and pytest: `make grade`'s .venv-grade, the student edition's
                          light install, the Gradescope bundle and the Classroom workflow
                          (universal: one file for Python 3.10 to 3.13)
    locks/site.txt        the site's packages with the light install: the student edition's .venv
                          (universal, as grade.txt)
    locks/<extra>.txt     test, notebooks and browser alone (Python 3.11)
    Each is resolved inside dev.txt, so any two locks agree on every package they share (on 3.11).

The files are written by `uv pip compile --generate-hashes` (pip-tools' format: a requirements
file that `pip install --require-hashes -r` and `uv pip install -r` both read). Each starts with a
digest of the pyproject.toml tables it was made from, so a dependency changed in pyproject.toml
and not in the lock is caught by `tools/lock.py --check` (run by the test suite) without a network.

    python tools/lock.py            # refresh every lock (needs the package index)
    python tools/lock.py --check    # exit 1, naming the stale lock, if pyproject.toml changed since
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ROOT / "locks"
PYPROJECT = ROOT / "pyproject.toml"
# The machines this course runs on carry PyTorch's CPU build as a local wheel (an unpinned torch
# from the index is a multi-GB CUDA build); uv reads no pip.conf, so it is told where to look.
FIND_LINKS = os.environ.get("COURSE_FIND_LINKS", "/opt/wheels")
INSTALLER = "uv==0.13.10"

# (lock name, extras, universal?) in the order they are written: dev first, as the others are
# resolved within it.
LOCKS_MADE: list[tuple[str, list[str], bool]] = [
    ("dev", ["dev"], False),
    ("grade", ["grade"], True),
    ("test", ["test"], False),
    ("notebooks", ["notebooks"], False),
    ("site", ["site", "grade"], True),
    ("browser", ["browser"], False),
]
DIGEST_LINE = "# pyproject-digest: "


def pyproject_digest(pyproject_text: str | None = None) -> str:
    """A digest of what the locks are made from: the dependency tables and the Python range."""
    project = tomllib.loads(pyproject_text or PYPROJECT.read_text())["project"]
    source = {
        "requires-python": project.get("requires-python"),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
        "installer": INSTALLER,
    }
    return hashlib.sha256(json.dumps(source, sort_keys=True).encode()).hexdigest()[:16]


def stale_locks(pyproject_text: str | None = None) -> list[str]:
    """The lock files that are missing or were not made from today's pyproject.toml."""
    digest = pyproject_digest(pyproject_text)
    stale = []
    for name in ["installer"] + [name for name, _, _ in LOCKS_MADE]:
        path = LOCKS / f"{name}.txt"
        lines = path.read_text().splitlines() if path.exists() else []
        if f"{DIGEST_LINE}{digest}" not in lines:
            stale.append(path.name)
    return stale


def _uv() -> str:
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if not found:
        sys.exit("tools/lock.py: uv not found: pip install --require-hashes -r locks/installer.txt")
    return found


def _compile(uv: str, inputs: list[str], out: Path, universal: bool, extra_args: list[str]) -> None:
    # A universal lock holds markers for every Python from 3.10 on; the others are for the
    # Python 3.11 and Linux x86_64 of the course machines (the only torch wheel they carry).
    target = (["--universal", "--python-version", "3.10"] if universal
              else ["--python-version", "3.11", "--python-platform", "x86_64-manylinux_2_28"])
    command = [uv, "pip", "compile", *inputs, "--generate-hashes", "--quiet",
               "--no-header", *target, "-o", str(out), *extra_args]
    if Path(FIND_LINKS).is_dir():
        command += ["--find-links", FIND_LINKS]
    subprocess.run(command, check=True, cwd=ROOT)


def _pins(lock: Path, marker: str) -> str:
    """The `name==version` lines of a lock, without hashes, each followed by `marker`."""
    pins = [line.split()[0] for line in lock.read_text().splitlines() if "==" in line and not line.startswith(" ")]
    return "".join(f"{pin} {marker}\n" for pin in pins)


def _header(name: str, extras: list[str], universal: bool) -> str:
    pythons = "Python 3.10 to 3.13" if universal else "Python 3.11"
    return (f"# locks/{name}.txt: exact versions and hashes for the extra(s) {', '.join(extras)} "
            f"of pyproject.toml, {pythons}.\n"
            "# Written by `make lock` (tools/lock.py); do not edit by hand.\n"
            f"{DIGEST_LINE}{pyproject_digest()}\n")


def write_locks() -> None:
    uv = _uv()
    LOCKS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        installer_in = Path(tmp) / "installer.in"
        installer_in.write_text(INSTALLER + "\n")
        made = {"installer": Path(tmp) / "installer.txt"}
        _compile(uv, [str(installer_in)], made["installer"], True, [])
        for name, extras, universal in LOCKS_MADE:
            args = [arg for extra in extras for arg in ("--extra", extra)]
            if name != "dev":
                # Every lock agrees with dev.txt where both hold a package; grade.txt too, on the
                # Python 3.11 that both cover (on 3.10 it may need older releases, e.g. of NumPy).
                pins = Path(tmp) / f"{name}.constraints"
                pins.write_text(_pins(made["dev"], "; python_full_version >= '3.11'" if universal else ""))
                args += ["--constraint", str(pins)]
            made[name] = Path(tmp) / f"{name}.txt"
            _compile(uv, ["pyproject.toml"], made[name], universal, args)
        for name, path in made.items():
            extras = ["(the installer)"] if name == "installer" else next(e for n, e, _ in LOCKS_MADE if n == name)
            universal = name == "installer" or next(u for n, _, u in LOCKS_MADE if n == name)
            # uv names the temporary constraints file in its "# via" notes: name the lock instead.
            body = re.sub(r"-c \S+\.constraints", "-c locks/dev.txt", path.read_text())
            body = re.sub(r"-r \S+installer\.in", "-r tools/lock.py (INSTALLER)", body)
            (LOCKS / f"{name}.txt").write_text(_header(name, extras, universal) + body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a lock is older than pyproject.toml")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_locks()
        if stale:
            print(f"locks out of date with pyproject.toml: {', '.join(stale)}; run `make lock`", file=sys.stderr)
            return 1
        print("locks agree with pyproject.toml")
        return 0
    write_locks()
    print(f"wrote {len(LOCKS_MADE) + 1} locks in {LOCKS.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
