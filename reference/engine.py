"""Decide one case under the Inotuzumab (Besponsa) policy: reject, check applicability, evaluate.

``decide(case) -> dict`` answers with a decision or a rejection, as plain JSON data, and never
raises. The criteria themselves live in :mod:`reference.rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from policy_conformance.contract import CONTRACT_VERSION, violations

from .rules import (
    DRUG_NAMES,
    Facts,
    codes_valid_on,
    dated_codes,
    in_catalogue_order,
    judge,
    read_facts,
)

__all__ = ["ReferenceEngine", "decide", "metadata"]

POLICY_ID: Final = "inotuzumab_besponsa"
POLICY_VERSION: Final = "2020-11"

#: How a covered decision names each route to coverage, for the rationale.
_ROUTE_WORDS: Final[Mapping[str, str]] = {
    "INO-RR-BALL": "relapsed or refractory B-cell precursor ALL",
    "INO-FDA-LABEL": "a cancer use within FDA labeling with established clinical benefit",
    "INO-COMPENDIA": "a cancer use strongly supported by a recognised compendium",
}


#: Why a request is not covered, by determination, for the rationale.
_NOT_COVERED_WORDS: Final[Mapping[str, str]] = {
    "investigational": "Investigational: the use is not for a cancer, or no coverage route "
    "supports it.",
    "not-medically-necessary": "Not medically necessary: the use is within FDA labeling but "
    "its clinical benefit is not established.",
}


def metadata() -> dict[str, Any]:
    """What the reference engine says about itself."""
    return {
        "name": "policy-conformance reference engine",
        "version": "0.1.0",
        "contract_version": CONTRACT_VERSION,
        "policies": [POLICY_ID],
    }


def decide(case: Any) -> dict[str, Any]:
    """Answer one case with a decision, or with a rejection when the case breaks the contract."""
    rejection = _reject(case)
    if rejection is not None:
        return rejection
    if case["policy_id"] != POLICY_ID:
        return _not_applicable(case, ["INO-CODES"], f"This engine decides only {POLICY_ID}.")
    if case["drug"]["name"] not in DRUG_NAMES:
        return _not_applicable(
            case, ["INO-CODES"], "The policy governs inotuzumab ozogamicin only, not this drug."
        )
    day = date.fromisoformat(case["date_of_service"])
    billed = set(case["drug"]["hcpcs_codes"])
    if not billed & codes_valid_on(day):
        # Reading code-not-valid-on-date: a dated code out of its window is no code of the policy.
        cited = ["INO-CODES", "INO-CODE-DATES"] if billed & dated_codes() else ["INO-CODES"]
        return _not_applicable(
            case, cited, "None of the billed codes is one of the policy's codes on that date."
        )
    return _evaluate(case, read_facts(case))


class ReferenceEngine:
    """The reference engine as an object, for adapters that want ``decide`` and ``metadata``."""

    def metadata(self) -> dict[str, Any]:
        return metadata()

    def decide(self, case: Any) -> dict[str, Any]:
        return decide(case)


def _reject(case: Any) -> dict[str, Any] | None:
    try:
        problems = [{"path": v.path, "message": v.message} for v in violations("case", case)]
    except Exception as exc:
        # The schema library is built for JSON values; something JSON cannot carry (or nests too
        # deep to describe) is malformed by definition, and the promise is never to raise.
        problems = [{"path": "", "message": f"the case cannot be read as JSON data: {exc!r}"}]
    if not problems:
        return None
    rejection: dict[str, Any] = {"errors": problems}
    if isinstance(case, dict):
        case_id = case.get("case_id")
        if isinstance(case_id, str) and case_id:
            rejection = {"case_id": case_id, **rejection}
    return rejection


def _evaluate(case: Mapping[str, Any], facts: Facts) -> dict[str, Any]:
    judgement = judge(facts)
    settled = judgement.verdict
    if settled is None:
        named = list(judgement.missing)
        because = "The request does not settle " + ", ".join(named) + "."
        if facts.status_conflict and "disease-status" in named:
            because += " An ALL diagnosis code contradicts the stated disease status."
        return _decision(case, "pended", ["INO-RECORDS"], because, missing_facts=named)
    if settled.outcome == "covered":
        words = " and ".join(_ROUTE_WORDS[clause] for clause in in_catalogue_order(settled.clauses))
        because = f"Medically necessary for {words}."
    else:
        because = _NOT_COVERED_WORDS[settled.determination]
    return _decision(
        case,
        settled.outcome,
        list(settled.clauses),
        because,
        determination=settled.determination,
    )


def _not_applicable(case: Mapping[str, Any], clauses: list[str], because: str) -> dict[str, Any]:
    return _decision(case, "not-applicable", clauses, because)


def _decision(
    case: Mapping[str, Any],
    outcome: str,
    clauses: list[str],
    rationale: str,
    *,
    determination: str | None = None,
    missing_facts: list[str] | None = None,
) -> dict[str, Any]:
    decision: dict[str, Any] = {
        "case_id": case["case_id"],
        "policy": {"id": POLICY_ID, "version": POLICY_VERSION},
        "outcome": outcome,
    }
    if determination is not None:
        decision["determination"] = determination
    decision["clauses"] = in_catalogue_order(clauses)
    if missing_facts is not None:
        decision["missing_facts"] = missing_facts
    decision["rationale"] = rationale
    return decision
