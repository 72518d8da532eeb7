"""The ways an adapter reports that it could not get a usable answer from an engine.

Three results stay apart everywhere in the kit: the engine decided wrongly (a failed scenario,
raised by the harness, never by an adapter), the engine broke (:class:`EngineError`, an errored
scenario) and the kit was misconfigured (:class:`AdapterSpecError`, a usage error).
"""

from __future__ import annotations

from policy_conformance.engine_text import flatten, visible_lines

from .limits import MAX_SHOWN_CHARS, shorten

__all__ = [
    "AdapterError",
    "AdapterSpecError",
    "AnswerTooDeep",
    "EngineError",
    "EngineUnreachable",
]

# What an engine left behind (a stderr tail, a body) may run longer than a message.
_DETAIL_CHARS = 4 * MAX_SHOWN_CHARS


class AdapterError(Exception):
    """Base of every error an adapter raises."""


class AdapterSpecError(AdapterError):
    """The adapter string or its options are wrong: the kit is misconfigured, not the engine."""


class EngineError(AdapterError):
    """The engine gave no usable answer: it crashed, hung, closed the line or answered garbage.

    ``adapter`` names the adapter string so that every message says which engine broke;
    ``detail`` carries what the engine left behind (the tail of its stderr, an HTTP body). Both
    are cut to a bounded length: whatever the engine sent, the message stays readable.
    """

    def __init__(self, adapter: str, message: str, detail: str = "") -> None:
        # Whatever the engine wrote is shown without control characters, and its lines marked
        # as the engine's, so that its output cannot pass for a line of the kit's.
        message = shorten(flatten(message))
        lines = visible_lines(shorten(detail, _DETAIL_CHARS, keep_end=True))
        self.adapter = adapter
        self.reason = message
        self.detail = "\n".join(lines).strip("\n")
        text = f"{adapter}: {message}"
        if self.detail:
            shown = "\n".join(f"| {line}" for line in self.detail.splitlines())
            text += f"\n--- engine output (tail) ---\n{shown}"
        super().__init__(text)


class EngineUnreachable(EngineError):
    """The engine cannot be reached at all: nothing is listening, or the program will not start."""


class AnswerTooDeep(EngineError):
    """The engine answered, but nested its answer deeper than the kit reads.

    An answer, not a breakdown: the harness counts it as a contract violation (a failed
    scenario). Raised outside a case (metadata), it is an engine error like any other.
    """
