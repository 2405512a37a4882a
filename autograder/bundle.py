"""Write a Gradescope autograder bundle: setup.sh, run_autograder, the grader's source and its pins.

Gradescope unzips it into /autograder/source, runs setup.sh once when the
image is built, and run_autograder for each submission (the files the student
uploaded are in /autograder/submission; the results go to
/autograder/results/results.json). Both scripts honour AUTOGRADER_ROOT (default
/autograder), so the same bundle is tested on any machine.

- setup.sh installs the grader into its own virtual environment (Debian 12 and
  Ubuntu 24.04 refuse system-wide pip: PEP 668), with every package pinned, by
  version and hash, by the course's own locks/grade.txt (the lock every install of
  the course uses), so a regrade months later computes with the same NumPy (on
  Python 3.10, which the newest NumPy no longer supports, the lock's last NumPy
  release for 3.10). It needs Python >= 3.10
  (Ubuntu 22.04 ships 3.10; 24.04 3.12; Debian 12 3.11) and fails in one line
  elsewhere. Packages come from PyPI, which Gradescope's image builder reaches.
- It installs bubblewrap. Which isolation to use is decided at grading time, for
  each submission: the strongest that works then (namespaces, else process
  limits), named in results.json and in the report. A machine where bubblewrap
  worked when the image was built and fails when grading still grades.
- The reference solutions travel in the bundle but are readable by root only;
  in either isolation the submission runs as a fresh unprivileged uid of its
  own, which cannot read them.
- run_autograder always leaves a valid results.json: if the grader cannot run
  (no interpreter, a broken user, a crash), a bash fallback writes one that says so.
"""
import stat
import zipfile
from pathlib import Path

from autograder.mistakes import MODULES

ROOT = Path(__file__).resolve().parent.parent

SETUP = r"""#!/usr/bin/env bash
# Runs once, as root, when Gradescope builds the autograder image.
# Works on Ubuntu 22.04 and 24.04 (Gradescope's images) and Debian 12; fails in one line elsewhere.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
VENV="$ROOT/venv"
GRADER_USER="${AUTOGRADER_USER:-student}"
fail() { echo "setup.sh: error: $*" >&2; exit 1; }

# System packages, only those missing: an interpreter, venv (with its bundled pip), bubblewrap.
missing=()
command -v python3 > /dev/null || missing+=(python3)
python3 -c "import ensurepip, venv" > /dev/null 2>&1 || missing+=(python3-venv)
command -v bwrap > /dev/null || missing+=(bubblewrap)
if [ "${#missing[@]}" -gt 0 ]; then
    command -v apt-get > /dev/null || fail "needs ${missing[*]} and this image has no apt-get (use Ubuntu 22.04 or 24.04)"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } > /dev/null \
        || fail "apt-get could not install ${missing[*]}"
fi
python3 -c "import sys; sys.exit(sys.version_info < (3, 10))" \
    || fail "python3 is $(python3 -c 'import platform; print(platform.python_version())'); the grader needs Python 3.10 or newer (Ubuntu 22.04 or 24.04)"

# The grader and its pinned dependencies, in a venv of their own (never the system Python).
python3 -m venv --clear "$VENV" || fail "python3 -m venv failed"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    --require-hashes -r "$SOURCE/locks/grade.txt" || fail "pip could not install locks/grade.txt into $VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "$SOURCE" \
    || fail "pip could not install the grader into $VENV"

# Namespaces or process limits: decided again for every submission, when it is graded (this is only news).
if bwrap --unshare-all --die-with-parent --ro-bind / / true > /dev/null 2>&1; then
    echo "setup.sh: bubblewrap works here now: submissions will be graded in namespaces while it does"
else
    echo "setup.sh: bubblewrap cannot create namespaces here now: process limits, unless it works when grading"
fi

# The submission runs as an unprivileged user; the grader and the reference solutions are root's.
id "$GRADER_USER" > /dev/null 2>&1 || useradd --no-create-home --shell /usr/sbin/nologin "$GRADER_USER"
chmod -R go-rwx "$SOURCE"
chmod -R go+rX "$VENV"
echo "setup.sh: ready ($("$VENV/bin/python" -c 'import platform, numpy; print("Python", platform.python_version(), "NumPy", numpy.__version__)'))"
"""

RUN = r"""#!/usr/bin/env bash
# Runs once per submission, as root. Always leaves a valid $ROOT/results/results.json.
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}"
GRADER_USER="${AUTOGRADER_USER:-student}"
RESULTS="$ROOT/results/results.json"
MODULES="@MODULES@"
POINTS="@POINTS@"

mkdir -p "$ROOT/results" && rm -f "$RESULTS"
args=(check "$ROOT/submission" --json "$RESULTS" --only "$MODULES")
[ -z "$POINTS" ] || args+=(--points "$ROOT/source/$POINTS")
if [ "$(id -u)" = 0 ] && id "$GRADER_USER" > /dev/null 2>&1; then
    args+=(--user "$GRADER_USER" --python "$PYTHON")
fi
log="$(mktemp)"
cd "$ROOT" && AUTOGRADER_REFERENCE="$ROOT/source/solutions" "$PYTHON" -m autograder "${args[@]}" > "$log" 2>&1
status=$?
cat "$log"
if [ ! -s "$RESULTS" ]; then
    # The grader could not run or crashed before writing: say so in a result Gradescope can show.
    what="$(tail -n 8 "$log" | LC_ALL=C tr -cd '\11\12\40-\176' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\t/ /g' \
        | awk '{printf "%s\\n", $0}')"
    printf '{"score": 0.0, "output": "%s", "visibility": "visible", "stdout_visibility": "visible", "tests": [], %s}\n' \
        "The autograder could not grade this submission (exit status $status); please tell your instructor.\n$what" \
        "\"extra_data\": {\"autograder_error\": true, \"exit_status\": $status}" > "$RESULTS"
fi
rm -f "$log"
exit 0
"""


def _add(archive, name, text, executable=False):
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text)


def grade_lock():
    """The course's lock of the light install (locks/grade.txt): exact versions and hashes, Python 3.10 on."""
    return (ROOT / "locks" / "grade.txt").read_text()


def source_files():
    """(path in the archive, text) of everything the grader needs: package metadata, code, reference."""
    files = [ROOT / "pyproject.toml", ROOT / "README.md"]
    files += sorted((ROOT / "autograder").rglob("*.py")) + sorted((ROOT / "solutions").glob("*.py"))
    return [(str(path.relative_to(ROOT)), path.read_text()) for path in files if "__pycache__" not in path.parts]


def write_bundle(out, modules=MODULES, points_file=None):
    run = RUN.replace("@MODULES@", ",".join(modules)).replace("@POINTS@", "points.toml" if points_file else "")
    with zipfile.ZipFile(out, "w") as archive:
        _add(archive, "setup.sh", SETUP, executable=True)
        _add(archive, "run_autograder", run, executable=True)
        _add(archive, "locks/grade.txt", grade_lock())
        if points_file:
            _add(archive, "points.toml", Path(points_file).read_text())
        for name, text in source_files():
            _add(archive, name, text)
    return Path(out)
