"""The child side of ``pyproc:``: load a Python engine and serve it over the JSON-lines protocol.

``python -m policy_conformance.adapters.pyproc_engine package.module:attribute`` speaks
``contract/PROTOCOLS.md`` on stdin and stdout. Whatever the engine raises, ``SystemExit`` and
``KeyboardInterrupt`` included, is answered as ``errored`` for that case; an engine that ends the
process (``os._exit``) or hangs is the kit's to notice. The engine's own prints go to stderr, so
that nothing it writes can be taken for a reply.
"""

from __future__ import annotations

import ctypes
import inspect
import json
import os
import signal
import sys
import traceback
from typing import Any, BinaryIO

from policy_conformance.contract import CONTRACT_VERSION

from .limits import TooDeeplyNested, check_nesting
from .python import resolve

__all__ = ["main"]

PROTOCOL_VERSION = 1
# prctl(2): deliver a signal to this process when its parent dies.
_PR_SET_PDEATHSIG = 1


def main(argv: list[str] | None = None) -> int:
    """Serve the engine named by the one argument until ``stop`` or the end of input."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m policy_conformance.adapters.pyproc_engine MOD:ATTR\n")
        return 2
    _die_with_the_kit()
    replies = _private_stdout()
    spec = f"pyproc:{args[0]}"
    try:
        engine = resolve(spec, args[0])
        if isinstance(engine, type):
            engine = engine()
    except BaseException:  # the engine's failure to load is reported, whatever it is
        traceback.print_exc()
        return 1
    decide = getattr(engine, "decide", engine)
    for line in sys.stdin.buffer:
        message = json.loads(line)
        command = message.get("cmd")
        if command == "start":
            greeting = _call(lambda: _metadata(engine, args[0]))
            if "errored" in greeting:
                sys.stderr.write(greeting["errored"]["traceback"])
                return 1
            metadata = greeting["value"]
            _write(replies, {"ready": True, "version": PROTOCOL_VERSION, "metadata": metadata})
        elif command == "decide":
            _write(replies, _answer(decide, message))
        elif command == "stop":
            break
    close = getattr(engine, "close", None)
    if callable(close) and close is not decide:
        _call(close)
    return 0


def _die_with_the_kit() -> None:
    # If the kit is killed outright (SIGKILL runs no handler), the engine goes with it.
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            return
    if os.getppid() == 1:  # the kit died before the request took effect
        os._exit(1)


def _private_stdout() -> BinaryIO:
    """Keep the real stdout for replies and point fd 1 (and ``print``) at stderr."""
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return replies


def _metadata(engine: Any, target: str) -> Any:
    describe = getattr(engine, "metadata", None)
    if not callable(describe) and inspect.isfunction(engine):
        # As the python: adapter does: a bare function is described by its module's metadata().
        describe = getattr(sys.modules.get(engine.__module__), "metadata", None)
    if callable(describe):
        return describe()
    return {"name": target, "contract_version": CONTRACT_VERSION}


def _answer(decide: Any, message: dict[str, Any]) -> dict[str, Any]:
    seq = message.get("seq")
    case = message.get("case")
    case_id = case.get("case_id") if isinstance(case, dict) else None
    outcome = _call(lambda: decide(case))
    if "errored" in outcome:
        return {"seq": seq, **outcome}
    reply = outcome["value"]
    if not isinstance(reply, dict):
        return _errored(seq, f"the reply is a {type(reply).__name__}, not an object", "")
    kind = "rejection" if "errors" in reply else "decision"
    return {"seq": seq, "case_id": case_id if isinstance(case_id, str) else None, kind: reply}


def _call(function: Any) -> dict[str, Any]:
    try:
        value = function()
    except SystemExit as exc:
        return _errored(None, f"the engine called sys.exit({exc.code!r})", traceback.format_exc())
    except BaseException as exc:  # KeyboardInterrupt too: it is the engine's
        return _errored(None, f"{type(exc).__name__}: {exc}", traceback.format_exc())
    try:
        check_nesting(value)
        json.dumps(value, allow_nan=False)
    except (TooDeeplyNested, TypeError, ValueError) as exc:
        return _errored(None, f"the answer is not JSON data: {exc}", "")
    return {"value": value}


def _errored(seq: Any, message: str, trace: str) -> dict[str, Any]:
    failure = {"message": message, "traceback": trace[-4000:]}
    return {"seq": seq, "errored": failure} if seq is not None else {"errored": failure}


def _write(stream: BinaryIO, message: dict[str, Any]) -> None:
    stream.write(json.dumps(message, allow_nan=False).encode() + b"\n")
    stream.flush()


if __name__ == "__main__":
    sys.exit(main())
