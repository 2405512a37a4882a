"""The grading host's properties against a hostile submission (issue 20), in both isolation modes.

Each submission's `activations.sigmoid` looks around from inside the sandbox and
prints what it found as one "FACTS {json}" line, then answers wrongly: the
check fails and its printed output, which the report keeps, carries the facts
out. Where the process-limits fallback cannot protect a property, the test
asserts that the report says so.
"""
import ctypes
import json
import os
import textwrap

import pytest

from autograder import grade as grading
from autograder.sandbox import isolation, runner, seccomp, uids
from mutants import write_solutions
from test_hostile import patched
from test_sandbox_attacks import mode  # noqa: F401 - the fixture: "namespaces" and "process"

AS_ROOT = os.geteuid() == 0
NUMBERS = seccomp.ARCHES.get(__import__("platform").machine(), (0, 0, {}))[2]
PROBED = "activations.sigmoid"


def probe(body):
    """activations.py whose sigmoid runs `body` (which fills the dict `facts`) and prints the facts."""
    return patched("activations", "import ctypes, errno, json, os\nNR = " + repr(NUMBERS) + "\n"
                   "def sigmoid(z):\n    facts = {}\n" + textwrap.indent(textwrap.dedent(body), "    ")
                   + "\n    print('FACTS ' + json.dumps(facts))\n    return None\n")


def facts_of(report):
    for outcome in report.outcomes:
        if outcome.check.function == PROBED:
            for line in outcome.printed.splitlines():
                if line.startswith("FACTS "):
                    return json.loads(line[len("FACTS "):])
    return None


def run(tmp_path, mode, body, **limits):
    folder = write_solutions(tmp_path / "submission", probe(body))
    grading.drop_standby()
    report = grading.grade(folder, seed=1, modules=("activations",), functions={PROBED}, parallel=1,
                           isolation_mode=mode, limits=runner.Limits(call_seconds=20, **limits))
    assert report.isolation.startswith(mode), report.isolation
    return report, facts_of(report)


KERNEL_CALLS = """
libc = ctypes.CDLL(None, use_errno=True)
def refused(call):
    ctypes.set_errno(0)
    return call() == -1 and ctypes.get_errno() in (errno.EPERM, errno.ENOSYS)
facts["uid"], facts["cwd"] = os.getuid(), os.getcwd()
facts["mode"] = os.stat(".").st_mode & 0o777
# add_key("user", "planted", "x", 1, KEY_SPEC_USER_KEYRING) and keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING)
facts["add_key"] = refused(lambda: libc.syscall(NR["add_key"], b"user", b"planted", b"x", 1, -4))
facts["keyctl"] = refused(lambda: libc.syscall(NR["keyctl"], 0, -3, 0))
facts["user namespace"] = refused(lambda: libc.unshare(0x10000000))
facts["ptrace"] = refused(lambda: libc.ptrace(0, 0, 0, 0))
facts["bpf"] = refused(lambda: libc.syscall(NR["bpf"], 0, 0, 0))
facts["perf_event_open"] = refused(lambda: libc.syscall(NR["perf_event_open"], 0, 0, -1, -1, 0))
facts["mount"] = refused(lambda: libc.mount(b"none", b".", b"tmpfs", 0, None))
facts["init_module"] = refused(lambda: libc.syscall(NR["init_module"], 0, 0, b""))
"""


@pytest.mark.skipif(not NUMBERS, reason="no seccomp filter for this architecture")
def test_no_keyrings_namespaces_ptrace_bpf_mounts_or_modules(mode, tmp_path):
    report, facts = run(tmp_path, mode, KERNEL_CALLS)
    assert facts is not None, [o.verdict.summary for o in report.outcomes]
    refused = {k: facts[k] for k in ("add_key", "keyctl", "user namespace", "ptrace", "bpf", "perf_event_open",
                                     "mount", "init_module")}
    assert all(refused.values()), refused
    assert "seccomp filter" in report.isolation


@pytest.mark.skipif(not AS_ROOT, reason="own uids need root")
def test_every_sandbox_has_a_uid_never_used_before(mode, tmp_path):
    seen = []
    for attempt in range(2):
        _, facts = run(tmp_path / str(attempt), mode, KERNEL_CALLS)
        seen.append(facts["uid"])
    assert all(uid >= uids.UID_BASE for uid in seen) and seen[1] > seen[0]
    assert int((uids.state_dir() / "uid-counter").read_text()) > seen[1]
    assert os.stat(uids.state_dir()).st_mode & 0o077 == 0


@pytest.mark.skipif(not AS_ROOT, reason="own uids need root")
def test_the_fallback_scratch_is_private_to_its_own_uid(tmp_path):
    report, facts = run(tmp_path, "process", KERNEL_CALLS)
    assert facts["mode"] == 0o700 and facts["uid"] >= uids.UID_BASE
    assert not os.path.exists(facts["cwd"])  # removed once graded
    for lost in ("cannot protect", "the network", "disk space and file count"):
        assert lost in report.isolation


ESCAPE = """
# A set-user-ID copy of the interpreter, a tree too deep for a recursive clean-up, and where it all is.
import shutil, sys
here = os.open(".", os.O_RDONLY)
shutil.copy(sys.executable, "owned")
os.chmod("owned", 0o4755)
for _ in range(1500):
    os.mkdir("d")
    os.chdir("d")
open("deep", "w").close()
os.fchdir(here)
st = os.statvfs(".")
facts["cwd"] = os.getcwd()
facts["flags"] = [name for name, bit in (("nosuid", os.ST_NOSUID), ("nodev", os.ST_NODEV), ("noexec", 8))
                  if st.f_flag & bit]
facts["host paths seen"] = [path for path in HOST_PATHS if path in open("/proc/self/mountinfo").read()]
"""


def test_the_scratch_can_neither_run_set_user_id_files_nor_outlive_the_sandbox(mode, tmp_path):
    report, facts = run(tmp_path, mode, f"HOST_PATHS = [{str(tmp_path)!r}]\n" + ESCAPE)
    assert facts is not None, [o.verdict.summary for o in report.outcomes]
    if mode == "namespaces":
        assert facts["cwd"] == isolation.SUBMISSION_DIR  # a tmpfs of the namespace: no host path at all
        assert {"nosuid", "nodev"} <= set(facts["flags"])
        if AS_ROOT:
            assert "noexec" in facts["flags"]
        assert facts["host paths seen"] == []
    else:
        # A 0700 folder of the sandbox's own uid (root) or the grader's: nobody else can reach the copy.
        assert not os.path.exists(facts["cwd"])  # gone, however deep, without the grader walking it
        assert "cannot protect" in report.isolation


FILL = """
written = made = 0
try:
    with open("big", "wb") as out:
        for _ in range(64):
            out.write(b"x" * 2**20)
            written += 1
except OSError:
    pass
os.remove("big")
try:
    for made in range(1, 5000):
        open(f"f{made}", "w").close()
except OSError:
    made -= 1
facts["megabytes"], facts["files"] = written, made
"""


def test_the_scratch_is_bounded_in_bytes_and_files(mode, tmp_path):
    report, facts = run(tmp_path, mode, FILL, scratch_bytes=8 * 2**20, scratch_files=300, file_bytes=2**30)
    if mode == "namespaces":
        assert facts["megabytes"] <= 8
        if AS_ROOT:
            assert facts["files"] <= 300
        else:
            assert "files bounded only by its bytes" in report.isolation
    else:
        assert "disk space and file count of its scratch" in report.isolation


HOARD = """
import time
import numpy as np
children = []
for _ in range(4):
    pid = os.fork()
    if pid == 0:
        try:
            block = np.ones(50_000_000)  # 400 MB, touched
            time.sleep(1.5)
            os._exit(0)
        except BaseException:
            os._exit(1)
    children.append(pid)
facts["survivors"] = sum(os.waitpid(pid, 0)[1] == 0 for pid in children)
"""


@pytest.mark.parametrize("bound", ["cgroup", "watchdog"])
def test_memory_is_bounded_per_submission_not_per_process(mode, bound, tmp_path, monkeypatch):
    if bound == "cgroup" and not isolation.cgroup.usable():
        pytest.skip("no cgroup can be made here")
    monkeypatch.setattr(isolation.cgroup, "usable", lambda *a: bound == "cgroup")
    report, facts = run(tmp_path, mode, HOARD, memory_bytes=2**30)
    assert f"by a {bound}" in report.isolation
    # Each child fits the per-process limit; together they cannot pass 1 GB: the kernel or the watchdog ends them.
    assert facts is None or facts["survivors"] <= 2, facts


def test_a_submission_that_freezes_its_fork_server_and_dies_is_cut_short(mode, tmp_path):
    folder = write_solutions(tmp_path / "submission", patched("activations", """
        import os, signal
        def _freeze_and_die(*args, **kwargs):
            os.kill(os.getppid(), signal.SIGSTOP)
            os._exit(1)
        for _name in [n for n, v in list(globals().items()) if callable(v) and getattr(v, "__module__", "") == __name__
                      and not n.startswith("_")]:
            globals()[_name] = _freeze_and_die
        """))
    grading.drop_standby()
    report = grading.grade(folder, seed=1, modules=("activations",), parallel=1, isolation_mode=mode,
                           limits=runner.Limits(call_seconds=1))
    messages = [o.verdict.summary for o in report.outcomes]
    assert report.score == 0
    assert any(f"the worker died {runner.MAX_DEATHS} times" in m for m in messages), messages


def test_root_never_writes_through_a_link_the_submission_planted(mode, tmp_path):
    victim = tmp_path / "victim.py"
    victim.write_text("untouched\n")
    victim.chmod(0o644)
    # At import: activations.py becomes a link to the victim, then the zygote is killed, so that a new one
    # (and, in the fallback, on the same scratch folder) gets the submission's files again.
    folder = write_solutions(tmp_path / "submission", {"losses.py": f"""
import os, signal
try:
    os.remove("activations.py")
    os.symlink({str(victim)!r}, "activations.py")
except OSError:
    pass
os.kill(os.getppid(), signal.SIGKILL)
"""})
    grading.drop_standby()
    report = grading.grade(folder, seed=1, modules=("losses", "activations"), parallel=1, isolation_mode=mode)
    assert victim.read_text() == "untouched\n"
    assert all(o.verdict.passed for o in report.outcomes if o.check.module == "activations")


def run_filter(program, nr, arch, flags=0):
    """What the classic BPF `program` returns for one call (the few instructions seccomp.py uses)."""
    import struct

    data = struct.pack("<iIQ6Q", nr, arch, 0, flags, 0, 0, 0, 0, 0)
    code = [struct.unpack_from("<HBBI", program, i) for i in range(0, len(program), 8)]
    pc, accumulator = 0, 0
    while True:
        op, jt, jf, k = code[pc]
        if op == 0x20:
            accumulator, pc = struct.unpack_from("<I", data, k)[0], pc + 1
        elif op == 0x06:
            return k
        else:
            taken = {0x15: accumulator == k, 0x35: accumulator >= k, 0x45: bool(accumulator & k)}[op]
            pc += 1 + (jt if taken else jf)


@pytest.mark.parametrize("machine", sorted(seccomp.ARCHES))
def test_the_seccomp_filter_decides_as_documented(machine):
    program = seccomp.program(machine)
    audit, foreign, numbers = seccomp.ARCHES[machine]
    for name in seccomp.BLOCKED:
        if name in numbers:
            assert run_filter(program, numbers[name], audit) == seccomp.RET_EPERM, name
    for allowed in (0, 1, 3, 9, 57, 60, 62, 231):  # read, write, close, mmap... on x86-64; on aarch64 other calls
        if allowed not in numbers.values():
            assert run_filter(program, allowed, audit) == seccomp.RET_ALLOW, allowed
    assert run_filter(program, numbers["clone"], audit, flags=0x11) == seccomp.RET_ALLOW  # fork: SIGCHLD
    assert run_filter(program, numbers["clone"], audit, flags=0x10000000 | 0x11) == seccomp.RET_EPERM  # NEWUSER
    assert run_filter(program, numbers["clone3"], audit) == seccomp.RET_ENOSYS
    assert run_filter(program, 0, 0x40000003) == seccomp.RET_KILL_PROCESS  # 32-bit x86 numbers
    if foreign is not None:
        assert run_filter(program, foreign + 1, audit) == seccomp.RET_KILL_PROCESS  # x32 numbers


def test_the_seccomp_numbers_are_the_kernel_s():
    """Every number in seccomp.ARCHES against libseccomp's own tables, where that library is installed."""
    import ctypes.util

    found = ctypes.util.find_library("seccomp")
    if found is None:
        pytest.skip("libseccomp is not installed")
    resolve = ctypes.CDLL(found).seccomp_syscall_resolve_name_arch
    resolve.argtypes, resolve.restype = (ctypes.c_uint32, ctypes.c_char_p), ctypes.c_int
    checked = 0
    for machine, (audit, _, numbers) in seccomp.ARCHES.items():
        for name, number in numbers.items():
            known = resolve(audit, name.encode())
            if known >= 0:  # an older libseccomp may not know the newest calls
                assert known == number, (machine, name, known, number)
                checked += 1
    assert checked > 80


def test_uids_are_unique_across_processes_and_runs(tmp_path, monkeypatch):
    import subprocess
    import sys

    monkeypatch.setenv("AUTOGRADER_STATE_DIR", str(tmp_path / "state"))
    code = "from autograder.sandbox import uids\nfor _ in range(40): print(uids.allocate())"
    racers = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(3)]
    handed = [int(line) for racer in racers for line in racer.communicate(timeout=120)[0].split()]
    assert len(handed) == 120 and len(set(handed)) == 120  # no uid twice, whatever the interleaving
    later = uids.allocate()  # a later run on the same host
    assert later > max(handed) >= min(handed) >= uids.UID_BASE
    assert os.stat(tmp_path / "state").st_mode & 0o777 == 0o700


def test_a_counter_folder_others_can_write_is_not_trusted(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    (shared / "uid-counter").write_text("1000\n")  # would hand out a real account's uid
    monkeypatch.setenv("AUTOGRADER_STATE_DIR", str(shared))
    try:
        uid = uids.allocate()  # from /run/autograder instead
    except uids.UidsExhausted as error:
        assert "only we can write" in str(error)
    else:
        assert uid >= uids.UID_BASE


def test_a_kernel_that_refuses_the_filter_still_grades_and_says_so(tmp_path, monkeypatch):
    import struct

    broken = struct.pack("<HBBI", 0x15, 9, 0, 0)  # a jump past the program's end: the kernel refuses it
    monkeypatch.setattr(isolation.seccomp, "program", lambda machine=None: broken)
    isolation._filter_without_namespaces.cache_clear()
    try:
        grading.drop_standby()
        report = grading.grade(write_solutions(tmp_path / "submission"), seed=1, modules=("losses",), parallel=1,
                               isolation_mode="process")
    finally:
        isolation._filter_without_namespaces.cache_clear()
    assert "no seccomp filter (the kernel refused it)" in report.isolation
    assert report.score == report.max_score


def test_archives_and_folders_too_large_to_list_are_refused_before_they_are_read(tmp_path):
    import zipfile

    from autograder import submission

    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for index in range(submission.MAX_ZIP_ENTRIES + 1):
            out.writestr(f"{index}", b"")
    assert submission.zip_directory(archive)[0] == submission.MAX_ZIP_ENTRIES + 1
    files, found, notes = submission.prepare(archive)
    assert files == {} and "was not read: it lists 10001 entries" in notes[0]

    folder = write_solutions(tmp_path / "crowded")
    for index in range(submission.MAX_ZIP_ENTRIES + 10):
        (folder / f"{index}.txt").touch()
    _, _, notes = submission.prepare(folder)
    assert any("only the first were looked at" in note for note in notes)


def test_a_lone_zip_is_looked_for_within_the_same_limits(tmp_path):
    """The folder holding an unextracted upload (Gradescope's, or a student's folder in an LMS download) is
    listed entry by entry, at most MAX_ZIP_ENTRIES: one zip among more entries is not unwrapped."""
    import zipfile

    from autograder import submission
    from autograder.selection import lone_zip

    folder = tmp_path / "upload"
    folder.mkdir()
    zipfile.ZipFile(folder / "hw1.zip", "w").close()
    for index in range(submission.MAX_ZIP_ENTRIES - 1):
        (folder / f"{index}.txt").touch()
    assert lone_zip(folder) == folder / "hw1.zip"  # exactly at the limit
    (folder / "one-more.txt").touch()
    assert lone_zip(folder) is None

    nested = tmp_path / "nested"
    (nested / "a" / "b" / "c").mkdir(parents=True)
    zipfile.ZipFile(nested / "hw1.zip", "w").close()
    (nested / "a" / "b" / "c" / "too_deep.py").touch()  # three levels down: not looked at
    assert lone_zip(nested) == nested / "hw1.zip"
    (nested / "a" / "b" / "mine.py").touch()  # work of the student's own beside the zip: the folder is graded
    assert lone_zip(nested) is None
    (nested / "a" / "b" / "mine.py").unlink()
    zipfile.ZipFile(nested / "old.zip", "w").close()  # two zips: which one is the submission is not guessed
    assert lone_zip(nested) is None
