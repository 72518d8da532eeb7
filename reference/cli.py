"""The reference engine on the command line, speaking either protocol of ``contract/PROTOCOLS.md``.

``python -m policy_conformance.reference --oneshot`` answers one case read from stdin (or, with
``POLICY_CONFORMANCE_REQUEST=metadata``, describes itself); with ``--jsonl`` it speaks the
JSON-lines protocol on stdin and stdout until told to stop. Only the standard library and the
contract package are used here: the engine shares no code with the harness that grades it.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any, BinaryIO

from . import decide, metadata

__all__ = ["main"]

REQUEST_ENV = "POLICY_CONFORMANCE_REQUEST"
PROTOCOL_VERSION = 1
# Exit statuses: 64 (EX_USAGE) says "this request is not answered here"; 65 (EX_DATAERR) says
# the kit broke the JSON-lines protocol.
UNSUPPORTED = 64
PROTOCOL_BROKEN = 65

_USAGE = "usage: python -m policy_conformance.reference (--oneshot | --jsonl)\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the engine in the mode ``argv`` names; return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--oneshot"]:
        return oneshot(sys.stdin.buffer, sys.stdout.buffer)
    if args == ["--jsonl"]:
        return jsonl(sys.stdin.buffer, sys.stdout.buffer)
    sys.stderr.write(_USAGE)
    return 2


def oneshot(stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Answer one request: metadata, or the case on stdin.

    Input that is not JSON is a malformed case like any other: it is answered with a rejection
    and exit status 0. Exit status 1 means the engine itself failed.
    """
    request = os.environ.get(REQUEST_ENV, "decide")
    if request == "metadata":
        _write(stdout, metadata())
        return 0
    if request != "decide":
        sys.stderr.write(f"reference: unsupported request {request!r}\n")
        return UNSUPPORTED
    try:
        case = json.loads(stdin.read())
    except ValueError as exc:
        _write(stdout, _not_json(exc))
        return 0
    try:
        reply = decide(case)
    except Exception:
        traceback.print_exc()
        return 1
    _write(stdout, reply)
    return 0


def jsonl(stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Speak the JSON-lines protocol until ``stop`` or the end of input."""
    started = False
    for line in stdin:
        try:
            message = json.loads(line)
        except ValueError as exc:
            return _broken(f"a line that is not JSON: {exc}")
        command = message.get("cmd") if isinstance(message, dict) else None
        if command == "start":
            # Answer with our own version; the kit decides whether it can speak it.
            _write(stdout, {"ready": True, "version": PROTOCOL_VERSION, "metadata": metadata()})
            started = True
        elif command == "decide" and started:
            _write(stdout, _answer(message))
        elif command == "stop":
            return 0
        else:
            return _broken(f"an unexpected message: {line[:200]!r}")
    return 0


def _answer(message: dict[str, Any]) -> dict[str, Any]:
    seq = message.get("seq")
    case = message.get("case")
    case_id = case.get("case_id") if isinstance(case, dict) else None
    if not isinstance(case_id, str):
        case_id = None
    try:
        # A malformed case, even one that is not an object, is decide()'s to reject.
        reply = decide(case)
    except Exception as exc:
        failure = {"message": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
        return {"seq": seq, "errored": failure}
    kind = "rejection" if "errors" in reply else "decision"
    return {"seq": seq, "case_id": case_id, kind: reply}


def _not_json(exc: ValueError) -> dict[str, Any]:
    return {"errors": [{"path": "", "message": f"the case is not JSON: {exc}"}]}


def _broken(what: str) -> int:
    sys.stderr.write(f"reference: the kit broke the JSON-lines protocol: {what}\n")
    return PROTOCOL_BROKEN


def _write(stdout: BinaryIO, message: dict[str, Any]) -> None:
    stdout.write(json.dumps(message).encode() + b"\n")
    stdout.flush()
