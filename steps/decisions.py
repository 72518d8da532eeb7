"""When and Then steps: the engine decides, and its decision is checked against the feature.

Every expectation is written literally in the feature; nothing here computes what the answer
should be. A mismatch fails with the expected value, the engine's value and the whole decision.
"""

from __future__ import annotations

import json
from typing import Any

from pytest_bdd import parsers, then, when

from policy_conformance.boundary import CheckedEngine

from .language import DETERMINATIONS, MISSING_FACTS, OUTCOMES, phrase_list, term

Case = dict[str, Any]
Decision = dict[str, Any]


def fail(what: str, expected: object, actual: object, decision: Decision) -> None:
    raise AssertionError(
        f"{what}: expected {expected!r}, engine answered {actual!r}\n"
        f"decision for case {decision.get('case_id')!r}: {json.dumps(decision, sort_keys=True)}"
    )


@when("the engine decides the request", target_fixture="decision")
def _(engine: CheckedEngine, case: Case) -> Decision:
    return engine.decide(case)


@then(parsers.parse("the request is {outcome}"))
def _(decision: Decision, outcome: str) -> None:
    expected = term(OUTCOMES, outcome, "outcome")
    if decision["outcome"] != expected:
        fail("outcome", expected, decision["outcome"], decision)


@then(parsers.parse("the determination is {determination}"))
def _(decision: Decision, determination: str) -> None:
    expected = term(DETERMINATIONS, determination, "determination")
    if decision.get("determination") != expected:
        fail("determination", expected, decision.get("determination"), decision)


@then("no determination is made")
def _(decision: Decision) -> None:
    if "determination" in decision:
        fail("determination", None, decision["determination"], decision)


@then(parsers.parse("the decision cites clause {clause_id}"))
def _(decision: Decision, clause_id: str) -> None:
    if clause_id not in decision["clauses"]:
        fail(
            f"clauses cited (should include {clause_id})", clause_id, decision["clauses"], decision
        )


@then(parsers.parse("the missing facts are {facts}"))
def _(decision: Decision, facts: str) -> None:
    expected = sorted(term(MISSING_FACTS, f, "missing fact") for f in phrase_list(facts))
    actual = sorted(decision.get("missing_facts", []))
    if actual != expected:
        fail("missing facts", expected, actual, decision)
