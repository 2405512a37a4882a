"""The seccomp filter every sandboxed process runs under: the kernel calls a submission never needs.

Modelled on the default profile of Docker and Podman, which block what lets a
process reach outside its container; ours is that profile's block list, not
its allow list (NumPy and the standard library need nothing it blocks). Each
blocked call fails with EPERM, so Python raises PermissionError:

- kernel keyrings (keyctl, add_key, request_key): keyrings are shared per
  uid and per session, across sandboxes and with the grader's own login;
- new namespaces (unshare, setns, and clone with a CLONE_NEW* flag; clone3,
  whose flags a filter cannot read, fails with ENOSYS so the C library falls
  back to clone): a user namespace gives a process capabilities again;
- looking into or steering other processes: ptrace, process_vm_readv/writev,
  kcmp, perf_event_open, bpf, userfaultfd, fanotify_init;
- mounting and changing the file system tree: mount, umount2, pivot_root and
  the new mount API (open_tree, move_mount, fsopen, fsconfig, fsmount, fspick,
  mount_setattr), open_by_handle_at and name_to_handle_at, quotactl, acct,
  swapon, swapoff;
- the kernel and the machine: module loading (init_module, finit_module,
  delete_module), kexec, reboot, syslog, the clocks (settimeofday,
  clock_settime, clock_adjtime, adjtimex), vhangup, uselib, iopl, ioperm,
  lookup_dcookie, and io_uring (whose operations bypass this filter).

A call made with another architecture's numbers (32-bit x86 or x32 from an
x86-64 process) kills the process: its numbers mean other calls. The filter is
plain classic BPF, built here without libseccomp (bootstrap.py loads it); tests check every number
against libseccomp's own tables where that library is installed.
"""
import platform
import struct

# struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6]
_NR, _ARCH, _ARG0 = 0, 4, 16
_LD_W_ABS, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06
RET_KILL_PROCESS, RET_ALLOW = 0x80000000, 0x7FFF0000
RET_EPERM, RET_ENOSYS = 0x00050000 | 1, 0x00050000 | 38
# CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET, NEWTIME
CLONE_NAMESPACES = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x80

BLOCKED = (
    "keyctl", "add_key", "request_key",
    "unshare", "setns",
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "perf_event_open", "bpf", "userfaultfd",
    "fanotify_init",
    "mount", "umount2", "pivot_root", "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick",
    "mount_setattr", "open_by_handle_at", "name_to_handle_at", "quotactl", "acct", "swapon", "swapoff",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot", "syslog",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "vhangup", "uselib", "iopl", "ioperm",
    "lookup_dcookie", "io_uring_setup", "io_uring_enter", "io_uring_register",
)

# (audit arch, first number of a foreign ABI sharing the arch or None, {name: number}); from the kernel's
# arch/x86/entry/syscalls/syscall_64.tbl and include/uapi/asm-generic/unistd.h.
ARCHES = {
    "x86_64": (0xC000003E, 0x40000000, {
        "keyctl": 250, "add_key": 248, "request_key": 249, "unshare": 272, "setns": 308, "ptrace": 101,
        "process_vm_readv": 310, "process_vm_writev": 311, "kcmp": 312, "perf_event_open": 298, "bpf": 321,
        "userfaultfd": 323, "fanotify_init": 300, "mount": 165, "umount2": 166, "pivot_root": 155,
        "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
        "mount_setattr": 442, "open_by_handle_at": 304, "name_to_handle_at": 303, "quotactl": 179, "acct": 163,
        "swapon": 167, "swapoff": 168, "init_module": 175, "finit_module": 313, "delete_module": 176,
        "kexec_load": 246, "kexec_file_load": 320, "reboot": 169, "syslog": 103, "settimeofday": 164,
        "clock_settime": 227, "clock_adjtime": 305, "adjtimex": 159, "vhangup": 153, "uselib": 134, "iopl": 172,
        "ioperm": 173, "lookup_dcookie": 212, "io_uring_setup": 425, "io_uring_enter": 426,
        "io_uring_register": 427, "clone": 56, "clone3": 435}),
    "aarch64": (0xC00000B7, None, {
        "keyctl": 219, "add_key": 217, "request_key": 218, "unshare": 97, "setns": 268, "ptrace": 117,
        "process_vm_readv": 270, "process_vm_writev": 271, "kcmp": 272, "perf_event_open": 241, "bpf": 280,
        "userfaultfd": 282, "fanotify_init": 262, "mount": 40, "umount2": 39, "pivot_root": 41,
        "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
        "mount_setattr": 442, "open_by_handle_at": 265, "name_to_handle_at": 264, "quotactl": 60, "acct": 89,
        "swapon": 224, "swapoff": 225, "init_module": 105, "finit_module": 273, "delete_module": 106,
        "kexec_load": 104, "kexec_file_load": 294, "reboot": 142, "syslog": 116, "settimeofday": 170,
        "clock_settime": 112, "clock_adjtime": 266, "adjtimex": 171, "vhangup": 58, "lookup_dcookie": 18,
        "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "clone": 220, "clone3": 435}),
}


def _ins(code, k, jt=0, jf=0):
    return [code, jt, jf, k]


def program(machine=None):
    """The filter for `machine` (default: this one) as bytes of struct sock_filter, or None if unknown."""
    machine = machine or platform.machine()
    if machine not in ARCHES:
        return None
    audit, foreign, numbers = ARCHES[machine]
    body = [_ins(_LD_W_ABS, _ARCH), _ins(_JEQ, audit, 1, 0), _ins(_RET, RET_KILL_PROCESS), _ins(_LD_W_ABS, _NR)]
    jumps = []  # (index, label its "true" branch goes to)
    if foreign is not None:
        jumps.append((len(body), "kill"))
        body.append(_ins(_JGE, foreign))
    for name in BLOCKED:
        if name in numbers:
            jumps.append((len(body), "eperm"))
            body.append(_ins(_JEQ, numbers[name]))
    jumps.append((len(body), "enosys"))
    body.append(_ins(_JEQ, numbers["clone3"]))
    jumps.append((len(body), "clone"))
    body.append(_ins(_JEQ, numbers["clone"]))
    labels = {"allow": len(body)}
    body.append(_ins(_RET, RET_ALLOW))
    labels["clone"] = len(body)
    body.append(_ins(_LD_W_ABS, _ARG0))  # clone's flags, low 32 bits, on both architectures
    jumps.append((len(body), "eperm"))
    body.append(_ins(_JSET, CLONE_NAMESPACES))
    body.append(_ins(_RET, RET_ALLOW))
    for label, value in (("eperm", RET_EPERM), ("enosys", RET_ENOSYS), ("kill", RET_KILL_PROCESS)):
        labels[label] = len(body)
        body.append(_ins(_RET, value))
    for index, label in jumps:
        body[index][1] = labels[label] - index - 1
        assert 0 <= body[index][1] < 256
    return b"".join(struct.pack("<HBBI", code, jt, jf, k) for code, jt, jf, k in body)

