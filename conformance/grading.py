"""What the kit grades in a decision, and how two decisions of one case differ.

The scenarios' Then steps and ``conformance fuzz`` compare decisions by the same rules: the
policy, the outcome, the determination or its absence, and the clauses and missing facts as sets.
The rationale and extensions are free text for people and never compared.
"""

from __future__ import annotations

from typing import Any

__all__ = ["GRADED_FIELDS", "differing_field", "graded"]

#: The graded fields, in the order a difference is reported: the first that differs names it.
GRADED_FIELDS = ("outcome", "determination", "clauses", "missing_facts", "policy")


def graded(decision: dict[str, Any]) -> dict[str, Any]:
    """The fields the kit grades, in a form that compares equal when they agree.

    The case id is compared on its own: it differs between two cases by design.
    """
    return {
        "policy": decision["policy"],
        "outcome": decision["outcome"],
        "determination": decision.get("determination"),
        "clauses": sorted(decision["clauses"]),
        "missing_facts": sorted(decision.get("missing_facts", [])),
    }


def differing_field(one: dict[str, Any], other: dict[str, Any]) -> str | None:
    """The first graded field in which two decisions differ, or None when they agree."""
    first, second = graded(one), graded(other)
    for name in GRADED_FIELDS:
        if first[name] != second[name]:
            return name
    return None
