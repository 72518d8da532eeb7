"""When and Then steps: the engine decides, and its decision is checked against the feature.

Every expectation is written literally in the feature; nothing here computes what the answer
should be. Every graded field is checked exactly: the outcome, the determination or its absence,
the whole set of clauses cited and the whole set of missing facts.

Every case is also sent twice more, once as it is and once with its keys in reverse order under
another case id. Every answer is graded: a decision that does not echo the case id it was sent
with fails CON-ECHO-ID, one that names another policy, or another version of it, fails CON-POLICY,
and one that differs from the first in a graded field fails CON-DETERMINISTIC, whatever the
scenario.

A wrong field does not end the scenario: every step still grades its own, and the scenario's last
step fails with every mismatch found, each with the answer it was found in (see
:class:`~policy_conformance.grading.Grade`); the report shows the first answer that was wrong.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterable
from typing import Any

import pytest
from pytest_bdd import parsers, then, when

from policy_conformance.boundary import CheckedEngine, Reply
from policy_conformance.carried import not_gradable
from policy_conformance.corpus import EXPECTED, SENT
from policy_conformance.grading import (
    Answer,
    Grade,
    Mismatch,
    answers_breaches,
    mismatch,
    reordered,
    repeat_breaches,
    repeat_case_id,
)
from policy_conformance.outcomes import GRADE
from policy_conformance.packs import Pack, pack_named

from .language import DETERMINATIONS, OUTCOMES, missing_fact_phrases, phrase_list, term

Case = dict[str, Any]
Decision = dict[str, Any]

#: Whether the step running is its scenario's last, where the scenario fails if anything was wrong.
_LAST_STEP = pytest.StashKey[bool]()


def grade_of(request: pytest.FixtureRequest) -> Grade:
    """The scenario's answers and mismatches so far."""
    grade: Grade = request.node.stash.setdefault(GRADE, Grade())
    return grade


def note(request: pytest.FixtureRequest, found: Iterable[Mismatch]) -> None:
    """Keep mismatches; on the scenario's last step, fail with every one kept."""
    grade = grade_of(request)
    for wrong in found:
        grade.mismatches.append(wrong)
        if wrong.clause and wrong.clause not in {
            m.args[0] for m in request.node.iter_markers("clause")
        }:
            # The plugin counts a scenario against every clause it is marked with.
            request.node.add_marker(pytest.mark.clause(wrong.clause))
    settle(request)


def settle(request: pytest.FixtureRequest) -> None:
    """Fail the scenario, on its last step, with every mismatch found in it."""
    grade = grade_of(request)
    if grade.mismatches and not grade.raised and request.node.stash.get(_LAST_STEP, True):
        grade.raised = True
        raise AssertionError(grade.message())


def fail(
    request: pytest.FixtureRequest,
    what: str,
    expected: object,
    actual: object,
    body: Decision,
    *,
    field: str = "",
) -> None:
    """Note a wrong value of one of the scenario's answers (the scenario fails at its end)."""
    answer = _number(grade_of(request), body)
    note(request, [Mismatch(what, expected, actual, field or what, None, answer)])


def _number(grade: Grade, body: Decision) -> int:
    """Which of the scenario's answers ``body`` is (the latest when it is not one of them)."""
    for number, answer in enumerate(grade.answers, 1):
        if answer.body is body:
            return number
    return max(len(grade.answers), 1)


def expect(
    request: pytest.FixtureRequest, field: str, expected: Any, kind: str, body: Decision
) -> None:
    """Grade one field of the answer, and note the expectation for ``conformance export``."""
    request.node.stash.setdefault(EXPECTED, {})[field] = expected
    if not_gradable(request, field, expected, body):
        settle(request)
        return
    wrong = mismatch(field, expected, kind, body)
    if wrong is None:
        settle(request)
        return
    answer = _number(grade_of(request), body)
    note(request, [Mismatch(wrong.what, wrong.expected, wrong.actual, field, None, answer)])


def sent(request: pytest.FixtureRequest, how: str, case: Case) -> None:
    """Note the case as the engine gets it, for ``conformance export``."""
    request.node.stash[SENT] = (how, copy.deepcopy(case))


def again(case: Case) -> list[Case]:
    """The case as it is sent twice more: as it is, and reordered under another case id."""
    shuffled = reordered(case)
    if isinstance(case.get("case_id"), str):
        shuffled["case_id"] = repeat_case_id(case["case_id"])
    return [case, shuffled]


def keep(request: pytest.FixtureRequest, case: Case, reply: Reply) -> None:
    """Keep one answer of the scenario, in the order it was sent."""
    grade_of(request).answers.append(Answer(case, reply.kind, reply.body))


def decide_all(
    request: pytest.FixtureRequest, engine: CheckedEngine, pack: Pack | None, cases: list[Case]
) -> list[Decision]:
    """Have the engine decide each case, then grade every answer against the contract.

    A rejection of a well-formed case, or an answer that breaks the schema, fails at once (there
    is no decision to grade). ``pack`` names the policy a decision must name; None checks the
    case ids and repeatability only.
    """
    decisions = []
    for case in cases:
        decision = engine.decide(case)
        keep(request, case, Reply("decision", decision))
        decisions.append(decision)
    policy = None
    if pack is not None:
        named = pack_named(pack.policy_of_requests)
        policy = {"id": named.id, "version": named.version}
        if decisions and not_gradable(request, "policy", policy, decisions[0]):
            policy = None  # the interface cannot say it: case ids and repeatability only
    if decisions:
        not_gradable(request, "case_id", cases[0].get("case_id"), decisions[0])  # noted if not said
    first = len(grade_of(request).answers) - len(cases)
    answers = grade_of(request).answers[first:]
    found = answers_breaches(answers, policy)
    note(request, [_renumbered(m, first) for m in found])
    return decisions


def send_all(
    request: pytest.FixtureRequest, engine: CheckedEngine, cases: list[Case], *, malformed: bool
) -> Reply:
    """Send each case as it is (a rejection is an answer here); grade every answer against the
    contract (case ids echoed, the same kind of reply each time), and return the first."""
    replies = []
    for case in cases:
        reply = engine.send(case, malformed=malformed)
        keep(request, case, reply)
        replies.append(reply)
    answers = grade_of(request).answers[-len(cases) :]
    note(request, answers_breaches(answers, None))
    return replies[0]


def _renumbered(found: Mismatch, offset: int) -> Mismatch:
    if not offset:
        return found
    return Mismatch(
        found.what, found.expected, found.actual, found.field, found.clause, found.answer + offset
    )


def check_repeatable(request: pytest.FixtureRequest, decisions: list[Decision]) -> None:
    """Fail CON-DETERMINISTIC, for this scenario, when the decisions differ in a graded field."""
    grade = grade_of(request)
    found = []
    for later in decisions[1:]:
        found += repeat_breaches(decisions[0], later, _number(grade, later))
    note(request, found)


def pytest_bdd_before_step(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, step_func: Any
) -> None:
    """Note whether the step about to run is the scenario's last."""
    request.node.stash[_LAST_STEP] = step is scenario.steps[-1]


def pytest_bdd_after_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    """Fail a scenario whose last step graded nothing but which had a mismatch before it."""
    grade = request.node.stash.get(GRADE, None)
    if sys.exc_info()[1] is None and grade is not None:
        request.node.stash[_LAST_STEP] = True
        settle(request)


@when("the engine decides the request", target_fixture="decision")
def _(engine: CheckedEngine, case: Case, pack: Pack, request: pytest.FixtureRequest) -> Decision:
    sent(request, "decide", case)
    return decide_all(request, engine, pack, [case, *again(case)])[0]


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
