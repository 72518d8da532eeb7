"""What the engine's interface can carry, and the expectations it therefore leaves ungraded.

An adapter for an interface that cannot say some decision fields (PAS has no place for the
clauses a review rests on) declares the fields it does carry in a ``carries`` attribute. The
adapter kind is the user's choice, never the engine's, so an engine cannot declare its way out
of being graded. An expectation on a field the interface does not carry is not graded: it is
noted on the scenario, reported as not gradable on this interface, and a scenario with nothing
else to grade counts as skipped rather than passed. Adapters without the attribute carry all.
An adapter whose answers may decide nothing (CRD) also has ``consistent_outcomes(decision)``:
the outcomes such an answer is consistent with, or None when it decided.
"""

from __future__ import annotations

from typing import Any, Final

import pytest

from .corpus import EXPECTED
from .grading import worded
from .results import Outcome

__all__ = ["NOT_GRADABLE", "header_lines", "not_gradable", "settled"]

#: Per scenario: the expectations not graded because the interface cannot carry their field.
NOT_GRADABLE: Final = pytest.StashKey[list[str]]()

#: How an expectation on a field of an undecided answer is noted.
UNDECIDED: Final = "(consistent, not decided)"
#: The expectations an answer that decides no outcome leaves ungraded.
_DECIDED: Final = frozenset(
    {"outcome", "determination", "clauses", "clauses_within", "missing_facts"}
)

#: The decision field an expectation reads, where its name differs.
_FIELD_OF: Final = {"clauses_within": "clauses"}


def _adapter(request: pytest.FixtureRequest) -> object:
    return getattr(request.getfixturevalue("engine"), "adapter", None)


def _note(request: pytest.FixtureRequest, entry: str) -> None:
    noted = request.node.stash.setdefault(NOT_GRADABLE, [])
    if entry not in noted:
        noted.append(entry)


def not_gradable(
    request: pytest.FixtureRequest, field: str, expected: Any = None, body: Any = None
) -> bool:
    """Whether the engine's interface cannot say ``field`` of this answer; if so, note it.

    An answer that decides no outcome (a CRD ``auth-needed``) leaves every decision field
    ungraded, but an expected outcome it is not consistent with fails here, as a wrong decision.
    """
    adapter = _adapter(request)
    carries = getattr(adapter, "carries", None)
    if carries is None:
        return False
    consistent = getattr(adapter, "consistent_outcomes", None)
    undecided = consistent(body) if callable(consistent) and isinstance(body, dict) else None
    if undecided is not None and field in _DECIDED:
        if field == "outcome" and expected not in undecided:
            raise AssertionError(
                worded(
                    "outcome: the answer is consistent only with",
                    expected,
                    sorted(undecided),
                    body,
                )
            )
        _note(request, f"{field} {UNDECIDED}")
        return True
    if _FIELD_OF.get(field, field) in frozenset(carries):
        return False
    _note(request, field)
    return True


def settled(item: pytest.Item, outcome: Outcome) -> tuple[Outcome, list[str]]:
    """A scenario's outcome and its ungraded expectations: passed with nothing graded is skipped."""
    stashed: list[str] = item.stash.get(NOT_GRADABLE, [])
    noted = list(stashed)
    expected = item.stash.get(EXPECTED, {})
    # A scenario whose Then steps grade only what every answer is held to (case ids,
    # repeatability) records no expectation, and was graded all the same.
    if outcome == "passed" and expected and set(expected) <= {n.split(" ")[0] for n in noted}:
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
