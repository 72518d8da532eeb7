"""When and Then steps: the engine decides, and its decision is checked against the feature.

Every expectation is written literally in the feature; nothing here computes what the answer
should be. A mismatch fails with the expected value, the engine's value and the whole decision.
Every graded field is checked exactly: the outcome, the determination or its absence, the whole
set of clauses cited and the whole set of missing facts.

Every case is also sent twice more, once as it is and once with its keys in reverse order under
another case id; a decision that differs in a graded field fails CON-DETERMINISTIC. A decision
that names another policy, or another version of it, fails CON-POLICY, and one that does not
echo the case id fails CON-ECHO-ID, whatever the scenario.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pytest_bdd import parsers, then, when

from policy_conformance.boundary import CheckedEngine
from policy_conformance.carried import not_gradable
from policy_conformance.corpus import EXPECTED, SENT
from policy_conformance.grading import (
    graded,
    held_to_its_case,
    mismatch,
    reordered,
    repeat_case_id,
    worded,
)
from policy_conformance.packs import Pack, pack_named

from .language import DETERMINATIONS, OUTCOMES, missing_fact_phrases, phrase_list, term

Case = dict[str, Any]
Decision = dict[str, Any]


def fail(what: str, expected: object, actual: object, decision: Decision) -> None:
    raise AssertionError(worded(what, expected, actual, decision))


def expect(
    request: pytest.FixtureRequest, field: str, expected: Any, kind: str, body: Decision
) -> None:
    """Grade one field of the answer, and note the expectation for ``conformance export``."""
    request.node.stash.setdefault(EXPECTED, {})[field] = expected
    if not_gradable(request, field, expected, body):
        return
    wrong = mismatch(field, expected, kind, body)
    if wrong is not None:
        fail(wrong.what, wrong.expected, wrong.actual, body)


def sent(request: pytest.FixtureRequest, how: str, case: Case) -> None:
    """Note the case as the engine gets it, for ``conformance export``."""
    request.node.stash[SENT] = (how, copy.deepcopy(case))


def check_repeatable(request: pytest.FixtureRequest, decisions: list[Decision]) -> None:
    """Fail CON-DETERMINISTIC, for this scenario, when the decisions differ in a graded field."""
    first = graded(decisions[0])
    for again in decisions[1:]:
        if graded(again) != first:
            # The plugin counts a scenario against every clause it is marked with.
            request.node.add_marker(pytest.mark.clause("CON-DETERMINISTIC"))
            fail("CON-DETERMINISTIC: the same case decided again", first, graded(again), again)


def check_held_to_its_case(
    request: pytest.FixtureRequest, pack: Pack, case: Case, decision: Decision
) -> None:
    """Fail CON-POLICY or CON-ECHO-ID, for this scenario, when the decision names another
    policy or version than its case's, or does not echo the case id.
    """
    policy = pack_named(pack.policy_of_requests)
    named = {"id": policy.id, "version": policy.version}
    if not_gradable(request, "policy", named, decision):
        named = decision["policy"]  # the interface cannot say it: held to what was said
    not_gradable(request, "case_id", case["case_id"], decision)  # noted when not carried
    broken = held_to_its_case(case, decision, named)
    if broken is not None:
        clause, wrong = broken
        # The plugin counts a scenario against every clause it is marked with.
        request.node.add_marker(pytest.mark.clause(clause))
        fail(wrong.what, wrong.expected, wrong.actual, decision)


@when("the engine decides the request", target_fixture="decision")
def _(engine: CheckedEngine, case: Case, pack: Pack, request: pytest.FixtureRequest) -> Decision:
    sent(request, "decide", case)
    decision = engine.decide(case)
    shuffled = reordered(case)
    shuffled["case_id"] = repeat_case_id(case["case_id"])
    check_repeatable(request, [decision, engine.decide(case), engine.decide(shuffled)])
    check_held_to_its_case(request, pack, case, decision)
    return decision


@then(parsers.parse("the request is {outcome}"))
def _(decision: Decision, outcome: str, request: pytest.FixtureRequest) -> None:
    expect(request, "outcome", term(OUTCOMES, outcome, "outcome"), "decision", decision)


@then(parsers.parse("the determination is {determination}"))
def _(decision: Decision, determination: str, request: pytest.FixtureRequest) -> None:
    expected = term(DETERMINATIONS, determination, "determination")
    expect(request, "determination", expected, "decision", decision)


@then("no determination is made")
def _(decision: Decision, request: pytest.FixtureRequest) -> None:
    expect(request, "determination", None, "decision", decision)


@then(parsers.re(r"the decision rests on clauses? (?P<clauses>.+)"))
def _(decision: Decision, clauses: str, request: pytest.FixtureRequest) -> None:
    expect(request, "clauses", sorted(phrase_list(clauses)), "decision", decision)


@then(parsers.parse("the missing facts are {facts}"))
def _(decision: Decision, facts: str, pack: Pack, request: pytest.FixtureRequest) -> None:
    words = missing_fact_phrases(pack_named(pack.policy_of_requests))
    expected = sorted(term(words, f, f"missing fact of {pack.id}") for f in phrase_list(facts))
    expect(request, "missing_facts", expected, "decision", decision)
