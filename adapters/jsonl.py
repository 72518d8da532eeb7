"""The JSON-lines adapter: ``jsonl:COMMAND``, one long-running process speaking a small protocol.

Modelled on Bowtie's harness protocol: a ``start`` handshake carrying the protocol version and the
engine's metadata, then one ``decide`` message per case whose reply echoes the sequence number
and the case id, then ``stop``. Every message, both ways, is checked against
``contract/jsonl-protocol.schema.json``. An engine that dies, hangs or breaks the protocol errors
that case and is started afresh, with a new handshake, for the next one. See
``contract/PROTOCOLS.md``.
"""

from __future__ import annotations

import copy
import json
import time
from functools import cache
from typing import Any, Literal

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Resource

from policy_conformance import contract
from policy_conformance.engine_text import flatten

from .base import AdapterOptions, JSONObject
from .errors import AdapterError, AnswerTooDeep, EngineError, EngineUnreachable
from .limits import MAX_NESTING, TooDeeplyNested, load_json, shorten
from .process import EngineProcess, ReplyTooLarge, describe_exit, split_command

__all__ = [
    "PROTOCOL_SCHEMA",
    "PROTOCOL_VERSION",
    "JsonLinesAdapter",
    "Message",
    "protocol_violation",
]

#: The version of the JSON-lines protocol this kit speaks.
PROTOCOL_VERSION = 1
PROTOCOL_SCHEMA = contract.SCHEMA_DIR / "jsonl-protocol.schema.json"

#: Names of the protocol's messages, as ``$defs`` of the protocol schema.
Message = Literal["start", "started", "decide", "reply", "stop", "kit_to_engine", "engine_to_kit"]

# Payloads the adapter checks only for being objects: the harness holds them to the contract, so
# that a wrong decision is reported as a failed scenario rather than a broken protocol.
_PAYLOADS = ("metadata_payload", "decision_payload", "rejection_payload")

# Seconds an engine gets to exit on its own after ``stop`` before its group is killed.
STOP_GRACE = 0.5


class JsonLinesAdapter:
    """Drive one long-running engine process over its stdin and stdout."""

    def __init__(self, spec: str, options: AdapterOptions) -> None:
        self.spec = spec
        self._argv = split_command(spec, spec.partition(":")[2])
        self._timeout = options.timeout
        self._connect_timeout = options.connect_timeout
        self._process: EngineProcess | None = None
        self._metadata: JSONObject = {}
        self._seq = 0
        #: Every process this adapter started, in order, for diagnostics and the kit's own tests.
        self.started_pids: list[int] = []

    def metadata(self) -> JSONObject:
        """Start the engine if it is not running and return the metadata from its greeting."""
        self._session()
        return copy.deepcopy(self._metadata)

    def decide(self, case: JSONObject) -> JSONObject:
        """Send one case and return the decision or rejection the engine replies with."""
        process = self._session()
        self._seq += 1
        seq = self._seq
        expected_id = _case_id(case)
        message = {"cmd": "decide", "seq": seq, "case": case}
        data = self._encode("decide", message)
        deadline = None if self._timeout is None else time.monotonic() + self._timeout
        try:
            process.send(data, deadline)  # a closed stdin shows up as end of file below
            line = process.read_line(deadline)
        except TimeoutError:
            raise self._lose(f"no answer within {self._timeout:g} s") from None
        except ReplyTooLarge as exc:
            raise self._lose(f"the engine {exc}") from None
        except BaseException:
            # Interrupted mid-case (Ctrl-C): a late reply would put the session out of step.
            self._lose("interrupted")
            raise
        if line is None:
            raise self._lose(
                f"the engine closed its output without answering case {seq}", exited=True
            )

        reply = self._decode(line, "reply", "answered")
        if reply["seq"] != seq or ("errored" not in reply and reply["case_id"] != expected_id):
            raise self._lose(
                f"the engine answered for another case: sent seq {seq} with case_id "
                f"{expected_id!r}, got seq {reply['seq']} with case_id {reply.get('case_id')!r}"
            )
        if "errored" in reply:
            # The engine reported its own failure and stays up for the next case.
            errored = reply["errored"]
            parts = (errored.get("traceback", "").strip(), process.stderr.text())
            detail = "\n".join(part for part in parts if part)
            # The engine's words, on one line: a message is printed where the kit's lines are.
            said = shorten(flatten(errored["message"]))
            raise EngineError(self.spec, f"the engine errored: {said}", detail)
        payload: JSONObject = reply["decision"] if "decision" in reply else reply["rejection"]
        return payload

    def close(self) -> None:
        """Send ``stop``, give the engine a moment to exit, then kill its group. Safe twice."""
        process, self._process = self._process, None
        if process is None:
            return
        try:
            process.send(self._encode("stop", {"cmd": "stop"}), time.monotonic() + STOP_GRACE)
            process.close_stdin()
            process.wait(STOP_GRACE)
        except TimeoutError:
            pass
        finally:
            process.kill()

    # -- the session ---------------------------------------------------------------------------

    def _session(self) -> EngineProcess:
        """The running engine, started (and greeted) now if the last one was lost."""
        if self._process is not None:
            return self._process
        process = EngineProcess(self.spec, self._argv)
        self.started_pids.append(process.pid)
        try:
            self._metadata = self._handshake(process)
        except BaseException:
            process.kill()
            raise
        self._process = process
        self._seq = 0
        return process

    def _handshake(self, process: EngineProcess) -> JSONObject:
        timeout = self._connect_timeout
        deadline = time.monotonic() + timeout
        start = {"cmd": "start", "version": PROTOCOL_VERSION}
        try:
            process.send(self._encode("start", start), deadline)
            line = process.read_line(deadline)
        except TimeoutError:
            raise self._unreachable(process, f"did not greet within {timeout:g} s") from None
        except ReplyTooLarge as exc:
            raise self._unreachable(process, f"greeted with a line that {exc}") from None
        if line is None:
            process.wait(STOP_GRACE)
            status = process.kill()
            raise self._unreachable(
                process, f"closed its output before greeting (it {describe_exit(status)})"
            )
        try:
            greeting = load_json(line, MAX_NESTING + 1)
        except ValueError as exc:
            raise self._unreachable(
                process, f"greeted with a line that is not JSON ({exc}); it begins {_preview(line)}"
            ) from None
        version = greeting.get("version") if isinstance(greeting, dict) else None
        if isinstance(version, int) and version != PROTOCOL_VERSION:
            raise self._unreachable(
                process,
                f"speaks JSON-lines protocol version {version}; "
                f"this kit speaks version {PROTOCOL_VERSION}",
            )
        problem = protocol_violation("started", greeting)
        if problem:
            raise self._unreachable(process, f"greeted with a malformed message: {problem}")
        metadata: JSONObject = greeting["metadata"]
        return metadata

    def _unreachable(self, process: EngineProcess, message: str) -> EngineError:
        process.kill()
        return process.failure(f"handshake failed: the engine {message}", kind=EngineUnreachable)

    def _lose(self, message: str, *, exited: bool = False) -> EngineError:
        """Kill the engine after a failed case; the next case starts a fresh one.

        ``exited``: the engine closed its output, so it is (most likely) on its way out; it gets
        a moment to finish so that its own exit status is reported, not the kill's.
        """
        process, self._process = self._process, None
        assert process is not None
        if exited:
            process.wait(STOP_GRACE)
        status = process.kill()
        if exited:
            message += f" (it {describe_exit(status)})"
        return process.failure(message)

    # -- messages ------------------------------------------------------------------------------

    def _encode(self, name: Message, message: JSONObject) -> bytes:
        problem = protocol_violation(name, message)
        if problem:
            # Not the engine's fault and not a misconfiguration: the kit itself is wrong.
            raise AdapterError(f"{self.spec}: the kit built a malformed {name} message: {problem}")
        return json.dumps(message).encode() + b"\n"

    def _decode(self, line: bytes, name: Message, verb: str) -> dict[str, Any]:
        try:
            # One level more than an answer may nest: the message wraps the answer.
            message = load_json(line, MAX_NESTING + 1)
        except TooDeeplyNested:
            # A whole line came back, so the session is still in step: only this answer is bad.
            raise AnswerTooDeep(
                self.spec,
                f"the engine {verb} with an answer that nests arrays and objects more than "
                f"{MAX_NESTING} deep",
            ) from None
        except ValueError as exc:
            raise self._lose(
                f"the engine {verb} with a line that is not JSON ({exc}); "
                f"it begins {_preview(line)}"
            ) from None
        problem = protocol_violation(name, message)
        if problem:
            raise self._lose(f"the engine {verb} with a malformed {name} message: {problem}")
        decoded: dict[str, Any] = message
        return decoded


def protocol_violation(name: Message, message: object, *, strict: bool = False) -> str | None:
    """How ``message`` breaks the protocol's ``name`` message, naming the schema path; or None.

    By default payloads (metadata, decisions, rejections) need only be objects; ``strict`` holds
    them to the contract's own schemas as well.
    """
    if not strict and _fast_validator(name).is_valid(message):
        return None
    validator = _validator(name, strict)
    if validator.is_valid(message):
        return None
    error = best_match(validator.iter_errors(message))
    where = error.json_path
    # The validator's root is the message's definition, with the file's own references inlined;
    # jsonschema leaves the contract's followed references out of the path, which reads on.
    steps = [str(step) for step in error.absolute_schema_path if step != "$ref"]
    schema_path = "/".join(["#", "$defs", name, *steps])
    return f"{error.message} (at {where}; schema {schema_path})"


@cache
def _protocol_schema(strict: bool) -> dict[str, Any]:
    from policy_conformance.reading import MAX_SCHEMA_BYTES, read_json

    document: dict[str, Any] = read_json(PROTOCOL_SCHEMA, MAX_SCHEMA_BYTES)
    if not strict:
        for name in _PAYLOADS:
            document["$defs"][name] = {"type": "object"}
    return document


@cache
def _fast_validator(name: Message) -> Any:
    # Two messages a case cross here; a compiled validator keeps the protocol's cost to a few
    # microseconds, and jsonschema below explains any message it refuses.
    return jsonschema_rs.validator_for(
        _inline(_protocol_schema(False)["$defs"][name], _protocol_schema(False)["$defs"])
    )


@cache
def _validator(name: Message, strict: bool) -> Draft202012Validator:
    document = _protocol_schema(strict)
    registry = contract.registry().with_resource(document["$id"], Resource.from_contents(document))
    # Every message is checked on the hot path, and jsonschema pays dearly for each $ref it
    # follows; the file's own $refs are therefore inlined. The contract's (strict mode only)
    # stay references, resolved through the registry.
    return Draft202012Validator(
        _inline(document["$defs"][name], document["$defs"]), registry=registry
    )


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """``node`` with every ``#/$defs/...`` reference replaced by its target (none is recursive)."""
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    inlined = {key: _inline(value, defs) for key, value in node.items() if key != "$ref"}
    ref = node.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
        if ref is not None:
            inlined["$ref"] = ref
        return inlined
    target = _inline(defs[ref.removeprefix("#/$defs/")], defs)
    return {**inlined, "allOf": [target]} if inlined else target


def _case_id(case: object) -> str | None:
    """The case id a reply must echo: null when the case has no string case_id."""
    if isinstance(case, dict):
        case_id = case.get("case_id")
        if isinstance(case_id, str):
            return case_id
    return None


def _preview(line: bytes) -> str:
    return repr(line[:80].decode("utf-8", errors="replace"))
