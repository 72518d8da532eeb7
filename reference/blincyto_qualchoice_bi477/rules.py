"""The QualChoice Blincyto (Blinatumomab) criteria as the pack's catalogue reads them.

A verdict is a function of complete facts (:func:`verdict`); a :class:`Reading` holds each fact a
case states as the tuple of values it may still take, and :func:`outside` says which clauses put
a request outside the policy. :mod:`policy_conformance.reference.completions` settles the
decision over every completion of what the case leaves unstated.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from policy_conformance.reference.completions import Verdict

__all__ = [
    "ALL_CODES",
    "CLAUSE_ORDER",
    "DRUG_NAMES",
    "MISSING_FACT_ORDER",
    "POLICY_CODE",
    "REVISION_DATE",
    "Reading",
    "outside",
    "verdict",
]

#: The catalogue's clause order. Kept here rather than read from features/ because the reference
#: must stand alone; a unit test holds it to the catalogue.
CLAUSE_ORDER: Final = (
    "QC-EFFECTIVE",
    "QC-PRIOR-AUTH",
    "QC-PH-NEG-RR",
    "QC-PH-POS-TKI",
    "QC-NOT-MET",
    "QC-CODES",
)

#: The order of the pack's missing facts, as its facts schema lists them.
MISSING_FACT_ORDER: Final = (
    "lineage",
    "disease-status",
    "philadelphia-chromosome",
    "tki-refractory",
)

#: QC-EFFECTIVE: the first date of service the revised policy governs (reading
#: before-the-revision-date).
REVISION_DATE: Final = date(2016, 1, 1)

#: Reading drug-and-code: the generic and the brand name, and the one code the policy lists.
DRUG_NAMES: Final = frozenset({"blinatumomab", "blincyto"})
POLICY_CODE: Final = "J9039"

#: Reading icd-status-conflict, as in the Inotuzumab pack: the statuses each ALL code agrees
#: with. Refractory disease has not achieved remission, hence C91.00.
ALL_CODES: Final[Mapping[str, frozenset[str]]] = {
    "C91.00": frozenset({"newly-diagnosed", "refractory"}),
    "C91.01": frozenset({"in-remission"}),
    "C91.02": frozenset({"relapsed"}),
}

_RELAPSED_OR_REFRACTORY: Final = frozenset({"relapsed", "refractory"})
_BOTH: Final = (False, True)
_PH_STATUSES: Final = ("negative", "positive")


def outside(case: Mapping[str, Any]) -> list[str]:
    """The clauses that put a request outside the policy, in catalogue order; empty if none.

    Reading outside-citations: every clause that puts it outside is cited, each on its own test.
    """
    clauses = []
    if date.fromisoformat(case["date_of_service"]) < REVISION_DATE:
        clauses.append("QC-EFFECTIVE")
    drug = case["drug"]
    if drug["name"] not in DRUG_NAMES or POLICY_CODE not in drug["hcpcs_codes"]:
        clauses.append("QC-CODES")
    return clauses


class Reading:
    """What a case states, read for the criteria: the ALL flag and each open fact's values."""

    def __init__(self, case: Mapping[str, Any]) -> None:
        clinical: Mapping[str, Any] = case["clinical"]
        codes: list[str] = case["diagnosis_codes"]
        #: Reading all-by-its-code: the disease is ALL exactly when an ALL code is on the request.
        self.is_all = any(code in ALL_CODES for code in codes)
        status = clinical.get("disease_status")
        statuses: set[str] = set()
        #: The status was stated but an ALL diagnosis code contradicts it.
        self.status_conflict = False
        if status is not None:
            statuses.add(status)
            # Reading icd-status-conflict: each contradicting code adds the statuses it agrees
            # with; a code never supplies a status the request leaves out.
            for code in codes:
                agreeing = ALL_CODES.get(code)
                if agreeing is not None and status not in agreeing:
                    self.status_conflict = True
                    statuses |= agreeing
        lineage = clinical.get("lineage")
        ph = clinical.get("philadelphia_chromosome")
        tki = clinical.get("tki_refractory")
        #: Each missing-fact name with the values it may still take, in the pack's order.
        self.facts: dict[str, tuple[Any, ...]] = {
            "lineage": _BOTH if lineage is None else (lineage == "b-cell-precursor",),
            "disease-status": (
                _BOTH
                if status is None
                else tuple(sorted({s in _RELAPSED_OR_REFRACTORY for s in statuses}))
            ),
            "philadelphia-chromosome": _PH_STATUSES if ph is None else (ph,),
            # Reading tki-refractory-stated: only the request's own statement counts.
            "tki-refractory": _BOTH if tki is None else (tki,),
        }


def verdict(is_all: bool, facts: Mapping[str, Any]) -> Verdict:
    """The decision complete facts make, with every clause it rests on."""
    b_cell_precursor = is_all and facts["lineage"]
    ph = facts["philadelphia-chromosome"]
    routes = {
        "QC-PH-NEG-RR": b_cell_precursor and ph == "negative" and facts["disease-status"],
        # Reading ph-positive-disease: Philadelphia chromosome-positive B-cell precursor ALL,
        # whatever its stated status.
        "QC-PH-POS-TKI": b_cell_precursor and ph == "positive" and facts["tki-refractory"],
    }
    met = frozenset(clause for clause, holds in routes.items() if holds)
    if met:
        return Verdict("covered", "medically-necessary", met)
    # Reading not-met-determination: the policy has no investigational wording.
    return Verdict("not-covered", "not-medically-necessary", frozenset({"QC-NOT-MET"}))
