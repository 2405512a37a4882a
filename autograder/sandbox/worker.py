"""The sandboxed workers: they import a submission's modules and call its functions.

This file never runs inside the grader. Its source, after bootstrap.py's,
wire.py's and probes.py's, becomes the program of a fresh `python -I -B` (compiled
by the grader and sent through the control socket when that interpreter is the
grader's own, passed with -c otherwise) in a scratch copy of the submission: a
fork server (zygote) that imports NumPy once, confines imports,
and forks one worker per module on request, before any submission code has
run. A worker reads call requests on one pipe and answers on another, with
plain data only; the grader compares and scores. Everything a worker needs
from the standard library and NumPy is bound to local names BEFORE any
submission code runs, so monkeypatching those modules later cannot reach the
worker's own code.
"""
import ctypes
import gc
import importlib
import json
import os
import resource
import socket
import sys
import sysconfig
import time

import numpy as np
# NumPy loads these on first use; loaded here, once, every forked worker has them (about 25 ms each).
import numpy.linalg  # noqa: F401
import numpy.random  # noqa: F401

FORBIDDEN_MODULES = frozenset({"autograder", "solutions", "tests", "conftest", "benchmarks", "tools"})
PRINTED_PER_CALL = 2000  # characters of a call's printed output sent back with its result


class _Blocker:
    """Import hook: the course's own packages are refused whatever sys.path says, and a submission
    may import only NumPy, the standard library and its own modules (what Gradescope will have)."""

    local = frozenset()  # the submission's own module names, set in each worker as it is forked
    stdlib = sys.stdlib_module_names

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        top = name.split(".")[0]
        if top in FORBIDDEN_MODULES:
            raise ImportError(f"{name} is not available to a submission")
        if path is None and top not in cls.local and top != "numpy" and top not in cls.stdlib:
            raise ModuleNotFoundError(f"only NumPy and the standard library may be imported (found: {top})")
        return None


class _CappedText:
    """A text stream that keeps the first `limit` characters written and drops the rest.

    `take()` hands over what was printed since the last take (a call's own output)."""

    def __init__(self, limit):
        self.limit, self.kept = limit, []
        self.size = 0

    def write(self, text):
        text = str(text)
        if self.size < self.limit:
            self.kept.append(text[: self.limit - self.size])
        self.size += len(text)
        return len(text)

    def take(self, limit):
        text = "".join(self.kept)
        dropped = self.size - len(text)
        self.kept, self.size = [], 0
        if len(text) > limit or dropped:
            text = text[:limit] + "\n[... output cut ...]"
        return text

    def flush(self):
        pass

    def isatty(self):
        return False


def _limit(which, value):
    try:
        resource.setrlimit(which, (value, value))
    except (ValueError, OSError):
        pass  # a limit this platform or user cannot set; the grader's wall clock still applies


def _confine_imports(scratch):
    paths = sysconfig.get_paths()
    allowed = {os.path.realpath(paths[k]) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    keep = [scratch]
    for entry in sys.path:
        real = os.path.realpath(entry or ".")
        if real in allowed or os.path.basename(real) in ("lib-dynload", "site-packages", "dist-packages") or (
            real.endswith(".zip") and os.path.dirname(real) in {os.path.dirname(p) for p in allowed}
        ):
            keep.append(entry)
    sys.path[:] = keep
    # Editable installs and other path hooks live in sys.meta_path; keep only the interpreter's own finders.
    standard = ("BuiltinImporter", "FrozenImporter", "PathFinder")
    sys.meta_path[:] = [_Blocker] + [f for f in sys.meta_path if getattr(f, "__name__", type(f).__name__) in standard]
    sys.path_importer_cache.clear()
    for name in list(sys.modules):
        if name.split(".")[0] in FORBIDDEN_MODULES:
            del sys.modules[name]


def _global_rng_snapshot():
    """A function returning a copy of the global generator's state (np.random.rand and the like).

    It copies MT19937's state words (key[624], pos) in place, 1 us, where numpy.random.get_state() takes
    90 us, twice per call. The layout is NumPy's own; if this NumPy lays it out otherwise, get_state it is."""
    legacy = np.random.mtrand._rand
    get_state, concatenate = legacy.get_state, np.concatenate
    try:
        generator = legacy._bit_generator
        words = np.ctypeslib.as_array((ctypes.c_uint32 * 625).from_address(generator.ctypes.state_address))
        _, key, pos = get_state()[:3]
        if np.array_equal(words[:624], key) and int(words[624]) == pos:
            return lambda: (generator, words.copy())[1]  # the generator is held, so its memory stays ours
    except Exception:  # noqa: BLE001 - any surprise: the slow, documented way
        pass
    def by_get_state():
        state = get_state()
        return concatenate([state[1], [state[2]]])

    return by_get_state


GLOBAL_RNG_SNAPSHOT = _global_rng_snapshot()  # made once, in the zygote: every worker inherits it


def zygote():
    """Fork a confined worker for each "spawn" request on the control socket."""
    scratch, control_fd, limits = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
    control = socket.socket(fileno=control_fd)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    _confine_imports(scratch)
    os.chdir(scratch)
    exited = {}
    # Everything loaded so far moves to the collector's permanent generation: a forked worker's
    # collections then never touch (and so never copy) the zygote's pages.
    gc.freeze()
    control.sendall(b'{"status": "ready"}\n')
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(control, 4096, 2)
        except OSError:
            break
        if not data:
            break
        request = json.loads(data)
        if request["op"] == "spawn":
            pid = os.fork()
            if pid == 0:
                control.close()
                os.setsid()
                # The zygote may have started before the submission was copied in: look at it now.
                _Blocker.local = frozenset(n[:-3] for n in os.listdir(scratch) if n.endswith(".py"))
                importlib.invalidate_caches()
                serve(scratch, fds[0], fds[1], limits)
            for fd in fds:
                os.close(fd)
            control.sendall(json.dumps({"pid": pid}).encode() + b"\n")
        elif request["op"] == "files":
            status = _store(fds[0]) if fds else "no files"
            for fd in fds:
                os.close(fd)
            control.sendall(json.dumps({"status": status}).encode() + b"\n")
        elif request["op"] == "status":
            control.sendall(json.dumps({"status": _wait_for(request["pid"], exited)}).encode() + b"\n")
        elif request["op"] == "kill":
            # Inside a PID namespace only we can name our workers; their process groups go too.
            for kill in (os.killpg, os.kill):
                try:
                    kill(request["pid"], 9)
                except OSError:
                    pass
            control.sendall(b'{"status": "killed"}\n')
    os._exit(0)


def _store(fd):
    """Write the files the grader sent (8-byte header length, JSON [[name, size]...], contents) into the
    current folder, the scratch: "stored", or why not. Only plain module names; no link is followed."""
    os.lseek(fd, 0, 0)
    with os.fdopen(os.dup(fd), "rb") as blob:
        header = json.loads(blob.read(int.from_bytes(blob.read(8), "little")))
        here = os.open(".", os.O_RDONLY | os.O_DIRECTORY)
        try:
            for name, size in header:
                if not (name.endswith(".py") and name[:-3].isidentifier()):
                    return f"refused the name {name[:50]!r}"
                try:  # a zygote started again on a scratch that outlives it (process limits): fresh copies
                    os.unlink(name, dir_fd=here)
                except FileNotFoundError:
                    pass
                out = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=here)
                with os.fdopen(out, "wb") as handle:
                    handle.write(blob.read(size))
        except OSError as error:
            return f"could not write the files ({error.strerror})"
        finally:
            os.close(here)
    return "stored"


def _wait_for(pid, exited, seconds=2.0):
    """The wait status of child pid (None if it is still running after `seconds`)."""
    for _ in range(int(seconds / 0.01)):
        while True:
            try:
                done, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                done = 0
            if not done:
                break
            exited[done] = os.waitstatus_to_exitcode(status)
        if pid in exited:
            return exited.pop(pid)
        time.sleep(0.01)
    return None


def serve(scratch, command_fd, result_fd, limits):
    """A worker: answer import and call requests until the grader closes the pipe."""
    printed = _CappedText(limits["output_chars"])
    sys.stdout = sys.stderr = sys.__stdout__ = sys.__stderr__ = printed

    _limit(resource.RLIMIT_AS, limits["memory_bytes"])
    _limit(resource.RLIMIT_CPU, limits["cpu_seconds"])
    _limit(resource.RLIMIT_FSIZE, limits["file_bytes"])
    _limit(resource.RLIMIT_CORE, 0)
    if limits.get("processes") is not None:
        # Counts threads too: honest code may start a few; a fork bomb stops here (root is exempt).
        _limit(resource.RLIMIT_NPROC, limits["processes"])

    # Bound now, before the submission can patch anything.
    read, write = os.read, os.write
    ndarray, shares_memory, may_share_memory = np.ndarray, np.shares_memory, np.may_share_memory
    default_rng, global_rng_snapshot = np.random.default_rng, GLOBAL_RNG_SNAPSHOT
    array_equal, generic, Generator = np.array_equal, np.generic, np.random.Generator
    exit_ = os._exit
    import_module, modules = importlib.import_module, sys.modules
    exc_info = sys.exc_info
    encode_, read_message_, build_probe_, Special_, WireError_ = encode, read_message, build_probe, Special, WireError
    scalar_node_, plain_dtypes_ = scalar_node, PLAIN_DTYPES
    base_exception, type_, len_, isinstance_, str_, repr_ = BaseException, type, len, isinstance, str, repr
    float_, int_ = float, int
    results = {}

    def send(message):
        data = encode_(message, convert=describe)
        view = memoryview(data)
        while view:
            view = view[write(result_fd, view) :]

    def describe(v):
        kind = type_(v)
        if kind is ndarray and v.dtype.str not in plain_dtypes_:
            return {"__special__": "unsendable", "data": f"ndarray of dtype {v.dtype}"}
        if kind is ndarray or kind in (float_, int_, bool, str_, list, tuple, dict) or v is None:
            return None
        if isinstance_(v, generic) and kind.__module__ == "numpy":
            return scalar_node_(v)
        if isinstance_(v, ndarray):
            what = f"{kind.__name__} (a subclass of numpy.ndarray)"
        else:
            what = kind.__name__
        return {"__special__": "unsendable", "data": what}

    def error_text(error):
        kind = type_(error)
        name = str_(getattr(kind, "__name__", "exception"))[:200]
        try:
            text = str_(error)
        except base_exception:
            text = ""
        where = ""
        tb = exc_info()[2]
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.startswith(scratch):
                where = f" ({os.path.basename(filename)}, line {tb.tb_lineno})"
            tb = tb.tb_next
        return f"{name}: {text[:300]}{where}" if text else f"{name}{where}"

    def resolve(value):
        if type_(value) is Special_:
            if value.kind == "rng":
                return default_rng(value.data)
            if value.kind == "probe":
                return build_probe_(value.data)
            if value.kind == "result":
                if value.data["id"] not in results:
                    raise LookupError("depends on an earlier call that did not complete")
                result = results[value.data["id"]]
                pick = value.data.get("pick")
                return result if pick is None else result[pick]
        if type_(value) is list:
            return [resolve(v) for v in value]
        if type_(value) is tuple:
            return tuple(resolve(v) for v in value)
        if type_(value) is dict:
            return {k: resolve(v) for k, v in value.items()}
        return value

    def as_sent(sent, now):
        if type_(sent) is Special_:
            return sent
        if type_(sent) in (list, tuple) and type_(now) in (list, tuple) and len_(sent) == len_(now):
            return type_(sent)(as_sent(a, b) for a, b in zip(sent, now))
        if type_(sent) is dict and type_(now) is dict:
            return {k: as_sent(v, now.get(k)) for k, v in sent.items()}
        return now

    def arrays_in(value, found, depth=0):
        if depth > 8:
            return found
        if type_(value) is ndarray:
            found.append(value)
        elif type_(value) in (list, tuple):
            for v in value[:1000]:
                arrays_in(v, found, depth + 1)
        elif type_(value) is dict:
            for v in list(value.values())[:1000]:
                arrays_in(v, found, depth + 1)
        return found

    def aliases(output, inputs):
        for out in arrays_in(output, []):
            for arg in inputs:
                try:
                    if shares_memory(out, arg, max_work=10_000):
                        return True
                except base_exception:
                    if may_share_memory(out, arg):
                        return True
        return False

    def is_input(output, inputs):
        """An output array that IS one of the input arrays (not merely a view of one)."""
        return any(out is arg for out in arrays_in(output, []) for arg in inputs)

    def call(request):
        module = modules.get(request["module"])
        if module is None:
            return {"status": "import_error", "error": "module was not imported"}
        function = getattr(module, request["function"], None)
        if function is None or not callable(function):
            return {"status": "missing", "error": f"{request['module']}.py has no function {request['function']}"}
        try:
            args = resolve(request["args"])
            kwargs = resolve(request["kwargs"])
        except LookupError as error:
            return {"status": "skipped", "error": str_(error)}
        input_arrays = arrays_in([args, kwargs], [])
        rngs = [a for a in list(args) + list(kwargs.values()) if isinstance_(a, Generator)]
        rng_before = [repr_(r.bit_generator.state) for r in rngs]
        global_before = global_rng_snapshot()
        printed.take(0)
        try:
            output = function(*args, **kwargs)
        except base_exception as error:
            return {"status": "raised", "error": error_text(error), "exception": str_(getattr(type_(error), "__name__", "?"))[:200],
                    "printed": printed.take(PRINTED_PER_CALL)}
        reply = {"status": "ok", "printed": printed.take(PRINTED_PER_CALL)}
        if request.get("keep"):
            results[request["id"]] = output
        pick = request.get("pick")
        if pick is not None:
            wanted = pick if type_(pick) is list else [pick]
            if type_(output) not in (tuple, list) or len_(output) <= max(wanted):
                what = getattr(type_(output), "__name__", "object")
                return {"status": "bad_output", "error": f"expected a tuple of at least {max(wanted) + 1} items, got {what}"}
            output = tuple(output[i] for i in wanted) if type_(pick) is list else output[pick]
        reply["value"] = output
        # The inputs as they are now (did the call change them?); what the grader sent as a placeholder
        # (an rng, an earlier result such as a cache) goes back as that placeholder: only the worker holds it.
        reply["args_after"] = [as_sent(request["args"], args), as_sent(request["kwargs"], kwargs)]
        reply["aliases_input"] = aliases(output, input_arrays)
        reply["returns_input"] = is_input(output, input_arrays)
        reply["rng_used"] = any(repr_(r.bit_generator.state) != s for r, s in zip(rngs, rng_before))
        reply["global_random_used"] = not array_equal(global_rng_snapshot(), global_before)
        return reply

    def handle(request):
        if request["op"] == "import":
            try:
                import_module(request["module"])
                return {"status": "ok"}
            except base_exception as error:
                return {"status": "import_error", "error": error_text(error)}
        return call(request)

    send({"status": "ready"})
    while True:
        try:
            request = read_message_(lambda n: read(command_fd, n))
        except WireError_:
            break
        if request is None:
            break
        try:
            reply = handle(request)
            send(reply)
        except WireError_ as error:
            send({"status": "bad_output", "error": f"the result cannot be graded: {error}"})
        except base_exception as error:  # the submission broke something the worker itself uses
            send({"status": "raised", "error": error_text(error)})
    exit_(0)


zygote()
