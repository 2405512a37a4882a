"""The student edition (issue 13): `autograder release` writes the course without its solutions, and the
edition, installed from its own README into its own virtual environment, grades with the public check.

How the edition is installed here, offline: the README's two commands are run as written, except that
pip gets `--no-deps --no-build-isolation`, because this machine cannot fetch packages at test time.
Before pip runs, a .pth file puts the packages of the interpreter running these tests (NumPy, pytest,
MkDocs and its plugins, setuptools) on the new environment's path, ahead of the setuptools that `venv`
bundles, and JUPYTER_PATH points at their data files (nbconvert's page templates). That .pth adds only a
site-packages folder: the .pth files inside it, among them the instructor's editable install of
`autograder`, are not processed, and a test below checks that `autograder` resolves inside the edition.
The notebook conversion cache (a build product keyed by each notebook's content) is copied in as a CI
cache would be, so the site build takes seconds, not minutes; the pages are built from the edition's
own notebooks either way.
"""
import json
import math
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import numpy as np
import pytest

from autograder import public
from autograder.checks import all_checks
from autograder.mistakes import MODULES, all_mistakes
from autograder.reference import default_reference
from autograder.spec import ValueCheck
from release_leaks import SOLUTIONS, leaks, mistake_bodies, reference_bodies

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
# The course's own notebook defines sigma'(z) = s (1 - s) in the same two lines as the reference: the
# formula is what the page teaches and what the stub's docstring states. Nothing else may match.
TAUGHT = {("docs/ann/notebooks/activation-functions.ipynb", "activations.sigmoid_derivative")}
# Module imports between the solution files: a round of mutants never mutates two related modules.
RELATED = {("cnn", "initializers"), ("layers", "activations"), ("layers", "losses"), ("rnn", "activations")}
TOP_LEVEL = {".gitignore", "Makefile", "README.md", "autograder", "docs", "exercises", "mkdocs.yml",
             "locks", "pyproject.toml", "site_tools"}


def _env(**extra):
    """The environment of a command run in the edition: nothing pointing back at this repository."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "AUTOGRADER_REFERENCE", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    # PIP_FLAGS: `make`'s own install step (the first target run) installs offline too, as above.
    env.update(PYTHONDONTWRITEBYTECODE="1", NO_COLOR="1", PIP_FLAGS="--no-deps --no-build-isolation", **extra)
    return env


def _run(command, cwd, check=True, **extra):
    done = subprocess.run(command, cwd=cwd, env=_env(**extra), capture_output=True, text=True, timeout=600,
                          shell=isinstance(command, str))
    if check and done.returncode != 0:
        raise AssertionError(f"{command} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def _release(out, *options):
    return _run([sys.executable, "-m", "autograder", "release", "--out", str(out), *options], cwd=ROOT, check=False)


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "student-edition"
    done = _release(out)
    assert done.returncode == 0, done.stderr
    return out


# --- what the edition holds ----------------------------------------------------------------------------------

def test_the_edition_has_the_course_and_the_grader_and_nothing_of_the_instructor(edition):
    assert {p.name for p in edition.iterdir()} == TOP_LEVEL
    assert {p.name for p in (edition / "exercises").glob("*.py")} >= {f"{m}.py" for m in MODULES}
    for gone in ("solutions", "tests", "tools", "benchmarks", ".ci", "build", "site"):
        assert not (edition / gone).exists(), gone
    assert not list((edition / "site_tools").glob("*.py"))  # the notebook runner and site bench are instructors'
    readme = (edition / "README.md").read_text()
    assert "This is the public check" in readme and "new random" in readme
    assert "solutions" not in readme
    make_help = _run(["make", "help"], cwd=edition).stdout
    assert all(f"make {target}" in make_help for target in ("grade", "watch", "test", "serve", "site"))


def test_no_reference_body_and_no_bytecode_anywhere_in_the_edition(edition):
    bodies = {**reference_bodies(), **mistake_bodies()}
    assert len(bodies) > 150
    found, compiled = leaks(edition, bodies)
    assert compiled == []
    assert set(found) == TAUGHT, "reference or mistake code in the student edition"


def test_the_leak_search_finds_a_planted_solution_and_bytecode(tmp_path):
    """The wrong variant: an edition that shipped a solution file, a mistake or a .pyc is caught."""
    (tmp_path / "lib").mkdir()
    shutil.copy(SOLUTIONS / "losses.py", tmp_path / "lib" / "helpers.py")
    shutil.copy(ROOT / "autograder" / "mistakes" / "clipping.py", tmp_path / "clipping_notes.py")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "losses.cpython-311.pyc").write_bytes(b"\x00" * 16)
    found, compiled = leaks(tmp_path, {**reference_bodies(), **mistake_bodies()})
    assert {name.split(".")[0] for _, name in found} == {"losses", "clipping"}
    assert len(compiled) == 2


def test_the_mistakes_keep_their_names_and_fixes_but_not_their_code(edition):
    text = (edition / "autograder/mistakes/activations.py").read_text()
    assert "derivative applied to the activation instead of the pre-activation" in text
    assert "recognised from stored outputs" in text


# What the edition refuses although its parser knows it: the instructor's commands, and a seed to replay.
EDITION_REFUSES = {"bundle", "classroom", "release", "check --seed", "watch --seed"}


def _code(text):
    """The commands of a Markdown page: its code blocks' lines (not `text` blocks, which show output) and
    its inline code spans."""
    block = r"^\s*```([^\n]*)\n(.*?)^\s*```"
    fenced = [body for language, body in re.findall(block, text, re.M | re.S) if language.strip() != "text"]
    prose = re.sub(block, "", text, flags=re.M | re.S)
    return [line for body in fenced for line in body.splitlines()] + re.findall(r"`([^`\n]+)`", prose)


def _failing_commands(root, pages):
    """The `make TARGET` and `autograder COMMAND --option` that `pages` name and `root` lacks or refuses."""
    targets = set(re.findall(r"^([a-z][a-z-]*):", (root / "Makefile").read_text(), re.M))
    script = ("import json; from autograder.cli import build_parser; p = build_parser(); "
              "(s,) = [a for a in p._actions if a.dest == 'command']; "
              "print(json.dumps({n: [o for a in c._actions for o in a.option_strings] for n, c in s.choices.items()}))")
    options = json.loads(_run([sys.executable, "-c", script], cwd=root).stdout)
    wrong = []
    for page in pages:
        for code in _code(page.read_text()):
            for target in re.findall(r"(?:^|[\s;&|(])make ([a-z][a-z-]*)\b(?!=)", code):
                if target not in targets:
                    wrong.append(f"{page.relative_to(root)}: make {target}")
            for command, rest in re.findall(r"autograder ([a-z]+)\b([^#]*)", code):
                named = [command] + [f"{command} {o}" for o in re.findall(r"(?<!\S)--[a-z-]+", rest)]
                for what in named:
                    known = command in options and (what == command or what.split()[1] in options[command])
                    if not known or what in EDITION_REFUSES:
                        wrong.append(f"{page.relative_to(root)}: autograder {what}")
            if code.startswith("--") and f"check {code.split()[0]}" in EDITION_REFUSES:  # an option listed alone
                wrong.append(f"{page.relative_to(root)}: autograder check {code.split()[0]}")
            if "--autograder-seed" in code:  # the edition's pytest refuses it: its inputs are fixed
                wrong.append(f"{page.relative_to(root)}: --autograder-seed")
    return wrong


def test_every_command_on_an_edition_page_works_in_the_edition(edition):
    """Every `make TARGET` the edition's pages and README name is a target of its Makefile, and every
    `autograder COMMAND --option` one its grader accepts."""
    assert _failing_commands(edition, [edition / "README.md", *sorted((edition / "docs").rglob("*.md"))]) == []
    setup = (edition / "docs" / "setup.md").read_text()
    assert "Python 3.10 or newer" in setup and "Python 3.11" not in setup


def test_the_command_search_finds_what_only_the_instructor_has():
    """The wrong variant: the instructor's own pages name commands that the edition lacks or refuses."""
    wrong = _failing_commands(ROOT, [ROOT / "docs" / "setup.md", ROOT / "docs" / "exercises" / "index.md"])
    assert {"docs/exercises/index.md: autograder check --seed", "docs/exercises/index.md: autograder bundle",
            "docs/exercises/index.md: --autograder-seed"} <= set(wrong)


# --- the stored answers ---------------------------------------------------------------------------------------

def test_the_answers_are_plain_data_and_equal_the_reference(edition):
    data = edition / "autograder" / "public_data"
    assert sorted(p.name for p in data.iterdir()) == ["expected.json", "expected.npz"]
    with np.load(data / "expected.npz", allow_pickle=False) as npz:  # raises on any object array
        assert all(npz[name].dtype.kind in "biuf" for name in npz.files)
    stored = public.PublicReference(data)
    assert stored.public_seed == public.DEFAULT_PUBLIC_SEED and stored.released == MODULES
    reference = default_reference()
    for index, check in enumerate(all_checks()):
        if isinstance(check, ValueCheck):
            calls = check.calls(np.random.default_rng([stored.public_seed, index]), f"c{index}")
            expected, got = reference.run(calls)[calls[-1].id], stored.run(calls)[calls[-1].id]
            assert json.dumps(public.to_tree(expected, {})) == json.dumps(public.to_tree(got, {})), check.name
            for a, b in zip(*(_arrays(v) for v in (expected, got))):
                np.testing.assert_array_equal(a, b)


def _arrays(value):
    if type(value) is np.ndarray:
        return [value]
    if type(value) in (list, tuple):
        return [a for v in value for a in _arrays(v)]
    if type(value) is dict:
        return [a for v in value.values() for a in _arrays(v)]
    return []


def test_answers_for_other_inputs_are_refused(edition):
    """Stale data must not judge: inputs drawn from another seed do not match the stored digests."""
    stored = public.PublicReference(edition / "autograder" / "public_data")
    index = next(i for i, c in enumerate(all_checks()) if isinstance(c, ValueCheck))
    calls = all_checks()[index].calls(np.random.default_rng([stored.public_seed + 1, index]), f"c{index}")
    with pytest.raises(public.PublicDataError, match="changed since this edition was released"):
        stored.run(calls)


def test_the_instructors_grader_never_draws_a_public_seed(monkeypatch):
    monkeypatch.setattr(public.secrets, "randbelow", lambda n: 0)  # the smallest draw there is
    assert public.choose_seed(default_reference(), None) == public.PUBLIC_SEEDS
    monkeypatch.setattr(public.secrets, "randbelow", lambda n: n - 1)  # and the largest
    assert public.choose_seed(default_reference(), None) == 2**32 - 1
    assert public.choose_seed(default_reference(), 12) == 12  # a replay asks for its seed


def test_release_refuses_bad_arguments_in_one_line(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    for options, message in ((["--public-seed", "70000"], "between 0 and 65535"),
                             (["--modules", "activation"], "did you mean activations")):
        done = _release(tmp_path / "new", *options)
        assert done.returncode == 2 and message in done.stderr and done.stderr.count("\n") == 1
    done = _release(tmp_path / "mine")
    assert done.returncode == 2 and "not empty" in done.stderr
    done = _release(ROOT / "docs" / "edition")
    assert done.returncode == 2 and "inside the instructor repository" in done.stderr
    assert not (ROOT / "docs" / "edition").exists()
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_a_new_release_replaces_an_old_one_and_keeps_its_git_folder(tmp_path):
    out = tmp_path / "edition"
    assert _release(out, "--modules", "losses", "--public-seed", "7").returncode == 0
    (out / ".git").mkdir()
    (out / "stale.txt").write_text("from the last release")
    assert _release(out, "--modules", "activations").returncode == 0
    assert (out / ".git").is_dir() and not (out / "stale.txt").exists()
    stored = public.PublicReference(out / "autograder" / "public_data")
    assert stored.released == ("activations",) and stored.public_seed == 1


def test_releasing_twice_gives_the_same_bytes(tmp_path):
    """The initializers hold the "global np.random" mistake, whose stored draw once came from unseeded
    np.random; expected.npz's members also once carried the time they were written."""
    for name in ("one", "two"):
        assert _release(tmp_path / name, "--modules", "initializers,activations").returncode == 0

    def files(root):
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    one, two = files(tmp_path / "one"), files(tmp_path / "two")
    assert one.keys() == two.keys() and "autograder/public_data/expected.npz" in one
    assert [name for name in one if one[name] != two[name]] == []


# --- inside the edition, installed from its README ---------------------------------------------------------

def _readme_commands(readme):
    """The README's commands: its first (the light `make grade`), and the shell lines of the block that
    does the same install without make."""
    blocks = [b.split("```", 1)[0] for b in readme.split("```bash")[1:]]
    first = blocks[0].strip().splitlines()[0]
    install = next(b for b in blocks if "-m venv" in b)
    return first, [line for line in install.strip().splitlines() if line.strip()]


def _shared_packages(venv):
    """Put this interpreter's packages on `venv`'s path, ahead of the setuptools venv bundles (offline)."""
    own = next((venv / "lib").glob("python3*/site-packages"))
    shared = sysconfig.get_paths()["purelib"]
    (own / "_course_packages.pth").write_text(f"import sys; sys.path.insert(sys.path.index({str(own)!r}), {shared!r})\n")


@pytest.fixture(scope="module")
def installed(edition, tmp_path_factory):
    """A copy of the edition, installed by its README's commands (see the module docstring)."""
    place = tmp_path_factory.mktemp("installed")
    folder = place / "student-edition"
    shutil.copytree(edition, folder)
    first, (venv_line, *pip_lines) = _readme_commands((folder / "README.md").read_text())
    assert first.startswith("make grade")  # the light install comes first
    assert venv_line.startswith("python3 -m venv .venv-grade")
    # The instructor's lock first (exact versions and hashes), then the grader itself.
    assert [line.split("pip install ", 1)[1] for line in pip_lines] == [
        "--require-hashes -r locks/grade.txt", "--no-deps -e ."]
    assert (folder / "locks" / "grade.txt").read_text() == (ROOT / "locks" / "grade.txt").read_text()
    _run(venv_line.replace("python3", sys.executable, 1), cwd=folder)
    _shared_packages(folder / ".venv-grade")
    for pip_line in pip_lines:  # the lock's packages are this interpreter's, already there (offline)
        done = _run(pip_line.replace("pip install", "pip install --no-deps --no-build-isolation", 1), cwd=folder)
    assert "BuildBackendWarning" not in done.stderr, done.stderr  # setuptools' "Editable installation" block
    # .venv, for the site: `make site` installs into it (with PIP_FLAGS, offline) on first use.
    _run([sys.executable, "-m", "venv", ".venv"], cwd=folder)
    _shared_packages(folder / ".venv")
    if (ROOT / "build" / "mkdocs-jupyter-cache").is_dir():
        shutil.copytree(ROOT / "build" / "mkdocs-jupyter-cache", folder / "build" / "mkdocs-jupyter-cache")
    shutil.copytree(SOLUTIONS, place / "reference-copy")  # a submission, as a student might hand it in
    return folder


def test_instructor_commands_refuse_in_the_edition(edition):
    for command in (["bundle", "--out", "../hw.zip"], ["classroom", "--out", "../template"]):
        done = _run([sys.executable, "-m", "autograder", *command], cwd=edition, check=False)
        assert done.returncode == 2 and "not a student edition" in done.stderr, done.stderr
    done = _run([sys.executable, "-m", "autograder", "release", "--out", "../again"], cwd=edition, check=False)
    assert done.returncode == 2 and "this is a student edition" in done.stderr
    for command in ("check", "watch"):  # its inputs are fixed: a seed is refused, not ignored
        done = _run([sys.executable, "-m", "autograder", command, "exercises", "--seed", "5"], cwd=edition, check=False)
        assert done.returncode == 2 and done.stderr.count("\n") == 1 and "fixed inputs" in done.stderr, done.stderr


def _pytest(cwd, *args, **extra):
    return _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *map(str, args)], cwd=cwd,
                check=False, **extra)


def test_the_editions_pytest_refuses_a_seed_and_the_full_course_replays_it(edition, tmp_path):
    """As `check --seed`: the edition's inputs are fixed, so `--autograder-seed` is refused in one line with
    pytest's usage error, before anything is collected; without it, the same run checks the stubs."""
    done = _pytest(edition, "exercises/activations.py", "--autograder-seed", "5")
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 4 and len(lines) == 1, done.stderr  # pytest's exit status for a usage error
    assert "--autograder-seed" in lines[0] and "fixed inputs" in lines[0]
    assert "failed" not in done.stdout and "passed" not in done.stdout
    done = _pytest(edition, "exercises/activations.py")
    assert done.returncode == 1 and "not started" in done.stdout and "This is the public check" in done.stdout
    # The instructor's course (this repository's grader, on a copy of the reference) grades on that seed.
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "sub").mkdir()
    shutil.copy(SOLUTIONS / "activations.py", tmp_path / "sub")
    done = _pytest(tmp_path, "--rootdir", tmp_path, "-c", tmp_path / "pytest.ini", "sub", "--autograder-seed", "5",
                   PYTHONPATH=str(ROOT))
    assert done.returncode == 0 and " passed" in done.stdout, done.stdout[-3000:] + done.stderr
    assert "seed 5: replay exactly with" in done.stdout


def test_the_installed_grader_is_the_editions_own(installed):
    python = str(installed / ".venv-grade" / "bin" / "python")
    where = _run([python, "-c", "import autograder; print(autograder.__file__)"], cwd="/").stdout
    assert where.strip() == str(installed / "autograder" / "__init__.py")
    assert (installed / ".venv-grade" / "bin" / "autograder").exists()


def test_a_copy_of_the_reference_gets_full_marks(installed):
    done = _run([".venv-grade/bin/autograder", "check", "../reference-copy", "--json", "../full.json"], cwd=installed)
    results = json.loads((installed.parent / "full.json").read_text())
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) > 150
    assert "This is the public check" in done.stdout and "new random inputs" in done.stdout


def test_the_stubs_score_zero_with_make_grade(installed):
    done = _run(["make", "grade"], cwd=installed)
    assert "Score: 0/" in done.stdout and "This is the public check" in done.stdout


def test_make_test_runs_the_public_checks_with_pytest(installed):
    done = _run(["make", "test"], cwd=installed, check=False)  # the stubs: every function fails as not started
    assert done.returncode != 0 and "not started: raise NotImplementedError is still there" in done.stdout
    assert " failed" in done.stdout and "Score: 0/" in done.stdout and "passed" not in done.stdout
    assert "This is the public check" in done.stdout and "--autograder-seed" not in done.stdout


def test_every_known_mistake_is_rejected_and_named(installed):
    """One folder per round; a round mutates unrelated modules, one mistake each, and is graded inside."""
    rounds = []
    for mistake in (m for m in all_mistakes() if not m.advisory):  # advisory ones lose no points, by design
        for modules in rounds:
            if mistake.module not in modules and not any(
                    (mistake.module, m) in RELATED or (m, mistake.module) in RELATED for m in modules):
                modules[mistake.module] = mistake
                break
        else:
            rounds.append({mistake.module: mistake})
    plan = {}
    for number, mutated in enumerate(rounds):
        folder = installed.parent / "mutants" / f"round{number:02d}"
        shutil.copytree(SOLUTIONS, folder)
        for module, mistake in mutated.items():
            path = folder / f"{module}.py"
            path.write_text(mistake.mutant_source(path.read_text()))
        plan[str(folder)] = list(mutated)
    (installed.parent / "plan.json").write_text(json.dumps(plan))
    shutil.copy(HERE / "grade_mistakes.py", installed.parent / "grade_mistakes.py")
    done = _run([".venv-grade/bin/python", "../grade_mistakes.py", "../plan.json"], cwd=installed)
    found = json.loads(done.stdout)
    unnamed = []
    for number, mutated in enumerate(rounds):
        result = found[str(installed.parent / "mutants" / f"round{number:02d}")]
        assert result["public"] and result["file"].startswith(str(installed))
        for mistake in mutated.values():
            named = result["named"].get(mistake.function)
            assert named is not None, f"no check of {mistake.function} rejects {mistake.name!r}"
            if mistake.name not in named:
                unnamed.append((mistake.function, mistake.name, named))
    assert unnamed == [], "\n".join(map(str, unnamed))


def test_the_site_builds_and_shows_no_reference_code(installed):
    _run(["make", "site"], cwd=installed, JUPYTER_PATH=str(Path(sysconfig.get_paths()["data"]) / "share" / "jupyter"))
    site = installed / "site"
    assert (site / "index.html").is_file() and (site / "exercises" / "activations" / "index.html").is_file()
    found, compiled = leaks(site, reference_bodies())
    assert compiled == []
    assert {name for _, name in found} <= {name for _, name in TAUGHT}


def test_stored_values_come_back_as_they_went_in_and_objects_are_refused(tmp_path):
    value = {"out": (np.arange(6.0).reshape(2, 3), [1, 2.5, None, True, "text"]), "edge": [math.inf, -math.inf],
             "raised": ValueError("mode must be fan_in or fan_out"), "flag": np.bool_(True)}
    public.save(tmp_path, {"note": 1}, {"run": {"c0": value}})
    tree = json.loads((tmp_path / "expected.json").read_text())
    with np.load(tmp_path / "expected.npz", allow_pickle=False) as npz:
        back = public.from_tree(tree["runs"]["run"]["c0"], {name: npz[name] for name in npz.files})
    np.testing.assert_array_equal(back["out"][0], value["out"][0])
    assert type(back["out"]) is tuple and back["out"][1] == value["out"][1] and back["edge"] == value["edge"]
    assert isinstance(back["raised"], Exception) and "ValueError: mode must be" in str(back["raised"])
    assert back["flag"] is np.True_
    with pytest.raises(public.PublicDataError, match="dtype object"):
        public.to_tree(np.array([{"a": 1}], dtype=object), {})
    with pytest.raises(public.PublicDataError, match="set cannot be stored"):
        public.to_tree({1, 2}, {})


def test_a_mistakes_weights_keep_their_law_when_stored_as_order_statistics():
    from autograder import stats

    rng = np.random.default_rng(3)
    weights = rng.normal(0.0, 0.05, size=(300, 200))
    arrays = {}
    back = public.from_tree(public.to_tree(public.LawSample(weights), arrays), arrays)
    assert back.shape == weights.shape and sum(a.size for a in arrays.values()) == public.LAW_POINTS
    same, threshold = stats.two_sample_distance(weights.ravel(), back.ravel())
    assert same < 2.0 / public.LAW_POINTS < threshold
    other, _ = stats.two_sample_distance(rng.normal(0.0, 0.05**2, size=60000), back.ravel())
    assert other > threshold  # a different law is still told apart
