"""First lines of the zygote, before NumPy or any submission code is imported.

The head of the worker program (see runner.WORKER_SOURCE and runner.LOADER).
Inside namespaces started as root, it drops to the sandbox's own unprivileged
uid at once; it then puts NumPy's folder first on sys.path (the interpreter
runs with -S, so nothing else installed is on it).
"""
import json as _boot_json
import os as _boot_os
import sys as _boot_sys

_BOOT = _boot_json.loads(_boot_sys.argv[4])
if _BOOT.get("uid") is not None:
    _boot_os.setgroups([])
    _boot_os.setgid(_BOOT["uid"])
    _boot_os.setuid(_BOOT["uid"])
_boot_sys.path[:0] = _BOOT.get("paths", [])
