"""The in-process adapter: ``python:package.module:attribute``.

The attribute is either a plain function ``decide(case: dict) -> dict``, an object with a
``decide`` method (and optionally ``metadata()`` and ``close()``), or a class that builds such an
object with no arguments. A plain function is described by its module's ``metadata()`` function,
when the module has one. Cases and replies cross as plain JSON data: the engine gets its own copy
of each case and must answer with something JSON can carry, as it would over the wire. The
working directory is importable, so ``python:my_engine:decide`` finds ``./my_engine.py``.

Every call into the engine (its import, its construction, ``metadata``, ``decide`` and ``close``)
runs on a daemon worker thread, and whatever it raises, ``SystemExit`` and ``KeyboardInterrupt``
included, is an engine error: the kit's own thread never sees the engine's exceptions, so a real
Ctrl-C stays the kit's. What a thread cannot do, and why ``pyproc:`` exists, is said in
:class:`_Worker`.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import json
import os
import queue
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from policy_conformance.contract import CONTRACT_VERSION

from .base import AdapterOptions, JSONObject
from .errors import AdapterSpecError, AnswerTooDeep, EngineError, EngineUnreachable
from .limits import TooDeeplyNested, check_nesting

__all__ = ["LINGER_GRACE", "PythonAdapter", "from_function", "resolve"]

#: Seconds a thread the engine started, and left running, may hold up the kit's exit.
LINGER_GRACE = 1.0

Decide = Callable[[JSONObject], Any]


class PythonAdapter:
    """Call an engine written in Python, in this process."""

    def __init__(self, spec: str, options: AdapterOptions) -> None:
        self.spec = spec
        self._timeout = options.timeout
        self._worker: _Worker | None = None
        # Importing runs the engine's own code: it gets the longer of the two limits, since a
        # large engine may take a while to load, but it cannot hang the run.
        loading = max(options.connect_timeout, options.timeout or 0.0)
        try:
            target = self._call(_load, spec, timeout=loading)
        except EngineError as exc:
            message = f"the engine failed to load: {exc.reason}"
            raise EngineUnreachable(spec, message, exc.detail) from exc
        decide = getattr(target, "decide", target)
        if not callable(decide):
            raise AdapterSpecError(
                f"{spec}: {type(target).__name__} is neither callable nor has a decide() method"
            )
        self._engine = target
        self._decide: Decide = decide

    def metadata(self) -> JSONObject:
        describe = getattr(self._engine, "metadata", None)
        if not callable(describe) and inspect.isfunction(self._engine):
            # A bare function is described by its module's metadata(), when the module has one.
            describe = getattr(sys.modules.get(self._engine.__module__), "metadata", None)
        if callable(describe):
            return _as_json_object(self.spec, "metadata()", self._call(describe))
        # A bare function says nothing about itself; it is in-process, so it speaks this contract.
        return {"name": self.spec.partition(":")[2], "contract_version": CONTRACT_VERSION}

    def decide(self, case: JSONObject) -> JSONObject:
        # The engine gets a copy: an engine that mutates its input must not change the kit's case.
        own_copy = json.loads(json.dumps(case))
        return _as_json_object(self.spec, "its reply", self._call(self._decide, own_copy))

    def close(self) -> None:
        close = getattr(self._engine, "close", None)
        try:
            if callable(close) and self._engine is not self._decide:
                self._call(close)
        finally:
            release_lingering(LINGER_GRACE)

    def _call(self, function: Callable[..., Any], *args: Any, timeout: float | None = None) -> Any:
        if self._worker is None or self._worker.stuck:
            self._worker = _Worker()
        return self._worker.run(self.spec, timeout or self._timeout, function, *args)


def from_function(decide: Decide, name: str = "function") -> PythonAdapter:
    """Wrap a plain ``decide(case) -> decision`` function as an adapter (for a vendor's tests)."""
    adapter = PythonAdapter.__new__(PythonAdapter)
    adapter.spec = f"python:{name}"
    adapter._timeout = None
    adapter._engine = decide
    adapter._decide = decide
    adapter._worker = None
    return adapter


def resolve(spec: str, target: str) -> Any:
    """Import ``package.module:attribute`` and return the attribute; AdapterSpecError if absent."""
    # As `uvicorn app:app` does: a vendor's module in the working directory is importable.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    module_name, sep, attribute = target.rpartition(":")
    if not sep or not module_name or not attribute:
        raise AdapterSpecError(
            f"{spec}: expected {spec.partition(':')[0]}:package.module:attribute"
        )
    try:
        obj: Any = importlib.import_module(module_name)
    except Exception as exc:  # any import-time failure is a misconfiguration, named as such
        raise AdapterSpecError(f"{spec}: cannot import {module_name!r}: {exc}") from exc
    for part in attribute.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise AdapterSpecError(
                f"{spec}: {module_name!r} has no attribute {attribute!r}"
            ) from None
    return obj


def _load(spec: str) -> Any:
    """The engine ``spec`` names, built if it is a class (runs on the worker thread)."""
    target = resolve(spec, spec.partition(":")[2])
    if inspect.isclass(target):
        try:
            target = target()
        except Exception as exc:
            raise AdapterSpecError(f"{spec}: the engine class cannot be built: {exc}") from exc
    return target


def _guarded(spec: str, function: Callable[..., Any], *args: Any) -> Any:
    try:
        return function(*args)
    except AdapterSpecError:
        raise
    except SystemExit as exc:
        # sys.exit() inside an engine is the engine stopping, not the kit: never a clean exit.
        raise EngineError(spec, f"the engine called sys.exit({exc.code!r})", _tail(exc)) from exc
    except BaseException as exc:  # KeyboardInterrupt or any other: the engine's, not the user's
        raise EngineError(
            spec, f"the engine raised {type(exc).__name__}: {exc}", _tail(exc)
        ) from exc


def _tail(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)[-6:])


def _as_json_object(spec: str, what: str, value: Any) -> JSONObject:
    try:
        check_nesting(value)
    except TooDeeplyNested as exc:
        raise AnswerTooDeep(spec, f"{what} is refused: {exc} (or refers to itself)") from None
    try:
        data = json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise EngineError(spec, f"{what} is not JSON data: {exc}") from exc
    if not isinstance(data, dict):
        raise EngineError(spec, f"{what} is a JSON {type(data).__name__}, not an object")
    return data


class _Worker:
    """A daemon thread that runs engine calls, so that a hung call can be abandoned.

    What a thread cannot do: Python cannot kill a thread. A call that overruns its time is left
    running on a thread marked stuck, and the next call gets a fresh worker; the stuck thread
    is a daemon, so it does not keep the kit alive. An engine stuck in C code that holds the GIL
    (a long regular expression, a C extension that never releases it) stops every thread, the
    kit's included, until it lets go: the deadline is noticed only then. A thread the engine
    starts itself, not as a daemon, would hold up the kit's exit; :func:`release_lingering`
    gives such threads a bounded moment and then lets the interpreter exit without them. None
    of this stops an in-process engine from touching the kit's memory: ``pyproc:`` runs the
    engine in a child process for a hard limit.
    """

    def __init__(self) -> None:
        self.stuck = False
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], queue.SimpleQueue[Any]]] = (
            queue.SimpleQueue()
        )
        threading.Thread(target=self._serve, name="python-engine", daemon=True).start()
        _release_at_exit()

    def _serve(self) -> None:
        while True:
            job, answer = self._jobs.get()
            before = set(threading.enumerate())
            try:
                answer.put((True, job()))
            except BaseException as exc:
                answer.put((False, exc))
            finally:
                _spawned.extend(
                    t for t in threading.enumerate() if t not in before and not t.daemon
                )

    def run(
        self, spec: str, timeout: float | None, function: Callable[..., Any], *args: Any
    ) -> Any:
        answer: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._jobs.put((lambda: _guarded(spec, function, *args), answer))
        try:
            ok, value = answer.get(timeout=timeout)
        except queue.Empty:
            self.stuck = True
            raise EngineError(
                spec, f"no answer within {timeout:g} s; the engine is hung and was abandoned"
            ) from None
        except BaseException:
            # Interrupted while the engine works: the thread is the engine's now.
            self.stuck = True
            raise
        if not ok:
            raise value
        return value


#: Non-daemon threads that engines started during their calls, in this process.
_spawned: list[threading.Thread] = []
_release_registered = False


def release_lingering(grace: float) -> None:
    """Wait up to ``grace`` seconds in all for threads engines started; then stop waiting for them.

    A non-daemon thread cannot be stopped, only no longer waited for: it is marked a daemon
    and taken off the list the interpreter joins at exit (CPython 3.11 and 3.12; later
    versions keep that list out of reach, and there such a thread still delays the exit).
    """
    deadline = time.monotonic() + grace
    for thread in list(_spawned):
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            _stop_waiting_for(thread)
    _spawned[:] = [t for t in _spawned if t.is_alive() and not t.daemon]


def _release_at_exit() -> None:
    # threading's own exit hook runs before it joins non-daemon threads: the moment to let go.
    global _release_registered
    register = getattr(threading, "_register_atexit", None)
    if _release_registered or register is None:
        return
    with contextlib.suppress(RuntimeError):  # the interpreter is already shutting down
        register(release_lingering, LINGER_GRACE)
        _release_registered = True


def _stop_waiting_for(thread: threading.Thread) -> None:
    locks = getattr(threading, "_shutdown_locks", None)
    guard = getattr(threading, "_shutdown_locks_lock", None)
    lock = getattr(thread, "_tstate_lock", None)
    if locks is None or guard is None or lock is None:
        return
    thread._daemonic = True  # type: ignore[attr-defined]
    with guard:
        locks.discard(lock)
