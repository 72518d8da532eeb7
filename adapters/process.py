"""Child-process plumbing shared by the command-line adapters (``cli:`` and ``jsonl:``).

An engine runs in its own process group, so that killing it also kills whatever it started. Its
stdout is read with a deadline and a size bound, its stderr drains into a small ring buffer on a
daemon thread (a chatty engine must never stall on a full pipe), and every process is killed and
reaped before the adapter lets go of it. POSIX only.

Every engine runs below a warden (:mod:`.warden`, Linux): a child subreaper that adopts whatever
the engine leaves behind (a double fork, ``setsid()``, a cleared environment), so that every
descendant is found by walking the tree below it and killed when the engine is ended; the engine
dies with the warden (``PR_SET_PDEATHSIG``), and the warden ends everything below it when the kit
dies, even by SIGKILL. Each engine also carries a mark in its environment, inherited by what it
starts, as a second way to find them. SIGTERM and SIGHUP to the kit end every engine before the
kit stops.

The kit makes itself non-dumpable (``PR_SET_DUMPABLE`` 0) before it starts an engine, so that an
engine cannot open its ``/proc/PID/mem`` or ``/proc/PID/fd``; a root engine loses the
capabilities that would override that (see :mod:`.warden`). An engine is given three pipes and
no other descriptor of the kit's, in a session of its own with no controlling terminal, so it
cannot write to the kit's output or its terminal through anything the kit holds.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import functools
import itertools
import os
import secrets
import select
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from .errors import AdapterSpecError, EngineError, EngineUnreachable

__all__ = [
    "ENGINE_MARK_ENV",
    "MAX_REPLY_BYTES",
    "STDERR_TAIL_BYTES",
    "TERM_GRACE",
    "EngineProcess",
    "ReplyTooLarge",
    "StderrTail",
    "describe_exit",
    "split_command",
]

#: The most an engine may write on stdout for one reply (one line in the JSON-lines protocol).
MAX_REPLY_BYTES = 8 * 1024 * 1024
#: How much of an engine's stderr is kept for error messages: the last few screens.
STDERR_TAIL_BYTES = 4 * 1024
#: Seconds a process group gets between SIGTERM and SIGKILL.
TERM_GRACE = 0.2

#: The environment variable that marks every process an engine starts, for finding them later.
ENGINE_MARK_ENV = "POLICY_CONFORMANCE_ENGINE_MARK"

#: The warden every engine runs below (standard library only; see its docstring).
WARDEN = Path(__file__).resolve().with_name("warden.py")
# prctl(2): whether the process may be dumped or traced by its own user.
_PR_SET_DUMPABLE = 4

_CHUNK = 64 * 1024
# How often a read that waits on a held-open pipe looks whether the engine itself has exited.
_EXIT_POLL = 0.05


def split_command(spec: str, command: str) -> list[str]:
    """Split ``command`` as a POSIX shell would, without running a shell."""
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise AdapterSpecError(f"{spec}: the command cannot be split into words: {exc}") from exc
    if not argv:
        raise AdapterSpecError(f"{spec}: no command given")
    return argv


def describe_exit(returncode: int) -> str:
    """Say how a process ended, in words: ``exited with status 3``, ``was killed by SIGKILL``."""
    if returncode >= 0:
        return f"exited with status {returncode}"
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        name = f"signal {-returncode}"
    return f"was killed by {name} (signal {-returncode})"


class StderrTail:
    """The last ``limit`` bytes written to a pipe, drained by a daemon thread."""

    def __init__(self, fd: int, limit: int = STDERR_TAIL_BYTES) -> None:
        self._limit = limit
        self._buffer = bytearray()
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self._drain, args=(fd,), name="engine-stderr", daemon=True
        )
        self._thread.start()

    def _drain(self, fd: int) -> None:
        # The thread owns the descriptor: closing it from another thread while a read is blocked
        # on it could let the number be reused under the read.
        try:
            while chunk := os.read(fd, _CHUNK):
                with self._lock:
                    self._buffer += chunk
                    if len(self._buffer) > self._limit:
                        del self._buffer[: len(self._buffer) - self._limit]
        except OSError:
            pass
        finally:
            os.close(fd)

    def text(self, settle: float = 0.0) -> str:
        """The tail as text; ``settle`` seconds are allowed for the last writes to arrive."""
        if settle > 0:
            self._thread.join(settle)
        with self._lock:
            data = bytes(self._buffer)
        return data.decode("utf-8", errors="replace").strip()


class EngineProcess:
    """One engine process: started in a new session, read with deadlines, killed as a group."""

    def __init__(
        self,
        spec: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        max_reply_bytes: int = MAX_REPLY_BYTES,
    ) -> None:
        self.spec = spec
        self.max_reply_bytes = max_reply_bytes
        environment = dict(os.environ)
        if env:
            environment.update(env)
        self.mark = f"{os.getpid()}-{next(_marks)}-{secrets.token_hex(4)}"
        environment[ENGINE_MARK_ENV] = self.mark
        _end_engines_on_termination()
        _contain_the_kit()
        command = list(argv)
        # A parent-death signal follows the thread that starts the process: engines are
        # started from the thread that runs the scenarios, which lives as long as the run.
        if _CONTAINED:
            # The warden starts the command; a command that cannot be started is said so here,
            # as the kit would have said when starting it itself. A warden costs a few
            # milliseconds of CPU a start; it also outlives a one-shot engine long enough to
            # end what that engine left behind.
            _check_startable(spec, command[0], environment.get("PATH"))
            command = [sys.executable, "-I", "-S", str(WARDEN), str(os.getpid()), *command]
        try:
            self._popen = subprocess.Popen(  # noqa: S603 - argv comes from the user's adapter string
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=environment,
                start_new_session=True,
                close_fds=True,
            )
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise EngineUnreachable(spec, f"cannot start {argv[0]!r}: {reason}") from exc
        assert self._popen.stdin and self._popen.stdout and self._popen.stderr
        self.pid = self._popen.pid
        self._stdin_file = self._popen.stdin
        self._stdout_file = self._popen.stdout
        self._stdin: int | None = self._stdin_file.fileno()
        self._stdout = self._stdout_file.fileno()
        # Hand the stderr descriptor over to the drain thread: detach it from its file object
        # so that nothing closes it under the thread.
        self.stderr = StderrTail(os.dup(self._popen.stderr.fileno()))
        self._popen.stderr.close()
        # Both pipes are non-blocking so that every wait goes through select() with a deadline.
        os.set_blocking(self._stdin, False)
        os.set_blocking(self._stdout, False)
        self._pending = bytearray()
        self._scanned = 0
        self._eof = False
        self._killed = False
        _live.add(self)

    # -- writing -------------------------------------------------------------------------------

    def send(self, data: bytes, deadline: float | None) -> bool:
        """Write ``data`` to the engine's stdin; False when the engine has closed its end.

        Raises :class:`TimeoutError` when the engine does not take the bytes before
        ``deadline`` (a ``time.monotonic()`` value; None waits for ever).
        """
        if self._stdin is None:
            return False
        view = memoryview(data)
        while view:
            try:
                written = os.write(self._stdin, view)
            except BlockingIOError:
                written = 0
            except OSError:  # BrokenPipeError above all: the engine closed its stdin
                self.close_stdin()
                return False
            view = view[written:]
            if view and not _wait(self._stdin, deadline, writable=True):
                raise TimeoutError
        return True

    def close_stdin(self) -> None:
        """Tell the engine there is no more input (it reads end-of-file)."""
        if self._stdin is not None:
            self._stdin = None
            # A pipe the engine already closed raises here: there is nothing left to tell it.
            with contextlib.suppress(OSError):
                self._stdin_file.close()

    # -- reading -------------------------------------------------------------------------------

    def read_line(self, deadline: float | None) -> bytes | None:
        """Read one line from stdout, without its newline; None at end of file.

        Raises :class:`TimeoutError` past ``deadline`` and :class:`ReplyTooLarge` when the line
        outgrows ``max_reply_bytes``.
        """
        while True:
            newline = self._pending.find(b"\n", self._scanned)
            if newline > self.max_reply_bytes:
                raise ReplyTooLarge(self.max_reply_bytes)
            if newline >= 0:
                line = bytes(self._pending[:newline])
                del self._pending[: newline + 1]
                self._scanned = 0
                return line
            self._scanned = len(self._pending)
            if self._scanned > self.max_reply_bytes:
                raise ReplyTooLarge(self.max_reply_bytes)
            if self._eof:
                if self._pending:  # a last line without its newline still counts
                    line = bytes(self._pending)
                    self._pending.clear()
                    self._scanned = 0
                    return line
                return None
            if not _wait(self._stdout, deadline):
                raise TimeoutError
            self._read_available()

    def read_to_end(self, deadline: float | None) -> bytes:
        """Read stdout until end of file, or until the engine has exited and the pipe is empty.

        A grandchild may hold stdout open after the engine exits; the engine's exit, not the
        pipe's end, marks the end of its answer. Raises :class:`TimeoutError` past ``deadline``
        and :class:`ReplyTooLarge` beyond ``max_reply_bytes``.
        """
        while not self._eof:
            if len(self._pending) > self.max_reply_bytes:
                raise ReplyTooLarge(self.max_reply_bytes)
            if self._popen.poll() is not None:
                # Exited: take what is already in the pipe, without waiting for a holder to close.
                if not self._read_available():
                    break
                continue
            step = time.monotonic() + _EXIT_POLL
            if deadline is not None and deadline <= step:
                if not _wait(self._stdout, deadline):
                    raise TimeoutError
            elif not _wait(self._stdout, step):
                continue  # nothing yet: look again whether the engine has exited
            self._read_available()
        if len(self._pending) > self.max_reply_bytes:
            raise ReplyTooLarge(self.max_reply_bytes)
        data = bytes(self._pending)
        self._pending.clear()
        return data

    def _read_available(self) -> bool:
        """Read what the pipe holds without blocking; True when anything (or end of file) came."""
        try:
            chunk = os.read(self._stdout, _CHUNK)
        except BlockingIOError:
            return False
        if not chunk:
            self._eof = True
            return True
        self._pending += chunk
        return True

    # -- ending --------------------------------------------------------------------------------

    def wait(self, timeout: float | None) -> int | None:
        """Wait up to ``timeout`` seconds (None: for ever) for the engine to exit; its status."""
        try:
            return self._popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self, grace: float = TERM_GRACE) -> int:
        """Stop the engine and everything it started; reap it and return its exit status.

        The whole group gets SIGTERM, then SIGKILL after ``grace`` seconds whether or not the
        engine itself has gone, because a grandchild may outlive its parent. Safe to call twice.
        """
        _live.discard(self)
        self.close_stdin()
        if self._killed:
            # Signal a group once only: its id may be reused once all its members are gone.
            return self._popen.wait()
        self._killed = True
        # Found before the engine goes, while the parent chain still leads to its descendants.
        strays = engine_descendants(self.pid, self.mark)
        if self._popen.poll() is None:
            _signal_group(self.pid, signal.SIGTERM)
            _signal_each(strays, signal.SIGTERM)
            self.wait(grace)
        _signal_group(self.pid, signal.SIGKILL)
        _signal_each(strays, signal.SIGKILL)
        status = self._popen.wait()
        # A stray may have started another in the meantime: it bears the mark too.
        _signal_each(engine_descendants(self.pid, self.mark), signal.SIGKILL)
        self._stdout_file.close()
        self._eof = True
        return status

    def failure(
        self, message: str, kind: type[EngineError] = EngineError, settle: float = 0.5
    ) -> EngineError:
        """An error of ``kind`` for this engine, with the tail of its stderr as detail.

        Call it after :meth:`kill`: the group is gone, so the tail is complete within ``settle``.
        """
        return kind(self.spec, message, self.stderr.text(settle))


class ReplyTooLarge(Exception):
    """The engine wrote more than the bound on one reply."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"answered more than {limit} bytes")
        self.limit = limit


def _wait(fd: int, deadline: float | None, *, writable: bool = False) -> bool:
    """Wait until ``fd`` is ready; False once ``deadline`` passes."""
    while True:
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            if writable:
                ready = select.select([], [fd], [], timeout)[1]
            else:
                ready = select.select([fd], [], [], timeout)[0]
        except InterruptedError:  # pragma: no cover - PEP 475 retries select for us
            continue
        if ready:
            return True
        if timeout is not None and deadline is not None and time.monotonic() >= deadline:
            return False


def engine_descendants(root: int, mark: str) -> set[int]:
    """Pids of the processes that descend from ``root`` or carry ``mark`` (Linux; else empty)."""
    needle = f"\0{ENGINE_MARK_ENV}={mark}\0".encode()
    me = os.getpid()
    parents: dict[int, int] = {}
    found: set[int] = set()
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for name in entries:
        if not name.isdigit() or int(name) in (me, root):
            continue
        pid = int(name)
        try:
            with open(f"/proc/{pid}/stat", "rb") as stat:
                # The command name may hold spaces or parentheses; the fields after ')' do not.
                parents[pid] = int(stat.read().rpartition(b")")[2].split()[1])
            with open(f"/proc/{pid}/environ", "rb") as environ:
                if needle in b"\0" + environ.read():
                    found.add(pid)
        except (OSError, ValueError, IndexError):
            continue
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    pending = [root]
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


#: Whether engines run below a warden and the kit is non-dumpable (Linux), or why not.
_CONTAINED = sys.platform.startswith("linux")
_WHY_NOT_CONTAINED = "" if _CONTAINED else f"engine containment needs Linux, not {sys.platform}"
_kit_contained = False


def _contain_the_kit() -> None:
    """Make the kit non-dumpable, once: no engine of its user may open its memory or descriptors."""
    global _kit_contained
    if _kit_contained:
        return
    _kit_contained = True
    if not _CONTAINED:
        print(
            f"conformance: note: {_WHY_NOT_CONTAINED}: engines are ended by process group and "
            "mark, and a descendant that leaves both may outlive the run",
            file=sys.stderr,
        )
        return
    prctl = _prctl()
    if prctl is not None:
        prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)


@functools.cache
def _prctl() -> Any:
    """libc's prctl(2), or None where there is none."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def _check_startable(spec: str, program: str, search: str | None) -> None:
    if os.sep in program:
        found: str | None = program if os.path.isfile(program) else None
        if found is not None and not os.access(found, os.X_OK):
            raise EngineUnreachable(spec, f"cannot start {program!r}: Permission denied")
    else:
        found = shutil.which(program, path=search)
    if found is None:
        raise EngineUnreachable(spec, f"cannot start {program!r}: No such file or directory")


def _signal_each(pids: set[int], signum: signal.Signals) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signum)


def _signal_group(pgid: int, signum: signal.Signals) -> None:
    # No such group any more means everyone has exited; a refusal means none of it is ours.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


# Engines still running when the interpreter exits (an adapter never closed, a Ctrl-C) are killed:
# in their own session they would not get the terminal's signals.
# The set holds them strongly: an adapter dropped without close() must not take its engine's
# only handle with it.
_live: set[EngineProcess] = set()


_marks = itertools.count(1)


@atexit.register
def _kill_leftovers() -> None:
    for process in list(_live):
        process.kill(grace=0.0)


# The handlers in place before the kit's, called after the engines are ended.
_previous_handlers: dict[int, Any] = {}
_TERMINATING = (signal.SIGTERM, signal.SIGHUP)


def _end_engines_on_termination() -> None:
    """Make SIGTERM and SIGHUP end every engine before the kit stops (once, main thread only)."""
    if _previous_handlers or threading.current_thread() is not threading.main_thread():
        return
    for signum in _TERMINATING:
        _previous_handlers[signum] = signal.signal(signum, _on_termination)


def _on_termination(signum: int, frame: FrameType | None) -> None:
    # Signals only: waiting here could deadlock on a wait the interrupted code is inside.
    for process in list(_live):
        strays = engine_descendants(process.pid, process.mark)
        _signal_group(process.pid, signal.SIGKILL)
        _signal_each(strays, signal.SIGKILL)
    previous = _previous_handlers.get(signum)
    if callable(previous):
        previous(signum, frame)
    elif previous != signal.SIG_IGN:
        # Stop as the signal would have stopped the kit, so that its status says so.
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
