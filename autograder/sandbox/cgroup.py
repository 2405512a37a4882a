"""Memory and processes bounded per submission: a cgroup per sandbox, or a watchdog where none can be made.

A cgroup (v2: memory.max, pids.max; v1: memory.limit_in_bytes and
memory.memsw.limit_in_bytes, pids.max) is made for each zygote, below the
grader's own, and the zygote joins it before it runs anything (a shell moves
itself in, then execs bwrap or the interpreter): every process
the submission starts is in it, counted together, and killed with it. The
scratch tmpfs's pages are charged to it too. Making one needs write access to
the cgroup file system (root, usually).

Elsewhere a watchdog thread sums the resident memory of the zygote and of every
process below it four times a second, and ends the sandbox when the sum passes
the limit; the processes per sandbox are then bounded by RLIMIT_NPROC only.
"""
import itertools
import os
import signal
import threading
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
PREFIX = "autograder-"  # then the grading process's pid and a counter
WATCH_SECONDS = 0.25
_names = itertools.count()


def _own_path(controller):
    """This process's cgroup path in the hierarchy of `controller` ("" for v2's unified one)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers.split(",") == [controller] or (controller == "" and controllers == ""):
            return path
    return None


def _hierarchies():
    """[(folder below which groups are made, {file: value to write})] for v2 or v1, or None if unusable."""
    if (ROOT / "cgroup.controllers").exists():  # v2
        path = _own_path("")
        if path is None:
            return None
        base = ROOT / path.lstrip("/")
        return [(base, "v2")]
    found = []
    for controller in ("memory", "pids"):
        path = _own_path(controller)
        if path is None or not (ROOT / controller).is_dir():
            return None
        found.append((ROOT / controller / path.lstrip("/"), controller))
    return found


def _sweep(base):
    """Remove the groups of grading processes that died without removing theirs (killed, or ended with
    os._exit), killing whatever still runs in them."""
    try:
        names = [e.name for e in os.scandir(base) if e.name.startswith(PREFIX) and e.is_dir()]
    except OSError:
        return
    for name in names:
        owner = name[len(PREFIX):].split("-")[0]
        if not owner.isdigit() or Path(f"/proc/{owner}").exists():
            continue
        stale = Group.__new__(Group)
        stale.folders = [base / name]
        stale.remove()



def peak_bytes(folder):
    """The most memory the cgroup `folder` has held: memory.peak (v2) or memory.max_usage_in_bytes (v1); None
    when neither can be read (not a memory group, or the kernel does not say)."""
    for name in ("memory.peak", "memory.max_usage_in_bytes"):
        try:
            return int((Path(folder) / name).read_text())
        except (OSError, ValueError):
            continue
    return None

class Group:
    """One sandbox's cgroup (one folder per hierarchy): made, joined by the zygote, killed and removed."""

    def __init__(self, memory_bytes, processes):
        hierarchies = _hierarchies()
        if not hierarchies:
            raise OSError("no cgroup file system")
        name = f"{PREFIX}{os.getpid()}-{next(_names)}"
        for base, _ in hierarchies:
            _sweep(base)
        self.folders = []
        try:
            for base, kind in hierarchies:
                folder = base / name
                folder.mkdir(mode=0o700)
                self.folders.append(folder)
                if kind == "v2":
                    (folder / "memory.max").write_text(str(memory_bytes))
                    (folder / "memory.swap.max").exists() and (folder / "memory.swap.max").write_text("0")
                    (folder / "pids.max").write_text(str(processes))
                elif kind == "memory":
                    (folder / "memory.limit_in_bytes").write_text(str(memory_bytes))
                    try:  # with swap accounting, swap counts too
                        (folder / "memory.memsw.limit_in_bytes").write_text(str(memory_bytes))
                    except OSError:
                        pass
                else:
                    (folder / "pids.max").write_text(str(processes))
            self.kind = "v2" if hierarchies[0][1] == "v2" else "v1"
            self.procs = [str(folder / "cgroup.procs") for folder in self.folders]
        except BaseException:
            self.remove()
            raise

    def joined(self, argv):
        """`argv` run by a shell that first moves itself into the group (a Popen preexec_fn would do the same,
        but makes Popen fork the whole grading process instead of spawning: 25 ms more per sandbox)."""
        script = "".join(f'echo $$ > "${index + 1}" && ' for index in range(len(self.procs)))
        return ["/bin/sh", "-c", f'{script}shift {len(self.procs)} && exec "$@"', "sh", *self.procs, *argv]

    def pids(self):
        found = set()
        for folder in self.folders:
            try:
                found |= {int(p) for p in (folder / "cgroup.procs").read_text().split()}
            except (OSError, ValueError):
                pass
        return found

    def remove(self):
        """Kill every process in the group, then remove it."""
        for _ in range(250):
            pids = self.pids()
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.002)
        for folder in reversed(self.folders):
            for _ in range(250):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.002)  # the last processes are still exiting
        self.folders = []


_usable = None


def usable(memory_bytes=2**30, processes=64):
    """Can this process make cgroups (asked once, by making and removing one)."""
    global _usable
    if _usable is None:
        try:
            Group(memory_bytes, processes).remove()
            _usable = True
        except OSError:
            _usable = False
    return _usable


def _descendants(root):
    """root and every process below it (Linux /proc)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    stat = handle.read()
                parents.setdefault(int(stat[stat.rfind(b")") + 2:].split(b" ", 2)[1]), []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(parents.get(pid, ()))
    return found


def resident_bytes(pids):
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * page
        except (OSError, ValueError, IndexError):
            pass
    return total


def watch(root_pid, memory_bytes, stop, end):
    """Start a thread that kills root_pid and every process below it, then calls end(), once they hold more
    than memory_bytes together; it returns when `stop` (a threading.Event) is set."""

    def loop():
        while not stop.wait(WATCH_SECONDS):
            pids = _descendants(root_pid)
            if resident_bytes(pids) > memory_bytes:
                for pid in pids:  # workers run in sessions of their own: killing the zygote's group is not enough
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                end()
                return

    thread = threading.Thread(target=loop, daemon=True, name="sandbox-memory-watchdog")
    thread.start()
    return thread
