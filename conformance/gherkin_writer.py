"""A found case written as a scenario in the pack's own step phrases, ready to paste.

The Given steps are the very steps the case was built by; the Then steps state the oracle's
decision in the features' words. The scenario carries its own Rule, tagged with the clause the
disagreement touches, so that it can be pasted at the end of any feature of the pack.
"""

from __future__ import annotations

from typing import Any

from policy_conformance.packs import pack_named
from policy_conformance.steps.language import DETERMINATIONS, OUTCOMES, missing_fact_phrases

from .strategies import Request

__all__ = ["scenario_text"]


def _phrase(table: dict[str, str], value: str) -> str:
    return next(phrase for phrase, meant in table.items() if meant == value)


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def scenario_text(
    request: Request, expected: dict[str, Any], clause: str, title: str, *, applies: bool
) -> str:
    """The scenario for ``request`` expecting the decision ``expected``, tagged with ``clause``."""
    lines = [
        f"  @clause:{clause}",
        "  Rule: Found by conformance fuzz",
        "",
        f"    @{'applies' if applies else 'near-miss'}",
        f"    Scenario: {title}",
        f"      Given a request for {request.describes}",
    ]
    lines += [f"      And {step}" for step in request.steps]
    lines += [f"      # no step states {extra}; the case sent had it" for extra in request.extras]
    lines.append("      When the engine decides the request")
    lines.append(f"      Then the request is {_phrase(OUTCOMES, expected['outcome'])}")
    if "determination" in expected:
        determination = _phrase(DETERMINATIONS, expected["determination"])
        lines.append(f"      And the determination is {determination}")
    else:
        lines.append("      And no determination is made")
    clauses = list(expected["clauses"])
    word = "clause" if len(clauses) == 1 else "clauses"
    lines.append(f"      And the decision rests on {word} {_listing(clauses)}")
    if expected["outcome"] == "pended":
        words = missing_fact_phrases(pack_named(request.pack))
        facts = [_phrase(words, fact) for fact in expected.get("missing_facts", [])]
        lines.append(f"      And the missing facts are {_listing(facts)}")
    return "\n".join(lines) + "\n"
