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
    DRUG_NAME,
    MISSING_FACT_ORDER,
    ClauseResult,
    Facts,
    codes_valid_on,
    compendia_clause,
    dated_codes,
    fda_label_clause,
    in_catalogue_order,
    read_facts,
    rr_ball_clause,
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
    if case["drug"]["name"] != DRUG_NAME:
        return _not_applicable(
            case, ["INO-CODES"], f"The policy governs {DRUG_NAME} only, not this drug."
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
    results: dict[str, ClauseResult] = {
        "INO-RR-BALL": rr_ball_clause(facts),
        "INO-FDA-LABEL": fda_label_clause(facts),
        "INO-COMPENDIA": compendia_clause(facts),
    }
    met = [clause for clause, result in results.items() if result.value is True]
    if met:
        words = " and ".join(_ROUTE_WORDS[clause] for clause in met)
        return _decision(
            case,
            "covered",
            met,
            f"Medically necessary for {words}.",
            determination="medically-necessary",
        )
    if all(result.value is False for result in results.values()):
        return _not_covered(case, facts)
    missing = set().union(*(r.missing for r in results.values() if r.value is None))
    named = [fact for fact in MISSING_FACT_ORDER if fact in missing]
    because = "The request does not settle " + ", ".join(named) + "."
    if facts.status_conflict and "disease-status" in missing:
        because += " The ALL diagnosis code contradicts the stated disease status."
    return _decision(case, "pended", ["INO-RECORDS"], because, missing_facts=named)


def _not_covered(case: Mapping[str, Any], facts: Facts) -> dict[str, Any]:
    """Reading nmn-or-investigational: one determination, the more specific."""
    if facts.cancer is False:
        return _decision(
            case,
            "not-covered",
            ["INO-INV-NONCANCER", "INO-NOT-MET"],
            "Investigational: the drug is not requested to treat a cancer.",
            determination="investigational",
        )
    if facts.cancer is True and facts.within_label is True and facts.benefit is False:
        # Policy Guidelines forbid calling a labeled cancer use investigational.
        return _decision(
            case,
            "not-covered",
            ["INO-NOT-MET"],
            "Not medically necessary: the use is within FDA labeling but its clinical benefit "
            "is not established.",
            determination="not-medically-necessary",
        )
    return _decision(
        case,
        "not-covered",
        ["INO-INV-UNSUPPORTED", "INO-NOT-MET"],
        "Investigational: the use meets neither the primary indication, FDA labeling with "
        "established benefit, nor strong compendia support.",
        determination="investigational",
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
