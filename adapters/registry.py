"""Choosing an adapter by a short string: ``KIND:TARGET``, for example ``python:pkg.mod:func``.

Built-in kinds and third-party kinds alike are named in the ``policy_conformance.adapters``
entry-point group as ``module:Class``; nothing is imported until its kind is asked for, so a
broken third-party adapter cannot break a run that does not use it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.metadata import entry_points

from .base import Adapter, AdapterOptions
from .errors import AdapterSpecError

__all__ = ["ENTRY_POINT_GROUP", "check_spec", "kinds", "open_adapter"]

ENTRY_POINT_GROUP = "policy_conformance.adapters"

# The kit's own kinds, also declared as entry points; listed here too so that a checkout that
# has not been installed (or whose metadata is stale) still knows them.
_BUILTIN: dict[str, str] = {
    "python": "policy_conformance.adapters.python:PythonAdapter",
    "http": "policy_conformance.adapters.http:HttpAdapter",
    "cli": "policy_conformance.adapters.cli:OneShotAdapter",
    "jsonl": "policy_conformance.adapters.jsonl:JsonLinesAdapter",
    "pyproc": "policy_conformance.adapters.pyproc:IsolatedPythonAdapter",
    "pas": "policy_conformance.adapters.pas:PasAdapter",
    "crd": "policy_conformance.adapters.crd:CrdAdapter",
}

AdapterFactory = Callable[[str, AdapterOptions], Adapter]


def kinds() -> dict[str, str]:
    """Every known adapter kind and the ``module:attribute`` that implements it."""
    found = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    found.update(_BUILTIN)
    return dict(sorted(found.items()))


def check_spec(spec: str) -> tuple[str, str]:
    """The kind of ``spec`` and what implements it; :class:`AdapterSpecError` when the string
    is not ``KIND:TARGET`` of a known kind. Imports nothing."""
    kind, sep, target = spec.partition(":")
    known = kinds()
    if not sep or not kind or not target:
        raise AdapterSpecError(
            f"adapter {spec!r}: expected KIND:TARGET, where KIND is one of {', '.join(known)}"
        )
    if kind not in known:
        raise AdapterSpecError(
            f"adapter {spec!r}: unknown kind {kind!r}; known kinds: {', '.join(known)}"
        )
    return kind, known[kind]


def open_adapter(spec: str, options: AdapterOptions | None = None) -> Adapter:
    """Build the adapter that ``spec`` names. Raises :class:`AdapterSpecError` on a bad string."""
    kind, path = check_spec(spec)
    factory = _load(kind, path)
    return factory(spec, options or AdapterOptions())


def _load(kind: str, path: str) -> AdapterFactory:
    module_name, _, attribute = path.partition(":")
    try:
        module = importlib.import_module(module_name)
        factory: AdapterFactory = getattr(module, attribute)
    except (ImportError, AttributeError) as exc:
        raise AdapterSpecError(f"adapter kind {kind!r} ({path}) cannot be loaded: {exc}") from exc
    return factory
