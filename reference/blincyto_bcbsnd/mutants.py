"""Deliberately wrong engines for the BCBS North Dakota Blinatumomab (Blincyto) pack.

Each mutant is the pack's reference engine with one plausible misreading of one clause or
reading, applied either to a copy of the case before deciding or to the reference's decision
afterwards. ``conformance mutants --pack blincyto_bcbsnd`` runs the pack's scenarios against each
to show that they catch it; ``MUTANTS`` says which clause each breaks, and each docstring says
how. A malformed case is answered like the reference answers it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, Final

from policy_conformance.reference.engine import answer
from policy_conformance.reference.engine import decide as decide_any_policy

from . import decide
from .rules import ALL_CODES, one_month_old_on

Case = dict[str, Any]
Decision = dict[str, Any]

PACK: Final = "blincyto_bcbsnd"

#: Mutant name -> the clause it breaks, whose scenarios must kill it.
MUTANTS: Final[dict[str, str]] = {
    "relapsed_only": "BND-RR-BALL",
    "ignores_cd19": "BND-RR-BALL",
    "other_lymphoid_leukemia_as_all": "BND-RR-BALL",
    "mrd_strictly_above": "BND-MRD",
    "mrd_read_as_fraction": "BND-MRD",
    "any_remission_counts": "BND-MRD",
    "first_remission_only": "BND-MRD",
    "consolidation_ignores_philadelphia": "BND-CONSOLIDATION",
    "any_phase_counts": "BND-CONSOLIDATION",
    "no_age_floor": "BND-AGE",
    "thirty_day_month": "BND-AGE",
    "month_end_rolls_over": "BND-AGE",
    "age_floor_on_compendia": "BND-AGE",
    "nccn_2a_or_better": "BND-COMPENDIA",
    "nccn_3_counts": "BND-COMPENDIA",
    "any_compendium_counts": "BND-COMPENDIA",
    "cites_first_route_only": "BND-COMPENDIA",
    "compendia_without_diagnosis_code": "BND-DX-CODES",
    "unlisted_diagnosis_outside_policy": "BND-DX-CODES",
    "other_lymphoid_codes_not_listed": "BND-DX-CODES",
    "not_medically_necessary": "BND-INVESTIGATIONAL",
    "omits_limit_clauses": "BND-INVESTIGATIONAL",
    "unclassified_code_counts": "BND-CODES",
    "brand_name_unmatched": "BND-CODES",
    "denies_missing_facts": "BND-RECORDS",
    "letter_fills_gaps": "BND-RECORDS",
    "cd19_unstated_as_positive": "BND-RECORDS",
    "mrd_unstated_as_negative": "BND-RECORDS",
    "philadelphia_unstated_as_negative": "BND-RECORDS",
    "names_every_open_fact": "BND-RECORDS",
    "ignores_icd_conflict": "BND-RECORDS",
}

__all__ = ["MUTANTS", "PACK", *MUTANTS]


def _wrong_here(case: Any, wrong: Callable[[Case], Decision]) -> Decision:
    """``wrong``'s decision of a well-formed case under this policy; the reference's otherwise.

    A malformed case is rejected like the reference rejects it, and a case under another policy
    is decided by the reference, so that only this pack's scenarios can catch the mutant.
    """
    return answer(
        case, lambda c: wrong(dict(c)) if c["policy_id"] == PACK else decide_any_policy(c)
    )


def _edited(case: Any, edit: Callable[[Case], None]) -> Decision:
    """Decide a copy of the case after one edit."""

    def wrong(c: Case) -> Decision:
        changed = copy.deepcopy(c)
        edit(changed)
        return decide(changed)

    return _wrong_here(case, wrong)


def _revised(case: Any, revise: Callable[[Case, Decision], Decision]) -> Decision:
    """Decide the case like the reference, then revise the decision."""
    return _wrong_here(case, lambda c: revise(c, decide(c)))


def _clinical(c: Case) -> dict[str, Any]:
    clinical: dict[str, Any] = c["clinical"]
    return clinical


def _listings(c: Case) -> list[dict[str, str]]:
    listings: list[dict[str, str]] = c.get("evidence", {}).get("compendia", [])
    return listings


# --- the listed indications ------------------------------------------------------------------


def relapsed_only(case: Any) -> Decision:
    """BND-RR-BALL: reads "relapsed or refractory" as relapsed only, so refractory ALL misses."""

    def edit(c: Case) -> None:
        # Newly diagnosed agrees with the same ALL code as refractory: no conflict is introduced.
        if _clinical(c).get("disease_status") == "refractory":
            _clinical(c)["disease_status"] = "newly-diagnosed"

    return _edited(case, edit)


def ignores_cd19(case: Any) -> Decision:
    """BND-RR-BALL: takes the listed indications to need no CD19 (reading cd19-required)."""
    return _edited(case, lambda c: _clinical(c).__setitem__("cd19_positive", True))


def other_lymphoid_leukemia_as_all(case: Any) -> Decision:
    """BND-RR-BALL: takes another lymphoid leukemia (C91.Z0-C91.Z2) as the listed ALL."""

    def edit(c: Case) -> None:
        recoded = [code.replace("C91.Z", "C91.0") for code in c["diagnosis_codes"]]
        if recoded != c["diagnosis_codes"]:
            c["diagnosis_codes"] = list(dict.fromkeys(recoded))
            _clinical(c)["disease"] = "acute-lymphoblastic-leukemia"

    return _edited(case, edit)


def mrd_strictly_above(case: Any) -> Decision:
    """BND-MRD: reads "0.1% or more" as more than 0.1%, so exactly 0.1% misses."""

    def edit(c: Case) -> None:
        if _clinical(c).get("mrd_percent") == 0.1:
            _clinical(c)["mrd_percent"] = 0.099

    return _edited(case, edit)


def mrd_read_as_fraction(case: Any) -> Decision:
    """BND-MRD: reads the 0.1 threshold as a fraction of cells (10%), not as a percentage."""

    def edit(c: Case) -> None:
        mrd = _clinical(c).get("mrd_percent")
        if mrd is not None:
            _clinical(c)["mrd_percent"] = mrd / 100

    return _edited(case, edit)


def any_remission_counts(case: Any) -> Decision:
    """BND-MRD: counts a third or later complete remission as well (reading which-remissions)."""

    def edit(c: Case) -> None:
        if _clinical(c).get("complete_remission") == "later":
            _clinical(c)["complete_remission"] = "second"

    return _edited(case, edit)


def first_remission_only(case: Any) -> Decision:
    """BND-MRD: counts the first complete remission only, missing the second."""

    def edit(c: Case) -> None:
        if _clinical(c).get("complete_remission") == "second":
            _clinical(c)["complete_remission"] = "later"

    return _edited(case, edit)


def consolidation_ignores_philadelphia(case: Any) -> Decision:
    """BND-CONSOLIDATION: covers consolidation whatever the Philadelphia chromosome status."""

    def edit(c: Case) -> None:
        if _clinical(c).get("therapy_phase") == "consolidation":
            _clinical(c)["philadelphia_chromosome"] = "negative"

    return _edited(case, edit)


def any_phase_counts(case: Any) -> Decision:
    """BND-CONSOLIDATION: takes any phase of multiphase chemotherapy as the consolidation phase."""

    def edit(c: Case) -> None:
        if _clinical(c).get("therapy_phase") in {"induction", "maintenance"}:
            _clinical(c)["therapy_phase"] = "consolidation"

    return _edited(case, edit)


# --- the age floor ---------------------------------------------------------------------------


def _aged(c: Case, one_month_old: bool) -> None:
    """Move the birth date so that the reference sees the member as one month old, or not."""
    service = date.fromisoformat(c["date_of_service"])
    born = service - timedelta(days=400) if one_month_old else service
    c["member"]["birth_date"] = born.isoformat()


def no_age_floor(case: Any) -> Decision:
    """BND-AGE: applies the listed indications at any age."""
    return _edited(case, lambda c: _aged(c, one_month_old=True))


def thirty_day_month(case: Any) -> Decision:
    """BND-AGE: counts a month as 30 days from birth (reading age-in-months)."""

    def edit(c: Case) -> None:
        birth = date.fromisoformat(c["member"]["birth_date"])
        service = date.fromisoformat(c["date_of_service"])
        _aged(c, one_month_old=(service - birth).days >= 30)

    return _edited(case, edit)


def month_end_rolls_over(case: Any) -> Decision:
    """BND-AGE: a child born on a day the next month lacks turns one month on the day after."""

    def edit(c: Case) -> None:
        birth = date.fromisoformat(c["member"]["birth_date"])
        service = date.fromisoformat(c["date_of_service"])
        turns = one_month_old_on(birth)
        if turns.day != birth.day and service == turns:
            _aged(c, one_month_old=False)

    return _edited(case, edit)


def age_floor_on_compendia(case: Any) -> Decision:
    """BND-AGE: applies the one-month floor to the NCCN route too (reading age-floor-scope)."""

    def edit(c: Case) -> None:
        birth = date.fromisoformat(c["member"]["birth_date"])
        if date.fromisoformat(c["date_of_service"]) < one_month_old_on(birth):
            c.setdefault("evidence", {})["compendia"] = []

    return _edited(case, edit)


# --- the compendia route ---------------------------------------------------------------------


def _rerate(c: Case, compendium: str, rating: str, as_rating: str) -> None:
    for item in _listings(c):
        if item["compendium"] == compendium and item["rating"] == rating:
            item["rating"] = as_rating


def nccn_2a_or_better(case: Any) -> Decision:
    """BND-COMPENDIA: stops at NCCN category 2A, as many policies do, and misses 2B."""
    return _edited(case, lambda c: _rerate(c, "nccn", "2B", "3"))


def nccn_3_counts(case: Any) -> Decision:
    """BND-COMPENDIA: accepts NCCN category 3 as well."""
    return _edited(case, lambda c: _rerate(c, "nccn", "3", "2B"))


#: The strongest rating of each other compendium.
_STRONG_ELSEWHERE: Final = {
    ("micromedex-drugdex", "I"),
    ("micromedex-drugdex", "IIa"),
    ("ahfs-di", "supportive"),
    ("clinical-pharmacology", "supportive"),
    ("lexi-drugs", "A"),
}


def any_compendium_counts(case: Any) -> Decision:
    """BND-COMPENDIA: counts a strong rating in any recognised compendium, not NCCN alone."""

    def edit(c: Case) -> None:
        listings = _listings(c)
        if any((item["compendium"], item["rating"]) in _STRONG_ELSEWHERE for item in listings):
            listings.append({"compendium": "nccn", "rating": "2A"})

    return _edited(case, edit)


def cites_first_route_only(case: Any) -> Decision:
    """BND-COMPENDIA: a covered decision cites only the first route met, not every one."""

    def revise(c: Case, decision: Decision) -> Decision:
        if decision["outcome"] == "covered":
            decision["clauses"] = decision["clauses"][:1]
        return decision

    return _revised(case, revise)


# --- the diagnosis codes ---------------------------------------------------------------------


def compendia_without_diagnosis_code(case: Any) -> Decision:
    """BND-DX-CODES: lets NCCN support cover a use with none of the covered diagnosis codes."""

    def revise(c: Case, decision: Decision) -> Decision:
        supported = any(
            item["compendium"] == "nccn" and item["rating"] in {"1", "2A", "2B"}
            for item in _listings(c)
        )
        if "BND-DX-CODES" in decision.get("clauses", []) and supported:
            decision.update(
                outcome="covered", determination="medically-necessary", clauses=["BND-COMPENDIA"]
            )
        return decision

    return _revised(case, revise)


def unlisted_diagnosis_outside_policy(case: Any) -> Decision:
    """BND-DX-CODES: puts a request with no covered diagnosis code outside the policy."""

    def revise(c: Case, decision: Decision) -> Decision:
        if "BND-DX-CODES" in decision.get("clauses", []):
            decision.pop("determination", None)
            decision.update(outcome="not-applicable", clauses=["BND-CODES"])
        return decision

    return _revised(case, revise)


def other_lymphoid_codes_not_listed(case: Any) -> Decision:
    """BND-DX-CODES: leaves C91.Z0-C91.Z2 off the list of covered diagnosis codes."""

    def edit(c: Case) -> None:
        # C91.90 (lymphoid leukemia, unspecified) is on no list of this policy.
        recoded = ["C91.90" if code.startswith("C91.Z") else code for code in c["diagnosis_codes"]]
        c["diagnosis_codes"] = list(dict.fromkeys(recoded))

    return _edited(case, edit)


# --- investigational uses --------------------------------------------------------------------


def not_medically_necessary(case: Any) -> Decision:
    """BND-INVESTIGATIONAL: calls an unlisted use not medically necessary."""

    def revise(c: Case, decision: Decision) -> Decision:
        if decision["outcome"] == "not-covered":
            decision["determination"] = "not-medically-necessary"
        return decision

    return _revised(case, revise)


def omits_limit_clauses(case: Any) -> Decision:
    """BND-INVESTIGATIONAL: cites the investigational clause alone, never the age or code limit."""

    def revise(c: Case, decision: Decision) -> Decision:
        if decision["outcome"] == "not-covered":
            decision["clauses"] = ["BND-INVESTIGATIONAL"]
        return decision

    return _revised(case, revise)


# --- the policy's drug and code --------------------------------------------------------------


def unclassified_code_counts(case: Any) -> Decision:
    """BND-CODES: takes the unclassified drug codes as the policy's codes too."""

    def edit(c: Case) -> None:
        if {"J3490", "J3590", "J9999"} & set(c["drug"]["hcpcs_codes"]):
            c["drug"]["hcpcs_codes"] = ["J9039"]

    return _edited(case, edit)


def brand_name_unmatched(case: Any) -> Decision:
    """BND-CODES: does not know the brand name Blincyto as the policy's drug."""

    def edit(c: Case) -> None:
        if c["drug"]["name"] == "blincyto":
            c["drug"]["name"] = "tisagenlecleucel"

    return _edited(case, edit)


# --- deciding on stated facts ----------------------------------------------------------------


def denies_missing_facts(case: Any) -> Decision:
    """BND-RECORDS: denies as investigational where facts are missing, instead of pending."""

    def revise(c: Case, decision: Decision) -> Decision:
        if decision["outcome"] == "pended":
            decision.pop("missing_facts")
            decision.update(
                outcome="not-covered",
                determination="investigational",
                clauses=["BND-INVESTIGATIONAL"],
            )
        return decision

    return _revised(case, revise)


def letter_fills_gaps(case: Any) -> Decision:
    """BND-RECORDS: lets a letter of support stand in for the missing facts."""

    def revise(c: Case, decision: Decision) -> Decision:
        letter = any(doc["kind"] == "letter-of-support" for doc in c.get("documentation", []))
        if decision["outcome"] == "pended" and letter:
            decision.pop("missing_facts")
            decision.update(
                outcome="covered", determination="medically-necessary", clauses=["BND-RR-BALL"]
            )
        return decision

    return _revised(case, revise)


def cd19_unstated_as_positive(case: Any) -> Decision:
    """BND-RECORDS: takes unstated CD19 expression as positive, the usual finding in B-ALL."""
    return _edited(case, lambda c: _clinical(c).setdefault("cd19_positive", True))


def mrd_unstated_as_negative(case: Any) -> Decision:
    """BND-RECORDS: takes a request with no MRD result as having no residual disease."""
    return _edited(case, lambda c: _clinical(c).setdefault("mrd_percent", 0))


def philadelphia_unstated_as_negative(case: Any) -> Decision:
    """BND-RECORDS: takes an unstated Philadelphia chromosome status as negative, the commoner."""
    return _edited(case, lambda c: _clinical(c).setdefault("philadelphia_chromosome", "negative"))


#: The clinical field behind each of the pack's own missing facts and the shared ones it reads.
_FIELDS: Final = {
    "lineage": "lineage",
    "disease-status": "disease_status",
    "cd19-status": "cd19_positive",
    "complete-remission": "complete_remission",
    "minimal-residual-disease": "mrd_percent",
    "philadelphia-chromosome": "philadelphia_chromosome",
    "therapy-phase": "therapy_phase",
}


def names_every_open_fact(case: Any) -> Decision:
    """BND-RECORDS: a pended request names every unstated fact, not those that could matter."""

    def revise(c: Case, decision: Decision) -> Decision:
        if decision["outcome"] != "pended":
            return decision
        named = [fact for fact, field in _FIELDS.items() if field not in _clinical(c)]
        if "compendia" not in c.get("evidence", {}):
            named.append("compendia")
        decision["missing_facts"] = named
        return decision

    return _revised(case, revise)


#: The ALL code that agrees with each disease status (reading icd-status-conflict).
_AGREEING_CODE: Final = {
    "relapsed": "C91.02",
    "refractory": "C91.00",
    "newly-diagnosed": "C91.00",
    "in-remission": "C91.01",
}


def ignores_icd_conflict(case: Any) -> Decision:
    """BND-RECORDS: believes the stated disease status over a contradicting ALL code."""

    def edit(c: Case) -> None:
        status = _clinical(c).get("disease_status")
        if status is None:
            return
        recoded = [
            _AGREEING_CODE[status] if code in ALL_CODES else code for code in c["diagnosis_codes"]
        ]
        c["diagnosis_codes"] = list(dict.fromkeys(recoded))

    return _edited(case, edit)
