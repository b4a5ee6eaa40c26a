#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# unit_sandbox.py - the parts of a systemd unit's confinement that setpriv
# cannot apply, applied the way systemd applies them just before it runs
# the service, then the command is executed:
#   --syscalls FILE   SystemCallFilter= as an allow list (one system call a
#                     line; what `systemd-analyze syscall-filter` expands the
#                     unit's sets to), with SystemCallErrorNumber=EPERM;
#   --mdwe            MemoryDenyWriteExecute=yes (prctl PR_SET_MDWE, which
#                     children and exec keep).
# Run it after setpriv --no-new-privs: a filter needs no_new_privs.
import ctypes
import errno
import os
import sys

import seccomp

PR_SET_MDWE = 65
PR_MDWE_REFUSE_EXEC_GAIN = 1


def main(argv):
    syscalls, mdwe = None, False
    while argv and argv[0].startswith("--"):
        opt = argv.pop(0)
        if opt == "--syscalls":
            syscalls = argv.pop(0)
        elif opt == "--mdwe":
            mdwe = True
        elif opt == "--":
            break
        else:
            sys.exit(f"unit_sandbox: unknown option {opt}")
    if not argv:
        sys.exit("usage: unit_sandbox.py [--syscalls FILE] [--mdwe] COMMAND [ARGS...]")
    if mdwe:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
            sys.exit(f"unit_sandbox: PR_SET_MDWE: {os.strerror(ctypes.get_errno())}")
    if syscalls:
        f = seccomp.SyscallFilter(defaction=seccomp.ERRNO(errno.EPERM))
        with open(syscalls) as names:
            for name in names:
                name = name.strip()
                if not name or name.startswith("#"):
                    continue
                try:
                    f.add_rule(seccomp.ALLOW, name)
                except (RuntimeError, ValueError):
                    pass  # a name this architecture does not have
        f.load()
    os.execvp(argv[0], argv)


main(sys.argv[1:])
