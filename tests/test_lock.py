"""locks/ pins what pyproject.toml asks for, with hashes, and goes stale the moment pyproject.toml changes.

`tools/lock.py --check` is what fails CI when someone edits a dependency and forgets `make lock`;
the tests below also check the locks' content, so a hand-edited lock is caught too.
"""
import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import lock  # noqa: E402

PYPROJECT_TEXT = (ROOT / "pyproject.toml").read_text()
PROJECT = tomllib.loads(PYPROJECT_TEXT)["project"]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+?)(?: ; (.+?))? \\$")
PY311_LINUX = {"python_version": "3.11", "python_full_version": "3.11.7", "sys_platform": "linux",
               "platform_system": "Linux", "platform_machine": "x86_64", "implementation_name": "cpython",
               "platform_python_implementation": "CPython", "os_name": "posix", "extra": ""}


def pins(name: str) -> dict[str, str]:
    """{package: version} of a lock, as it installs on the course machines (Python 3.11, Linux)."""
    found = {}
    for line in (lock.LOCKS / f"{name}.txt").read_text().splitlines():
        match = PIN.match(line)
        if match and (not match[3] or Marker(match[3]).evaluate(PY311_LINUX)):
            found[canonicalize_name(match[1])] = match[2]
    return found


def requirements(extra: str) -> list[Requirement]:
    """What pyproject.toml asks for when `extra` is installed, its self-references expanded."""
    wanted = [Requirement(r) for r in PROJECT["dependencies"]]
    for text in PROJECT["optional-dependencies"][extra]:
        requirement = Requirement(text)
        if canonicalize_name(requirement.name) == canonicalize_name(PROJECT["name"]):
            for inner in requirement.extras:
                wanted += [r for r in requirements(inner) if r not in wanted]
        else:
            wanted.append(requirement)
    return wanted


def test_locks_were_made_from_this_pyproject():
    assert lock.stale_locks() == [], "run `make lock`: pyproject.toml changed since the locks were made"


def test_a_changed_dependency_makes_every_lock_stale():
    changed = PYPROJECT_TEXT.replace('"numpy>=1.24,<3"', '"numpy>=1.25,<3"')
    assert changed != PYPROJECT_TEXT
    assert len(lock.stale_locks(changed)) == len(lock.LOCKS_MADE) + 1


@pytest.mark.parametrize("name, extras", [(name, extras) for name, extras, _ in lock.LOCKS_MADE])
def test_lock_satisfies_pyproject(name, extras):
    pinned = pins(name)
    for extra in extras:
        for requirement in requirements(extra):
            version = pinned.get(canonicalize_name(requirement.name))
            assert version, f"locks/{name}.txt lacks {requirement.name}"
            assert requirement.specifier.contains(version, prereleases=True), \
                f"locks/{name}.txt pins {requirement.name}=={version}, pyproject.toml asks {requirement}"


@pytest.mark.parametrize("name", ["installer"] + [name for name, _, _ in lock.LOCKS_MADE])
def test_every_pin_has_a_hash(name):
    text = (lock.LOCKS / f"{name}.txt").read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 3)[3])
    assert entries
    for entry in entries:
        assert "==" in entry.split("\\")[0] and "--hash=sha256:" in entry, f"{name}.txt: {entry.splitlines()[0]}"


def test_locks_agree_with_each_other():
    dev = pins("dev")
    for name, _, _ in lock.LOCKS_MADE:
        for package, version in pins(name).items():
            assert dev.get(package, version) == version, f"{name}.txt and dev.txt disagree on {package}"
