"""Build submission folders: the reference solutions with one function replaced by a known mistake."""
import shutil
from pathlib import Path

from autograder.reference import DEFAULT_FOLDER


def write_mutant(mistake, folder):
    """A copy of solutions/ in `folder` whose mistake.module has mistake.target replaced; returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for source in DEFAULT_FOLDER.glob("*.py"):
        shutil.copy(source, folder / source.name)
    module_file = folder / f"{mistake.module}.py"
    module_file.write_text(mistake.mutant_source(module_file.read_text()))
    return folder


def write_solutions(folder, overrides=None):
    """A copy of solutions/ with some module files replaced by the given source texts."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for source in DEFAULT_FOLDER.glob("*.py"):
        shutil.copy(source, folder / source.name)
    for name, text in (overrides or {}).items():
        (folder / name).write_text(text)
    return folder
