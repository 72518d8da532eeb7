"""Reference engine for the BCBS North Dakota Blinatumomab (Blincyto) policy, version B.

``decide(case)`` decides a case that already conforms to the contract and names this policy (the
kit's dispatcher rejects malformed cases and routes by policy id). The criteria live in
:mod:`.rules`; this module checks that the policy governs the request and words the decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any, Final

from policy_conformance.reference import completions

from .rules import (
    CLAUSE_ORDER,
    DRUG_NAMES,
    HCPCS_CODES,
    in_catalogue_order,
    judge,
    status_conflict,
)

__all__ = ["CLAUSE_ORDER", "POLICY", "decide"]

#: Version B of the stored page shows no effective date, so the version says so rather than
#: inventing one (the catalogue explains).
POLICY: Final = {"id": "blincyto_bcbsnd", "version": "B-undated"}

#: How a covered decision names each route, for the rationale.
_ROUTE_WORDS: Final[Mapping[str, str]] = {
    "BND-RR-BALL": "relapsed or refractory CD19-positive B-cell precursor ALL",
    "BND-MRD": "CD19-positive B-cell precursor ALL in first or second complete remission "
    "with minimal residual disease of 0.1% or more",
    "BND-CONSOLIDATION": "CD19-positive Philadelphia chromosome-negative B-cell precursor ALL "
    "in the consolidation phase of multiphase chemotherapy",
    "BND-COMPENDIA": "a use NCCN rates category 1, 2A or 2B",
}

#: The limits a not-covered decision may also cite, for the rationale.
_LIMIT_WORDS: Final[Mapping[str, str]] = {
    "BND-AGE": " The member is younger than one month, below the listed indications' age floor.",
    "BND-DX-CODES": " No diagnosis on the request is a covered diagnosis code for J9039.",
}


def decide(case: Mapping[str, Any]) -> dict[str, Any]:
    """Decide one conforming case under the policy."""
    if case["drug"]["name"] not in DRUG_NAMES:
        return _decision(
            case, "not-applicable", ["BND-CODES"], "The policy governs blinatumomab only."
        )
    if not set(case["drug"]["hcpcs_codes"]) & HCPCS_CODES:
        return _decision(
            case,
            "not-applicable",
            ["BND-CODES"],
            "The policy governs blinatumomab billed as J9039.",
        )
    judgement = judge(case)
    settled = judgement.verdict
    if settled is None:
        named = list(judgement.missing)
        because = "The request does not settle " + ", ".join(named) + "."
        if "disease-status" in named and status_conflict(case):
            because += " An ALL diagnosis code contradicts the stated disease status."
        return _decision(case, "pended", ["BND-RECORDS"], because, missing_facts=named)
    if settled.outcome == "covered":
        routes = " and ".join(_ROUTE_WORDS[c] for c in in_catalogue_order(settled.clauses))
        because = f"Medically necessary for {routes}."
    else:
        because = "Investigational: the use is not one the policy lists." + "".join(
            _LIMIT_WORDS[c] for c in in_catalogue_order(settled.clauses) if c in _LIMIT_WORDS
        )
    return _decision(
        case,
        settled.outcome,
        list(settled.clauses),
        because,
        determination=settled.determination,
    )


#: A decision under this policy, its clauses in the catalogue's order.
_decision = partial(completions.decision, POLICY, CLAUSE_ORDER)
