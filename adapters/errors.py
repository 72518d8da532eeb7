"""The ways an adapter reports that it could not get a usable answer from an engine.

Three results stay apart everywhere in the kit: the engine decided wrongly (a failed scenario,
raised by the harness, never by an adapter), the engine broke (:class:`EngineError`, an errored
scenario) and the kit was misconfigured (:class:`AdapterSpecError`, a usage error).
"""

from __future__ import annotations

__all__ = ["AdapterError", "AdapterSpecError", "EngineError", "EngineUnreachable"]


class AdapterError(Exception):
    """Base of every error an adapter raises."""


class AdapterSpecError(AdapterError):
    """The adapter string or its options are wrong: the kit is misconfigured, not the engine."""


class EngineError(AdapterError):
    """The engine gave no usable answer: it crashed, hung, closed the line or answered garbage.

    ``adapter`` names the adapter string so that every message says which engine broke;
    ``detail`` carries what the engine left behind (the tail of its stderr, an HTTP body).
    """

    def __init__(self, adapter: str, message: str, detail: str = "") -> None:
        self.adapter = adapter
        self.reason = message
        self.detail = detail
        text = f"{adapter}: {message}"
        if detail:
            text += f"\n--- engine output (tail) ---\n{detail}"
        super().__init__(text)


class EngineUnreachable(EngineError):
    """The engine cannot be reached at all: nothing is listening, or the program will not start."""
