"""Read a submission (a folder or a .zip of one) into memory, safely, for the sandbox to receive.

Only regular .py files with importable names are taken, from the folder that
holds the contract modules (the submission itself, or one folder inside it,
e.g. a zip of `exercises/`). Links, paths escaping the folder, oversized
files and archive bombs are skipped with a note. Nothing is written here: the
sandbox's zygote writes the files into its own scratch (runner.Zygote.store).
A zip's central directory is sized from its end record before it is parsed.
"""
import os
import re
import stat
import struct
import zipfile
from pathlib import Path, PurePosixPath

from autograder.mistakes import MODULES

MAX_FILE_BYTES = 1 * 2**20
MAX_TOTAL_BYTES = 16 * 2**20
MAX_FILES = 200
MAX_ZIP_ENTRIES = 10_000
# A central directory entry is 46 bytes plus its name, extra field and comment: a folder's worth of files
# with long names fits in 512 bytes each. Larger is refused unread (zipfile would hold all of it, parsed).
MAX_DIRECTORY_BYTES = MAX_ZIP_ENTRIES * 512


class UsageError(Exception):
    """Bad arguments: the command line, not the submission, is at fault (exit status 2)."""


def prepare(path):
    """Read the submission at `path`: ({file name: bytes}, modules found, notes for the report)."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"{path} does not exist")
    notes, seen = [], []
    if path.is_dir():
        files = _from_folder(path, notes, seen)
    elif zipfile.is_zipfile(path):
        files = _from_zip(path, notes, seen)
    else:
        notes.append(f"{path.name} is neither a folder nor a zip archive")
        files = {}
    found = {name[:-3] for name in files} & set(MODULES)
    notes += misnaming_notes(seen, found)
    return files, found, notes


# The ways a contract file's name gets mangled on its way to the grader: a copy made by the
# browser or the file manager ("losses (1).py", "losses copy.py", "losses-2.py"), an editor
# that appends .txt, a capital letter, or the notebook it was written in.
_COPY_MARK = re.compile(r"(?: \(\d+\)| copy(?: \d+)?|-\d+|_\d+)$", re.IGNORECASE)


def intended_module(filename):
    """The contract module a misnamed file was probably meant to be, or None."""
    name = PurePosixPath(filename).name
    lower = name.lower()
    for suffix in (".txt", ".py.py"):
        if lower.endswith(suffix) and len(lower) > len(suffix):
            lower = lower[: -len(suffix)] + (".py" if suffix == ".py.py" else "")
    for ending in (".py", ".ipynb"):
        if lower.endswith(ending):
            stem = _COPY_MARK.sub("", lower[: -len(ending)]).strip()
            if stem in MODULES and name != f"{stem}.py":
                return stem
    return None


def misnaming_notes(names, found):
    """A "did you mean" note for each file that looks like a contract module the submission lacks."""
    notes, hinted = [], set()
    for name in sorted(names):
        module = intended_module(name)
        if module and module not in found and module not in hinted:
            hinted.add(module)
            what = "a notebook: save its code as" if name.lower().endswith(".ipynb") else "misnamed: did you mean"
            notes.append(f"found {name}, {what} {module}.py?")
    return notes


def _pick_folder(candidates):
    """Among {folder: [file names]}, the one holding most contract modules (the shallowest on ties)."""

    def score(item):
        folder, names = item
        return (len({n[:-3] for n in names} & set(MODULES)), -len(PurePosixPath(folder).parts))

    best = max(candidates.items(), key=score, default=(None, []))
    return best[0] if best[0] is not None and score(best)[0] > 0 else ""


def _importable(name):
    return name.endswith(".py") and name[:-3].isidentifier()


def _from_folder(root, notes, seen):
    """The files of a folder submission. At most MAX_ZIP_ENTRIES entries are looked at in all, two folders
    deep, one at a time: a folder of a million files costs the grader no more than one of ten thousand."""
    listed, left = {}, [MAX_ZIP_ENTRIES]  # folder (relative, "" for the top) -> names of its non-folder entries

    def visit(folder, relative, depth):
        names, subfolders = [], []
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if left[0] <= 0:
                        break
                    left[0] -= 1
                    (subfolders if entry.is_dir(follow_symlinks=False) else names).append(entry.name)
        except OSError:
            return
        listed[relative] = names
        seen.extend(f"{relative}/{n}" if relative else n for n in names)
        if depth < 2:
            for name in sorted(subfolders):
                if not name.startswith("."):
                    visit(os.path.join(folder, name), f"{relative}/{name}" if relative else name, depth + 1)

    visit(root, "", 0)
    if left[0] <= 0:
        notes.append(f"{root.name} holds more than {MAX_ZIP_ENTRIES} files and folders: only the first were looked at")
    chosen = _pick_folder({folder: [n for n in names if n.endswith(".py")] for folder, names in listed.items()})
    files = {}
    for name in sorted(listed.get(chosen, [])):
        if not _importable(name):
            continue
        full = root / chosen / name
        info = os.lstat(full)
        if stat.S_ISLNK(info.st_mode):
            notes.append(f"skipped {name}: a symbolic link")
        elif stat.S_ISREG(info.st_mode):
            _take(files, name, name, info.st_size, lambda: full.open("rb"), notes)
    return files


def _take(files, name, label, declared_size, opener, notes):
    """Add name -> contents to files unless it is (or turns out to be) too large, or unreadable."""
    total = sum(len(data) for data in files.values())
    if declared_size > MAX_FILE_BYTES or total + declared_size > MAX_TOTAL_BYTES or len(files) >= MAX_FILES:
        notes.append(f"skipped {label}: too large")
        return
    try:
        with opener() as handle:
            data = handle.read(MAX_FILE_BYTES + 1)  # never trust the declared size
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as error:
        notes.append(f"skipped {label}: cannot be read ({error})")
        return
    if len(data) > MAX_FILE_BYTES or total + len(data) > MAX_TOTAL_BYTES:
        notes.append(f"skipped {label}: too large")
        return
    files[name] = data


def zip_directory(path):
    """(entries, central directory bytes) as the archive's end records declare them, read from its last
    64 KiB only; ValueError if there is no end record."""
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        start = max(0, size - (22 + 65535))
        handle.seek(start)
        tail = handle.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < 22:
            raise ValueError("no end of central directory record")
        entries, directory = struct.unpack_from("<HI", tail, at + 10)  # total entries, directory size
        locator = at - 20
        if (entries == 0xFFFF or directory == 0xFFFFFFFF) and locator >= 0 and tail[locator:locator + 4] == b"PK\x06\x07":
            (record,) = struct.unpack_from("<Q", tail, locator + 8)  # where the ZIP64 end record is
            handle.seek(record)
            zip64 = handle.read(56)
            if len(zip64) < 56 or zip64[:4] != b"PK\x06\x06":
                raise ValueError("bad ZIP64 end record")
            entries, directory = struct.unpack_from("<QQ", zip64, 32)  # total entries, directory size
    return entries, directory


def _from_zip(path, notes, seen):
    try:
        entries, directory = zip_directory(path)
    except (OSError, ValueError, struct.error) as error:
        notes.append(f"{path.name} is not a readable zip archive ({error})")
        return {}
    if entries > MAX_ZIP_ENTRIES or directory > MAX_DIRECTORY_BYTES:
        notes.append(f"{path.name} was not read: it lists {entries} entries in {directory} bytes "
                     f"(at most {MAX_ZIP_ENTRIES} entries and {MAX_DIRECTORY_BYTES} bytes)")
        return {}
    try:
        archive = zipfile.ZipFile(path)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        notes.append(f"{path.name} is not a readable zip archive ({error})")
        return {}
    if len(entries) > MAX_ZIP_ENTRIES:
        notes.append(f"{path.name} has {len(entries)} entries; only the first {MAX_ZIP_ENTRIES} were read")
        entries = entries[:MAX_ZIP_ENTRIES]
    usable = {}
    for info in entries:
        name = info.filename.replace("\\", "/")
        parts = PurePosixPath(name).parts
        if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
            notes.append(f"skipped {name}: path outside the submission")
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            notes.append(f"skipped {name}: a symbolic link")
            continue
        if info.is_dir() or parts and parts[0] == "__MACOSX":
            continue
        usable[name] = info
    seen.extend(usable)
    candidates = {}
    for name in usable:
        folder = str(PurePosixPath(name).parent)
        candidates.setdefault("" if folder == "." else folder, []).append(PurePosixPath(name).name)
    chosen = _pick_folder(candidates)
    files = {}
    for name, info in sorted(usable.items()):
        folder, base = str(PurePosixPath(name).parent), PurePosixPath(name).name
        if ("" if folder == "." else folder) == chosen and _importable(base):
            _take(files, base, name, info.file_size, lambda info=info: archive.open(info), notes)
    return files
