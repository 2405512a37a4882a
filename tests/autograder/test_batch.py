"""`autograder batch` as an instructor uses it: a class of eight, a module selection, points, a roster,
gradebook exports, regrading, and Ctrl-C."""
import csv
import os
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from autograder.assignment import module_maxima
from autograder.batch import read_rows
from autograder.report import csv_header
from autograder.submission import MAX_ZIP_ENTRIES, UsageError
from mutants import write_solutions

HOMEWORK = ["activations", "losses", "layers"]
# The maxima as the CSV writes them, from the checks themselves (they grow as checks are added).
MAXIMA = {module: f"{points:g}" for module, points in module_maxima(HOMEWORK).items()}
FULL = f"{sum(module_maxima(HOMEWORK).values()):g}"


def autograder(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], capture_output=True, text=True,
                          timeout=600, **kwargs)


def rows_of(path):
    return {row["submission"]: row for row in csv.DictReader(open(path, newline="", encoding="utf-8"))}


def zip_folder(folder, archive, prefix=""):
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(folder.glob("*")):
            z.write(path, prefix + path.name)
    return archive


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    """The class of eight from the issue: folders and zips, complete, partial, empty, a syntax error,
    a single module, a nested exercises/ folder, misnamed files."""
    root = tmp_path_factory.mktemp("class")
    write_solutions(root / "alice")
    zip_folder(write_solutions(root / "staging" / "bob"), root / "bob.zip", "exercises/")
    write_solutions(root / "carol", {"losses.py": "def mse(y_pred, y_true):\n    return 0.0\n"})  # partial
    (root / "dave").mkdir()  # empty
    write_solutions(root / "erin", {"activations.py": "def relu(z:\n"})  # a syntax error
    (root / "frank").mkdir()
    (root / "frank" / "activations.py").write_text((root / "alice" / "activations.py").read_text())  # one module
    write_solutions(root / "grace" / "exercises")  # nested
    misnamed = write_solutions(root / "heidi")
    (misnamed / "activations.py").rename(misnamed / "Activations.py")
    (misnamed / "losses.py").rename(misnamed / "losses (1).py")
    (misnamed / "layers.py").rename(misnamed / "layers.py.txt")
    import shutil

    shutil.rmtree(root / "staging")
    return root


@pytest.fixture(scope="module")
def graded(klass, tmp_path_factory):
    out = tmp_path_factory.mktemp("grades") / "hw1.csv"
    done = autograder("batch", klass, "--out", out, "--jobs", 2, "--modules", ",".join(HOMEWORK))
    assert done.returncode == 0, done.stderr
    return out, done


def test_columns_cover_only_the_selected_modules_with_their_maxima(graded):
    out, _ = graded
    header = next(csv.reader(open(out)))
    assert header == ["submission", "score", "max_score", "percent", "activations", "activations/max", "losses",
                      "losses/max", "layers", "layers/max", "seed", "error"]
    for row in rows_of(out).values():
        assert row["max_score"] == FULL
        assert all(row[f"{m}/max"] == MAXIMA[m] for m in HOMEWORK)


def test_rows_are_sorted_and_complete_rows_score_full_marks(graded):
    out, done = graded
    names = [row[0] for row in csv.reader(open(out))][1:]
    assert names == sorted(names) == ["alice", "bob.zip", "carol", "dave", "erin", "frank", "grace", "heidi"]
    rows = rows_of(out)
    for name in ("alice", "bob.zip", "grace"):
        assert rows[name]["score"] == FULL and rows[name]["percent"] == "100.0" and rows[name]["error"] == ""
        assert rows[name]["seed"].isdigit()
    assert "graded 8 submissions" in done.stdout


def test_every_zero_has_its_reason(graded):
    rows = rows_of(graded[0])
    assert rows["dave"]["score"] == "0" and "no file of this assignment was found" in rows["dave"]["error"]
    assert rows["erin"]["activations"] == "0" and "SyntaxError" in rows["erin"]["error"]
    assert rows["frank"]["activations"] == "29" and "losses.py is missing" in rows["frank"]["error"]
    assert "layers.py is missing" in rows["frank"]["error"]
    assert rows["carol"]["losses"] != "15" and rows["carol"]["activations"] == "29"
    assert float(rows["carol"]["percent"]) < 100
    heidi = rows["heidi"]["error"]
    for found, meant in (("Activations.py", "activations.py"), ("losses (1).py", "losses.py"),
                         ("layers.py.txt", "layers.py")):
        assert f"found {found}" in heidi and f"did you mean {meant}?" in heidi
    for row in rows.values():  # the wrong variant: a zero with an empty reason
        for module in HOMEWORK:
            if row[module] == "0":
                assert row["error"], row


def test_the_seed_replays_a_row(graded, klass, tmp_path):
    row = rows_of(graded[0])["carol"]
    json_path = tmp_path / "carol.json"
    done = autograder("check", klass / "carol", "--only", ",".join(HOMEWORK), "--seed", row["seed"],
                      "--json", json_path)
    assert done.returncode == 0
    assert f"Score: {row['score']}/{FULL}" in done.stdout


def test_points_file_weights_modules(klass, tmp_path):
    points = tmp_path / "hw1.toml"
    points.write_text("# weights\nactivations = 40\nlosses = 60\n")
    out = tmp_path / "weighted.csv"
    done = autograder("batch", klass, "--out", out, "--jobs", 2, "--modules", "activations,losses",
                      "--points", points)
    assert done.returncode == 0, done.stderr
    rows = rows_of(out)
    assert rows["alice"]["score"] == rows["alice"]["max_score"] == "100"
    assert rows["frank"]["score"] == "40" and rows["frank"]["losses/max"] == "60"
    assert rows["dave"]["max_score"] == "100"


@pytest.mark.parametrize("args, message", [
    (["--modules", "activation"], "did you mean activations?"),
    (["--modules", "activations", "--points", "{points}"], "not a module of this assignment"),
    (["--format", "canvas"], "needs --roster"),
    (["--format", "canvas,excel"], "unknown format 'excel'"),
    (["--regrade", "nobody"], "no submission named nobody"),
    (["--roster", "{missing}"], "cannot read the roster"),
    (["--out", "{missing}/g.csv"], "not a file in an existing folder"),
])
def test_bad_arguments_give_one_line(klass, tmp_path, args, message):
    (tmp_path / "p.toml").write_text("losses = 5\n")
    args = [a.format(points=tmp_path / "p.toml", missing=tmp_path / "none.csv") for a in args]
    done = autograder("batch", klass, "--out", tmp_path / "g.csv", *args)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and message in done.stderr


def test_a_csv_of_other_columns_is_not_appended_to(klass, tmp_path):
    out = tmp_path / "old.csv"
    out.write_text("submission,score,max_score,activations\nalice,1,2,1\n")
    done = autograder("batch", klass, "--out", out, "--modules", "activations")
    assert done.returncode == 2 and "other columns" in done.stderr
    with pytest.raises(UsageError):
        read_rows(out, csv_header(("activations",)))


def test_roster_exports_and_regrade(klass, graded, tmp_path):
    out = tmp_path / "hw1.csv"
    out.write_bytes(graded[0].read_bytes())  # resume from the graded class: nothing is graded again
    roster = tmp_path / "roster.csv"
    roster.write_text("submission,student_id,name,email\nalice,1001,Alice Archer,alice@uni.example\n"
                      "BOB,1002,Bob Baker,bob@uni.example\nzoe,1026,Zoe Zhang,zoe@uni.example\n")
    done = autograder("batch", klass, "--out", out, "--modules", ",".join(HOMEWORK), "--roster", roster,
                      "--format", "canvas")
    assert done.returncode == 0, done.stderr
    assert "graded 0 submissions (8 already" in done.stdout
    assert "match no student: carol, dave, erin" in done.stdout and "have no submission: Zoe Zhang" in done.stdout
    rows = rows_of(out)
    assert rows["bob.zip"]["student_id"] == "1002" and rows["alice"]["email"] == "alice@uni.example"
    assert rows["carol"]["student_id"] == ""
    canvas = list(csv.reader(open(tmp_path / "hw1.canvas.csv")))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "hw1"]
    assert canvas[1][0] == "    Points Possible" and canvas[1][-1] == FULL
    assert canvas[2:] == [["Alice Archer", "", "1001", "alice@uni.example", "", FULL],
                          ["Bob Baker", "", "1002", "bob@uni.example", "", FULL],
                          ["Zoe Zhang", "", "1026", "zoe@uni.example", "", "0"]]

    # Alice fixes nothing but asks for a regrade; Bob's zip is replaced by a broken one: both rows are replaced.
    seeds = {name: row["seed"] for name, row in rows.items()}
    bob = klass / "bob.zip"
    original = bob.read_bytes()
    try:
        zip_folder(write_solutions(tmp_path / "bob2", {"losses.py": "raise SystemExit(3)\n"}), bob)
        done = autograder("batch", klass, "--out", out, "--modules", ",".join(HOMEWORK), "--roster", roster,
                          "--format", "canvas,moodle", "--regrade", "alice,bob.zip")
    finally:
        bob.write_bytes(original)
    assert done.returncode == 0, done.stderr
    assert "graded 2 submissions (6 already" in done.stdout
    after = rows_of(out)
    assert after["bob.zip"]["losses"] == "0" and after["bob.zip"]["student_id"] == "1002"
    assert after["alice"]["score"] == FULL
    assert all(after[n]["seed"] == seeds[n] for n in after if n not in ("alice", "bob.zip"))
    assert [r[0] for r in csv.reader(open(out))][1:] == sorted(after)
    moodle = list(csv.reader(open(tmp_path / "hw1.moodle.csv")))
    assert moodle[0] == ["Email address", "ID number", "Full name", "hw1", "Feedback"]
    bob_row = next(r for r in moodle if r[0] == "bob@uni.example")
    assert bob_row[3] == after["bob.zip"]["score"] and "losses" in bob_row[4]
    canvas = list(csv.reader(open(tmp_path / "hw1.canvas.csv")))  # both files from one run
    assert next(r for r in canvas if r[0] == "Bob Baker")[-1] == after["bob.zip"]["score"] != FULL


LOOP = "while True:\n    pass\n"


def test_ctrl_c_keeps_finished_rows_prints_one_line_and_exits_130(tmp_path):
    klass = tmp_path / "class"
    for name in ("a1", "a2", "a3"):
        write_solutions(klass / name)
    for name in ("z1", "z2"):  # two infinite loops, graded last (submissions go in name order)
        write_solutions(klass / name, {"activations.py": LOOP})
    out = tmp_path / "grades.csv"
    command = [sys.executable, "-m", "autograder", "batch", str(klass), "--out", str(out), "--jobs", "2",
               "--modules", "activations,losses", "--timeout", "60"]
    # Its own session, like a shell's foreground job: Ctrl-C reaches the whole process group.
    batch = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    try:
        while len(rows_of(out) if out.exists() else {}) < 3 and batch.poll() is None:
            time.sleep(0.1)
        assert batch.poll() is None, batch.communicate()
        os.killpg(batch.pid, signal.SIGINT)
        stdout, stderr = batch.communicate(timeout=60)  # a guard against a hang, not a timing assertion
    finally:
        if batch.poll() is None:
            os.killpg(batch.pid, signal.SIGKILL)
    assert batch.returncode == 130
    assert stderr.strip() == "interrupted: 3 of 5 graded; run the same command to resume"
    rows = rows_of(out)
    assert sorted(rows) == ["a1", "a2", "a3"] and all(r["score"] == r["max_score"] for r in rows.values())

    # The same command resumes: only the two interrupted submissions are graded (now fixed).
    for name in ("z1", "z2"):
        write_solutions(klass / name)
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "graded 2 submissions (3 already" in done.stdout
    assert sorted(rows_of(out)) == ["a1", "a2", "a3", "z1", "z2"]
    assert {r["seed"] for n, r in rows_of(out).items() if n.startswith("a")} == {r["seed"] for r in rows.values()}


def test_a_timeout_is_a_reason_too(tmp_path):
    write_solutions(tmp_path / "class" / "looper", {"activations.py": LOOP})
    out = tmp_path / "grades.csv"
    done = autograder("batch", tmp_path / "class", "--out", out, "--modules", "activations", "--timeout", 2)
    assert done.returncode == 0, done.stderr
    row = rows_of(out)["looper"]
    assert row["score"] == "0" and "timed out" in row["error"]


def test_cloned_repositories_are_graded_from_their_exercises_folder(tmp_path):
    """GitHub Classroom's tools download each student's repository into one folder: the work is in
    exercises/, beside the edition's own grader (whose mistakes/ and checks/ hold files named like the
    modules) and whatever else a student keeps, at the clone's root or deeper."""
    klass = tmp_path / "hw1-submissions"
    stubs = {f"{m}.py": "def f():\n    raise NotImplementedError\n" for m in HOMEWORK}
    for name in ("hw1-alice", "hw1-bob"):
        write_solutions(klass / name / "autograder" / "mistakes", stubs)  # decoys, scoring 0 if picked
        (klass / name / "README.md").write_text("student edition\n")
        (klass / name / ".git").mkdir()
    write_solutions(klass / "hw1-alice" / "exercises")
    bob = write_solutions(klass / "hw1-bob" / "exercises", {"losses.py": "def mse(y_pred, y_true):\n    return 0.0\n"})
    for unused in set(p.name for p in bob.glob("*.py")) - stubs.keys():  # bob removed the other modules
        (bob / unused).unlink()
    write_solutions(klass / "hw1-bob" / "backup")  # a complete copy elsewhere is not the submission
    write_solutions(klass / "hw1-carol" / "course" / "2026" / "exercises")  # cloned deeper
    out = tmp_path / "hw1.csv"
    done = autograder("batch", klass, "--out", out, "--modules", ",".join(HOMEWORK), "--jobs", 2)
    assert done.returncode == 0, done.stderr
    rows = rows_of(out)
    assert sorted(rows) == ["hw1-alice", "hw1-bob", "hw1-carol"]
    assert rows["hw1-alice"]["score"] == rows["hw1-carol"]["score"] == FULL
    assert rows["hw1-bob"]["activations"] == "29" and rows["hw1-bob"]["losses"] != "15"


def _wait_for_numpy(pid, deadline=60.0):
    """Until the process maps NumPy's compiled core: it is past Python's own start-up, importing NumPy."""
    started = time.monotonic()
    while time.monotonic() - started < deadline:
        try:
            if "_multiarray_umath" in open(f"/proc/{pid}/maps").read():
                return
        except OSError:
            return
        time.sleep(0.002)


@pytest.mark.parametrize("after", [0.0, 0.1, 0.3])
def test_ctrl_c_while_the_batch_starts_gives_no_traceback(tmp_path, after):
    """While the grader imports NumPy and loads the reference, Ctrl-C ends it as cleanly as later."""
    write_solutions(tmp_path / "class" / "a1")
    batch = subprocess.Popen([sys.executable, "-m", "autograder", "batch", str(tmp_path / "class"), "--out",
                              str(tmp_path / "g.csv"), "--modules", "activations"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    _wait_for_numpy(batch.pid)
    time.sleep(after)
    os.killpg(batch.pid, signal.SIGINT)
    _, stderr = batch.communicate(timeout=60)
    assert batch.returncode == 130 or (batch.returncode == 0 and not stderr), stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == (batch.returncode == 130), stderr


def test_a_folder_holding_only_a_zip_is_graded_as_that_zip(tmp_path):
    """LMS downloads put each student's upload in a folder of its own: a folder holding one zip and no
    Python file is that zip, graded as `check` and Gradescope grade it, within the upload limits (paths
    outside the submission, oversized files, too many entries); a hostile zip costs only its student."""
    klass = tmp_path / "class"
    partial = {"losses.py": "def mse(y_pred, y_true):\n    return 0.0\n"}  # neither full marks nor 0
    write_solutions(klass / "carol", partial)
    (klass / "carol-lms").mkdir()
    zip_folder(write_solutions(tmp_path / "staging", partial), klass / "carol-lms" / "upload.zip", "exercises/")
    zip_folder(write_solutions(tmp_path / "broken", {"activations.py": "def relu(z:\n"}),
               write_solutions(klass / "dave") / "old-attempt.zip")  # beside Python files: the folder is graded
    (klass / "mallory").mkdir()
    with zipfile.ZipFile(klass / "mallory" / "upload.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("../../escaped.py", "print('escaped')\n")
        archive.writestr("exercises/activations.py", "#" + " " * (8 * 2**20))  # kilobytes zipped, too large to take
    (klass / "trudy").mkdir()
    with zipfile.ZipFile(klass / "trudy" / "upload.zip", "w") as archive:
        for index in range(MAX_ZIP_ENTRIES + 1):  # more entries than a submission may list
            archive.writestr(f"{index}", b"")
    out = tmp_path / "hw1.csv"
    done = autograder("batch", klass, "--out", out, "--modules", ",".join(HOMEWORK), "--jobs", 2)
    assert done.returncode == 0, done.stderr
    rows = rows_of(out)
    assert sorted(rows) == ["carol", "carol-lms", "dave", "mallory", "trudy"]
    columns = ["score", "max_score", *HOMEWORK]
    assert [rows["carol-lms"][c] for c in columns] == [rows["carol"][c] for c in columns]
    reason = rows["carol"]["error"].split(":")[0]  # the values it quotes come from each row's own seed
    assert reason.startswith("losses ") and rows["carol-lms"]["error"].startswith(f"{reason}:")
    assert 0 < float(rows["carol"]["score"]) < float(FULL)
    assert rows["dave"]["score"] == FULL and rows["dave"]["error"] == ""
    assert rows["mallory"]["score"] == rows["trudy"]["score"] == "0"
    assert "skipped ../../escaped.py: path outside the submission" in rows["mallory"]["error"]
    assert "skipped exercises/activations.py: too large" in rows["mallory"]["error"]
    assert f"upload.zip was not read: it lists {MAX_ZIP_ENTRIES + 1} entries" in rows["trudy"]["error"]
    assert not any(row["error"].count("\n") for row in rows.values())
    assert not list(tmp_path.rglob("escaped.py")) and not (tmp_path.parent / "escaped.py").exists()
