"""Wrong engines for the Blincyto (Blinatumomab) BI477 pack: each misreads one clause or reading.

Every mutant is the pack's reference with one distortion, applied to a copy of the case before
deciding or to the reference's decision afterwards, so that it is wrong in exactly one way. A
malformed case gets the reference's rejection, through ``answer``. ``MUTANTS`` says which clause
each breaks; each docstring says how.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, Final

from policy_conformance.reference.engine import answer

from . import POLICY, decide
from .rules import ALL_CODES

__all__ = [
    "MUTANTS",
    "PACK",
    "adults_only",
    "any_code",
    "any_drug",
    "any_ph_positive_disease",
    "brand_name_unmatched",
    "denies_missing_facts",
    "first_effective_date",
    "ignores_icd_conflict",
    "ignores_ph_status",
    "investigational_when_not_met",
    "letter_fills_gaps",
    "names_every_unstated_fact",
    "outside_cites_one_clause",
    "pends_on_any_conflict",
    "ph_negative_any_status",
    "revision_day_excluded",
    "tki_from_refractory_status",
]

PACK: Final = "blincyto_qualchoice_bi477"

#: Mutant name -> the clause it breaks, whose scenarios must kill it.
MUTANTS: Final[dict[str, str]] = {
    "revision_day_excluded": "QC-EFFECTIVE",
    "first_effective_date": "QC-EFFECTIVE",
    "outside_cites_one_clause": "QC-CODES",
    "brand_name_unmatched": "QC-CODES",
    "any_code": "QC-CODES",
    "any_drug": "QC-CODES",
    "adults_only": "QC-PH-NEG-RR",
    "ph_negative_any_status": "QC-PH-NEG-RR",
    "ignores_ph_status": "QC-PH-NEG-RR",
    "any_ph_positive_disease": "QC-PH-POS-TKI",
    "tki_from_refractory_status": "QC-PH-POS-TKI",
    "investigational_when_not_met": "QC-NOT-MET",
    "denies_missing_facts": "QC-PRIOR-AUTH",
    "names_every_unstated_fact": "QC-PRIOR-AUTH",
    "letter_fills_gaps": "QC-PRIOR-AUTH",
    "ignores_icd_conflict": "QC-PRIOR-AUTH",
    "pends_on_any_conflict": "QC-PRIOR-AUTH",
}

Case = dict[str, Any]
#: A well-formed case as the reference is handed it, read but never changed.
Seen = Mapping[str, Any]
Decision = dict[str, Any]

_FIELDS: Final = {
    "lineage": "lineage",
    "disease-status": "disease_status",
    "philadelphia-chromosome": "philadelphia_chromosome",
    "tki-refractory": "tki_refractory",
}


def _edited(case: Any, edit: Callable[[Case], None]) -> Decision:
    """The reference's answer to an edited copy of a well-formed case."""

    def run(c: Any) -> Decision:
        changed = copy.deepcopy(c)
        edit(changed)
        return decide(changed)

    return answer(case, run)


def _amended(case: Any, amend: Callable[[Seen, Decision], Decision]) -> Decision:
    """The reference's decision on a well-formed case, amended afterwards."""
    return answer(case, lambda c: amend(c, decide(c)))


def _decision(case: Seen, outcome: str, clauses: list[str], **more: Any) -> Decision:
    return {
        "case_id": case["case_id"],
        "policy": dict(POLICY),
        "outcome": outcome,
        **more,
        "clauses": clauses,
        "rationale": "Decided.",
    }


def _covered(case: Seen, clause: str) -> Decision:
    return _decision(case, "covered", [clause], determination="medically-necessary")


def _not_met(case: Seen) -> Decision:
    return _decision(case, "not-covered", ["QC-NOT-MET"], determination="not-medically-necessary")


# --- QC-EFFECTIVE ------------------------------------------------------------------------------


def _move_date(case: Case, when: Callable[[date], bool], to: str) -> None:
    if when(date.fromisoformat(case["date_of_service"])):
        case["date_of_service"] = to


def revision_day_excluded(case: Any) -> Decision:
    """QC-EFFECTIVE: reads "after the revision date" strictly, leaving 2016-01-01 outside."""
    return _edited(case, lambda c: _move_date(c, lambda d: d == date(2016, 1, 1), "2015-12-31"))


def first_effective_date(case: Any) -> Decision:
    """QC-EFFECTIVE: applies the revised text from the first effective date, 1 April 2015."""
    return _edited(
        case,
        lambda c: _move_date(c, lambda d: date(2015, 4, 1) <= d < date(2016, 1, 1), "2016-01-01"),
    )


# --- QC-CODES ----------------------------------------------------------------------------------


def outside_cites_one_clause(case: Any) -> Decision:
    """QC-CODES: stops at the first reason a request is outside, so never cites QC-CODES too."""

    def amend(c: Seen, decision: Decision) -> Decision:
        if "QC-EFFECTIVE" in decision["clauses"]:
            decision["clauses"] = ["QC-EFFECTIVE"]
        return decision

    return _amended(case, amend)


def brand_name_unmatched(case: Any) -> Decision:
    """QC-CODES: knows the drug only by its generic name, so Blincyto is another drug."""

    def edit(c: Case) -> None:
        if c["drug"]["name"] == "blincyto":
            c["drug"]["name"] = "blincyto brand"

    return _edited(case, edit)


def any_code(case: Any) -> Decision:
    """QC-CODES: decides blinatumomab whatever code it is billed under."""
    return _edited(case, lambda c: c["drug"].update(hcpcs_codes=["J9039"]))


def any_drug(case: Any) -> Decision:
    """QC-CODES: decides any drug billed under J9039 by the policy's criteria."""
    return _edited(case, lambda c: c["drug"].update(name="blinatumomab"))


# --- QC-PH-NEG-RR ------------------------------------------------------------------------------


def adults_only(case: Any) -> Decision:
    """QC-PH-NEG-RR: reads the 2014 adult label into the criteria and denies members under 18."""

    def amend(c: Seen, decision: Decision) -> Decision:
        if decision["outcome"] != "covered":
            return decision
        born = date.fromisoformat(c["member"]["birth_date"])
        day = date.fromisoformat(c["date_of_service"])
        age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        return _not_met(c) if age < 18 else decision

    return _amended(case, amend)


def ph_negative_any_status(case: Any) -> Decision:
    """QC-PH-NEG-RR: covers Philadelphia chromosome-negative B-cell precursor ALL in any status."""

    def edit(c: Case) -> None:
        if c["clinical"].get("philadelphia_chromosome") == "negative":
            c["clinical"]["disease_status"] = "refractory"
            c["diagnosis_codes"] = [
                "C91.00" if code in ALL_CODES else code for code in c["diagnosis_codes"]
            ]

    return _edited(case, edit)


def ignores_ph_status(case: Any) -> Decision:
    """QC-PH-NEG-RR: reads the first criterion as any relapsed or refractory B-cell ALL."""

    def edit(c: Case) -> None:
        c["clinical"]["philadelphia_chromosome"] = "negative"
        c["clinical"].pop("tki_refractory", None)

    return _edited(case, edit)


# --- QC-PH-POS-TKI -----------------------------------------------------------------------------


def any_ph_positive_disease(case: Any) -> Decision:
    """QC-PH-POS-TKI: covers any Philadelphia chromosome-positive disease refractory to TKIs."""

    def amend(c: Seen, decision: Decision) -> Decision:
        clinical = c["clinical"]
        if (
            decision["outcome"] == "not-covered"
            and clinical.get("philadelphia_chromosome") == "positive"
            and clinical.get("tki_refractory") is True
        ):
            return _covered(c, "QC-PH-POS-TKI")
        return decision

    return _amended(case, amend)


def tki_from_refractory_status(case: Any) -> Decision:
    """QC-PH-POS-TKI: reads a refractory Philadelphia chromosome-positive ALL as TKI-refractory."""

    def edit(c: Case) -> None:
        clinical = c["clinical"]
        if (
            clinical.get("philadelphia_chromosome") == "positive"
            and clinical.get("disease_status") == "refractory"
        ):
            clinical["tki_refractory"] = True

    return _edited(case, edit)


# --- QC-NOT-MET --------------------------------------------------------------------------------


def investigational_when_not_met(case: Any) -> Decision:
    """QC-NOT-MET: calls a request that meets neither criterion investigational."""

    def amend(c: Seen, decision: Decision) -> Decision:
        if decision["outcome"] == "not-covered":
            decision["determination"] = "investigational"
        return decision

    return _amended(case, amend)


# --- QC-PRIOR-AUTH -----------------------------------------------------------------------------


def denies_missing_facts(case: Any) -> Decision:
    """QC-PRIOR-AUTH: denies a request that lacks a fact instead of pending it."""

    def amend(c: Seen, decision: Decision) -> Decision:
        return _not_met(c) if decision["outcome"] == "pended" else decision

    return _amended(case, amend)


def names_every_unstated_fact(case: Any) -> Decision:
    """QC-PRIOR-AUTH: a pended decision names every fact the request leaves out, moot or not."""

    def amend(c: Seen, decision: Decision) -> Decision:
        if decision["outcome"] == "pended":
            unstated = [name for name, key in _FIELDS.items() if key not in c["clinical"]]
            decision["missing_facts"] = sorted(set(unstated) | set(decision["missing_facts"]))
        return decision

    return _amended(case, amend)


def letter_fills_gaps(case: Any) -> Decision:
    """QC-PRIOR-AUTH: reads a letter of support as stating each missing fact favourably."""

    def edit(c: Case) -> None:
        if not any(d["kind"] == "letter-of-support" for d in c.get("documentation", [])):
            return
        clinical = c["clinical"]
        clinical.setdefault("lineage", "b-cell-precursor")
        clinical.setdefault("disease_status", "relapsed")
        clinical.setdefault("philadelphia_chromosome", "negative")
        if clinical["philadelphia_chromosome"] == "positive":
            clinical.setdefault("tki_refractory", True)

    return _edited(case, edit)


def ignores_icd_conflict(case: Any) -> Decision:
    """QC-PRIOR-AUTH: takes the stated disease status and ignores an ALL code contradicting it."""

    def edit(c: Case) -> None:
        status = c["clinical"].get("disease_status")
        if status is None:
            return
        # The ALL code that agrees with the stated status stands in for each ALL code billed.
        agreeing = next(code for code, statuses in ALL_CODES.items() if status in statuses)
        c["diagnosis_codes"] = list(
            dict.fromkeys(agreeing if code in ALL_CODES else code for code in c["diagnosis_codes"])
        )

    return _edited(case, edit)


def pends_on_any_conflict(case: Any) -> Decision:
    """QC-PRIOR-AUTH: pends for the disease status whenever an ALL code contradicts it."""

    def amend(c: Seen, decision: Decision) -> Decision:
        status = c["clinical"].get("disease_status")
        conflict = status is not None and any(
            status not in ALL_CODES[code] for code in c["diagnosis_codes"] if code in ALL_CODES
        )
        if conflict and decision["outcome"] in ("covered", "not-covered"):
            return _decision(c, "pended", ["QC-PRIOR-AUTH"], missing_facts=["disease-status"])
        return decision

    return _amended(case, amend)
