"""The harness checks both directions at the adapter boundary, with exact schema paths."""

from __future__ import annotations

import json
from typing import Any

import pytest

from policy_conformance import contract
from policy_conformance.adapters import from_function
from policy_conformance.boundary import CheckedEngine, ContractViolation
from policy_conformance.errors import KitError

CASE = json.loads((contract.SCHEMA_DIR / "examples" / "case-primary-indication.json").read_text())
DECISION = json.loads((contract.SCHEMA_DIR / "examples" / "decision-covered.json").read_text())


def engine_answering(reply: dict[str, Any]) -> CheckedEngine:
    return CheckedEngine(from_function(lambda case: reply, name="fake"))


def test_a_conforming_decision_passes_through() -> None:
    assert engine_answering(DECISION).decide(CASE) == DECISION


def test_a_decision_that_breaks_the_contract_fails_with_the_schema_path() -> None:
    broken = {**DECISION, "outcome": "approved"}
    with pytest.raises(ContractViolation) as caught:
        engine_answering(broken).decide(CASE)
    message = str(caught.value)
    assert "python:fake answered case 'example-0001' with a decision that breaks" in message
    assert "at /outcome: 'approved' is not one of" in message


def test_a_rejection_of_a_well_formed_case_fails() -> None:
    rejection = {"errors": [{"message": "no"}]}
    with pytest.raises(ContractViolation, match="rejected a well-formed case"):
        engine_answering(rejection).decide(CASE)


def test_a_rejection_that_breaks_its_schema_fails() -> None:
    with pytest.raises(ContractViolation, match="at /errors: \\[\\] should be non-empty"):
        engine_answering({"errors": []}).send({**CASE, "case_id": ""}, malformed=True)


def test_the_kit_never_sends_a_case_it_built_wrongly() -> None:
    calls: list[object] = []
    engine = CheckedEngine(from_function(lambda case: calls.append(case) or DECISION))
    with pytest.raises(KitError, match="the kit built a case that breaks the contract"):
        engine.decide({**CASE, "date_of_service": "15/06/2020"})
    assert calls == []


def test_a_case_meant_to_be_malformed_must_really_be_malformed() -> None:
    with pytest.raises(KitError, match="meant to be malformed conforms"):
        engine_answering({"errors": [{"message": "x"}]}).send(CASE, malformed=True)
