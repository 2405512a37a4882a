"""How a submission's processes are isolated: Linux namespaces (bubblewrap), or process limits only.

With bubblewrap (`bwrap`, the sandbox Flatpak uses), each submission runs in
its own PID, network, IPC, UTS and mount namespaces. The mount namespace shows
only the system libraries under /usr, the interpreter, NumPy (alone, in an
otherwise empty folder), a private /tmp and the scratch copy of that one
submission, which is the only writable place. Killing the sandbox's first
process ends every process the submission started, however it forks. When
the grader runs as root, each sandbox also runs as its own unprivileged uid.

Where bubblewrap is missing or the kernel refuses namespaces (some Docker
setups), grading falls back to process limits (rlimits, a session of its own,
a sweep of stray processes), and the report says so.
"""
import functools
import itertools
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SUBMISSION_DIR = "/submission"  # where the scratch copy appears inside the namespaces
SITE_DIR = "/opt/grader-site"  # holds NumPy, and nothing else, inside the namespaces
TMP_BYTES = 64 * 2**20  # the private /tmp is memory: bounded
# Unprivileged uids for root's sandboxes: unique per grading process and per sandbox it starts.
UID_BASE = 0x10000000
_sandbox_counter = itertools.count()

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
    uid: int | None = None  # uid the zygote drops to, inside the namespaces
    paths: tuple = ()  # sys.path entries the zygote puts first (NumPy's folder)
    cwd: str = ""  # the scratch folder as the submission sees it
    python: str = ""  # interpreter path to run


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


def bwrap_command(interp, scratch, as_root):
    """The bwrap argv (up to the interpreter) that confines one submission to `scratch`."""
    bwrap = shutil.which("bwrap")
    argv = [bwrap, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--clearenv"]
    if not as_root:
        argv.append("--unshare-user")
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
    argv += ["--proc", "/proc", "--dev", "/dev", "--size", str(TMP_BYTES), "--tmpfs", "/tmp",
             "--bind", str(scratch), SUBMISSION_DIR, "--chdir", SUBMISSION_DIR]
    if as_root:
        # Kept only until the zygote drops to its own uid, before any submission code runs.
        argv += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    return argv


def namespace_isolation(scratch, python=None):
    """An Isolation using namespaces, or raises SandboxUnavailable saying why not."""
    check_namespaces(python)
    interp = interpreter(python)
    as_root = os.geteuid() == 0
    uid = None
    if as_root:
        uid = UID_BASE + (os.getpid() << 6) + next(_sandbox_counter) % 64
        os.chown(scratch, uid, uid)
    who = f"uid {uid}" if as_root else "the grader's uid in a user namespace"
    return Isolation(
        kind="namespaces",
        summary=f"namespaces (bubblewrap): own PID, network, mount, IPC and UTS namespaces; runs as {who}",
        prefix=tuple(bwrap_command(interp, scratch, as_root)), uid=uid, paths=(SITE_DIR,), cwd=SUBMISSION_DIR,
        python=interp.executable,
    )


@functools.lru_cache(maxsize=4)
def _probe(interp, as_root):
    """Raise SandboxUnavailable unless bwrap can start this interpreter in namespaces here."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="autograder-probe-") as scratch:
        argv = [*bwrap_command(interp, scratch, as_root), interp.executable, "-I", "-S", "-c", "pass"]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError) as error:
            raise SandboxUnavailable(f"bubblewrap cannot run: {error}") from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no reason given"])[-1][:200]
        raise SandboxUnavailable(f"bubblewrap cannot create namespaces here ({reason})")


def hand_over(how, scratch):
    """Give root's sandbox uid the submission's files in `scratch` (call it once they are copied in)."""
    if how.uid is not None:
        for entry in os.scandir(scratch):
            os.chown(entry.path, how.uid, how.uid, follow_symlinks=False)


def process_isolation(python=None, user=None, reason=""):
    why = f" ({reason})" if reason else ""
    who = f" as user {user}" if user else " as the grader's own user"
    return Isolation(
        kind="process",
        summary=(f"process limits only{why}: rlimits, its own session{who}; a hostile submission could"
                 " still signal the grader's processes or outlive it"),
        python=python or sys.executable,
    )


def choose(scratch, mode="auto", python=None, user=None):
    """The Isolation for one submission. mode: auto (namespaces if possible), namespaces (required), process."""
    if mode not in MODES:
        raise ValueError(f"unknown isolation mode {mode!r}")
    if mode == "process":
        return process_isolation(python, user, "asked for")
    try:
        return namespace_isolation(scratch, python)
    except SandboxUnavailable as error:
        if mode == "namespaces":
            raise
        return process_isolation(python, user, str(error))


def check_namespaces(python=None):
    """Raise SandboxUnavailable unless namespaces can isolate `python` here."""
    if sys.platform != "linux":
        raise SandboxUnavailable("namespaces need Linux")
    if shutil.which("bwrap") is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed")
    _probe(interpreter(python), os.geteuid() == 0)
