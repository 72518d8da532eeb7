"""The one-shot command-line adapter: ``cli:COMMAND``, one process per case.

The case goes to the command's stdin as JSON; the reply (a decision or a rejection) comes back
as one JSON object on stdout, and the process exits 0. It is the simplest protocol an engine can
speak, and the slowest: see ``contract/PROTOCOLS.md``, which also describes the metadata request.
"""

from __future__ import annotations

import json
import time
from typing import Any

from policy_conformance.contract import CONTRACT_VERSION

from .base import AdapterOptions, JSONObject
from .errors import AnswerTooDeep, EngineError, EngineUnreachable
from .limits import TooDeeplyNested, load_json
from .process import EngineProcess, ReplyTooLarge, describe_exit, split_command

__all__ = ["REQUEST_ENV", "UNSUPPORTED_STATUS", "OneShotAdapter"]

#: The environment variable that tells a one-shot engine what is asked: ``decide`` or ``metadata``.
REQUEST_ENV = "POLICY_CONFORMANCE_REQUEST"
#: The exit status by which an engine says it does not answer a request (EX_USAGE, sysexits.h).
UNSUPPORTED_STATUS = 64


class OneShotAdapter:
    """Run a command once per case and read its answer."""

    def __init__(self, spec: str, options: AdapterOptions) -> None:
        self.spec = spec
        self._command = spec.partition(":")[2].strip()
        self._argv = split_command(spec, self._command)
        self._timeout = options.timeout
        self._connect_timeout = options.connect_timeout
        #: Every process this adapter started, in order, for diagnostics and the kit's own tests.
        self.started_pids: list[int] = []

    def metadata(self) -> JSONObject:
        """Ask the engine about itself (``POLICY_CONFORMANCE_REQUEST=metadata``, empty stdin).

        An engine that exits with status 64 does not answer metadata requests; it is described by
        its command and assumed to speak this kit's contract. Any other failure means the engine
        cannot be checked before the first case, and is reported as :class:`EngineUnreachable`.
        """
        try:
            return self._run("metadata", b"", self._connect_timeout)
        except _Unsupported:
            return {"name": self._command, "contract_version": CONTRACT_VERSION}
        except EngineUnreachable:
            raise
        except EngineError as exc:
            raise EngineUnreachable(
                self.spec, f"metadata request failed: {exc.reason}", exc.detail
            ) from exc

    def decide(self, case: JSONObject) -> JSONObject:
        """Run the command with the case on stdin and return the JSON object it prints."""
        return self._run("decide", json.dumps(case).encode() + b"\n", self._timeout)

    def close(self) -> None:
        """Nothing to release: every process is killed and reaped before its case returns."""

    def _run(self, request: str, data: bytes, timeout: float | None) -> JSONObject:
        process = EngineProcess(self.spec, self._argv, env={REQUEST_ENV: request})
        self.started_pids.append(process.pid)
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            # False means the engine closed its stdin unread; its output still decides.
            process.send(data, deadline)
            process.close_stdin()
            output = process.read_to_end(deadline)
            status = process.wait(_remaining(deadline))
        except TimeoutError:
            process.kill()
            raise process.failure(f"no answer within {timeout:g} s") from None
        except ReplyTooLarge as exc:
            process.kill()
            raise process.failure(f"the engine {exc}") from None
        except BaseException:
            process.kill()
            raise
        # The engine is done; whatever it left running in its group goes with it.
        process.kill()
        if status is None:
            raise process.failure(
                f"the engine printed its answer but did not exit within {timeout:g} s"
            )
        if status == UNSUPPORTED_STATUS and request == "metadata":
            raise _Unsupported
        if status != 0:
            raise process.failure(f"the engine {describe_exit(status)}")
        return _parse(process, output)


class _Unsupported(Exception):
    """The engine said, by its exit status, that it does not answer this request."""


def _remaining(deadline: float | None) -> float | None:
    return None if deadline is None else max(0.0, deadline - time.monotonic())


def _parse(process: EngineProcess, output: bytes) -> JSONObject:
    if not output.strip():
        raise process.failure("the engine printed nothing on stdout")
    try:
        value: Any = load_json(output)
    except TooDeeplyNested as exc:
        raise process.failure(f"the engine printed an answer where {exc}", AnswerTooDeep) from None
    except ValueError as exc:
        preview = output[:80].decode("utf-8", errors="replace")
        raise process.failure(
            f"the engine printed output that is not JSON ({exc}); it begins {preview!r}"
        ) from None
    if not isinstance(value, dict):
        raise process.failure(f"the engine printed a JSON {_json_type(value)}, not an object")
    return value


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "null"
