"""The student's loop (issue 11): one file or one function at a time, a report that reads well in a
terminal and a pipe, inputs shown and saved so a failure can be reproduced, and what the code printed."""
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from argparse import Namespace
from pathlib import Path

import numpy as np
import pytest

from autograder import report, watch
from autograder.checks import all_checks
from autograder.failures import load, reproduce
from autograder.grade import grade
from autograder.selection import parse_only, resolve
from autograder.submission import UsageError
from mutants import write_solutions

ROOT = Path(__file__).resolve().parents[2]

RELU_ONE_AT_ZERO = '''

def relu_derivative(z):
    print("relu_derivative saw", z.shape)
    return (np.asarray(z) >= 0).astype(np.float64)
'''


def autograder(*args, env=None, **kwargs):
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], capture_output=True, text=True,
                          timeout=300, env=dict(os.environ, **(env or {})), **kwargs)


def with_source(folder, module, extra):
    """A copy of the solutions in `folder`, with `extra` appended to `module`.py (a later def replaces one)."""
    write_solutions(folder)
    path = folder / f"{module}.py"
    path.write_text(path.read_text() + extra)
    return folder


@pytest.fixture(scope="module")
def stubs_report():
    return grade(ROOT / "exercises", seed=3)


def test_untouched_stubs_are_one_line_each_and_never_explained(stubs_report):
    text = report.text(stubs_report)
    assert "What went wrong" not in text
    lines = text.splitlines()
    functions = {check.function for check in all_checks()}
    for function in functions:
        mentions = [line for line in lines if re.match(rf"\s+\S+\s+{function.split('.')[1]}\s", line)]
        assert len(mentions) == 1, (function, mentions)
        assert "not started" in mentions[0] or "waiting for" in mentions[0]
    assert "waiting for dense_forward" in text  # dense_backward needs the forward function first


def test_progress_line_names_the_next_function_and_its_page(stubs_report, tmp_path):
    assert f"0 of {len({c.function for c in all_checks()})} functions pass; next: sigmoid (activations.py), " \
           "see the activation functions page (docs/ann/activation-functions.md)" in " ".join(
               report.text(stubs_report).split())
    for function in {c.function for c in all_checks()}:
        assert (ROOT / report.course_page(function)[1]).is_file(), function


def test_a_syntax_error_and_a_forbidden_import_are_reported_once_with_their_line(tmp_path):
    folder = with_source(tmp_path / "sub", "gradcheck", "\ndef broken(:\n")
    (folder / "clipping.py").write_text("import scipy\n" + (folder / "clipping.py").read_text())
    text = report.text(grade(folder, seed=1, modules=("gradcheck", "clipping")))
    assert text.count("SyntaxError") == 1 and re.search(r"SyntaxError: .*line \d+", " ".join(text.split()))
    assert " ".join(text.split()).count("only NumPy and the standard library may be imported (found: scipy)") == 1
    assert "What went wrong" not in text


def test_detail_lines_fit_an_80_column_terminal(tmp_path):
    folder = with_source(tmp_path / "sub", "activations", RELU_ONE_AT_ZERO)
    done = autograder("check", "sub", "--only", "activations", "--seed", 4, env={"COLUMNS": "80"}, cwd=tmp_path)
    assert done.returncode == 0
    assert "This is a known mistake" in done.stdout
    assert max(len(line) for line in done.stdout.splitlines()) <= 80, done.stdout


def test_a_reader_that_stops_early_gets_no_broken_pipe_traceback():
    process = subprocess.Popen([sys.executable, "-m", "autograder", "check", "exercises", "--seed", "1"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # like `| head` that has already exited
    _, error = process.communicate(timeout=300)
    assert b"BrokenPipeError" not in error and b"Traceback" not in error
    assert process.returncode == 0


def test_one_file_one_function_and_inside_the_exercises_folder(tmp_path):
    folder = with_source(tmp_path / "sub", "activations", RELU_ONE_AT_ZERO)
    one_file = autograder("check", folder / "activations.py", "--seed", 2)
    assert one_file.returncode == 0 and "neither a folder" not in one_file.stdout
    assert "activations.py  28/" in one_file.stdout and "losses.py" not in one_file.stdout
    one_function = autograder("check", folder, "--only", "activations.relu_derivative", "--json", tmp_path / "r.json")
    tests = json.loads((tmp_path / "r.json").read_text())["tests"]
    assert {t["name"].split(":")[0] for t in tests} == {"activations.relu_derivative"}
    assert "FAIL  relu_derivative" in one_function.stdout and "sigmoid" not in one_function.stdout.split("Score")[0]
    inside = autograder("check", "--only", "activations", cwd=folder)
    assert inside.returncode == 0 and "activations.py  28/" in inside.stdout
    assert resolve(None, None).path == "exercises"  # from the repository's top, as before


@pytest.mark.parametrize("only, message", [("activations.relu_derivativ", "did you mean activations.relu_derivative"),
                                           ("activation", "did you mean activations")])
def test_a_misspelt_selection_is_one_line(only, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        parse_only(only)
    done = autograder("check", "exercises", "--only", only, cwd=ROOT)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1


def test_a_bare_function_name_selects_that_function():
    assert parse_only("relu_derivative") == (("activations",), frozenset({"activations.relu_derivative"}))
    modules, functions = parse_only("losses,clip_by_norm")
    assert modules == ("losses", "clipping") and "clipping.clip_by_norm" in functions and "losses.mse" in functions


def test_a_narrowed_run_draws_the_same_inputs_as_the_full_one(tmp_path):
    folder = with_source(tmp_path / "sub", "activations", RELU_ONE_AT_ZERO)
    full = grade(folder, seed=11, modules=("activations",))
    narrow = grade(folder, seed=11, functions={"activations.relu_derivative"})
    failing = lambda r: [o.verdict.summary for o in r.outcomes  # noqa: E731
                         if o.check.function == "activations.relu_derivative" and not o.verdict.passed]
    assert failing(full) == failing(narrow) != []


def test_feedback_shows_small_inputs_in_full_the_absolute_error_at_zero_and_what_was_printed(tmp_path):
    folder = with_source(tmp_path / "sub", "activations", RELU_ONE_AT_ZERO)
    text = report.text(grade(folder, seed=5, functions={"activations.relu_derivative"}), details=True)
    flat = " ".join(text.split())
    # The kink's values, placed among drawn ones (a (3, 6) array: 18 numbers, printed whole).
    assert "z = [[" in text and all(f"{v}," in flat or f"{v}]" in flat for v in ("-0", "1e-12", "-1e-12"))
    assert "absolute error 1" in flat and "1e+300" not in flat
    assert "Your code printed:" in text and "| relu_derivative saw (3, 6)" in text


def test_large_inputs_are_summarised_with_their_shape(tmp_path):
    folder = with_source(tmp_path / "sub", "cnn", "\n\ndef flatten(x):\n    return x.reshape(x.shape[0], -1) + 1\n")
    text = report.text(grade(folder, seed=5, functions={"cnn.flatten"}))
    assert re.search(r"x: float64 array of shape \(2, 3, 4, 5\), from -?\d", text)


def test_saved_failures_are_plain_npz_and_reproduce_in_one_line(tmp_path):
    folder = with_source(tmp_path / "sub", "activations", RELU_ONE_AT_ZERO)
    done = autograder("check", folder, "--only", "activations.relu_derivative", "--seed", 5,
                      "--save-failures", tmp_path / "failures")
    saved = sorted((tmp_path / "failures").glob("*.npz"))
    assert [p.name for p in saved] == ["activations.relu_derivative-1.npz"]
    assert f'reproduce("{saved[0]}")' in done.stdout
    with np.load(saved[0], allow_pickle=False) as data:  # plain arrays: no pickle needed
        assert set(data.files) >= {"layout", "args.0", "expected", "got"}
    layout, arrays = load(saved[0])
    assert layout["folder"] == str(folder.resolve())
    assert layout["function"] == "activations.relu_derivative"
    z = arrays["args.0"]
    assert z.shape == (3, 6) and {1e-12, -1e-12} <= set(z.ravel()) and np.signbit(z[z == 0]).any()
    line = f'from autograder.failures import reproduce; reproduce("{saved[0]}")'
    again = subprocess.run([sys.executable, "-c", line], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "expected 0" in again.stdout, again.stderr


def test_reproduce_runs_the_forward_function_first_for_a_backward_check(tmp_path):
    source = (ROOT / "solutions" / "layers.py").read_text()
    folder = write_solutions(tmp_path / "sub", {"layers.py": source.replace(
        "return dout @ W.T, x.T @ dout, dout.sum(axis=0)", "return dout @ W.T, x.T @ dout, 2 * dout.sum(axis=0)")})
    result = grade(folder, seed=2, functions={"layers.dense_backward"})
    from autograder.failures import save_failures

    saved = save_failures(result, tmp_path / "failures")
    assert saved
    os.chdir(folder)
    try:
        got, expected = reproduce(saved[0])
    finally:
        os.chdir(ROOT)
    np.testing.assert_allclose(got[2], 2 * expected[2])


def test_report_fixes_no_empty_braces_no_doubled_not_run_and_an_evaluation_mode():
    names = [check.name for check in all_checks()]
    assert not [name for name in names if "{}" in name]
    assert any("an evaluation-mode" in name for name in names) and not any("a evaluation" in n for n in names)
    from autograder.spec import _failure

    assert _failure({"status": "skipped", "error": "not run: x"}, "f").summary == "not run: x"


def test_watch_regrades_only_the_saved_module_and_keeps_the_rest(tmp_path):
    assert watch.changed_modules({"a.py": 1, "losses.py": 1}, {"a.py": 1, "losses.py": 2},
                                 ("activations", "losses")) == ("losses",)
    assert watch.changed_modules({"helper.py": 1}, {"helper.py": 2}, ("activations", "losses")) == (
        "activations", "losses")  # a helper may be imported by any module
    assert watch.changed_modules({"losses.py": 1}, {"losses.py": 2}, ("activations", "losses", "layers"),
                                 ROOT / "exercises") == ("losses", "layers")  # layers.py imports losses
    folder = write_solutions(tmp_path / "sub")
    out = io.StringIO()
    args = Namespace(path=str(folder), modules="activations,losses", seed=1, timeout=5.0, brief=True)
    runner = threading.Thread(target=watch.watch, args=(args, out, 2))
    runner.start()
    while "watching" not in out.getvalue() and runner.is_alive():
        time.sleep(0.05)
    path = folder / "activations.py"
    path.write_text(path.read_text() + RELU_ONE_AT_ZERO.replace("print", "pass  #"))
    runner.join(timeout=120)
    assert not runner.is_alive()
    first, second = out.getvalue().split("=" * 40)[1:]
    assert "Score: 50/50" in first and "FAIL  relu_derivative" in second
    assert "(activations regraded in" in second and "losses.py  21/21" in second
