"""Unprivileged uids for root's sandboxes, each handed out once per host and never again.

The scheme: a counter in a file only root can reach (/var/lib/autograder/uid-counter,
or $AUTOGRADER_STATE_DIR/uid-counter, or /run/autograder/uid-counter if neither can be made), read and advanced under an exclusive lock
(flock), so every grading process on the host, in this run or any later one,
takes the next number. The uids run from UID_BASE (2**28, far above any
account's) upward; one that some process already runs as (another program's
choice) is skipped. Nothing of a sandbox uid outlives its sandbox in the first
place: its processes are killed, its scratch is a tmpfs of its own (or, in the
fallback, removed), its keyrings cannot be made (the seccomp filter). Never
reusing the number closes what could remain: a process that escaped the sweep,
a file it left in a place we did not think of.

If the counter file is lost (a new machine, a wiped /var), counting starts again
at UID_BASE: after a reboot no process or keyring of an earlier uid can exist.
"""
import fcntl
import os
import stat
from pathlib import Path

UID_BASE = 2**28
UID_LAST = 2**31 - 2  # (uid_t)-1 is "no change" to setresuid; stay clear of the sign bit too


class UidsExhausted(Exception):
    """No uid can be handed out (all used, or nowhere to keep the counter); the message says why."""


def state_dir():
    return Path(os.environ.get("AUTOGRADER_STATE_DIR", "/var/lib/autograder"))


def _private_folder():
    """The counter's folder: state_dir(), else /run/autograder; made if missing, and used only if it is a real
    folder that only we can write (another user's folder there could feed us a counter of its choice)."""
    tried = []
    for folder in (state_dir(), Path("/run/autograder")):
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            info = os.lstat(folder)
            if stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and info.st_mode & 0o022 == 0:
                return folder
            tried.append(f"{folder} (not a folder of ours that only we can write)")
        except OSError as error:
            tried.append(f"{folder} ({error.strerror})")
    raise UidsExhausted(f"no place to keep the sandbox uid counter: {'; '.join(tried)}")


def _uids_running():
    """Real uids of every process on the host (Linux /proc)."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                found.add(os.stat(f"/proc/{entry}").st_uid)
            except OSError:
                pass
    return found


def allocate():
    """A uid no process runs as and that no earlier call on this host returned (needs root)."""
    folder = _private_folder()
    fd = os.open(folder / "uid-counter", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        text = os.read(fd, 64).decode("ascii", "replace").strip()
        uid = int(text) if text.isdigit() else UID_BASE
        busy = _uids_running()
        while uid in busy:
            uid += 1
        if uid > UID_LAST:
            raise UidsExhausted(f"every sandbox uid up to {UID_LAST} has been used (see {folder / 'uid-counter'})")
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, f"{uid + 1}\n".encode())  # not fsynced: only a crash of the machine loses it, and that
        return uid  # ends every process and keyring of the uids it hands out again
    finally:
        os.close(fd)  # releases the lock
