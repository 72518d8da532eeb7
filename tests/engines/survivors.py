"""A mutant gallery with holes, to prove that ``conformance mutants`` reports what the suite misses.

``answers_like_the_reference`` survives every scenario; ``forgets_the_far_future`` is wrong on one
date of service that a single scenario uses; ``wrong_policy_version`` is killed as usual.
"""

from __future__ import annotations

from typing import Any, Final

from policy_conformance.reference.inotuzumab_besponsa.mutants import decide, wrong_policy_version

__all__ = [
    "MUTANTS",
    "answers_like_the_reference",
    "forgets_the_far_future",
    "wrong_policy_version",
]

MUTANTS: Final = {
    "answers_like_the_reference": "INO-RR-BALL",
    "forgets_the_far_future": "INO-CODE-DATES",
    "wrong_policy_version": "CON-POLICY",
}


def answers_like_the_reference(case: Any) -> dict[str, Any]:
    """No mistake at all: nothing can kill it."""
    return decide(case)


def forgets_the_far_future(case: Any) -> dict[str, Any]:
    """INO-CODE-DATES: takes J9229 as expired in 2031."""
    decision = decide(case)
    if (
        isinstance(case, dict)
        and case.get("date_of_service") == "2031-07-01"
        and "outcome" in decision
    ):
        decision = {**decision, "outcome": "not-applicable", "clauses": ["INO-CODES"]}
        decision.pop("determination", None)
    return decision
