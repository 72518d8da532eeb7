"""The in-process adapter: ``python:package.module:attribute``.

The attribute is either a plain function ``decide(case: dict) -> dict``, an object with a
``decide`` method (and optionally ``metadata()`` and ``close()``), or a class that builds such an
object with no arguments. Cases and replies cross as plain JSON data: the engine gets its own copy
of each case and must answer with something JSON can carry, as it would over the wire. The
working directory is importable, so ``python:my_engine:decide`` finds ``./my_engine.py``.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import queue
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any

from policy_conformance.contract import CONTRACT_VERSION

from .base import AdapterOptions, JSONObject
from .errors import AdapterSpecError, EngineError

__all__ = ["PythonAdapter", "from_function"]

Decide = Callable[[JSONObject], Any]


class PythonAdapter:
    """Call an engine written in Python, in this process."""

    def __init__(self, spec: str, options: AdapterOptions) -> None:
        self.spec = spec
        self._timeout = options.timeout
        target = _resolve(spec)
        if inspect.isclass(target):
            try:
                target = target()
            except Exception as exc:
                raise AdapterSpecError(f"{spec}: the engine class cannot be built: {exc}") from exc
        decide = getattr(target, "decide", target)
        if not callable(decide):
            raise AdapterSpecError(
                f"{spec}: {type(target).__name__} is neither callable nor has a decide() method"
            )
        self._engine = target
        self._decide: Decide = decide
        self._worker: _Worker | None = None

    def metadata(self) -> JSONObject:
        describe = getattr(self._engine, "metadata", None)
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
        if callable(close) and self._engine is not self._decide:
            close()

    def _call(self, function: Callable[..., Any], *args: Any) -> Any:
        if self._timeout is None:
            return _guarded(self.spec, function, *args)
        if self._worker is None or self._worker.stuck:
            self._worker = _Worker()
        return self._worker.run(self.spec, self._timeout, function, *args)


def from_function(decide: Decide, name: str = "function") -> PythonAdapter:
    """Wrap a plain ``decide(case) -> decision`` function as an adapter (for a vendor's tests)."""
    adapter = PythonAdapter.__new__(PythonAdapter)
    adapter.spec = f"python:{name}"
    adapter._timeout = None
    adapter._engine = decide
    adapter._decide = decide
    adapter._worker = None
    return adapter


def _resolve(spec: str) -> Any:
    # As `uvicorn app:app` does: a vendor's module in the working directory is importable.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    target = spec.partition(":")[2]
    module_name, sep, attribute = target.rpartition(":")
    if not sep or not module_name or not attribute:
        raise AdapterSpecError(f"{spec}: expected python:package.module:attribute")
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


def _guarded(spec: str, function: Callable[..., Any], *args: Any) -> Any:
    try:
        return function(*args)
    except Exception as exc:
        tail = "".join(traceback.format_exception(exc)[-6:])
        raise EngineError(spec, f"the engine raised {type(exc).__name__}: {exc}", tail) from exc


def _as_json_object(spec: str, what: str, value: Any) -> JSONObject:
    try:
        data = json.loads(json.dumps(value))
    except (TypeError, ValueError) as exc:
        raise EngineError(spec, f"{what} is not JSON data: {exc}") from exc
    if not isinstance(data, dict):
        raise EngineError(spec, f"{what} is a JSON {type(data).__name__}, not an object")
    return data


class _Worker:
    """A daemon thread that runs engine calls, so that a hung call can be abandoned.

    Python cannot kill a thread: a call that overruns its time is left running on a thread
    marked stuck, and the next call gets a fresh worker.
    """

    def __init__(self) -> None:
        self.stuck = False
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], queue.SimpleQueue[Any]]] = (
            queue.SimpleQueue()
        )
        threading.Thread(target=self._serve, name="python-engine", daemon=True).start()

    def _serve(self) -> None:
        while True:
            job, answer = self._jobs.get()
            try:
                answer.put((True, job()))
            except BaseException as exc:
                answer.put((False, exc))

    def run(self, spec: str, timeout: float, function: Callable[..., Any], *args: Any) -> Any:
        answer: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._jobs.put((lambda: _guarded(spec, function, *args), answer))
        try:
            ok, value = answer.get(timeout=timeout)
        except queue.Empty:
            self.stuck = True
            raise EngineError(
                spec, f"no answer within {timeout:g} s; the call was abandoned"
            ) from None
        if not ok:
            raise value
        return value
