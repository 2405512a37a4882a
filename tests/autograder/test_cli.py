"""The `autograder` command line: the contract's interface, exit statuses, outputs, batch and bundle."""
import csv
import json
import os
import subprocess
import sys
import zipfile

import pytest

from autograder.mistakes import MODULES
from mutants import write_solutions


def autograder(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], capture_output=True, text=True,
                          timeout=300, **kwargs)


def test_console_script_is_installed():
    script = os.path.join(os.path.dirname(sys.executable), "autograder")
    assert os.access(script, os.X_OK)


@pytest.mark.parametrize("args", [["check", "no/such/folder"], ["frobnicate"], ["check", "--timeout", "-1"],
                                  ["batch", "no/such/folder", "--out", "x.csv"], ["batch", "."], []])
def test_unusable_arguments_exit_2_with_one_line(args, tmp_path):
    done = autograder(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "error" in done.stderr


def test_check_writes_gradescope_json_and_plain_text_when_piped(tmp_path):
    json_path = tmp_path / "results.json"
    done = autograder("check", "solutions", "--json", json_path, "--seed", 5)
    assert done.returncode == 0
    assert "\033[" not in done.stdout  # plain when piped
    assert "seed 5" in done.stdout and "Score:" in done.stdout
    results = json.loads(json_path.read_text())
    assert results["score"] == results["max_score"] > 0
    assert set(results) >= {"score", "max_score", "execution_time", "output", "tests"}
    for test in results["tests"]:
        assert set(test) >= {"name", "score", "max_score", "status", "output", "visibility", "tags"}
        assert test["status"] == "passed"
        assert all(tag.split(".")[0] in MODULES for tag in test["tags"])


def test_check_defaults_to_exercises_and_scores_stubs_zero(tmp_path):
    json_path = tmp_path / "r.json"
    done = autograder("check", "--json", json_path)
    assert done.returncode == 0
    assert json.loads(json_path.read_text())["score"] == 0
    assert "not started" in done.stdout and "What went wrong" not in done.stdout


def test_same_seed_same_report(tmp_path):
    first = autograder("check", "solutions", "--json", tmp_path / "a.json", "--seed", 99)
    second = autograder("check", "solutions", "--json", tmp_path / "b.json", "--seed", 99)
    strip = lambda p: [t["output"] for t in json.loads(p.read_text())["tests"]]  # noqa: E731
    assert strip(tmp_path / "a.json") == strip(tmp_path / "b.json")
    assert first.returncode == second.returncode == 0


def test_python_dash_m_and_zip_submission(tmp_path):
    archive = tmp_path / "sub.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in write_solutions(tmp_path / "exercises").glob("*.py"):
            z.write(path, f"exercises/{path.name}")
    done = autograder("check", archive, "--json", tmp_path / "r.json")
    results = json.loads((tmp_path / "r.json").read_text())
    assert done.returncode == 0 and results["score"] == results["max_score"]


KILL_THE_GRADER = """
import os, signal
zygote = os.getppid()
with open(f"/proc/{zygote}/stat") as stat:
    grader = int(stat.read().rsplit(")", 1)[1].split()[1])
os.kill(grader, signal.SIGKILL)
"""


def test_batch_grades_resumes_and_survives_broken_submissions(tmp_path):
    klass = tmp_path / "class"
    write_solutions(klass / "alice")
    write_solutions(klass / "bob", {"losses.py": "raise SystemExit(1)\n"})
    # mallory's code kills the process that grades it (the zygote's parent), whenever it is imported.
    write_solutions(klass / "mallory", {"gradcheck.py": KILL_THE_GRADER})
    (klass / "carol.zip").write_bytes(b"not a zip")
    (klass / "notes.txt").write_text("not a submission")
    out = tmp_path / "grades.csv"
    done = autograder("batch", klass, "--out", out, "--jobs", 2)
    assert done.returncode == 0, done.stderr
    rows = {row["submission"]: row for row in csv.DictReader(out.open())}
    assert set(rows) == {"alice", "bob", "carol.zip", "mallory"}
    # In namespaces the kill is refused (gradcheck scores 0 with the error); with process isolation only,
    # the grading process dies and mallory's row says so. Either way nobody else's row is touched.
    assert rows["mallory"]["gradcheck"] == "0" and rows["mallory"]["error"]
    assert rows["mallory"]["score"] == "0" or "gradcheck 0/" in rows["mallory"]["error"]
    assert rows["alice"]["score"] == rows["alice"]["max_score"]
    assert rows["bob"]["losses"] == "0" and rows["bob"]["activations"] == rows["alice"]["activations"]
    assert rows["carol.zip"]["score"] == "0" and "zip" in rows["carol.zip"]["error"]
    assert list(csv.reader(out.open()))[0][:3] == ["submission", "score", "max_score"]
    # A re-run after an interruption grades only what is missing; nothing is graded twice.
    write_solutions(klass / "dave")
    again = autograder("batch", klass, "--out", out, "--jobs", 1)
    assert again.returncode == 0
    names = [row["submission"] for row in csv.DictReader(out.open())]
    assert sorted(names) == ["alice", "bob", "carol.zip", "dave", "mallory"]


def test_bundle_runs_like_gradescope(tmp_path):
    bundle = tmp_path / "autograder.zip"
    assert autograder("bundle", "--out", bundle).returncode == 0
    with zipfile.ZipFile(bundle) as z:
        names = set(z.namelist())
        assert {"setup.sh", "run_autograder", "pyproject.toml", "autograder/cli.py", "solutions/losses.py"} <= names
        assert not any(n.startswith("tests/") for n in names)
        assert (z.getinfo("run_autograder").external_attr >> 16) & 0o111
        z.extractall(tmp_path / "root" / "source")
    write_solutions(tmp_path / "root" / "submission")
    env = dict(os.environ, AUTOGRADER_ROOT=str(tmp_path / "root"), AUTOGRADER_PYTHON=sys.executable)
    done = subprocess.run(["bash", str(tmp_path / "root" / "source" / "run_autograder")], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    results = json.loads((tmp_path / "root" / "results" / "results.json").read_text())
    assert results["score"] == results["max_score"] > 0
    # A zip that Gradescope left unextracted in the submission folder is the submission.
    submission = tmp_path / "root" / "submission"
    with zipfile.ZipFile(tmp_path / "sub.zip", "w") as z:
        for path in sorted(submission.glob("*.py")):
            z.write(path, f"exercises/{path.name}")
            path.unlink()
    (tmp_path / "sub.zip").rename(submission / "sub.zip")
    done = subprocess.run(["bash", str(tmp_path / "root" / "source" / "run_autograder")], env=env,
                          capture_output=True, text=True, timeout=300)
    results = json.loads((tmp_path / "root" / "results" / "results.json").read_text())
    assert done.returncode == 0 and results["score"] == results["max_score"] > 0, results["output"]


def test_bundle_out_in_a_missing_folder_is_created_and_a_folder_is_refused(tmp_path):
    done = autograder("bundle", "--modules", "activations", "--out", tmp_path / "new" / "deeper" / "hw1.zip")
    assert done.returncode == 0 and zipfile.is_zipfile(tmp_path / "new" / "deeper" / "hw1.zip"), done.stderr
    done = autograder("bundle", "--out", tmp_path / "new")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "is a folder" in done.stderr


def test_after_a_syntax_error_next_points_at_it_and_the_replay_command_is_never_broken(tmp_path):
    folder = write_solutions(tmp_path / "a-rather-long-folder-name-for-a-submission",
                             {"activations.py": "def relu(z:\n"})
    done = autograder("check", folder, "--only", "activations,losses", "--seed", 7, env={**os.environ, "COLUMNS": "60"})
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    last = " ".join(done.stdout.rstrip().split("\n\n")[-1].split())
    assert last == "6 of 17 functions pass; next: fix activations.py, which cannot be imported (line 1, see above)"
    assert f"  autograder check {folder} --only activations,losses --seed 7" in lines  # whole, on its own line
    one = autograder("check", "solutions", "--only", "activations.relu")
    assert one.stdout.splitlines()[-1] == "1 of 1 function passes: all done."
    assert "modules or functions" in autograder("check", "--help").stdout
