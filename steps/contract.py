"""Steps for the contract features: echoed ids, conforming replies, rejections, repeatability."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from policy_conformance import contract
from policy_conformance.boundary import CheckedEngine, Reply
from policy_conformance.errors import KitError
from policy_conformance.packs import Pack, clause_index, load_packs, pack_named

from .decisions import again, check_repeatable, decide_all, expect, fail, send_all, sent

Case = dict[str, Any]
Decision = dict[str, Any]


def _malform(case: Case, defect: str) -> None:
    match defect:
        case "no date of service":
            del case["date_of_service"]
        case "an impossible date of service":
            case["date_of_service"] = "2021-02-30"
        case "an unknown field":
            case["priority"] = "urgent"
        case "zero billing units":
            case["drug"]["units"] = 0
        case "billing units written as text":
            case["drug"]["units"] = "9"
        case "a diagnosis code that is not ICD-10-CM":
            case["diagnosis_codes"] = ["ALL-relapsed"]
        case "a date of service in the year 0":
            case["date_of_service"] = "0000-06-15"
        case "a birth date before 1900":
            case["member"]["birth_date"] = "1899-12-31"
        case "a date of service after 2199":
            case["date_of_service"] = "2200-01-01"
        case "an ALL code beside another disease":
            case["diagnosis_codes"] = ["C91.02"]
            case["clinical"]["disease"] = "lymphoblastic-lymphoma"
        case "ALL said not to be a cancer":
            case["diagnosis_codes"] = ["C91.02"]
            case["clinical"]["cancer"] = False
        case "ALL without an ALL diagnosis code":
            case["clinical"]["disease"] = "acute-lymphoblastic-leukemia"
            case["diagnosis_codes"] = ["C83.50"]
        case "an unknown compendium rating":
            case.setdefault("evidence", {})["compendia"] = [{"compendium": "nccn", "rating": "IIa"}]
        case _:
            raise KitError(f"unknown defect {defect!r} in a contract feature")


@given(parsers.parse('the request\'s case id is "{value}"'))
def _(case: Case, value: str) -> None:
    case["case_id"] = value


@given(parsers.parse("the request is malformed by {defect}"))
def _(case: Case, defect: str) -> None:
    _malform(case, defect.strip())


@when("the engine is sent the malformed request", target_fixture="reply")
def _(engine: CheckedEngine, case: Case, request: pytest.FixtureRequest) -> Reply:
    sent(request, "malformed", case)
    return send_all(request, engine, [case, *again(case)], malformed=True)


@when("the engine is sent the request", target_fixture="reply")
def _(engine: CheckedEngine, case: Case, request: pytest.FixtureRequest) -> Reply:
    sent(request, "send", case)
    return send_all(request, engine, [case, *again(case)], malformed=False)


@when("the engine decides the request five times", target_fixture="decisions")
def _(
    engine: CheckedEngine, case: Case, pack: Pack, request: pytest.FixtureRequest
) -> list[Decision]:
    return decide_all(request, engine, pack, [case] * 5 + again(case)[1:])[:5]


@when(
    parsers.parse('the engine decides the request, then the same request with case id "{other}"'),
    target_fixture="decisions",
)
def _(
    engine: CheckedEngine, case: Case, other: str, pack: Pack, request: pytest.FixtureRequest
) -> list[Decision]:
    second = json.loads(json.dumps(case))
    second["case_id"] = other
    return decide_all(request, engine, pack, [case, second])


@then("the decision echoes the request's case id")
def _(decision: Decision, case: Case, request: pytest.FixtureRequest) -> None:
    expect(request, "case_id", case["case_id"], "decision", decision)


@then(parsers.parse('the decisions echo "{first}" and "{second}" in turn'))
def _(
    decisions: list[Decision], case: Case, first: str, second: str, request: pytest.FixtureRequest
) -> None:
    expected = [case["case_id"] if first == "the request's case id" else first, second]
    for want, decision in zip(expected, decisions, strict=True):
        if decision["case_id"] != want:
            fail(request, "case id", want, decision["case_id"], decision, field="case_id")


@then("the decision conforms to the contract")
def _(decision: Decision, request: pytest.FixtureRequest) -> None:
    # Noted for the corpus, whose replay checks every answer against the contract at the boundary.
    expect(request, "reply", "decision", "decision", decision)
    problems = contract.violations("decision", decision)
    if problems:
        fail(request, "contract violations", [], [str(p) for p in problems], decision)


@then("the decision names the request's policy and the version the pack encodes")
def _(decision: Decision, case: Case, request: pytest.FixtureRequest) -> None:
    # The request's policy is a fact of its fixture; the version is the one its pack encodes.
    policy = pack_named(case["policy_id"])
    expected = {"id": policy.id, "version": policy.version}
    expect(request, "policy", expected, "decision", decision)


@then("every clause the decision cites is in the policy's catalogue")
def _(decision: Decision, request: pytest.FixtureRequest) -> None:
    known = sorted(clause_index(load_packs()))
    expect(request, "clauses_within", known, "decision", decision)


@then("the engine rejects the request")
def _(reply: Reply, request: pytest.FixtureRequest) -> None:
    expect(request, "reply", "rejection", reply.kind, reply.body)


@then("the engine answers with a decision, not a rejection")
def _(reply: Reply, request: pytest.FixtureRequest) -> None:
    expect(request, "reply", "decision", reply.kind, reply.body)


@then("the decisions are the same")
def _(decisions: list[Decision], request: pytest.FixtureRequest) -> None:
    check_repeatable(request, decisions)
