"""The warden between the kit and one engine process: whatever the engine starts ends with it.

``python -I -S warden.py KIT_PID COMMAND...`` (standard library only, so that it starts in a few
milliseconds and runs from an installed wheel as from a checkout). The warden makes itself a
child subreaper (``PR_SET_CHILD_SUBREAPER``), so that a descendant whose parent exits, however
often it forks, leaves the session or changes its environment, is adopted by the warden and not
by init: the kit finds every process the engine started by walking the tree below the warden.
It then starts the command as its only child, with ``PR_SET_PDEATHSIG`` (the warden gone, the
engine is killed by the kernel), and waits for it.

The warden ends everything below it, and exits with the engine's own status (or dies by the
engine's signal), when the engine exits, when it is sent SIGTERM (the kit ending the engine) and
when the kit dies, even by SIGKILL: the warden's own parent-death signal is SIGTERM.

When the kit runs as root, the engine's capability bounding set loses the capabilities that
would let it reach into the kit (``CAP_SYS_PTRACE``: the kit's memory and descriptors;
``CAP_SYS_ADMIN``, ``CAP_SYS_MODULE``, ``CAP_SYS_RAWIO``), so that its root cannot open the
kit's ``/proc/PID/mem`` (the kit is non-dumpable) or ``/proc/PID/fd``. Linux only: elsewhere the
command is run as it is (the kit says so).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from typing import Any

# prctl(2) options.
PR_SET_PDEATHSIG = 1
PR_CAPBSET_DROP = 24
PR_SET_CHILD_SUBREAPER = 36
# capability.h: what a root engine is not given.
_CAP_SYS_MODULE, _CAP_SYS_RAWIO, _CAP_SYS_PTRACE, _CAP_SYS_ADMIN = 16, 17, 19, 21
DROPPED_CAPABILITIES = (_CAP_SYS_PTRACE, _CAP_SYS_ADMIN, _CAP_SYS_MODULE, _CAP_SYS_RAWIO)
#: The exit status when the command cannot be started (as a shell says it).
CANNOT_START = 127
# Rounds of killing: a descendant may fork while its siblings are being killed.
_ROUNDS = 50


def main(argv: list[str]) -> int:
    """Watch over ``argv[1:]`` for the kit whose pid is ``argv[0]``; the engine's status."""
    kit, command = int(argv[0]), argv[1:]
    prctl = _prctl()
    if prctl is not None:
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != kit:  # the kit died before the request took effect
        return CANNOT_START
    if prctl is not None and os.geteuid() == 0:
        for capability in DROPPED_CAPABILITIES:
            prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)
    me = os.getpid()
    engine = os.fork()
    if engine == 0:
        if prctl is not None:
            prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != me:
            os._exit(CANNOT_START)
        try:
            os.execvp(command[0], command)  # noqa: S606 - the user's engine command, no shell
        except OSError as exc:
            os.write(2, f"cannot start {command[0]!r}: {exc.strerror or exc}\n".encode())
        os._exit(CANNOT_START)
    # The engine's stdin and stdout are its own: the kit must see their end when it closes them.
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    signal.signal(signal.SIGTERM, lambda signum, frame: _end(me, signal.SIGTERM))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, lambda signum, frame: _end(me, signal.SIGHUP))
    status = _wait_for(engine)
    _kill_below(me)
    if os.WIFSIGNALED(status):
        _die_by(os.WTERMSIG(status))
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1


def _wait_for(engine: int) -> int:
    """Reap adopted orphans until the engine itself exits; its wait status."""
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:  # pragma: no cover - the engine is always a child
            return 0
        if pid == engine:
            return status


def _end(me: int, signum: int) -> None:
    _kill_below(me)
    _die_by(signum)


def _die_by(signum: int) -> None:
    if signum not in (signal.SIGKILL, signal.SIGSTOP):  # neither can be caught nor blocked
        signal.signal(signum, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signum])
    os.kill(os.getpid(), signum)
    os._exit(128 + signum)  # a signal that does not end a process by default


def _kill_below(me: int) -> None:
    """SIGKILL every process below the warden and reap them, until none is left."""
    for _ in range(_ROUNDS):
        below = descendants(me)
        if not below:
            break
        for pid in below:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        _reap()
    _reap()


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def descendants(root: int) -> set[int]:
    """Pids of the live processes below ``root`` (zombies are reaped, not counted)."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return set()
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                fields = stat.read().rpartition(b")")[2].split()
        except OSError:
            continue
        if len(fields) > 1 and fields[0] != b"Z":
            children.setdefault(int(fields[1]), []).append(int(name))
    found: set[int] = set()
    pending = [root]
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


def _prctl() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
