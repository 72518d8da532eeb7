"""Adapters: how the kit reaches an engine, one kind per module, chosen by a short string.

The harness depends on :class:`Adapter` alone: one case in, one reply out, plus metadata and
close. ``open_adapter("python:pkg.mod:func")`` builds one from its string.
"""

from .base import Adapter, AdapterOptions, JSONObject
from .errors import AdapterError, AdapterSpecError, EngineError, EngineUnreachable
from .python import from_function
from .registry import ENTRY_POINT_GROUP, kinds, open_adapter

__all__ = [
    "ENTRY_POINT_GROUP",
    "Adapter",
    "AdapterError",
    "AdapterOptions",
    "AdapterSpecError",
    "EngineError",
    "EngineUnreachable",
    "JSONObject",
    "from_function",
    "kinds",
    "open_adapter",
]
