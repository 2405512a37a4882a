"""Hostile submissions: each must be graded correctly, and everything it does not touch graded in full.

Every case is the reference solutions with one module made hostile, graded by
the real command line (`autograder check DIR --json FILE`) in a subprocess.
"""
import json
import os
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from autograder.reference import DEFAULT_FOLDER
from mutants import write_solutions

TIMEOUT = "1"  # seconds per call: keeps the hanging cases quick


def patched(module, code):
    """{file: source}: the reference module with `code` appended (later definitions win)."""
    source = (DEFAULT_FOLDER / f"{module}.py").read_text()
    return {f"{module}.py": source + "\n\n" + textwrap.dedent(code)}


def at_import(module, code):
    """{file: source}: the reference module with `code` run first, at import."""
    source = (DEFAULT_FOLDER / f"{module}.py").read_text()
    return {f"{module}.py": textwrap.dedent(code) + "\n\n" + source}


CASES = {
    # objects that lie
    "eq-always-true": (patched("activations", """
        class Liar:
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __array__(self, *a, **k): raise RuntimeError
        def elu(z, alpha=1.0): return Liar()
        """), {"activations.elu"}),
    "ndarray-subclass": (patched("activations", """
        class LyingArray(np.ndarray):
            def __eq__(self, other): return np.ones(np.shape(self), bool).view(np.ndarray)
            def __sub__(self, other): return np.zeros(np.shape(self)).view(np.ndarray)
            def __abs__(self): return np.zeros(np.shape(self)).view(np.ndarray)
        def elu(z, alpha=1.0): return np.zeros_like(z).view(LyingArray)
        """), {"activations.elu"}),
    "nan-and-inf": (patched("losses", """
        def mse(y_pred, y_true): return float("nan")
        def mse_grad(y_pred, y_true): return np.full(np.shape(y_pred), np.inf)
        """), {"losses.mse", "losses.mse_grad"}),
    "scalar-for-array": (patched("activations", "def softmax(z, axis=-1): return 1.0\n"), {"activations.softmax"}),
    # leaving the process
    "sys-exit-at-import": (at_import("clipping", "import sys\nsys.exit(3)\n"), {"clipping.*"}),
    "os-exit-in-call": (patched("activations", "import os\ndef elu(z, alpha=1.0): os._exit(7)\n"),
                        {"activations.elu"}),
    "keyboard-interrupt": (patched("gradcheck", "def relative_error(a, b): raise KeyboardInterrupt\n"),
                           {"gradcheck.relative_error"}),
    "base-exception": (patched("gradcheck", """
        class Escape(BaseException): pass
        def relative_error(a, b): raise Escape("out")
        """), {"gradcheck.relative_error"}),
    "infinite-recursion": (patched("activations", """
        import sys
        sys.setrecursionlimit(10**6)
        def elu(z, alpha=1.0): return elu(z, alpha)
        """), {"activations.elu"}),
    # hanging and exhausting
    "infinite-loop": (patched("clipping", "def clip_by_value(grads, clip_value):\n    while True: pass\n"),
                      {"clipping.clip_by_value"}),
    "sleep": (patched("clipping", "import time\ndef clip_by_value(grads, clip_value): time.sleep(1000)\n"),
              {"clipping.clip_by_value"}),
    "ignores-signals": (patched("clipping", """
        import signal
        def clip_by_value(grads, clip_value):
            for s in (signal.SIGALRM, signal.SIGTERM, signal.SIGINT, signal.SIGXCPU):
                signal.signal(s, signal.SIG_IGN)
            while True: pass
        """), {"clipping.clip_by_value"}),
    "memory-exhaustion": (patched("activations", """
        def elu(z, alpha=1.0):
            hoard = []
            while True: hoard.append(np.ones(10**7))
        """), {"activations.elu"}),
    "output-flood": (patched("activations", """
        import os, sys
        def elu(z, alpha=1.0):
            chunk = "x" * 2**20
            for _ in range(10**5):
                print(chunk); sys.__stdout__.write(chunk); os.write(1, chunk.encode()); os.write(2, chunk.encode())
        """), {"activations.elu"}),
    "stray-children": (patched("activations", """
        import os, time
        def elu(z, alpha=1.0):
            try:
                if os.fork() == 0:
                    os.setsid()
                    if os.fork() == 0:
                        time.sleep(300)
                    os._exit(0)
            except OSError:
                pass
            time.sleep(300)
        """), {"activations.elu"}),
    # cheating
    "monkeypatch-numpy-and-friends": (at_import("activations", """
        import builtins, unittest, numpy
        numpy.allclose = lambda *a, **k: True
        numpy.array_equal = lambda *a, **k: True
        numpy.testing.assert_allclose = lambda *a, **k: None
        unittest.TestCase.assertEqual = lambda *a, **k: None
        builtins.abs = lambda x: 0
        try:
            import pytest
            pytest.approx = lambda *a, **k: a[0]
        except ImportError:
            pass
        """) | patched("activations", "def elu(z, alpha=1.0): return np.zeros_like(z)\n"),
        {"activations.elu"}),
    "fake-score-printed": (at_import("losses", """
        import sys, os
        print("Score: 999/999"); sys.__stdout__.write("PASS all"); os.write(1, b"Score: 999/999")
        """) | patched("losses", "def mse(y_pred, y_true): return 0.0\n"), {"losses.mse"}),
    "import-course-code": (at_import("losses", """
        for name in ("solutions", "autograder", "tests", "solutions.losses"):
            try:
                __import__(name)
                raise SystemExit("imported " + name)
            except ImportError:
                pass
        """), set()),
    # missing and broken files
    "missing-file": ({"clipping.py": None}, {"clipping.*"}),
    "syntax-error": ({"losses.py": "def mse(:\n"}, {"losses.*", "layers.*"}),  # layers imports losses
    "wrong-name": (patched("gradcheck", "relative_err = relative_error\ndel relative_error\n"),
                   {"gradcheck.relative_error"}),
}


def run_check(target, json_path, *extra):
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "autograder", "check", str(target), "--json", str(json_path),
                           "--timeout", TIMEOUT, *extra], capture_output=True, text=True, timeout=240)
    return done, time.monotonic() - started


def assert_graded(results, broken):
    """Tests of broken functions score 0; every other test gets its full marks."""
    assert results["tests"], "no tests graded"
    for test in results["tests"]:
        function = test["tags"][0]
        module = function.split(".")[0]
        hit = function in broken or f"{module}.*" in broken
        if hit:
            assert test["score"] == 0, f"{test['name']} scored despite the hostile code: {test['output']}"
        else:
            assert test["score"] == test["max_score"], f"{test['name']} lost marks it deserved: {test['output']}"


def write_case(tmp_path, overrides):
    folder = write_solutions(tmp_path / "submission")
    for name, text in overrides.items():
        if text is None:
            (folder / name).unlink()
        else:
            (folder / name).write_text(text)
    return folder


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_submission_is_graded_correctly(case, tmp_path):
    overrides, broken = CASES[case]
    folder = write_case(tmp_path, overrides)
    json_path = tmp_path / "results.json"
    done, seconds = run_check(folder, json_path)
    assert done.returncode == 0, done.stderr
    assert "999/999" not in done.stdout and "PASS all" not in done.stdout
    assert len(done.stdout) < 200_000
    assert_graded(json.loads(json_path.read_text()), broken)


def make_zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            if isinstance(data, tuple):  # (kind, payload): a symbolic link entry
                info = zipfile.ZipInfo(name)
                info.external_attr = (0o120777 << 16)
                archive.writestr(info, data[1])
            else:
                archive.writestr(name, data)
    return path


def solutions_members(prefix=""):
    return {f"{prefix}{p.name}": p.read_text() for p in DEFAULT_FOLDER.glob("*.py")}


def test_zip_with_escaping_paths_links_and_bombs(tmp_path):
    members = solutions_members("exercises/")
    del members["exercises/losses.py"]
    members["exercises/../../escaped.py"] = "print('escaped')"
    members["/abs/activations.py"] = "raise SystemExit"
    members["exercises/gradcheck.py"] = ("link", "/etc/passwd")
    members["exercises/clipping.py"] = "#" + " " * (8 * 2**20)  # compresses to almost nothing; too large to take
    archive = make_zip(tmp_path / "sub.zip", members)
    json_path = tmp_path / "results.json"
    done, _ = run_check(archive, json_path)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "escaped.py").exists() and not Path("/escaped.py").exists()
    assert "skipped" in done.stdout
    assert_graded(json.loads(json_path.read_text()), {"losses.*", "gradcheck.*", "clipping.*", "layers.*"})


def test_corrupt_zip_scores_zero_with_a_reason(tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    json_path = tmp_path / "results.json"
    done, _ = run_check(bad, json_path)
    assert done.returncode == 0
    results = json.loads(json_path.read_text())
    assert results["score"] == 0 and "zip" in results["output"]


@pytest.mark.skipif(os.geteuid() != 0, reason="the privilege drop needs root")
def test_bundle_mode_user_cannot_read_the_reference(tmp_path):
    python = "/usr/bin/python3"
    probe = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", python, "-c",
                            "import numpy"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("no system python3 with numpy that user nobody can run (apt-get install python3-numpy)")
    secret = tmp_path / "reference"
    secret.mkdir(mode=0o700)
    (secret / "losses.py").write_text((DEFAULT_FOLDER / "losses.py").read_text())
    overrides = patched("losses", f"""
        def mse(y_pred, y_true):
            try:
                open({str(secret / 'losses.py')!r}).read()
                return 123456.0
            except OSError:
                return float(np.mean((np.asarray(y_pred) - y_true) ** 2))
        """)
    folder = write_case(tmp_path, overrides)
    os.chmod(tmp_path, 0o755)
    json_path = tmp_path / "results.json"
    done, _ = run_check(folder, json_path, "--user", "nobody", "--python", python)
    assert done.returncode == 0, done.stderr
    assert_graded(json.loads(json_path.read_text()), set())
