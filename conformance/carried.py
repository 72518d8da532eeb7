"""What the engine's interface can carry, and the expectations it therefore leaves ungraded.

An adapter for an interface that cannot say some decision fields (PAS has no place for the
clauses a review rests on) declares the fields it does carry in a ``carries`` attribute. The
adapter kind is the user's choice, never the engine's, so an engine cannot declare its way out
of being graded. An expectation on a field the interface does not carry is not graded: it is
noted on the scenario, reported as not gradable on this interface, and a scenario with nothing
else to grade counts as skipped rather than passed. Adapters without the attribute carry all.
"""

from __future__ import annotations

from typing import Any, Final

import pytest

from .corpus import EXPECTED
from .results import Outcome

__all__ = ["NOT_GRADABLE", "header_lines", "not_gradable", "settled"]

#: Per scenario: the expectations not graded because the interface cannot carry their field.
NOT_GRADABLE: Final = pytest.StashKey[list[str]]()

#: The decision field an expectation reads, where its name differs.
_FIELD_OF: Final = {"clauses_within": "clauses"}


def _carries(request: pytest.FixtureRequest) -> frozenset[str] | None:
    engine = request.getfixturevalue("engine")
    carries = getattr(getattr(engine, "adapter", None), "carries", None)
    return frozenset(carries) if carries is not None else None


def not_gradable(request: pytest.FixtureRequest, field: str) -> bool:
    """Whether the engine's interface cannot carry ``field``; if so, note it on the scenario."""
    carries = _carries(request)
    if carries is None or _FIELD_OF.get(field, field) in carries:
        return False
    noted = request.node.stash.setdefault(NOT_GRADABLE, [])
    if field not in noted:
        noted.append(field)
    return True


def settled(item: pytest.Item, outcome: Outcome) -> tuple[Outcome, list[str]]:
    """A scenario's outcome and its ungraded expectations: passed with nothing graded is skipped."""
    stashed: list[str] = item.stash.get(NOT_GRADABLE, [])
    noted = list(stashed)
    expected = item.stash.get(EXPECTED, {})
    if outcome == "passed" and noted and set(expected) <= set(noted):
        return "skipped", noted
    return outcome, noted


def header_lines(adapter: object, metadata: dict[str, Any]) -> list[str]:
    """The lines a run prints under its engine header: what the interface leaves ungraded."""
    carries = getattr(adapter, "carries", None)
    if carries is None:
        return []
    interface = metadata.get("extensions", {}).get("interface", {})
    why = interface.get("not_carried", {}) if isinstance(interface, dict) else {}
    kind = interface.get("kind", "this interface") if isinstance(interface, dict) else "it"
    return [
        f"not gradable on {kind}: {field} ({why.get(field, 'not carried')})"
        for field in sorted(why)
    ] or [f"graded on {kind}: {', '.join(sorted(carries))} only"]
