"""First lines of the zygote, before NumPy or any submission code is imported.

The head of the worker program (see runner.WORKER_SOURCE and runner.LOADER).
In this order, as the grader's boot options ask:
1. mount the submission's scratch: a tmpfs bounded in bytes and in files, with
   no set-user-ID, device or executable files (inside namespaces started as
   root, the only place we may mount; it exists in this mount namespace only);
2. drop to the sandbox's own unprivileged uid (started as root);
3. load the seccomp filter (seccomp.py says what it blocks);
and then put NumPy's folder first on sys.path (inside namespaces the
interpreter runs with -S, so nothing else installed is on it). Any failure
stops the zygote before it says "ready": the grader never runs a submission
with less than it asked for.
"""
import ctypes as _boot_ctypes
import json as _boot_json
import os as _boot_os
import sys as _boot_sys


def _boot_mount(where, size, files, owner):
    libc = _boot_ctypes.CDLL(None, use_errno=True)
    mine = f",uid={owner},gid={owner}" if owner is not None else ""
    options = f"size={size},nr_inodes={files},mode=0700{mine}".encode()
    if libc.mount(b"tmpfs", where.encode(), b"tmpfs", 2 | 4 | 8, options) != 0:  # MS_NOSUID | MS_NODEV | MS_NOEXEC
        raise OSError(_boot_ctypes.get_errno(), f"cannot mount the scratch tmpfs on {where}")


def _boot_seccomp(filter_bytes):
    libc = _boot_ctypes.CDLL(None, use_errno=True)

    class SockFprog(_boot_ctypes.Structure):
        _fields_ = [("len", _boot_ctypes.c_ushort), ("filter", _boot_ctypes.c_void_p)]

    buffer = _boot_ctypes.create_string_buffer(filter_bytes, len(filter_bytes))
    prog = SockFprog(len(filter_bytes) // 8, _boot_ctypes.addressof(buffer))
    # PR_SET_NO_NEW_PRIVS (38) first: it lets an unprivileged process load a filter, and set-user-ID files stop working.
    if libc.prctl(38, 1, 0, 0, 0) != 0 or libc.prctl(22, 2, _boot_ctypes.byref(prog), 0, 0) != 0:  # PR_SET_SECCOMP
        raise OSError(_boot_ctypes.get_errno(), "the kernel refused the seccomp filter")


_BOOT = _boot_json.loads(_boot_sys.argv[4])
if _BOOT.get("mount"):
    _boot_mount(*_BOOT["mount"], _BOOT.get("uid"))
    _boot_os.chdir(_BOOT["mount"][0])
if _BOOT.get("uid") is not None:
    _boot_os.setgroups([])
    _boot_os.setresgid(_BOOT["uid"], _BOOT["uid"], _BOOT["uid"])
    _boot_os.setresuid(_BOOT["uid"], _BOOT["uid"], _BOOT["uid"])
if _BOOT.get("seccomp"):
    _boot_seccomp(bytes.fromhex(_BOOT["seccomp"]))
_boot_sys.path[:0] = _BOOT.get("paths", [])
