"""Reference engine for the QualChoice Blincyto (Blinatumomab) policy BI477, revised 01/2016.

``decide(case)`` decides a case that already conforms to the contract and to the pack's facts
schema (the dispatcher rejects any other): outside the policy by date, drug or code; otherwise
covered, not covered or pended, settled over every completion of what the case leaves unstated.
The criteria live in :mod:`.rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any, Final

from policy_conformance.reference import completions
from policy_conformance.reference.completions import in_order, judge

from .rules import CLAUSE_ORDER, MISSING_FACT_ORDER, Reading, outside, verdict

__all__ = ["CLAUSE_ORDER", "MISSING_FACT_ORDER", "POLICY", "decide"]

POLICY: Final = {"id": "blincyto_qualchoice_bi477", "version": "2016-01"}

#: How a covered decision names the criterion it meets, for the rationale.
_ROUTE_WORDS: Final[Mapping[str, str]] = {
    "QC-PH-NEG-RR": "Philadelphia chromosome-negative relapsed or refractory B-cell precursor ALL",
    "QC-PH-POS-TKI": "Philadelphia chromosome-positive B-cell precursor ALL refractory to TKI "
    "therapy",
}

#: Why a request is outside the policy, by clause, for the rationale.
_OUTSIDE_WORDS: Final[Mapping[str, str]] = {
    "QC-EFFECTIVE": "The service is before the revision date of 2016-01-01; customer service "
    "gives the rules that apply.",
    "QC-CODES": "The policy governs blinatumomab billed under J9039 only.",
}


def decide(case: Mapping[str, Any]) -> dict[str, Any]:
    """Decide one well-formed case under the policy."""
    cited = outside(case)
    if cited:
        because = " ".join(_OUTSIDE_WORDS[clause] for clause in cited)
        return _decision(case, "not-applicable", cited, because)
    reading = Reading(case)
    judgement = judge(
        reading.facts, lambda facts: verdict(reading.is_all, facts), MISSING_FACT_ORDER
    )
    settled = judgement.verdict
    if settled is None:
        named = list(judgement.missing)
        because = "Prior authorization needs " + ", ".join(named) + " to decide the request."
        if reading.status_conflict and "disease-status" in named:
            because += " An ALL diagnosis code contradicts the stated disease status."
        return _decision(case, "pended", ["QC-PRIOR-AUTH"], because, missing_facts=named)
    if settled.outcome == "covered":
        words = " and ".join(_ROUTE_WORDS[c] for c in in_order(settled.clauses, CLAUSE_ORDER))
        because = f"Medically necessary for {words}."
    else:
        because = "Not medically necessary: the request meets neither criterion of the policy."
    return _decision(case, settled.outcome, list(settled.clauses), because, settled.determination)


#: A decision under this policy, its clauses in the catalogue's order.
_decision = partial(completions.decision, POLICY, CLAUSE_ORDER)
