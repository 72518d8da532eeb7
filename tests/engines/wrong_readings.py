"""Engines that each break one written reading of a corner, to prove the corner's scenarios bite.

Each reads its case the wrong way in one respect and then decides as the reference would: a
cancer flag taken from a lymphoma's code, FDA labeling taken as absent beside a weak listing, a
disease status taken from the ALL code, only the first of several ALL codes read, a member born
after the date of service rejected, the minimal residual disease indication without its lineage
or ALL-code conditions, a single listed or dated code forgotten. ``WRONG`` names each engine's
pack; every one must fail at least two scenarios of it (``tests/test_wrong_readings.py``).
Malformed cases are rejected as the reference rejects them, so each is wrong in one way only.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any, Final

from policy_conformance.reference import engine as reference
from policy_conformance.reference.blincyto_bcbsnd import decide as bcbsnd_decide
from policy_conformance.reference.blincyto_qualchoice_bi477 import decide as qualchoice_decide
from policy_conformance.reference.inotuzumab_besponsa import decide as inotuzumab_decide

Case = dict[str, Any]
Decision = dict[str, Any]

INO: Final = "inotuzumab_besponsa"
BND: Final = "blincyto_bcbsnd"
QC: Final = "blincyto_qualchoice_bi477"
_DECIDE: Final[dict[str, Callable[[Case], Decision]]] = {
    INO: inotuzumab_decide,
    BND: bcbsnd_decide,
    QC: qualchoice_decide,
}

#: The status an ALL code would suggest, were a code allowed to supply one.
_SUGGESTED: Final = {"C91.00": "newly-diagnosed", "C91.01": "in-remission", "C91.02": "relapsed"}

metadata = reference.metadata


def _reads(edit: Callable[[Case], None]) -> Callable[[Any], Decision]:
    """An engine that edits a copy of each well-formed case, then decides it as the reference."""

    def decide(case: Any) -> Decision:
        def edited(checked: Any) -> Decision:
            copied: Case = copy.deepcopy(checked)
            edit(copied)
            return _DECIDE[copied["policy_id"]](copied)

        return reference.answer(case, edited)

    return decide


def _cancer_from_code(case: Case) -> None:
    if "cancer" not in case["clinical"] and any(c.startswith("C") for c in case["diagnosis_codes"]):
        case["clinical"]["cancer"] = True


def _labeling_absent_beside_listing(case: Case) -> None:
    evidence = case.get("evidence", {})
    if evidence.get("compendia") and "fda_labeling" not in evidence:
        evidence["fda_labeling"] = {"within_label": False}


def _status_from_code(case: Case) -> None:
    if "disease_status" in case["clinical"]:
        return
    for code in case["diagnosis_codes"]:
        if code in _SUGGESTED:
            case["clinical"]["disease_status"] = _SUGGESTED[code]
            return


def _first_all_code_only(case: Case) -> None:
    first = next((c for c in case["diagnosis_codes"] if c in _SUGGESTED), None)
    case["diagnosis_codes"] = [
        c for c in case["diagnosis_codes"] if c not in _SUGGESTED or c == first
    ]


def _mrd_any_lineage(case: Case) -> None:
    if case["clinical"].get("disease_status") == "in-remission" and "lineage" in case["clinical"]:
        case["clinical"]["lineage"] = "b-cell-precursor"


def _mrd_any_lymphoid_leukemia(case: Case) -> None:
    clinical = case["clinical"]
    if clinical.get("disease") == "other-lymphoid-leukemia" and "mrd_percent" in clinical:
        clinical["disease"] = "acute-lymphoblastic-leukemia"
        case["diagnosis_codes"] = ["C91.01"]


def _forgets(code: str, instead: str) -> Callable[[Case], None]:
    def edit(case: Case) -> None:
        for field in ("diagnosis_codes",):
            case[field] = [instead if c == code else c for c in case[field]]
        case["drug"]["hcpcs_codes"] = [
            instead if c == code else c for c in case["drug"]["hcpcs_codes"]
        ]

    return edit


def _code_valid_in(code: str, year: int) -> Callable[[Case], None]:
    """Takes a dated code as valid through a year it is not valid in (as a listed code)."""

    def edit(case: Case) -> None:
        day = dt.date.fromisoformat(case["date_of_service"])
        if day.year == year and code in case["drug"]["hcpcs_codes"]:
            case["drug"]["hcpcs_codes"] = ["J3490"]

    return edit


def _rejects_unborn(case: Any) -> Decision:
    reply = reference.decide(case)
    born, served = case["member"]["birth_date"], case["date_of_service"]
    if "outcome" in reply and born > served:
        return {
            "case_id": case["case_id"],
            "errors": [{"path": "/member/birth_date", "message": "born after the date of service"}],
        }
    return reply


cancer_from_lymphoma_code = _reads(_cancer_from_code)
labeling_absent_beside_weak_listing = _reads(_labeling_absent_beside_listing)
status_from_all_code = _reads(_status_from_code)
first_all_code_only = _reads(_first_all_code_only)
rejects_unborn = _rejects_unborn
mrd_any_lineage = _reads(_mrd_any_lineage)
mrd_any_lymphoid_leukemia = _reads(_mrd_any_lymphoid_leukemia)
forgets_j3490 = _reads(_forgets("J3490", "J9039"))
forgets_s0353 = _reads(_forgets("S0353", "J9039"))
forgets_s0354 = _reads(_forgets("S0354", "J9039"))
c9028_through_2017 = _reads(_code_valid_in("C9028", 2017))
j9229_through_2018 = _reads(_code_valid_in("J9229", 2018))
forgets_c91_z0 = _reads(_forgets("C91.Z0", "C95.90"))
forgets_c91_z1 = _reads(_forgets("C91.Z1", "C95.90"))

#: Each wrong engine, with the packs whose scenarios must each fail it at least twice.
WRONG: Final[dict[str, tuple[str, ...]]] = {
    "cancer_from_lymphoma_code": (INO,),
    "labeling_absent_beside_weak_listing": (INO,),
    "status_from_all_code": (INO, BND, QC),
    "first_all_code_only": (INO, BND, QC),
    "rejects_unborn": (INO, BND, QC),
    "mrd_any_lineage": (BND,),
    "mrd_any_lymphoid_leukemia": (BND,),
    "forgets_j3490": (INO,),
    "forgets_s0353": (INO,),
    "forgets_s0354": (INO,),
    "c9028_through_2017": (INO,),
    "j9229_through_2018": (INO,),
    "forgets_c91_z0": (BND,),
    "forgets_c91_z1": (BND,),
}
