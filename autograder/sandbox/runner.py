"""Run a submission's functions in sandboxed worker processes, one module at a time.

The trusted side of the sandbox: it starts `python -I` on worker.py in a scratch
copy of the submission, sends each call with a wall-clock limit, and turns
every way a worker can fail (exception, exit, signal, hang, garbage on the
pipe) into an observation for that call alone. A worker that hangs or dies is
killed with its whole process group and replaced for the calls that remain.
"""
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.sandbox import wire

HERE = Path(__file__).resolve().parent
# The worker cannot import the autograder package: it gets the source of the few files it needs.
WORKER_SOURCE = "\n".join((HERE / name).read_text() for name in ("wire.py", "probes.py", "worker.py"))


@dataclass(frozen=True)
class Limits:
    call_seconds: float = 5.0  # wall clock for one call (and for importing one module)
    start_seconds: float = 20.0  # wall clock for a worker to start and import NumPy
    cpu_seconds: int = 60  # CPU time for one worker process
    memory_bytes: int = 2 * 2**30  # address space of one worker process
    file_bytes: int = 16 * 2**20  # largest file a worker may write
    output_chars: int = 20_000  # printed text kept per worker; the rest is dropped


@dataclass
class Call:
    """One request to a worker: call module.function(*args, **kwargs)."""

    id: str
    module: str
    function: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    pick: int | list | None = None  # grade only output[pick], or a tuple of output[i] for a list (leaves caches out)
    keep: bool = False  # keep the raw output in the worker for later calls (wire.Special("result", ...))

    @property
    def qualname(self):
        return f"{self.module}.{self.function}"

    def message(self):
        return {
            "op": "call", "id": self.id, "module": self.module, "function": self.function,
            "args": tuple(self.args), "kwargs": dict(self.kwargs),
            "pick": list(self.pick) if isinstance(self.pick, (list, tuple)) else self.pick, "keep": self.keep,
        }


class WorkerFailed(Exception):
    """The worker hung, died or spoke garbage; the message says which, for the student."""


class Zygote:
    """The fork server: one `python -I` per submission that imports NumPy once and forks a
    fresh, confined worker per module (a few milliseconds instead of a new interpreter)."""

    def __init__(self, scratch, limits, python=None, user=None):
        self.limits = limits
        ours, theirs = socket.socketpair()
        env = {
            "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(scratch),
            "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1",
            # One thread each: predictable timing, and batch jobs do not fight over cores.
            "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        }
        limits_json = json.dumps({
            "memory_bytes": limits.memory_bytes, "cpu_seconds": limits.cpu_seconds,
            "file_bytes": limits.file_bytes, "output_chars": limits.output_chars,
        })
        try:
            self.process = subprocess.Popen(
                [python or sys.executable, "-I", "-B", "-c", WORKER_SOURCE, str(scratch), str(theirs.fileno()),
                 limits_json],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),), cwd=scratch, env=env, start_new_session=True,
                **({"user": user, "group": _group_of(user), "extra_groups": []} if user else {}),
            )
        finally:
            theirs.close()
        self.control = ours
        self.lock = threading.Lock()
        self.control.settimeout(limits.start_seconds)
        if self._reply().get("status") != "ready":
            raise WorkerFailed("the sandbox did not start")

    def _reply(self):
        try:
            data = self.control.recv(4096)
            return json.loads(data) if data else {}
        except (OSError, ValueError):
            return {}

    def spawn(self):
        """(pid, command fd, result fd) of a new worker process."""
        command_read, command_write = os.pipe()
        result_read, result_write = os.pipe()
        try:
            with self.lock:
                socket.send_fds(self.control, [b'{"op": "spawn"}'], [command_read, result_write])
                pid = self._reply().get("pid")
        except OSError:
            pid = None
        finally:
            os.close(command_read)
            os.close(result_write)
        if type(pid) is not int:
            os.close(command_write)
            os.close(result_read)
            raise WorkerFailed("the sandbox stopped (did the submission kill it?)")
        return pid, command_write, result_read

    def exit_status(self, pid):
        try:
            with self.lock:
                self.control.sendall(json.dumps({"op": "status", "pid": pid}).encode())
                return self._reply().get("status")
        except OSError:
            return None

    def alive(self):
        return self.process.poll() is None

    def close(self):
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.kill()
        self.process.wait()
        self.control.close()


class Sandbox:
    """The processes grading one submission: a zygote, restarted if a submission kills it."""

    def __init__(self, scratch, limits, python=None, user=None):
        self.scratch, self.limits, self.python, self.user = scratch, limits, python, user
        self._zygote = None
        self._lock = threading.Lock()

    def zygote(self):
        with self._lock:
            if self._zygote is not None and not self._zygote.alive():
                self._zygote.close()
                self._zygote = None
            if self._zygote is None:
                self._zygote = Zygote(self.scratch, self.limits, self.python, self.user)
            return self._zygote

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._zygote is not None:
            self._zygote.close()


class Worker:
    """One module's worker process, forked by the zygote."""

    def __init__(self, zygote):
        self.zygote = zygote
        self.pid, self.commands, self.results = zygote.spawn()
        self.buffer = b""
        reply = self._receive(zygote.limits.start_seconds)
        if reply.get("status") != "ready":
            self.kill()
            raise WorkerFailed("the worker did not start")

    def request(self, message, seconds):
        data = memoryview(wire.encode(message))
        try:
            while data:
                data = data[os.write(self.commands, data):]
        except OSError:
            raise WorkerFailed(self._death()) from None
        return self._receive(seconds)

    def _receive(self, seconds):
        deadline = time.monotonic() + seconds
        while True:
            message = self._parse()
            if message is not None:
                return message
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise WorkerFailed(f"timed out after {seconds:g} s (an infinite loop, or far too slow)")
            ready, _, _ = select.select([self.results], [], [], left)
            if ready:
                chunk = os.read(self.results, 1 << 20)
                if not chunk:
                    raise WorkerFailed(self._death())
                self.buffer += chunk
                if len(self.buffer) > wire.MAX_MESSAGE_BYTES + 8:
                    self.kill()
                    raise WorkerFailed("sent more data than any result can hold")

    def _parse(self):
        if len(self.buffer) < 8:
            return None
        length = int.from_bytes(self.buffer[:8], "little")
        if length > wire.MAX_MESSAGE_BYTES:
            self.kill()
            raise WorkerFailed("sent a result too large to grade")
        if len(self.buffer) < 8 + length:
            return None
        body, self.buffer = self.buffer[8 : 8 + length], self.buffer[8 + length :]
        try:
            message = wire.decode(body)
        except wire.WireError as error:
            self.kill()
            raise WorkerFailed(f"sent a malformed result ({error})") from None
        if type(message) is not dict:
            self.kill()
            raise WorkerFailed("sent a malformed result")
        return message

    def _death(self):
        code = self.zygote.exit_status(self.pid)
        self.kill()
        if code is None:
            return "the process stopped answering"
        if code < 0:
            name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
            hint = {
                "SIGSEGV": " (a crash: often unbounded recursion)",
                "SIGKILL": " (out of memory or CPU time?)",
                "SIGXCPU": " (CPU time limit)",
                "SIGXFSZ": " (wrote too large a file)",
            }.get(name, "")
            return f"the process was killed by {name}{hint}"
        return f"the process exited with status {code} (sys.exit or os._exit in the submission?)"

    def kill(self):
        for target in (lambda: os.killpg(self.pid, signal.SIGKILL), lambda: os.kill(self.pid, signal.SIGKILL)):
            try:
                target()
            except (ProcessLookupError, PermissionError):
                pass
        for fd in (self.commands, self.results):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.commands = self.results = None


def _group_of(user):
    import pwd

    return pwd.getpwnam(user).pw_gid if isinstance(user, str) else pwd.getpwuid(user).pw_gid


def run_module(sandbox, module, calls):
    """Observations (dicts, keyed by call id) of one module's calls, in order.

    Each observation has a "status": ok, raised, missing, import_error,
    bad_output, skipped, or failed (the worker hung or died during that call).
    """
    observations = {}
    limits = sandbox.limits
    worker = None
    imported = False
    given_up = {}  # function -> why: after a hang or crash, its later calls are not retried

    def fail_rest(status, error):
        for later in calls:
            observations.setdefault(later.id, {"status": status, "error": error})

    try:
        for call in calls:
            if call.function in given_up:
                observations[call.id] = {"status": "skipped", "error": given_up[call.function]}
                continue
            try:
                if worker is None:
                    worker = Worker(sandbox.zygote())
                    reply = worker.request({"op": "import", "module": module}, limits.call_seconds)
                    if reply.get("status") != "ok":
                        fail_rest("import_error", f"importing {module}.py failed: {reply.get('error', '?')}")
                        break
                    imported = True
                started = time.perf_counter()
                observation = worker.request(call.message(), limits.call_seconds)
                observation["seconds"] = time.perf_counter() - started
                observations[call.id] = observation
            except WorkerFailed as failure:
                if worker is not None:
                    worker.kill()
                worker = None
                if not imported:
                    fail_rest("import_error", f"importing {module}.py failed: {failure}")
                    break
                observations[call.id] = {"status": "failed", "error": str(failure)}
                given_up[call.function] = f"not run: an earlier call of {call.function} {failure}"
    finally:
        if worker is not None:
            worker.kill()
    return observations


def become_subreaper():
    """Make orphaned descendants of the grader (a submission's escaped children) ours to kill."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def children_of(pid, zombies=False):
    """Pids of the processes whose parent is pid (Linux /proc; empty elsewhere)."""
    found = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[-1].split()
        except OSError:
            continue
        if len(fields) > 1 and int(fields[1]) == pid and (zombies or fields[0] != "Z"):
            found.append(int(entry))
    return found


def kill_strays(keep=frozenset()):
    """Kill every descendant of this process except `keep` (and theirs), until none is left."""
    me = os.getpid()
    for _ in range(100):
        strays = [pid for pid in children_of(me) if pid not in keep]
        if not strays:
            break
        queue = list(strays)
        while queue:
            pid = queue.pop()
            try:
                os.kill(pid, signal.SIGSTOP)  # frozen first, so it cannot fork while we look
            except OSError:
                continue
            queue.extend(children_of(pid))
            strays.append(pid)
        for pid in set(strays):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for pid in set(strays):
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
    _reap_zombies(keep)


def _reap_zombies(keep):
    for pid in children_of(os.getpid(), zombies=True):
        if pid not in keep:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
