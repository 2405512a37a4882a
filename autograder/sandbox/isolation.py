"""How a submission's processes are isolated: Linux namespaces (bubblewrap), or process limits only.

With bubblewrap (`bwrap`, the sandbox Flatpak uses), each submission runs in
its own PID, network, IPC, UTS and mount namespaces. The mount namespace shows
only the system libraries under /usr, the interpreter, NumPy (alone, in an
otherwise empty folder) and /submission, the only writable place: a tmpfs of
that sandbox alone, which the grader fills with the submission's files through
the zygote's control socket. No folder of the host is writable inside, and the
tmpfs goes with the namespace, whatever was written in it. Killing the
sandbox's first process ends every process the submission started, however it
forks. When the grader runs as root, each sandbox also runs as its own
unprivileged uid (uids.py), its tmpfs is bounded in bytes and in files and
mounted nosuid, nodev and noexec. Every sandbox runs under the seccomp filter
of seccomp.py (no keyrings, no new namespaces, no ptrace, no mounts...).

Where bubblewrap is missing or the kernel refuses namespaces (some Docker
setups), grading falls back to process limits (rlimits, the seccomp filter, a
session of its own, a sweep of stray processes; as root, a fresh uid and a 0700
scratch folder per submission), and the report says what that cannot protect.
"""
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.sandbox import cgroup, seccomp, uids

SUBMISSION_DIR = "/submission"  # the scratch tmpfs inside the namespaces (/tmp leads there too)
SITE_DIR = "/opt/grader-site"  # holds NumPy, and nothing else, inside the namespaces
HERE = Path(__file__).resolve().parent

MODES = ("auto", "namespaces", "process")


class SandboxUnavailable(Exception):
    """Namespaces were required but cannot be used here; the message says why, in one line."""


@dataclass(frozen=True)
class Interpreter:
    """The Python that runs submissions, as the sandbox needs to know it."""

    executable: str  # real path of the interpreter binary
    prefix: str  # sys.base_prefix: its standard library lives below
    numpy: str  # the numpy package folder
    site_dirs: tuple  # site-packages folders: hidden inside the namespaces


@dataclass(frozen=True)
class Isolation:
    """What run_worker needs: a command prefix, the uid to drop to, and a line for the report."""

    kind: str  # "namespaces" or "process"
    summary: str  # one line for the report and results.json
    prefix: tuple = ()  # argv before the interpreter (bwrap and its options)
    uid: int | None = None  # the sandbox's own uid (root only), which the zygote drops to at once
    boot: dict = field(default_factory=dict)  # bootstrap.py's options: mount, uid, seccomp, paths
    cwd: str = ""  # the scratch folder as the submission sees it
    scratch: str = ""  # the scratch folder on the host (process limits only; none with namespaces)
    python: str = ""  # interpreter path to run
    memory: str = "watchdog"  # how all its processes together are bounded: "cgroup" or "watchdog" (cgroup.py)


_QUERY = r"""
import importlib.util, json, os, site, sys, sysconfig
spec = importlib.util.find_spec("numpy")
dirs = list(site.getsitepackages()) if hasattr(site, "getsitepackages") else []
base = {"base": sys.base_prefix, "platbase": sys.base_prefix}
dirs += [sysconfig.get_paths(vars=base)[key] for key in ("purelib", "platlib")]
print(json.dumps({"executable": os.path.realpath(sys.executable), "prefix": sys.base_prefix,
                  "numpy": spec.submodule_search_locations[0] if spec else "", "site_dirs": dirs}))
"""


@functools.lru_cache(maxsize=8)
def interpreter(python=None):
    """Facts about `python` (default: this interpreter), asked without importing NumPy."""
    if python is None:
        import importlib.util
        import site

        import sysconfig

        spec = importlib.util.find_spec("numpy")
        base = getattr(sys, "_base_executable", sys.executable)
        # The base interpreter's own site-packages too: it is on disk inside the namespaces, hidden only if covered.
        paths = sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_prefix})
        return Interpreter(os.path.realpath(base), sys.base_prefix, spec.submodule_search_locations[0],
                           tuple(site.getsitepackages()) + (paths["purelib"], paths["platlib"]))
    try:
        out = subprocess.run([python, "-I", "-c", _QUERY], capture_output=True, text=True, timeout=30, check=True)
        facts = json.loads(out.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as error:
        raise SandboxUnavailable(f"cannot run the interpreter {python}: {error}") from None
    if not facts["numpy"]:
        raise SandboxUnavailable(f"the interpreter {python} has no NumPy")
    return Interpreter(facts["executable"], facts["prefix"], facts["numpy"], tuple(facts["site_dirs"]))


def _parents(path):
    """'/a/b/c' -> ['/a', '/a/b'] (the folders bwrap must create, readable, before binding c)."""
    parts = Path(path).parts[1:-1]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


def bwrap_command(interp, as_root, limits):
    """The bwrap argv (up to the interpreter) that confines one submission to its own tmpfs."""
    bwrap = shutil.which("bwrap")
    argv = [bwrap, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--clearenv"]
    if not as_root:
        argv += ["--unshare-user", "--disable-userns"]  # and the seccomp filter refuses them anyway
    made = {"/"}

    def folders(path):
        for parent in _parents(path):
            if parent not in made and not parent.startswith("/usr/"):
                argv.extend(["--perms", "0755", "--dir", parent])
                made.add(parent)

    argv += ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        host = Path("/") / name
        if host.is_symlink():
            argv += ["--symlink", os.readlink(host), str(host)]
        elif host.is_dir():
            argv += ["--ro-bind", str(host), str(host)]
    # ld.so.cache finds the libraries; Debian reaches its BLAS through /etc/alternatives symlinks.
    argv += ["--perms", "0755", "--dir", "/etc"]  # folders bwrap makes are private unless told otherwise
    for name in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives", "/etc/localtime"):
        if os.path.exists(name):
            argv += ["--ro-bind", name, name]
    prefix = os.path.realpath(interp.prefix)
    if not prefix.startswith("/usr/") and prefix != "/usr":
        folders(prefix)
        argv += ["--ro-bind", prefix, prefix]
    executable = interp.executable
    if not executable.startswith(prefix + "/") and not executable.startswith("/usr/"):
        folders(executable)
        argv += ["--ro-bind", executable, executable]
    # Every other installed package stays invisible: empty folders cover the site-packages.
    for site_dir in sorted({*interp.site_dirs, "/usr/lib/python3/dist-packages", "/usr/local/lib/python3/dist-packages"}):
        real = os.path.realpath(site_dir)
        if os.path.isdir(real) and (real.startswith("/usr/") or real.startswith(prefix + "/")):
            argv += ["--tmpfs", real]
    numpy = os.path.realpath(interp.numpy)
    argv += ["--perms", "0755", "--dir", "/opt", "--perms", "0755", "--dir", SITE_DIR,
             "--ro-bind", numpy, f"{SITE_DIR}/numpy"]
    libs = os.path.join(os.path.dirname(numpy), "numpy.libs")  # the BLAS a NumPy wheel carries
    if os.path.isdir(libs):
        argv += ["--ro-bind", libs, f"{SITE_DIR}/numpy.libs"]
    argv += ["--proc", "/proc", "--dev", "/dev"]
    if as_root:
        # bootstrap.py mounts the tmpfs here itself: bwrap cannot bound its files (nr_inodes) or make it noexec.
        argv += ["--perms", "0755", "--dir", SUBMISSION_DIR]
        # Kept only until the zygote has mounted its scratch and dropped to its own uid, before any submission code.
        argv += ["--cap-add", "CAP_SYS_ADMIN", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        # Without root: bwrap's own tmpfs (nosuid, nodev, bounded in bytes; files bounded only by those bytes).
        argv += ["--size", str(limits.scratch_bytes), "--tmpfs", SUBMISSION_DIR]
    argv += ["--symlink", SUBMISSION_DIR, "/tmp", "--chdir", "/"]
    return argv


def _boot(as_root, limits, uid=None, paths=(), program=None):
    """bootstrap.py's options: the scratch tmpfs to mount, the uid to drop to, the seccomp filter to load."""
    return {"mount": [SUBMISSION_DIR, limits.scratch_bytes, limits.scratch_files] if as_root else None,
            "uid": uid, "seccomp": program.hex() if program else None, "paths": list(paths)}


@functools.lru_cache(maxsize=4)
def _filter_without_namespaces(python):
    """(the seccomp filter, or None, and why none) for process limits: loaded by bootstrap.py as the namespaces'
    probe does, asked once (a kernel or container that refuses filters must not stop every zygote)."""
    program = seccomp.program()
    if program is None:
        return None, f"no seccomp filter (none for {seccomp.platform.machine()})"
    argv = [python, "-I", "-S", "-c", (HERE / "bootstrap.py").read_text(), "/", "0", "{}",
            json.dumps({"seccomp": program.hex()})]
    try:
        if subprocess.run(argv, capture_output=True, timeout=30, cwd="/").returncode == 0:
            return program, "the seccomp filter"
    except (OSError, subprocess.SubprocessError):
        pass
    return None, "no seccomp filter (the kernel refused it)"


def _memory(limits):
    """("cgroup" or "watchdog", how the report says it) for a sandbox's processes together."""
    size = f"{limits.memory_bytes // 2**20} MB"
    if cgroup.usable():
        return "cgroup", f"memory ({size}) and processes ({limits.processes}) bounded together by a cgroup"
    return "watchdog", f"memory ({size}) bounded together by a watchdog summing its processes' memory"


def namespace_isolation(limits, python=None):
    """An Isolation using namespaces, or raises SandboxUnavailable saying why not."""
    check_namespaces(python, limits)
    interp = interpreter(python)
    as_root = os.geteuid() == 0
    try:
        uid = uids.allocate() if as_root else None
    except uids.UidsExhausted as error:
        raise SandboxUnavailable(str(error)) from None
    if as_root:
        who = (f"uid {uid} (never used before on this host); scratch: a tmpfs of {limits.scratch_bytes // 2**20} MB"
               f" and {limits.scratch_files} files, nosuid, nodev, noexec")
    else:
        who = (f"the grader's uid in a user namespace; scratch: a tmpfs of {limits.scratch_bytes // 2**20} MB"
               " (files bounded only by its bytes: a file limit needs root)")
    memory, bound = _memory(limits)
    return Isolation(
        kind="namespaces",
        summary=f"namespaces (bubblewrap): own PID, network, mount, IPC and UTS namespaces, "
                f"{'the seccomp filter' if seccomp.program() else 'no seccomp filter (none for this machine)'}, "
                f"{bound}; runs as {who}",
        prefix=tuple(bwrap_command(interp, as_root, limits)), uid=uid,
        boot=_boot(as_root, limits, uid, (SITE_DIR,), seccomp.program()), cwd=SUBMISSION_DIR,
        python=interp.executable, memory=memory,
    )


def process_isolation(limits, python=None, reason=""):
    """An Isolation by process limits: a scratch folder on the host, 0700; as root, a fresh uid owns it."""
    why = f" ({reason})" if reason else ""
    scratch = tempfile.mkdtemp(prefix="autograder-")  # 0700, ours: nobody else can enter it
    uid = None
    try:
        if os.geteuid() == 0:
            uid = uids.allocate()
            fd = os.open(scratch, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
            try:
                os.fchown(fd, uid, uid)  # still empty: the copy arrives through the zygote, as that uid
            finally:
                os.close(fd)
    except BaseException:
        os.rmdir(scratch)
        raise
    who = f"as uid {uid} (never used before on this host)" if uid is not None else "as the grader's own user"
    memory, bound = _memory(limits)
    python = python or sys.executable
    program, filtered = _filter_without_namespaces(python)
    return Isolation(
        kind="process", memory=memory,
        summary=(f"process limits only{why}: rlimits, {filtered}, {bound}, its own session {who}, a 0700 scratch "
                 f"folder; it cannot protect: {', '.join(_unprotected(uid))}"),
        uid=uid, boot=_boot(False, limits, uid, (), program), scratch=scratch, python=python,
    )


def _unprotected(uid):
    """What process limits cannot protect, as the report says it."""
    lost = ["the network", "reading what the host lets any user read",
            "the disk space and file count of its scratch (bounded per file only)"]
    if uid is None:
        lost += ["the grader's other processes (the same user: it can signal them)",
                 "a process that outlives the grader"]
    return lost


def release(how):
    """Remove a process-limits scratch folder, as its own uid (root never walks a tree a submission built).

    Called once the sandbox's processes are gone; a tree that cannot be removed stays in its 0700 folder."""
    if not how.scratch:
        return
    argv, as_uid = ["rm", "-rf", "--", how.scratch], {}
    if how.uid is not None:
        # That uid is the sandbox's alone: kill(-1) as that uid ends every process it still has, then the tree goes.
        argv = ["/bin/sh", "-c", 'kill -KILL -1 2>/dev/null; exec rm -rf -- "$0"', how.scratch]
        as_uid = {"user": how.uid, "group": how.uid, "extra_groups": []}
    try:
        subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=60, check=False, **as_uid)
    except (OSError, subprocess.SubprocessError):
        pass


def choose(limits, mode="auto", python=None):
    """The Isolation for one submission. mode: auto (namespaces if possible), namespaces (required), process."""
    if mode not in MODES:
        raise ValueError(f"unknown isolation mode {mode!r}")
    if mode == "process":
        return process_isolation(limits, python, "asked for")
    try:
        return namespace_isolation(limits, python)
    except SandboxUnavailable as error:
        if mode == "namespaces":
            raise
        return process_isolation(limits, python, str(error))


@functools.lru_cache(maxsize=4)
def _probe(interp, as_root, limits):
    """Raise SandboxUnavailable unless bwrap can start this interpreter in namespaces here, with its
    scratch mounted and the seccomp filter loaded (bootstrap.py, as the zygote runs it)."""
    boot = json.dumps(_boot(as_root, limits, program=seccomp.program()))
    argv = [*bwrap_command(interp, as_root, limits), interp.executable, "-I", "-S", "-c",
            (HERE / "bootstrap.py").read_text(), SUBMISSION_DIR, "0", "{}", boot]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, cwd="/")
    except (OSError, subprocess.SubprocessError) as error:
        raise SandboxUnavailable(f"bubblewrap cannot run: {error}") from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no reason given"])[-1][:200]
        raise SandboxUnavailable(f"bubblewrap cannot create namespaces here ({reason})")


def check_namespaces(python=None, limits=None):
    """Raise SandboxUnavailable unless namespaces can isolate `python` here (with `limits`' scratch)."""
    if limits is None:
        from autograder.sandbox.runner import Limits  # runner imports this module

        limits = Limits()
    if sys.platform != "linux":
        raise SandboxUnavailable("namespaces need Linux")
    if shutil.which("bwrap") is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed")
    _probe(interpreter(python), os.geteuid() == 0, limits)
