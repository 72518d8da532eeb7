"""The one interface between the harness and an engine: one case in, one reply out.

An adapter turns a transport (an in-process call, HTTP, a child process) into this interface and
nothing more. It does not validate: the harness checks cases and replies against the contract on
its side of the boundary, so every adapter is held to the same rules.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from .errors import AdapterSpecError

__all__ = ["Adapter", "AdapterOptions", "JSONObject"]

JSONObject = dict[str, Any]


@dataclass(frozen=True)
class AdapterOptions:
    """Settings every adapter kind receives; each kind uses the ones that mean something to it."""

    #: Seconds an engine may take over one case before it is treated as hung (None: no limit).
    timeout: float | None = 30.0
    #: Seconds to wait for a connection or for a program to start and greet.
    connect_timeout: float = 5.0
    #: A PEM bundle of private CA certificates for an HTTPS engine.
    ca_bundle: str | None = None
    #: The name of the environment variable that holds a bearer token for an HTTP engine.
    #: The token itself is never stored in options, printed or reported.
    token_env: str | None = None
    #: Kind-specific settings from third-party adapters, as strings.
    extra: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A deadline of nan never passes and one of inf or -1 is no deadline at all: an engine
        # could then hold a case for ever. Refused here, whoever built the options.
        _require_duration("timeout", self.timeout, optional=True)
        _require_duration("connect_timeout", self.connect_timeout, optional=False)


def _require_duration(name: str, value: object, *, optional: bool) -> None:
    if value is None and optional:
        return
    ok = (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )
    if not ok:
        raise AdapterSpecError(
            f"adapter options: {name} must be a finite number of seconds above 0, not {value!r}"
        )


@runtime_checkable
class Adapter(Protocol):
    """A connection to one engine."""

    #: The adapter string the engine was chosen by, for messages and reports.
    spec: str

    def metadata(self) -> JSONObject:
        """Return what the engine says about itself (see ``contract/metadata.schema.json``).

        Called once before the first case. Raises :class:`~adapters.errors.EngineUnreachable`
        when the engine cannot be reached at all.
        """
        ...

    def decide(self, case: JSONObject) -> JSONObject:
        """Send one case and return the engine's reply, a decision or a rejection, as parsed JSON.

        Raises :class:`~adapters.errors.EngineError` when no JSON object comes back.
        """
        ...

    def close(self) -> None:
        """Release the engine: close connections, stop processes. Safe to call twice."""
        ...
