"""Attacks on the grader itself, each run with the namespace sandbox and with the process-limits fallback.

Where the fallback cannot stop an attack (a root process that re-forks, reads
any path, signals or connects anywhere), the test asserts that the report
says which isolation was used and that it is weaker; the namespaced run must
stop the attack.
"""
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from autograder.reference import DEFAULT_FOLDER
from autograder.sandbox import isolation
from mutants import write_solutions
from test_hostile import assert_graded, at_import, patched, run_check

MODES = ("namespaces", "process")


def _namespaces_here():
    try:
        isolation.check_namespaces()
        return True
    except isolation.SandboxUnavailable:
        return False


@pytest.fixture(params=MODES)
def mode(request):
    if request.param == "namespaces" and not _namespaces_here():
        if os.environ.get("CI"):
            pytest.fail("CI must run the sandbox tests with bubblewrap installed (apt-get install bubblewrap)")
        pytest.skip("bubblewrap cannot create namespaces on this host")
    return request.param


def grade_case(tmp_path, overrides, mode, *extra):
    folder = write_solutions(tmp_path / "submission", overrides)
    json_path = tmp_path / "results.json"
    done, seconds = run_check(folder, json_path, "--isolation", mode, *extra)
    assert done.returncode == 0, done.stderr
    results = json.loads(json_path.read_text())
    assert results["extra_data"]["isolation"].startswith(mode)
    return done, results


# A framed reply written straight onto the worker's result pipe, found through the worker's own frames.
FORGE = """
import struct, sys
def _forge(tree):
    frame = sys._getframe()
    while frame is not None and "result_fd" not in frame.f_locals:
        frame = frame.f_back
    body = struct.pack("<I", len(tree)) + tree
    import os
    os.write(frame.f_locals["result_fd"], struct.pack("<Q", len(body)) + body)
    return 0.0
"""

MALFORMED = {
    "float-not-a-number": b'{"__dict__": {"status": "ok", "value": {"__float__": "not a number"}}}',
    "float-not-a-string": b'{"__dict__": {"status": "ok", "value": {"__float__": 5}}}',
    "nested-past-recursion": b"[" * 100_000 + b"]" * 100_000,
    "too-many-dimensions": b'{"__dict__": {"status": "ok", "value": {"__nd__": 0, "dtype": "<f8", "shape": '
                           + json.dumps([1] * 70).encode() + b"}}}",
    "bad-scalar": b'{"__dict__": {"status": "ok", "value": {"__scalar__": "<f8", "value": [1]}}}',
    "unknown-status": b'{"__dict__": {"status": "\\u001b[2J all PASS", "value": 1.0}}',
    "not-json": b"\xff\xfe garbage",
}


@pytest.mark.parametrize("reply", sorted(MALFORMED))
def test_a_malformed_reply_fails_that_call_only(reply, mode, tmp_path):
    overrides = patched("losses", FORGE + f"\ndef mse(y_pred, y_true):\n    return _forge({MALFORMED[reply]!r})\n")
    done, results = grade_case(tmp_path, overrides, mode)
    assert_graded(results, {"losses.mse"})
    assert "\x1b" not in done.stdout


def test_a_shrunken_pipe_and_a_sleeping_reader_cannot_hang_the_grader(mode, tmp_path):
    overrides = at_import("clipping", """
        import fcntl, sys, time
        # The worker's own globals, wherever they live (__main__, or the dict its program was run in).
        frame = sys._getframe()
        while frame is not None:
            if "_read_exactly" in frame.f_globals:
                for name in ("_read_exactly", "read_message"):
                    frame.f_globals[name] = lambda *a, **k: time.sleep(10**6)
            frame = frame.f_back
        for fd in range(3, 64):
            try:
                fcntl.fcntl(fd, 1031, 4096)  # F_SETPIPE_SZ: the smallest pipe
            except OSError:
                pass
        """)
    _, results = grade_case(tmp_path, overrides, mode)
    # The module's worker never answers again; everything else is graded in full.
    assert_graded(results, {"clipping.*"})


def test_huge_answers_are_refused_unread(mode, tmp_path):
    overrides = patched("activations", """
        def elu(z, alpha=1.0): return np.zeros(2_500_000)
        def softmax(z, axis=-1): return np.zeros(2_500_000)
        """)
    done, results = grade_case(tmp_path, overrides, mode)
    assert_graded(results, {"activations.elu", "activations.softmax"})
    assert "larger than the expected result" in json.dumps(results)


def test_control_characters_and_huge_names_are_escaped_and_capped(mode, tmp_path):
    fake_report = "\x1b[2J\x1b[H" + "\\n".join(f"  PASS  f{i}   1/1" for i in range(20)) + "\\rScore: 191/191"
    overrides = patched("gradcheck", f"""
        Evil = type({fake_report!r} + "X" * 2_000_000, (Exception,), {{}})
        def relative_error(a, b): raise Evil("\\x1b]0;title\\x07" + "\\x9b" + "y" * 3_000_000)
        """)
    done, results = grade_case(tmp_path, overrides, mode)
    assert_graded(results, {"gradcheck.relative_error"})
    for text in (done.stdout, json.dumps(results)):
        assert "\x1b" not in text and "\x9b" not in text and "\r" not in text
    assert len(json.dumps(results)) < 400_000
    assert "\\x1b" in json.dumps(results) or "\\x1b" in "".join(done.stdout.split())  # shown, not interpreted


def test_a_third_party_import_is_named(mode, tmp_path):
    overrides = at_import("clipping", "import tqdm\n")
    done, results = grade_case(tmp_path, overrides, mode)
    assert_graded(results, {"clipping.*"})
    assert "only NumPy and the standard library may be imported (found: tqdm)" in " ".join(done.stdout.split())


def test_honest_threads_are_allowed(mode, tmp_path):
    overrides = patched("losses", """
        import threading
        def mse(y_pred, y_true):
            box = []
            worker = threading.Thread(target=lambda: box.append(float(np.mean((y_pred - y_true) ** 2))))
            worker.start()
            worker.join()
            return box[0]
        """)
    _, results = grade_case(tmp_path, overrides, mode)
    assert_graded(results, set())


def test_numpy_scalars_and_zero_d_arrays_score(mode, tmp_path):
    overrides = patched("losses", """
        def mse(y_pred, y_true): return np.mean((y_pred - y_true) ** 2)
        """) | patched("gradcheck", """
        def relative_error(a, b):
            return np.array(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)) if np.size(a) else 0.0)
        """)
    _, results = grade_case(tmp_path, overrides, mode)
    assert_graded(results, set())


# --- attacks only the namespaces stop: the fallback must say it is weaker ---------------------------------

def _weaker(results):
    return "process limits only" in results["extra_data"]["isolation"]


def test_the_reference_and_other_students_are_out_of_sight(mode, tmp_path):
    classmate = tmp_path / "classmate"
    classmate.mkdir()
    (classmate / "activations.py").write_text("SECRET = 1\n")
    grades = tmp_path / "grades.csv"
    grades.write_text("classmate,100\n")
    reference = DEFAULT_FOLDER / "losses.py"
    overrides = patched("losses", f"""
        import os
        def _reached():
            hits = []
            for path in ({str(reference)!r}, {str(classmate / 'activations.py')!r}):
                try:
                    open(path).read(); hits.append(path)
                except OSError:
                    pass
            try:
                open({str(grades)!r}, "a").write("me,100\\n"); hits.append("grades")
            except OSError:
                pass
            for pid in os.listdir("/proc"):
                for leak in ("environ", "cmdline"):
                    try:
                        if {str(DEFAULT_FOLDER).encode()!r} in open(f"/proc/{{pid}}/{{leak}}", "rb").read():
                            hits.append(pid)
                    except OSError:
                        pass
            return hits
        def mse(y_pred, y_true):
            return 123.0 if _reached() else float(np.mean((y_pred - y_true) ** 2))
        """)
    _, results = grade_case(tmp_path, overrides, mode)
    if mode == "namespaces":
        assert_graded(results, set())
        assert grades.read_text() == "classmate,100\n"
    else:
        assert _weaker(results)


def test_the_network_is_unreachable(mode, tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    overrides = patched("losses", f"""
        import socket
        def mse(y_pred, y_true):
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=1).sendall(b"inputs")
            except OSError:
                pass
            return float(np.mean((y_pred - y_true) ** 2))
        """)
    _, results = grade_case(tmp_path, overrides, mode)
    try:
        leaked = listener.accept()[0] is not None
    except OSError:
        leaked = False
    listener.close()
    assert_graded(results, set())
    if mode == "namespaces":
        assert not leaked
    else:
        assert _weaker(results)


def test_no_process_outlives_the_grading(mode, tmp_path):
    """A process that forks and lets its parent exit, again and again, then writes a fake results.json."""
    json_path = tmp_path / "results.json"
    fake = json.dumps({"score": 999, "max_score": 999, "tests": []})
    overrides = patched("clipping", f"""
        import os, time
        def clip_by_value(grads, clip_value):
            try:
                if os.fork() == 0:
                    os.setsid()
                    end = time.time() + 3
                    while time.time() < end:  # bounded, so a failed test leaves nothing running
                        if os.fork() != 0:
                            os._exit(0)
                        time.sleep(0.01)
                    try:
                        open({str(json_path)!r}, "w").write({fake!r})
                    finally:
                        os._exit(0)
            except OSError:
                pass
            return [np.clip(g, -clip_value, clip_value) for g in grads]
        """)
    _, results = grade_case(tmp_path, overrides, mode)
    time.sleep(4)
    if mode == "namespaces" or os.geteuid() != 0:
        after = json.loads(json_path.read_text())
        assert after["score"] != 999
        assert_graded(after, set())
    else:
        assert _weaker(results)


@pytest.mark.skipif(os.geteuid() != 0, reason="signalling every process needs root")
def test_stopping_every_visible_process_cannot_freeze_the_grader(tmp_path):
    if not _namespaces_here():
        pytest.skip("bubblewrap cannot create namespaces on this host")
    overrides = at_import("regularization", """
        import os, signal
        for pid in os.listdir("/proc"):
            if pid.isdigit() and int(pid) != os.getpid():
                try:
                    os.kill(int(pid), signal.SIGSTOP)
                except OSError:
                    pass
        """)
    _, results = grade_case(tmp_path, overrides, "namespaces")
    # Only the sandbox's own processes were visible: the submission can hurt itself (calls in flight when
    # it stopped the zygote are lost), but the grader carries on and finishes with a fresh sandbox.
    assert results["tests"]
    lost = [t for t in results["tests"] if t["score"] < t["max_score"] and not t["tags"][0].startswith("regularization.")]
    assert len(lost) < len(results["tests"]) / 2, [t["output"] for t in lost]
    for test in lost:
        assert any(w in test["output"] for w in ("sandbox", "stopped answering", "timed out")), test["output"]


def test_require_sandbox_refuses_without_namespaces(tmp_path, monkeypatch):
    folder = write_solutions(tmp_path / "submission")
    env = dict(os.environ, PATH="/nonexistent")  # no bwrap on PATH
    done = subprocess.run([sys.executable, "-m", "autograder", "check", str(folder), "--require-sandbox",
                           "--json", str(tmp_path / "r.json")], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 3
    assert done.stderr.count("\n") == 1 and "bubblewrap" in done.stderr
    assert json.loads((tmp_path / "r.json").read_text())["score"] == 0
