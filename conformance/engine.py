"""Opening the engine under test: reachable, described by valid metadata, a compatible contract.

Done once, before the first scenario, by the plugin; nothing here knows about pytest.
"""

from __future__ import annotations

import time
from typing import Any

from policy_conformance import contract
from policy_conformance.adapters import (
    Adapter,
    AdapterOptions,
    EngineUnreachable,
    open_adapter,
)

from .engine_text import flatten
from .errors import KitError
from .options import ADAPTER_ALIASES

__all__ = ["check_metadata", "engine_header", "open_engine", "resolve_adapter"]

#: How long to wait between two attempts to reach an engine that is not listening yet.
RETRY_PAUSE = 0.1


def resolve_adapter(spec: str) -> str:
    """The adapter string behind a short name (``reference``), or ``spec`` itself."""
    return ADAPTER_ALIASES.get(spec, spec)


def open_engine(spec: str, options: AdapterOptions) -> tuple[Adapter, dict[str, Any]]:
    """Open an adapter and check the engine before any case: reachable, well described, compatible.

    An engine that is not reachable yet is tried again until ``options.connect_timeout`` is up,
    unless it left output behind (a start-up error that waiting will not cure). Raises
    :class:`AdapterSpecError` for a bad adapter string, :class:`EngineUnreachable` when the
    engine cannot be reached, and :class:`KitError` for an incompatible engine.
    """
    deadline = time.monotonic() + options.connect_timeout
    while True:
        adapter = open_adapter(spec, options)
        try:
            metadata = adapter.metadata()
        except EngineUnreachable as exc:
            adapter.close()
            left = deadline - time.monotonic()
            if exc.detail or left <= 0:
                raise
            time.sleep(min(RETRY_PAUSE, left))
            continue
        except BaseException:
            adapter.close()
            raise
        break
    try:
        check_metadata(spec, metadata)
    except BaseException:
        adapter.close()
        raise
    return adapter, metadata


def check_metadata(spec: str, metadata: dict[str, Any]) -> None:
    violations = contract.violations("metadata", metadata)
    if violations:
        raise EngineUnreachable(
            spec,
            "its metadata breaks contract/metadata.schema.json: " + "; ".join(map(str, violations)),
        )
    version = metadata["contract_version"]
    if not contract.compatible(version):
        raise KitError(
            f"{spec}: the engine speaks contract {version}; this kit speaks "
            f"{contract.CONTRACT_VERSION} (major versions must match)"
        )


def engine_header(spec: str, metadata: dict[str, Any]) -> str:
    # The engine's own words, one line each: a newline in them must not forge a line of the kit's.
    name = flatten(metadata.get("name", "?"))
    version = flatten(metadata.get("version")) if metadata.get("version") else None
    declared = metadata.get("policies")
    policies = (
        ", ".join(flatten(f"{p.get('id')} {p.get('version')}") for p in declared)
        if isinstance(declared, list) and all(isinstance(p, dict) for p in declared)
        else "not stated: every pack is checked"
    )
    described = f"{name} {version}" if version else name
    return (
        f"engine: {described} via {spec} (contract {flatten(metadata.get('contract_version'))}; "
        f"policies: {policies})"
    )
