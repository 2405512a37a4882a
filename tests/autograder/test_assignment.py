"""One assignment: the module selection, the points file (TOML, and the reader used on Python 3.10),
misnamed files, and `check --only/--points/--fail-under`."""
import json
import subprocess
import sys

import pytest

from autograder import assignment
from autograder.checks import all_checks
from autograder.mistakes import MODULES
from autograder.submission import UsageError, intended_module, misnaming_notes


def autograder(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], capture_output=True, text=True,
                          timeout=300, **kwargs)


def test_modules_are_parsed_into_contract_order():
    assert assignment.parse_modules("losses, activations.py") == ("activations", "losses")
    assert assignment.parse_modules("nlp, rnn") == ("rnn", "nlp")
    assert assignment.parse_modules(None) == MODULES
    for bad, message in (("activation", "did you mean activations?"), ("", "at least one"), ("x", "the modules are")):
        with pytest.raises(UsageError, match=message):
            assignment.parse_modules(bad)


POINTS = "# homework 1\n[points]\nactivations = 40   # most of it\nlosses = 60.5\n"


@pytest.mark.parametrize("reader", ["tomllib", "python3.10"])
def test_points_file(tmp_path, monkeypatch, reader):
    if reader == "python3.10":
        monkeypatch.setattr(assignment, "tomllib", None)
    path = tmp_path / "p.toml"
    path.write_text(POINTS)
    assert assignment.load_points(path, ("activations", "losses")) == {"activations": 40.0, "losses": 60.5}
    path.write_text("activations = 40\n")
    assert assignment.load_points(path, ("activations", "losses")) == {"activations": 40.0}
    for text, message in (("rnn = 3\n", "not a module of this assignment"), ("losses = 0\n", "positive"),
                          ("losses = [1]\n", "positive|expected `module = points`")):
        path.write_text(text)
        with pytest.raises(UsageError, match=message):
            assignment.load_points(path, ("activations", "losses"))


def test_weights_make_each_module_sum_to_its_points():
    checks = all_checks(("activations", "losses"))
    weighted = assignment.weigh(checks, {"losses": 60})
    assert sum(c.points for c in weighted if c.module == "losses") == pytest.approx(60)
    assert [c.points for c in weighted if c.module == "activations"] == [c.points for c in checks
                                                                         if c.module == "activations"]
    assert assignment.module_maxima(("activations", "losses"), {"losses": 60}) == pytest.approx(
        {"activations": 29, "losses": 60})


@pytest.mark.parametrize("name, meant", [
    ("Activations.py", "activations"), ("LOSSES.PY", "losses"), ("losses (1).py", "losses"),
    ("losses copy.py", "losses"), ("layers.py.txt", "layers"), ("exercises/Rnn.py", "rnn"),
    ("cnn.ipynb", "cnn"), ("losses.py", None), ("helpers.py", None), ("notes.txt", None),
])
def test_misnamed_files_are_recognised(name, meant):
    assert intended_module(name) == meant


def test_a_hint_only_for_a_module_that_is_missing():
    assert misnaming_notes(["Activations.py", "activations.py"], {"activations"}) == []
    assert misnaming_notes(["losses (1).py"], set()) == ["found losses (1).py, misnamed: did you mean losses.py?"]


def test_check_only_grades_the_selection_with_its_points(tmp_path):
    points = tmp_path / "p.toml"
    points.write_text("activations = 40\nlosses = 60\n")
    json_path = tmp_path / "r.json"
    done = autograder("check", "solutions", "--only", "losses,activations", "--points", points, "--json", json_path)
    assert done.returncode == 0, done.stderr
    results = json.loads(json_path.read_text())
    assert {t["tags"][0].split(".")[0] for t in results["tests"]} == {"activations", "losses"}
    assert results["max_score"] == pytest.approx(100) and results["score"] == pytest.approx(100)
    # Rounded to two decimals everywhere, so 100 is 100 (not 100.00000000000003) on every machine.
    assert results["max_score"] == results["score"] == 100
    assert all(round(t[key], 2) == t[key] for t in results["tests"] for key in ("score", "max_score"))


def test_fail_under_sets_the_exit_status():
    assert autograder("check", "solutions", "--only", "losses", "--fail-under", "100%").returncode == 0
    assert autograder("check", "solutions", "--only", "losses", "--fail-under", "15").returncode == 0
    done = autograder("check", "exercises", "--only", "losses", "--fail-under", "1", "--brief")
    assert done.returncode == 1
    assert done.stderr.strip() == f"autograder: score 0/{assignment.module_maxima(['losses'])['losses']:g} is below 1"
    for bad in ("abc", "120%", "-1"):
        done = autograder("check", "solutions", "--fail-under", bad)
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
