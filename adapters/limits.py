"""Bounds on what an engine's answer may cost the kit: how deep it nests, how much of it is shown.

Every JSON text the kit reads from outside (an engine's answer, a baseline) is measured for depth
before it is parsed, so that an answer nested a thousand deep is refused with a message instead
of exhausting the parser's stack; every body quoted in a message is cut to a bounded length with
a note saying so, so that a megabyte answer never reaches a traceback or a report whole.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = [
    "MAX_NESTING",
    "MAX_SHOWN_CHARS",
    "TooDeeplyNested",
    "check_nesting",
    "load_json",
    "shorten",
]

#: The deepest nesting of arrays and objects the kit reads. A decision nests four or five deep;
#: sixty-four leaves room for any honest extension and stays far below the parser's own limit.
MAX_NESTING = 64

#: The most of one body or value that a message quotes.
MAX_SHOWN_CHARS = 2000

# A JSON string (skipped whole, brackets in it do not count) or a bracket.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_TOKENS_TEXT = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class TooDeeplyNested(ValueError):
    """A JSON text or value nests arrays and objects deeper than the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"it nests arrays and objects more than {limit} deep")
        self.limit = limit


def check_nesting(data: bytes | str | Any, limit: int = MAX_NESTING) -> None:
    """Raise :class:`TooDeeplyNested` when ``data`` nests deeper than ``limit``.

    ``data`` is either a JSON text (bytes or str, measured without parsing it) or a value already
    in memory (a Python engine's answer, walked without recursion; a cycle counts as too deep).
    """
    if isinstance(data, bytes | bytearray):
        # Text with no more opening brackets than the limit (brackets in strings counted too)
        # cannot nest deeper: counting costs far less than the scan, and every decision passes.
        if data.count(b"[") + data.count(b"{") > limit:
            _check_text(_TOKENS.finditer(data), b"[{", limit)
    elif isinstance(data, str):
        if data.count("[") + data.count("{") > limit:
            _check_text(_TOKENS_TEXT.finditer(data), "[{", limit)
    else:
        _check_value(data, limit)


def load_json(data: bytes | str, limit: int = MAX_NESTING) -> Any:
    """``json.loads`` with the depth measured first; NaN and Infinity are refused as not JSON."""
    check_nesting(data, limit)
    return json.loads(data, parse_constant=_no_constant)


def shorten(text: str, limit: int = MAX_SHOWN_CHARS, *, keep_end: bool = False) -> str:
    """``text`` cut to about ``limit`` characters, with a note of how much was left out.

    ``keep_end`` keeps the last characters instead of the first (the tail of a log says most).
    """
    if len(text) <= limit:
        return text
    if keep_end:
        return f"[{len(text) - limit} earlier characters not shown] ...{text[-limit:]}"
    return f"{text[:limit]}... [{len(text) - limit} more characters not shown]"


def _check_text(tokens: Any, openers: bytes | str, limit: int) -> None:
    depth = 0
    for match in tokens:
        token = match.group()
        if len(token) != 1:
            continue  # a string
        if token in openers:
            depth += 1
            if depth > limit:
                raise TooDeeplyNested(limit)
        else:
            depth -= 1


def _check_value(value: Any, limit: int) -> None:
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth + 1 > limit:
            raise TooDeeplyNested(limit)
        pending.extend((child, depth + 1) for child in children)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")
