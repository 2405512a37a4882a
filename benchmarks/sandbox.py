"""`make bench` rows for the grader's sandbox (issue 9's figures).

    latency ratio   autograder check solutions over `python -c "import numpy"`, side by side, median of 5
    peak memory     of the trusted process, grading a submission whose every call returns the largest
                    answer the grader accepts
    hostile end     a submission that hangs every call and shrinks its pipes: wall time against
                    per-call timeout x calls + 10 s
    frozen end      a submission whose every call stops (SIGSTOP) its fork server and dies: wall time
                    against per-call timeout x functions + 10 s
    zip directory   the trusted process's peak grading a 70 MB zip listing 1.5 million entries
    sandbox memory  the most memory a sandbox's processes held together, grading a submission whose
                    every call starts five children that each fill 1 GB (the bound: --memory, 2 GB)
"""
import json
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES_SOURCE = "import numpy as np\n"


# A function body answering with 80% of the largest reply the grader accepts for its arguments
# (runner.Limits.reply_limit: 64 KiB + 8 x the bytes of the arrays the arguments give).
LARGEST_ANSWER = """
    import math
    def size(v, depth=0):
        if isinstance(v, np.ndarray):
            return v.nbytes
        if isinstance(v, (list, tuple)) and 0 < len(v) <= 8 and all(type(x) is int and x > 0 for x in v):
            return 8 * math.prod(v)
        if isinstance(v, (list, tuple)) and depth < 8:
            return sum(size(x, depth + 1) for x in v)
        if isinstance(v, dict) and depth < 8:
            return sum(size(x, depth + 1) for x in v.values())
        return 0
    lead = []
    for a in args:
        if type(a) is not int or a <= 0:
            break
        lead.append(a)
    given = size(tuple(lead)) + size(list(args[len(lead):])) + size(kwargs)
    return np.zeros(int(0.8 * (65536 + 8 * given)) // 8)"""


def _wall(argv):
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - started


def _submission(folder, body):
    """A submission in which every contract function of every module runs `body`."""
    sys.path.insert(0, str(ROOT))
    from autograder.reference import load_modules

    folder.mkdir(parents=True)
    for name, module in load_modules(ROOT / "solutions").items():
        functions = [f for f, v in vars(module).items() if callable(v) and getattr(v, "__module__", "") == name
                     and not f.startswith("_")]
        source = MODULES_SOURCE + "".join(f"\ndef {f}(*args, **kwargs):\n{body}\n" for f in functions)
        (folder / f"{name}.py").write_text(source)
    return folder


def latency_rows():
    check = [sys.executable, "-m", "autograder", "check", "solutions", "--brief"]
    numpy = [sys.executable, "-c", "import numpy"]
    pairs = [(_wall(check), _wall(numpy)) for _ in range(5)]
    grading, importing = statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)
    with tempfile.TemporaryDirectory() as scratch:
        results = Path(scratch) / "results.json"
        subprocess.run([*check, "--json", str(results)], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        kind = json.loads(results.read_text())["extra_data"]["isolation"].split(":")[0]
    return [
        (f"autograder check solutions, {kind} (s, median of 5)", f"{grading:.2f}", ""),
        ("python -c 'import numpy' (s, median of 5, same runs)", f"{importing:.3f}", ""),
        ("  ratio check / import numpy", f"{grading / importing:.1f}x", "<= 8x"),
    ]


def peak_memory_row():
    with tempfile.TemporaryDirectory() as scratch:
        folder = _submission(Path(scratch) / "big", LARGEST_ANSWER)
        code = ("import resource, sys; from autograder.grade import grade; grade(sys.argv[1], seed=1);"
                "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
        out = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True, check=True,
                             cwd=ROOT).stdout
    return [("trusted process peak memory, every answer the largest accepted (MB)", f"{int(out.split()[-1]) / 1024:.0f}", "<= 300")]


def hostile_row(timeout=1.0):
    with tempfile.TemporaryDirectory() as scratch:
        folder = _submission(Path(scratch) / "hang", "    import time\n    time.sleep(10**6)")
        results = Path(scratch) / "results.json"
        seconds = _wall([sys.executable, "-m", "autograder", "check", str(folder), "--timeout", str(timeout),
                         "--json", str(results)])
        tests = json.loads(results.read_text())["tests"]
    functions = len({t["tags"][0] for t in tests})  # a function that hung once is not called again
    bound = timeout * functions + 10
    return [(f"every function hangs: check to results.json (s; bound = {timeout:g} s x {functions} calls + 10)",
             f"{seconds:.1f}", f"<= {bound:.0f}")]


def frozen_rows(timeout=1.0):
    """Every call stops its fork server and exits: the grader must not wait on the frozen server past the bound."""
    body = "    import os, signal\n    os.kill(os.getppid(), signal.SIGSTOP)\n    os._exit(1)"
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = _submission(Path(scratch) / "frozen", body)
        results = Path(scratch) / "results.json"
        for only in (["--only", "activations"], []):
            seconds = _wall([sys.executable, "-m", "autograder", "check", str(folder), *only,
                             "--timeout", str(timeout), "--json", str(results)])
            functions = len({t["tags"][0] for t in json.loads(results.read_text())["tests"]})
            bound = timeout * functions + 10
            what = "activations" if only else "all modules"
            rows.append((f"every call freezes its fork server and dies, {what}: check (s; bound = {timeout:g} s x "
                         f"{functions} functions + 10)", f"{seconds:.1f}", f"<= {bound:.0f}"))
    return rows


def directory_bomb(path, entries=1_500_000):
    """A zip whose central directory lists `entries` entries, all pointing at one empty local file (47 bytes each)."""
    name = b"a.py"
    local = struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 0, 0, 0, zlib.crc32(b""), 0, 0, len(name), 0) + name
    central = struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, zlib.crc32(b""), 0, 0, len(name),
                          0, 0, 0, 0, 0, 0) + name
    size = len(central) * entries
    end64 = struct.pack("<4sQ2H2I4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, size, len(local))
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, len(local) + size, 1)
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    # Written in chunks: a child forked from a process holding 70 MB would start with that much in ru_maxrss.
    with open(path, "wb") as out:
        out.write(local)
        for start in range(0, entries, 10_000):
            out.write(central * min(10_000, entries - start))
        out.write(end64 + locator + end)
    return path


def zip_bomb_row():
    with tempfile.TemporaryDirectory() as scratch:
        bomb = directory_bomb(Path(scratch) / "directory.zip")
        megabytes = bomb.stat().st_size / 2**20
        code = ("import resource, sys; from autograder.grade import grade; grade(sys.argv[1], seed=1);"
                "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
        out = subprocess.run([sys.executable, "-c", code, str(bomb)], capture_output=True, text=True, check=True,
                             cwd=ROOT).stdout
    return [(f"trusted process peak memory, a {megabytes:.0f} MB zip listing 1.5 million entries (MB)",
             f"{int(out.split()[-1]) / 1024:.0f}", "<= 300")]


HOARD = """
    import os, time
    for _ in range(5):
        if os.fork() == 0:
            try:
                block = np.ones(2**27)  # 1 GB, touched
            finally:
                time.sleep(30)
                os._exit(0)
    time.sleep(30)"""


def _proportional_bytes(pids):
    """The memory the submission made that `pids` hold together: anonymous and shared-memory pages, each page
    shared by k of them counted 1/k to each (proportional set size), which is what the watchdog bounds. Resident
    sizes would count NumPy's pages once per process; file pages (NumPy's libraries, already in the host's page
    cache and charged there) are left out."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                total += sum(int(line.split()[1]) for line in handle
                             if line.startswith(("Pss_Anon:", "Pss_Shmem:"))) * 1024
        except OSError:
            pass
    return total


def _cgroup_peak_bytes(pids):
    """The largest peak charge among the sandbox cgroups (cgroup.PREFIX...) that any of `pids` is in; None when
    none of them is in one."""
    from autograder.sandbox import cgroup

    folders = set()
    for pid in pids:
        try:
            lines = Path(f"/proc/{pid}/cgroup").read_text().splitlines()
        except OSError:
            continue
        for line in lines:
            _, controllers, path = line.split(":", 2)
            if Path(path).name.startswith(cgroup.PREFIX) and controllers in ("", "memory"):
                folders.add(cgroup.ROOT / ("memory" if controllers else "") / path.lstrip("/"))
    peaks = [peak for peak in map(cgroup.peak_bytes, folders) if peak is not None]
    return max(peaks, default=None)


def sandbox_memory_row(timeout=3.0):
    """The most memory the sandbox held while 5 children each touched 1 GB: the kernel's own peak charge of the
    sandbox's cgroup (what the limit bounds), or without a cgroup, the most its processes held together
    (anonymous and shared pages by PSS, sampled every 20 ms; what the watchdog bounds)."""
    sys.path.insert(0, str(ROOT))
    from autograder.sandbox import cgroup

    with tempfile.TemporaryDirectory() as scratch:
        folder = _submission(Path(scratch) / "hoard", HOARD)
        results = Path(scratch) / "results.json"
        check = subprocess.Popen([sys.executable, "-m", "autograder", "check", str(folder), "--only", "losses",
                                  "--timeout", str(timeout), "--json", str(results)], cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        charged, held = None, 0
        while check.poll() is None:
            pids = cgroup._descendants(check.pid)[1:]
            peak = _cgroup_peak_bytes(pids)
            charged = charged if peak is None else max(charged or 0, peak)
            held = max(held, _proportional_bytes(pids))
            time.sleep(0.02)
        how = json.loads(results.read_text())["extra_data"]["isolation"]
    if "by a cgroup" in how and charged is not None:
        return [("a sandbox's memory at its peak, 5 children x 1 GB, as its cgroup charged it (MB)",
                 f"{charged / 2**20:.0f}", "<= 2048")]
    return [("a sandbox's processes together at most (anonymous, PSS), 5 children x 1 GB, watchdog (MB)",
             f"{held / 2**20:.0f}", "<= 2048")]


def rows():
    return latency_rows() + peak_memory_row() + hostile_row() + frozen_rows() + zip_bomb_row() + sandbox_memory_row()


if __name__ == "__main__":
    for name, value, target in rows():
        print(f"{name:<80} {value:>8}  {target}")
