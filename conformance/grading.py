"""The grading rules: one engine answer against what a scenario expects, field by field.

The same rules serve the Gherkin steps, a replayed corpus (``conformance replay``) and ``conformance
fuzz``, so that none of them can grade differently. Every graded field is compared exactly: the kind
of reply, the outcome, the determination or its absence, the whole set of clauses cited, the whole
set of missing facts, the echoed case id and the policy named. Nothing here knows pytest or pytest-
bdd.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

__all__ = [
    "ALWAYS_CHECKED",
    "EXPECTED_FIELDS",
    "GRADED_FIELDS",
    "Mismatch",
    "differing_field",
    "graded",
    "held_to_its_case",
    "mismatch",
    "reordered",
    "repeat_case_id",
    "worded",
]

JSONObject = dict[str, Any]

#: What a scenario may expect of an answer, in the order it is checked.
EXPECTED_FIELDS: Final = (
    "reply",
    "case_id",
    "policy",
    "outcome",
    "determination",
    "clauses",
    "clauses_within",
    "missing_facts",
)


#: The graded fields, in the order a difference is reported: the first that differs names it.
GRADED_FIELDS: Final = ("outcome", "determination", "clauses", "missing_facts", "policy")

#: How a failure names each field compared by equality.
_WORDS: Final = {
    "case_id": "case id",
    "policy": "policy",
    "outcome": "outcome",
    "determination": "determination",
    "clauses": "clauses cited (exactly)",
    "missing_facts": "missing facts",
}

#: Fields compared as sets: order never matters, and an absent list is an empty one.
_SETS: Final = frozenset({"clauses", "missing_facts"})


@dataclass(frozen=True)
class Mismatch:
    """A graded field on which the answer differs from the expectation."""

    what: str
    expected: object
    actual: object


def mismatch(field: str, expected: Any, kind: str, body: JSONObject) -> Mismatch | None:
    """How ``body`` (a ``kind`` of reply: decision or rejection) misses ``expected`` on ``field``.

    ``None`` when it meets it. ``determination`` expects ``None`` when none may be made.
    """
    if field == "reply":
        if kind == expected:
            return None
        answered = f"a decision ({body.get('outcome')})" if kind == "decision" else "a rejection"
        return Mismatch("reply", f"a {expected}", answered)
    if field == "clauses_within":
        unknown = [clause for clause in body["clauses"] if clause not in set(expected)]
        return Mismatch("clauses not in any catalogue", [], unknown) if unknown else None
    if field in _WORDS:
        actual = body.get(field, [] if field in _SETS else None)
        if field in _SETS:
            actual, expected = sorted(actual or []), sorted(expected)
        return None if actual == expected else Mismatch(_WORDS[field], expected, actual)
    raise ValueError(f"no grading rule for {field!r}")


#: The contract clauses every decided scenario also checks, whatever its Then steps say.
ALWAYS_CHECKED: Final = ("CON-POLICY", "CON-ECHO-ID")


def held_to_its_case(
    case: JSONObject, decision: JSONObject, policy: dict[str, str | None]
) -> tuple[str, Mismatch] | None:
    """The contract clause a decision breaks whatever the scenario, and how; None if none.

    A decision names the policy of its case at the version the pack encodes (``policy``), and
    echoes the case id.
    """
    for clause, field, expected in (
        ("CON-POLICY", "policy", policy),
        ("CON-ECHO-ID", "case_id", case["case_id"]),
    ):
        wrong = mismatch(field, expected, "decision", decision)
        if wrong is not None:
            return clause, Mismatch(f"{clause}: {wrong.what}", wrong.expected, wrong.actual)
    return None


def graded(decision: JSONObject) -> dict[str, Any]:
    """The fields the kit grades, in a form that compares equal when they agree.

    The rationale and extensions are free text for people; the case id is compared on its own.
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


def reordered(value: Any) -> Any:
    """The same JSON value with the keys of every object in reverse order."""
    if isinstance(value, dict):
        return {key: reordered(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [reordered(item) for item in value]
    return value


def repeat_case_id(case_id: str) -> str:
    """The case id under which a decided case is sent again, its keys reordered."""
    return f"{case_id}.again"


def worded(what: str, expected: object, actual: object, body: JSONObject) -> str:
    """A wrong field as a failure says it, then the whole answer (the HTML report reads this)."""
    return (
        f"{what}: expected {expected!r}, engine answered {actual!r}\n"
        f"decision for case {body.get('case_id')!r}: {json.dumps(body, sort_keys=True)}"
    )
