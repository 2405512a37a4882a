"""Run a submission's functions in sandboxed worker processes, one module at a time.

The trusted side of the sandbox: it starts `python -I` on worker.py in a scratch
copy of the submission, sends each call with a wall-clock limit, and turns
every way a worker can fail (exception, exit, signal, hang, garbage on the
pipe) into an observation for that call alone. A worker that hangs or dies is
killed with its whole process group and replaced for the calls that remain.
"""
import functools
import json
import marshal
import math
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

from autograder.safe_text import safe
from autograder.sandbox import cgroup, wire

HERE = Path(__file__).resolve().parent
# The worker cannot import the autograder package: it gets the source of the few files it needs.
WORKER_SOURCE = "\n".join(
    (HERE / name).read_text() for name in ("bootstrap.py", "wire.py", "probes.py", "worker.py"))
# An interpreter like this one gets the program compiled (marshal), through its control socket:
# compiling 600 lines costs each sandbox 10 ms of CPU, loading them 0.2 ms.
LOADER = (
    "import marshal, os, sys\n"
    "fd, got = int(sys.argv[2]), b''\n"
    "size = int.from_bytes(os.read(fd, 8), 'little')\n"
    "while len(got) < size:\n"
    "    chunk = os.read(fd, size - len(got))\n"
    "    if not chunk:\n"
    "        raise SystemExit(1)\n"
    "    got += chunk\n"
    "exec(marshal.loads(got), {'__name__': '__main__', '__builtins__': __builtins__})\n"
)


@functools.lru_cache(maxsize=1)
def _compiled_worker():
    code = marshal.dumps(compile(WORKER_SOURCE, "<string>", "exec"))
    return len(code).to_bytes(8, "little") + code


def _runs_like_this_one(python):
    """True if `python` is this interpreter's binary, so that it reads this interpreter's marshal format."""
    return os.path.realpath(python) == os.path.realpath(getattr(sys, "_base_executable", sys.executable))


@dataclass(frozen=True)
class Limits:
    call_seconds: float = 5.0  # wall clock for one call (and for importing one module)
    start_seconds: float = 20.0  # wall clock for a worker to start and import NumPy
    cpu_seconds: int = 60  # CPU time for one worker process
    memory_bytes: int = 2 * 2**30  # address space of one worker process
    file_bytes: int = 16 * 2**20  # largest file a worker may write
    output_chars: int = 20_000  # printed text kept per worker; the rest is dropped
    processes: int = 128  # processes and threads of one sandbox's uid (RLIMIT_NPROC)
    reply_floor_bytes: int = 64 * 2**10  # a reply may always be this large...
    reply_factor: int = 8  # ...plus this many times the size of the arrays the call's arguments give
    control_seconds: float = 2.0  # wall clock for the zygote to answer a status or kill request
    spawn_seconds: float = 5.0  # wall clock for the zygote to fork a worker
    scratch_bytes: int = 256 * 2**20  # the submission's writable space: bytes...
    scratch_files: int = 20_000  # ...and files and folders (with namespaces as root; see isolation.py)

    def reply_limit(self, call):
        """The largest reply the grader reads for `call`: bounded by what the call can need, so that a
        submission cannot make the trusted process hold more than a few times the expected answers."""
        return self.reply_floor_bytes + self.reply_factor * _argument_bytes(call.args, call.kwargs)


def _argument_bytes(args, kwargs):
    """Bytes of the arrays in a call's arguments, counting a shape given as ints (fan_in, fan_out) or as a
    tuple (N, C, H, W) as the float64 array it describes: every contract answer is at most of that order."""
    import numpy as np

    def walk(value, depth):
        if type(value) is np.ndarray:
            return value.nbytes
        if depth > 8:
            return 0
        if type(value) in (list, tuple) and 0 < len(value) <= 8 and all(type(v) is int and v > 0 for v in value):
            return 8 * min(math.prod(value), 2**28)
        if type(value) in (list, tuple):
            return sum(walk(v, depth + 1) for v in value)
        if type(value) is dict:
            return sum(walk(v, depth + 1) for v in value.values())
        return 0

    leading = []
    for value in args:
        if type(value) is not int or value <= 0:
            break
        leading.append(value)
    return walk(tuple(leading), 0) + walk(list(args[len(leading):]), 0) + walk(kwargs, 0)


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

    def __init__(self, message, died=False):
        super().__init__(message)
        self.died = died  # it (or its sandbox) died, rather than hanging or misbehaving


MAX_DEATHS = 3  # a module whose worker died this many times gets its remaining calls failed at once


def _within(seconds, deadline):
    """`seconds`, cut to what is left before `deadline` (time.monotonic(); None: no deadline)."""
    return seconds if deadline is None else max(0.0, min(seconds, deadline - time.monotonic()))


class Zygote:
    """The fork server: one `python -I` per submission that imports NumPy once and forks a
    fresh, confined worker per module (a few milliseconds instead of a new interpreter).

    With namespaces it runs inside bubblewrap and sees only /submission; otherwise it runs
    as a plain process in a session of its own (as root: as a uid of its own)."""

    def __init__(self, limits, isolation_):
        self.limits, self.isolation = limits, isolation_
        self.deadline = None  # every wait on this zygote ends by then (Sandbox sets it: the submission's time)
        self.namespaced = isolation_.kind == "namespaces"
        self.stored = False  # has it been given the submission's files
        scratch = isolation_.cwd or isolation_.scratch
        ours, theirs = socket.socketpair()
        env = {
            "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": scratch, "TMPDIR": scratch,
            "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1",
            # One thread each: predictable timing, and batch jobs do not fight over cores.
            "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        }
        processes = limits.processes
        if isolation_.uid is None:
            # The grader's own uid, shared with its other processes: allow the ones it already has, plus ours.
            uid = os.geteuid()
            processes = None if uid == 0 else processes + _process_count(uid)
        limits_json = json.dumps({
            "memory_bytes": limits.memory_bytes, "cpu_seconds": limits.cpu_seconds,
            "file_bytes": limits.file_bytes, "output_chars": limits.output_chars, "processes": processes,
        })
        flags = ["-I", "-B", "-S"] if self.namespaced else ["-I", "-B"]
        argv = [*isolation_.prefix]
        if self.namespaced:
            for key, value in env.items():  # bwrap clears the environment
                argv += ["--setenv", key, value]
        compiled = _runs_like_this_one(isolation_.python)
        argv += [isolation_.python, *flags, "-c", LOADER if compiled else WORKER_SOURCE, scratch,
                 str(theirs.fileno()), limits_json, json.dumps(isolation_.boot)]
        self.group, self.stop_watching = None, threading.Event()
        if isolation_.memory == "cgroup":
            try:
                self.group = cgroup.Group(limits.memory_bytes, limits.processes)
            except OSError:
                pass  # the watchdog below instead
        if self.group is not None:
            argv = self.group.joined(argv)
        try:
            # Started as the grader: bootstrap.py drops to the sandbox's uid before anything else runs.
            self.process = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),), cwd=isolation_.scratch or "/", env=env, start_new_session=True,
            )
        except BaseException:
            if self.group:
                self.group.remove()
            raise
        finally:
            theirs.close()
        if self.group is None:
            cgroup.watch(self.process.pid, limits.memory_bytes, self.stop_watching, self.close)
        self.control = ours
        self.lock = threading.Lock()
        self.ready = False
        if compiled:
            try:
                ours.sendall(_compiled_worker())  # about 45 KB: the socket buffer takes it without waiting
            except OSError:
                pass  # it died already; wait_ready says so

    def wait_ready(self):
        """Block until the zygote has imported NumPy (it starts without waiting, so the grader can work meanwhile)."""
        if not self.ready:
            if self._ask(None, self.limits.start_seconds).get("status") != "ready":
                self.close()
                raise WorkerFailed("the sandbox did not start", died=True)
            self.ready = True

    def _ask(self, request, seconds, fds=()):
        """Send a request (None: only listen) and return the zygote's reply, or {} if it is not answering."""
        with self.lock:
            try:
                seconds = _within(seconds, self.deadline)
                if seconds <= 0:
                    return {}
                self.control.settimeout(seconds)
                if request is not None:
                    socket.send_fds(self.control, [json.dumps(request).encode()], list(fds))
                data = self.control.recv(4096)
                reply = json.loads(data) if data else {}
                return reply if type(reply) is dict else {}
            except (OSError, ValueError):
                return {}

    def store(self, files):
        """Give the zygote the submission's files ({name: bytes}), which it writes into its own scratch as the
        sandbox's uid: the grader never writes where a submission could have been. False if it did not."""
        header = json.dumps([[name, len(data)] for name, data in files.items()]).encode()
        fd = os.memfd_create("submission") if hasattr(os, "memfd_create") else _unlinked_file()
        try:
            with os.fdopen(os.dup(fd), "wb") as out:
                out.write(len(header).to_bytes(8, "little") + header)
                for data in files.values():
                    out.write(data)
            os.lseek(fd, 0, os.SEEK_SET)
            self.stored = self._ask({"op": "files"}, self.limits.spawn_seconds, (fd,)).get("status") == "stored"
        finally:
            os.close(fd)
        return self.stored

    def spawn(self):
        """(pid, command fd, result fd) of a new worker process (pid as the zygote sees it)."""
        command_read, command_write = os.pipe()
        result_read, result_write = os.pipe()
        try:
            pid = self._ask({"op": "spawn"}, self.limits.spawn_seconds, (command_read, result_write)).get("pid")
        finally:
            os.close(command_read)
            os.close(result_write)
        if type(pid) is not int or pid <= 1:
            os.close(command_write)
            os.close(result_read)
            self.close()  # stopped or dead: the next worker gets a new sandbox
            raise WorkerFailed("the sandbox stopped (did the submission kill it?)", died=True)
        os.set_blocking(command_write, False)
        return pid, command_write, result_read

    def exit_status(self, pid):
        status = self._ask({"op": "status", "pid": pid}, self.limits.control_seconds + 1).get("status")
        return status if type(status) is int else None

    def kill(self, pid):
        """Kill a worker and its process group. Inside namespaces only the zygote can name it;
        a zygote that does not answer is itself killed, with everything in the sandbox."""
        if not self.namespaced:
            for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
                try:
                    target()
                except (ProcessLookupError, PermissionError):
                    pass
            return
        if self._ask({"op": "kill", "pid": pid}, self.limits.control_seconds).get("status") != "killed":
            self.close()

    def alive(self):
        return not getattr(self, "closed", False) and self.process.poll() is None

    def close(self):
        self.stop_watching.set()
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.kill()
        self.process.wait()
        if self.group is not None:
            self.group.remove()  # and with it every process the submission started, wherever it went
        self.control.close()
        self.closed = True


class Sandbox:
    """The processes grading one submission: a zygote, restarted if a submission kills it."""

    def __init__(self, limits, isolation_):
        self.limits, self.isolation = limits, isolation_
        self.files = None  # {name: bytes}: given to every zygote this sandbox starts
        self.deadline = None  # time.monotonic() by which everything must be done (None: no bound)
        self._zygote = None
        self._lock = threading.Lock()

    def start(self):
        """Start the zygote and return at once: it imports NumPy while the caller prepares the submission."""
        with self._lock:
            if self._zygote is None:
                self._zygote = Zygote(self.limits, self.isolation)

    def deliver(self, files):
        """The submission's files, copied into the sandbox's scratch once its zygote is ready."""
        self.files = dict(files)

    @property
    def pid(self):
        return self._zygote.process.pid if self._zygote is not None else None

    def alive(self):
        return self._zygote is not None and self._zygote.alive()

    def zygote(self):
        """The running zygote, ready to fork workers, holding the submission's files (started again, with a
        fresh scratch, if the submission killed it)."""
        with self._lock:
            if self._zygote is not None and not self._zygote.alive():
                self._zygote.close()
                self._zygote = None
            if self._zygote is None:
                self._zygote = Zygote(self.limits, self.isolation)
            self._zygote.deadline = self.deadline
            try:
                self._zygote.wait_ready()
                if self.files is not None and not self._zygote.stored and not self._zygote.store(self.files):
                    self._zygote.close()
                    raise WorkerFailed("the sandbox could not take the submission's files", died=True)
            except WorkerFailed:
                self._zygote = None
                raise
            return self._zygote

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._zygote is not None:
            self._zygote.close()


class Worker:
    """One module's worker process, forked by the zygote. Every read and write has a deadline,
    and a reply larger than the call allows is refused before it is read."""

    def __init__(self, zygote):
        self.zygote = zygote
        self.pid, self.commands, self.results = zygote.spawn()
        reply = self._receive(_within(zygote.limits.start_seconds, zygote.deadline), zygote.limits.reply_floor_bytes)
        if reply.get("status") != "ready":
            self.kill()
            raise WorkerFailed("the worker did not start", died=True)

    def request(self, message, seconds, reply_limit):
        deadline = time.monotonic() + seconds
        data = memoryview(wire.encode(message))
        while data:
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise WorkerFailed(f"timed out after {seconds:g} s (an infinite loop, or far too slow)")
            try:
                _, writable, _ = select.select([], [self.commands], [], left)
                if writable:
                    data = data[os.write(self.commands, data):]
            except BlockingIOError:
                continue
            except (OSError, ValueError):
                raise WorkerFailed(self._death(), died=True) from None
        reply = self._receive(deadline - time.monotonic(), reply_limit, seconds)
        if reply.get("status") not in STATUSES:
            self.kill()
            raise WorkerFailed("sent a reply the grader cannot read (unknown status)")
        return reply

    def _read_exactly(self, size, deadline, seconds):
        """`size` bytes from the result pipe, into one preallocated buffer."""
        buffer = bytearray(size)
        view, got = memoryview(buffer), 0
        while got < size:
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise WorkerFailed(f"timed out after {seconds:g} s (an infinite loop, or far too slow)")
            ready, _, _ = select.select([self.results], [], [], left)
            if ready:
                count = os.readv(self.results, [view[got:]])
                if count == 0:
                    raise WorkerFailed(self._death(), died=True)
                got += count
        return buffer

    def _receive(self, seconds, reply_limit, budget=None):
        budget = seconds if budget is None else budget
        deadline = time.monotonic() + max(seconds, 0.0)
        length = int.from_bytes(self._read_exactly(8, deadline, budget), "little")
        if length > min(reply_limit, wire.MAX_MESSAGE_BYTES):
            self.kill()
            raise WorkerFailed(f"sent a reply of {length} bytes, far larger than the expected result")
        body = self._read_exactly(length, deadline, budget)
        try:
            message = wire.decode(body)
        except wire.WireError as error:
            self.kill()
            raise WorkerFailed(f"sent a reply the grader cannot read ({error})") from None
        if type(message) is not dict:
            self.kill()
            raise WorkerFailed("sent a reply the grader cannot read (not a message)")
        return message

    def _death(self):
        code = self.zygote.exit_status(self.pid)
        if code is None:
            self.zygote.close()  # the zygote does not answer (frozen?): it goes, with its sandbox, without more waiting
            self.pid = None
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
        if self.pid is not None:
            self.zygote.kill(self.pid)
            self.pid = None
        for fd in (self.commands, self.results):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.commands = self.results = None


def _unlinked_file():
    import tempfile

    handle = tempfile.TemporaryFile()
    return os.dup(handle.fileno())


def _process_count(uid):
    """How many processes and threads `uid` has now (what RLIMIT_NPROC counts)."""
    count = 0
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if entry.isdigit():
            try:
                status = Path(f"/proc/{entry}/status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if fields.get("Uid", "").split()[:1] == [str(uid)]:
                count += int(fields.get("Threads", "1").strip() or 1)
    return count


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

    deaths = 0

    def fail_rest(status, error):
        for later in calls:
            observations.setdefault(later.id, {"status": status, "error": error})

    try:
        for call in calls:
            if sandbox.deadline is not None and time.monotonic() >= sandbox.deadline:
                fail_rest("failed", "not run: the submission used up its time (the timeout x its functions + 10 s)")
                break
            if deaths >= MAX_DEATHS:
                fail_rest("failed", f"not run: the worker died {deaths} times in {module}.py")
                break
            if call.function in given_up:
                observations[call.id] = {"status": "skipped", "error": given_up[call.function]}
                continue
            try:
                if worker is None:
                    worker = Worker(sandbox.zygote())
                    reply = worker.request({"op": "import", "module": module},
                                           _within(limits.call_seconds, sandbox.deadline), limits.reply_floor_bytes)
                    if reply.get("status") != "ok":
                        reply = _clean(reply)
                        fail_rest("import_error", f"importing {module}.py failed: {reply.get('error', '?')}")
                        break
                    imported = True
                started = time.perf_counter()
                observation = _clean(worker.request(call.message(), _within(limits.call_seconds, sandbox.deadline),
                                                    limits.reply_limit(call)))
                observation["seconds"] = time.perf_counter() - started
                observations[call.id] = observation
            except WorkerFailed as failure:
                if worker is not None:
                    worker.kill()
                worker = None
                deaths += failure.died
                if not imported:
                    fail_rest("import_error", f"importing {module}.py failed: {failure}")
                    break
                observations[call.id] = {"status": "failed", "error": str(failure)}
                given_up[call.function] = f"an earlier call of {call.function} {failure}"
    finally:
        if worker is not None:
            worker.kill()
    return observations


STATUSES = frozenset({"ok", "raised", "missing", "import_error", "bad_output", "skipped"})


def _clean(reply):
    """A worker's reply with its submission-controlled text made safe and short."""
    for key, limit, lines in (("error", 500, False), ("exception", 100, False), ("printed", 2100, True)):
        if key in reply:
            reply[key] = safe(reply[key], limit, lines) if type(reply[key]) is str else "?"
    return reply


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
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
        fields = stat[stat.rfind(b")") + 2:].split(b" ", 2)
        if len(fields) > 1 and fields[1].isdigit() and int(fields[1]) == pid and (zombies or fields[0] != b"Z"):
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
