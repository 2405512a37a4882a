"""Write a Gradescope autograder bundle: setup.sh, run_autograder, and the grader's source.

Gradescope unzips it into /autograder/source, runs setup.sh once when the
image is built, and run_autograder for each submission (the files the student
uploaded are in /autograder/submission; the results go to
/autograder/results/results.json). The reference solutions travel in the
bundle but are made readable by root only, and the submission runs as the
unprivileged user `student`, so it cannot read them.
"""
import stat
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SETUP = """#!/usr/bin/env bash
# Runs once, as root, when Gradescope builds the autograder image.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3 python3-pip > /dev/null
python3 -m pip install --quiet --no-cache-dir /autograder/source
id student > /dev/null 2>&1 || useradd --no-create-home --shell /usr/sbin/nologin student
# The grader and the reference solutions: root only. The submission runs as `student`.
chmod -R go-rwx /autograder/source
"""

RUN = """#!/usr/bin/env bash
# Runs once per submission, as root. Writes $ROOT/results/results.json.
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${AUTOGRADER_PYTHON:-python3}"
mkdir -p "$ROOT/results"
as_user=()
if [ "$(id -u)" = 0 ] && id student > /dev/null 2>&1; then
    as_user=(--user student --python "$(command -v "$PYTHON")")
fi
cd "$ROOT/source"
AUTOGRADER_REFERENCE="$ROOT/source/solutions" "$PYTHON" -m autograder check "$ROOT/submission" \\
    --json "$ROOT/results/results.json" "${as_user[@]}"
"""


def _add(archive, name, text, executable=False):
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text)


def write_bundle(out):
    files = [ROOT / "pyproject.toml", ROOT / "README.md"]
    files += sorted((ROOT / "autograder").rglob("*.py")) + sorted((ROOT / "solutions").glob("*.py"))
    with zipfile.ZipFile(out, "w") as archive:
        _add(archive, "setup.sh", SETUP, executable=True)
        _add(archive, "run_autograder", RUN, executable=True)
        for path in files:
            if "__pycache__" not in path.parts:
                _add(archive, str(path.relative_to(ROOT)), path.read_text())
    return Path(out)
