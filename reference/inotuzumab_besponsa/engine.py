"""Decide one well-formed case under the Inotuzumab (Besponsa) policy: applicability, then criteria.

``decide(case) -> dict`` answers a case that conforms to the contract (the reference's dispatcher
rejects the others) with a decision, as plain JSON data. The criteria live in :mod:`.rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import partial
from typing import Any, Final

from policy_conformance.reference import completions

from .rules import (
    CLAUSE_ORDER,
    DRUG_NAMES,
    POLICY_ID,
    Facts,
    codes_valid_on,
    dated_codes,
    in_catalogue_order,
    judge,
    read_facts,
)

__all__ = ["POLICY", "decide"]

POLICY_VERSION: Final = "2020-11"
#: The policy this engine decides, as its decisions name it.
POLICY: Final[Mapping[str, str]] = {"id": POLICY_ID, "version": POLICY_VERSION}

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


def decide(case: Mapping[str, Any]) -> dict[str, Any]:
    """Decide one case that conforms to the contract for this policy."""
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


#: A decision under this policy, its clauses in the catalogue's order.
_decision = partial(completions.decision, POLICY, CLAUSE_ORDER)
