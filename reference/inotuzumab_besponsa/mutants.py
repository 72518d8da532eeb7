"""The mutant gallery: deliberately wrong engines, each a plausible misreading of one clause.

Every mutant is the reference engine with one distortion, applied either to a copy of the case
before deciding or to the reference's decision afterwards, so that it is wrong in exactly one way:
the way a vendor could misread the policy, the contract or one of the catalogue's readings.
``conformance mutants`` runs the suite against each (as ``python:policy_conformance.reference.
mutants:<name>``) to show that the scenarios kill every one of them; ``MUTANTS`` says which
clause each breaks, and each mutant's docstring says how.
"""

from __future__ import annotations

import copy
import itertools
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any, Final

from policy_conformance import contract
from policy_conformance.reference.engine import decide

from .engine import POLICY
from .rules import ALL_CODES, CLAUSE_ORDER

__all__ = [
    "MUTANTS",
    "PACK",
    "accepts_drugdex_iib",
    "accepts_lexi_b",
    "accepts_nccn_2b",
    "adults_only",
    "any_code",
    "benefit_unstated_as_no",
    "brand_name_unmatched",
    "c9028_through_new_year",
    "cites_code_dates_for_any_code",
    "cites_every_clause",
    "cites_one_route",
    "cites_unknown_clause",
    "compendia_unstated_as_none",
    "contrary_defeats",
    "covers_noncancer",
    "denies_missing_facts",
    "drops_case_id",
    "flaky",
    "guesses_lineage",
    "ignores_code_dates",
    "ignores_fda_label",
    "ignores_icd_conflict",
    "ignores_lineage",
    "invalid_decision",
    "investigational_when_labeled",
    "j9229_from_the_second_day",
    "labeled_without_benefit",
    "letter_as_compendium",
    "letter_fills_gaps",
    "lineage_unstated_as_other",
    "metadata",
    "misses_j9999",
    "misses_s_codes",
    "missing_facts_in_snake_case",
    "names_an_extra_fact",
    "names_one_fact_too_few",
    "nccn_1_not_strong",
    "nccn_only",
    "never_rejects",
    "nmn_for_unsupported",
    "noncancer_not_medically_necessary",
    "omits_not_met",
    "one_in_five_differs",
    "other_drug_covered",
    "pends_for_moot_compendia",
    "pends_when_readings_agree",
    "relapsed_only",
    "remission_counts_as_relapsed",
    "requires_cd22",
    "stem_name_unmatched",
    "wrong_case_id",
    "wrong_policy_version",
]

Case = dict[str, Any]
Decision = dict[str, Any]

ALL: Final = "acute-lymphoblastic-leukemia"


#: Mutant name -> the clause (policy clause or contract clause) it breaks, whose scenarios must
#: kill it.
#: The pack this gallery's mutants are wrong about: ``conformance mutants`` checks them on it.
PACK: Final = "inotuzumab_besponsa"


def metadata() -> dict[str, Any]:
    """Every mutant declares the one policy it gets wrong."""
    return {
        "name": "reference mutant",
        "contract_version": contract.CONTRACT_VERSION,
        "policies": [dict(POLICY)],
    }


MUTANTS: Final[dict[str, str]] = {
    "ignores_lineage": "INO-RR-BALL",
    "adults_only": "INO-RR-BALL",
    "requires_cd22": "INO-RR-BALL",
    "ignores_fda_label": "INO-FDA-LABEL",
    "labeled_without_benefit": "INO-FDA-LABEL",
    "accepts_nccn_2b": "INO-COMPENDIA",
    "accepts_drugdex_iib": "INO-COMPENDIA",
    "contrary_defeats": "INO-COMPENDIA",
    "covers_noncancer": "INO-INV-NONCANCER",
    "nmn_for_unsupported": "INO-INV-UNSUPPORTED",
    "investigational_when_labeled": "INO-NOT-MET",
    "other_drug_covered": "INO-CODES",
    "any_code": "INO-CODES",
    "ignores_code_dates": "INO-CODE-DATES",
    "denies_missing_facts": "INO-RECORDS",
    "letter_fills_gaps": "INO-RECORDS",
    "ignores_icd_conflict": "INO-RECORDS",
    "cites_every_clause": "INO-RR-BALL",
    "cites_one_route": "INO-RR-BALL",
    "omits_not_met": "INO-NOT-MET",
    "names_an_extra_fact": "INO-RECORDS",
    "names_one_fact_too_few": "INO-RECORDS",
    "guesses_lineage": "INO-RECORDS",
    "pends_when_readings_agree": "INO-RECORDS",
    "one_in_five_differs": "CON-DETERMINISTIC",
    "drops_case_id": "CON-ECHO-ID",
    "wrong_case_id": "CON-ECHO-ID",
    "invalid_decision": "CON-VALID-DECISION",
    "never_rejects": "CON-REJECT-MALFORMED",
    "flaky": "CON-DETERMINISTIC",
    "wrong_policy_version": "CON-POLICY",
    "cites_unknown_clause": "CON-CITES-CATALOGUE",
    "relapsed_only": "INO-RR-BALL",
    "remission_counts_as_relapsed": "INO-RR-BALL",
    "noncancer_not_medically_necessary": "INO-INV-NONCANCER",
    "accepts_lexi_b": "INO-COMPENDIA",
    "nccn_only": "INO-COMPENDIA",
    "nccn_1_not_strong": "INO-COMPENDIA",
    "letter_as_compendium": "INO-RECORDS",
    "misses_j9999": "INO-CODES",
    "misses_s_codes": "INO-CODES",
    "brand_name_unmatched": "INO-CODES",
    "stem_name_unmatched": "INO-CODES",
    "j9229_from_the_second_day": "INO-CODE-DATES",
    "c9028_through_new_year": "INO-CODE-DATES",
    "cites_code_dates_for_any_code": "INO-CODES",
    "benefit_unstated_as_no": "INO-RECORDS",
    "lineage_unstated_as_other": "INO-RECORDS",
    "compendia_unstated_as_none": "INO-RECORDS",
    "pends_for_moot_compendia": "INO-RECORDS",
    "missing_facts_in_snake_case": "CON-VALID-DECISION",
}


# --- distortions ---------------------------------------------------------------------------------


def _decide_edited(case: Any, edit: Callable[[Case], None]) -> Decision:
    """The reference's answer to an edited copy of a well-formed case.

    Malformed cases go to the reference untouched, so that each fake stays wrong in one way only.
    """
    if contract.violations("case", case):
        return decide(case)
    edited = copy.deepcopy(case)
    edit(edited)
    return decide(edited)


def _is_decision(reply: Decision) -> bool:
    return "outcome" in reply


def _covered(decision: Decision, clauses: list[str]) -> Decision:
    return {
        "case_id": decision["case_id"],
        "policy": decision["policy"],
        "outcome": "covered",
        "determination": "medically-necessary",
        "clauses": clauses,
        "rationale": "Covered.",
    }


def _not_covered(decision: Decision, determination: str, clauses: list[str]) -> Decision:
    return {
        "case_id": decision["case_id"],
        "policy": decision["policy"],
        "outcome": "not-covered",
        "determination": determination,
        "clauses": clauses,
        "rationale": "Not covered.",
    }


def _pended(decision: Decision, missing_facts: list[str]) -> Decision:
    return {
        "case_id": decision["case_id"],
        "policy": decision["policy"],
        "outcome": "pended",
        "clauses": ["INO-RECORDS"],
        "missing_facts": missing_facts,
    }


def _investigational(decision: Decision) -> Decision:
    return _not_covered(decision, "investigational", ["INO-INV-UNSUPPORTED", "INO-NOT-MET"])


# --- INO-RR-BALL ---------------------------------------------------------------------------------


def ignores_lineage(case: Case) -> Decision:
    """INO-RR-BALL: takes every ALL, whatever (or whether any) lineage, as B-cell precursor."""

    def edit(c: Case) -> None:
        if c["clinical"].get("disease") == ALL:
            c["clinical"]["lineage"] = "b-cell-precursor"

    return _decide_edited(case, edit)


def adults_only(case: Case) -> Decision:
    """INO-RR-BALL: reads "adults" into the criteria and denies members under 18."""
    decision = decide(case)
    if not _is_decision(decision) or decision["outcome"] == "not-applicable":
        return decision
    born = date.fromisoformat(case["member"]["birth_date"])
    day = date.fromisoformat(case["date_of_service"])
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return _investigational(decision) if age < 18 else decision


def requires_cd22(case: Case) -> Decision:
    """INO-RR-BALL: takes CD22-negative disease as not meeting the primary indication."""

    def edit(c: Case) -> None:
        if c["clinical"].get("cd22_positive") is False:
            c["clinical"]["lineage"] = "other"

    return _decide_edited(case, edit)


# --- INO-FDA-LABEL -------------------------------------------------------------------------------


def ignores_fda_label(case: Case) -> Decision:
    """INO-FDA-LABEL: never looks at the labeling evidence and takes every use as off-label."""

    def edit(c: Case) -> None:
        c.setdefault("evidence", {})["fda_labeling"] = {"within_label": False}

    return _decide_edited(case, edit)


def labeled_without_benefit(case: Case) -> Decision:
    """INO-FDA-LABEL: covers a use within labeling without asking whether benefit is established."""

    def edit(c: Case) -> None:
        labeling = c.get("evidence", {}).get("fda_labeling")
        if labeling is not None and labeling["within_label"]:
            labeling["clinical_benefit_established"] = True

    return _decide_edited(case, edit)


# --- INO-COMPENDIA -------------------------------------------------------------------------------


def _rerate(c: Case, compendium: str, weak: str, strong: str) -> None:
    for listing in c.get("evidence", {}).get("compendia", []):
        if listing["compendium"] == compendium and listing["rating"] == weak:
            listing["rating"] = strong


def accepts_nccn_2b(case: Case) -> Decision:
    """INO-COMPENDIA: counts NCCN category 2B as strong support."""
    return _decide_edited(case, lambda c: _rerate(c, "nccn", "2B", "2A"))


def accepts_drugdex_iib(case: Case) -> Decision:
    """INO-COMPENDIA: counts DrugDex class IIb as strong support, as CMS does."""
    return _decide_edited(case, lambda c: _rerate(c, "micromedex-drugdex", "IIb", "IIa"))


_CONTRARY: Final = {
    ("nccn", "3"),
    ("micromedex-drugdex", "III"),
    ("ahfs-di", "not-supportive"),
    ("clinical-pharmacology", "not-supportive"),
    ("lexi-drugs", "unsupported"),
}


def contrary_defeats(case: Case) -> Decision:
    """INO-COMPENDIA: lets one not-recommended listing cancel strong support elsewhere."""

    def edit(c: Case) -> None:
        listings = c.get("evidence", {}).get("compendia", [])
        if any((item["compendium"], item["rating"]) in _CONTRARY for item in listings):
            c["evidence"]["compendia"] = [
                item for item in listings if (item["compendium"], item["rating"]) in _CONTRARY
            ]

    return _decide_edited(case, edit)


# --- INO-INV-NONCANCER, INO-INV-UNSUPPORTED, INO-NOT-MET ----------------------------------------


def covers_noncancer(case: Case) -> Decision:
    """INO-INV-NONCANCER: covers a use that is not the treatment of a cancer."""
    decision = decide(case)
    if _is_decision(decision) and "INO-INV-NONCANCER" in decision["clauses"]:
        return _covered(decision, ["INO-FDA-LABEL"])
    return decision


def nmn_for_unsupported(case: Case) -> Decision:
    """INO-INV-UNSUPPORTED: calls an unsupported cancer use not medically necessary."""
    decision = decide(case)
    if _is_decision(decision) and "INO-INV-UNSUPPORTED" in decision["clauses"]:
        return _not_covered(decision, "not-medically-necessary", ["INO-NOT-MET"])
    return decision


def investigational_when_labeled(case: Case) -> Decision:
    """INO-NOT-MET: calls a labeled use without established benefit investigational."""
    decision = decide(case)
    if _is_decision(decision) and decision.get("determination") == "not-medically-necessary":
        return _investigational(decision)
    return decision


# --- INO-CODES, INO-CODE-DATES -------------------------------------------------------------------


def other_drug_covered(case: Case) -> Decision:
    """INO-CODES: decides any drug by the policy's criteria, as if it were inotuzumab."""

    def edit(c: Case) -> None:
        c["drug"]["name"] = "inotuzumab ozogamicin"

    return _decide_edited(case, edit)


def any_code(case: Case) -> Decision:
    """INO-CODES: takes every HCPCS code on the request as one of the policy's."""

    def edit(c: Case) -> None:
        c["drug"]["hcpcs_codes"] = ["J3490"]

    return _decide_edited(case, edit)


def ignores_code_dates(case: Case) -> Decision:
    """INO-CODE-DATES: takes C9028 and J9229 as the policy's codes on any date of service."""

    def edit(c: Case) -> None:
        codes = c["drug"]["hcpcs_codes"]
        if {"C9028", "J9229"} & set(codes) and "J3490" not in codes:
            codes.append("J3490")

    return _decide_edited(case, edit)


# --- INO-RECORDS ---------------------------------------------------------------------------------


def denies_missing_facts(case: Case) -> Decision:
    """INO-RECORDS: denies as investigational where the facts are missing, instead of pending."""
    decision = decide(case)
    if _is_decision(decision) and decision["outcome"] == "pended":
        return _investigational(decision)
    return decision


def letter_fills_gaps(case: Case) -> Decision:
    """INO-RECORDS: lets a letter of support stand in for the missing facts."""
    decision = decide(case)
    if not _is_decision(decision) or decision["outcome"] != "pended":
        return decision
    if any(doc["kind"] == "letter-of-support" for doc in case.get("documentation", [])):
        return _covered(decision, ["INO-RR-BALL"])
    return decision


def names_an_extra_fact(case: Case) -> Decision:
    """INO-RECORDS: asks for one fact more than could change the decision."""
    decision = decide(case)
    if _is_decision(decision) and decision["outcome"] == "pended":
        named = decision["missing_facts"]
        extra = next(f for f in ("compendia", "lineage", "cancer") if f not in named)
        decision["missing_facts"] = [*named, extra]
    return decision


def names_one_fact_too_few(case: Case) -> Decision:
    """INO-RECORDS: leaves the last of several missing facts for a second request."""
    decision = decide(case)
    if _is_decision(decision) and len(decision.get("missing_facts", [])) > 1:
        decision["missing_facts"] = decision["missing_facts"][:-1]
    return decision


def guesses_lineage(case: Case) -> Decision:
    """INO-RECORDS: takes ALL of unstated lineage as B-cell precursor, the commonest kind."""

    def edit(c: Case) -> None:
        if any(code.startswith("C91.0") for code in c["diagnosis_codes"]):
            c["clinical"].setdefault("lineage", "b-cell-precursor")

    return _decide_edited(case, edit)


def pends_when_readings_agree(case: Case) -> Decision:
    """INO-RECORDS: pends for the status whenever an ALL code contradicts it, even if moot."""
    decision = decide(case)
    if not _is_decision(decision) or decision["outcome"] == "pended":
        return decision
    status = case["clinical"].get("disease_status")
    contradicted = any(
        code in ALL_CODES and status not in ALL_CODES[code] for code in case["diagnosis_codes"]
    )
    if status is None or not contradicted:
        return decision
    return _pended(decision, ["disease-status"])


#: The ALL code that agrees with each disease status (reading icd-status-conflict).
_AGREEING_CODE: Final = {
    "relapsed": "C91.02",
    "refractory": "C91.00",
    "newly-diagnosed": "C91.00",
    "in-remission": "C91.01",
}


def ignores_icd_conflict(case: Case) -> Decision:
    """INO-RECORDS: believes the stated disease status over a contradicting ALL code."""

    def edit(c: Case) -> None:
        status = c["clinical"].get("disease_status")
        if status is None:
            return
        recoded = [
            _AGREEING_CODE[status] if code in {"C91.00", "C91.01", "C91.02"} else code
            for code in c["diagnosis_codes"]
        ]
        c["diagnosis_codes"] = list(dict.fromkeys(recoded))

    return _decide_edited(case, edit)


# --- contract clauses ----------------------------------------------------------------------------


def drops_case_id(case: Case) -> Decision:
    """CON-ECHO-ID: leaves the case id out of its answer."""
    reply = decide(case)
    reply.pop("case_id", None)
    return reply


def cites_every_clause(case: Case) -> Decision:
    """Over-citing: answers like the reference but cites every clause of the catalogue."""
    decision = decide(case)
    if _is_decision(decision):
        decision["clauses"] = list(CLAUSE_ORDER)
    return decision


def cites_one_route(case: Case) -> Decision:
    """Under-citing: a covered decision cites only the first route met, not every one."""
    decision = decide(case)
    if _is_decision(decision) and decision["outcome"] == "covered":
        decision["clauses"] = decision["clauses"][:1]
    return decision


def omits_not_met(case: Case) -> Decision:
    """Under-citing: a not-covered decision leaves out INO-NOT-MET when it cites anything else."""
    decision = decide(case)
    if _is_decision(decision) and len(decision["clauses"]) > 1:
        decision["clauses"] = [c for c in decision["clauses"] if c != "INO-NOT-MET"]
    return decision


def wrong_case_id(case: Case) -> Decision:
    """CON-ECHO-ID: answers under a different case id."""
    reply = decide(case)
    if "case_id" in reply:
        reply["case_id"] = reply["case_id"] + "-other"
    return reply


def invalid_decision(case: Case) -> Decision:
    """CON-VALID-DECISION: covers without saying the determination."""
    decision = decide(case)
    if _is_decision(decision) and decision["outcome"] == "covered":
        del decision["determination"]
    return decision


_DEFAULT_CASE: Final[Case] = {
    "case_id": "unknown",
    "policy_id": "inotuzumab_besponsa",
    "date_of_service": "2020-01-01",
    "member": {"birth_date": "1970-01-01"},
    "drug": {"name": "inotuzumab ozogamicin", "hcpcs_codes": ["J9229"], "units": 1},
    "diagnosis_codes": ["C91.02"],
    "clinical": {},
}


def never_rejects(case: Any) -> Decision:
    """CON-REJECT-MALFORMED: patches a malformed case with defaults and decides it."""
    if not isinstance(case, dict):
        return decide(copy.deepcopy(_DEFAULT_CASE))
    repaired = copy.deepcopy(_DEFAULT_CASE)
    # Keep every top-level field of the case that does not itself break the contract.
    for field, value in case.items():
        trial = {**repaired, field: value}
        if not contract.violations("case", trial):
            repaired = copy.deepcopy(trial)
    return decide(repaired)


_calls: Counter[str] = Counter()


def flaky(case: Case) -> Decision:
    """CON-DETERMINISTIC: every second answer for the same case id has the other outcome."""
    decision = decide(case)
    if not _is_decision(decision):
        return decision
    _calls[decision["case_id"]] += 1
    if _calls[decision["case_id"]] % 2:
        return decision
    if decision["outcome"] == "covered":
        return _investigational(decision)
    return _covered(decision, ["INO-RR-BALL"])


#: Every answer of the run, counted, so that a wrong engine can misbehave now and then, yet the
#: same way on every run.
_answers = itertools.count(1)


def one_in_five_differs(case: Case) -> Decision:
    """CON-DETERMINISTIC: every fifth answer of the run has the other outcome."""
    decision = decide(case)
    if not _is_decision(decision) or next(_answers) % 5:
        return decision
    if decision["outcome"] == "covered":
        return _investigational(decision)
    return _covered(decision, ["INO-RR-BALL"])


def wrong_policy_version(case: Case) -> Decision:
    """CON-POLICY: reports the policy version before the one it decides by."""
    decision = decide(case)
    if _is_decision(decision):
        decision["policy"]["version"] = "2019-11"
    return decision


def cites_unknown_clause(case: Case) -> Decision:
    """CON-CITES-CATALOGUE: cites a clause that is not in the catalogue."""
    decision = decide(case)
    if _is_decision(decision):
        decision["clauses"].append("INO-MADE-UP")
    return decision


# --- further misreadings: dates by a day, listed codes and names, facts taken as "no" ------------


def relapsed_only(case: Case) -> Decision:
    """INO-RR-BALL: reads "relapsed or refractory" as relapsed only, so refractory ALL misses."""

    def edit(c: Case) -> None:
        # Newly diagnosed agrees with the same ALL code as refractory: no conflict is introduced.
        if c["clinical"].get("disease_status") == "refractory":
            c["clinical"]["disease_status"] = "newly-diagnosed"

    return _decide_edited(case, edit)


def remission_counts_as_relapsed(case: Case) -> Decision:
    """INO-RR-BALL: takes ALL in remission as relapsed disease."""

    def edit(c: Case) -> None:
        if c["clinical"].get("disease_status") == "in-remission":
            c["clinical"]["disease_status"] = "relapsed"
            c["diagnosis_codes"] = list(
                dict.fromkeys(
                    "C91.02" if code == "C91.01" else code for code in c["diagnosis_codes"]
                )
            )

    return _decide_edited(case, edit)


def noncancer_not_medically_necessary(case: Case) -> Decision:
    """INO-INV-NONCANCER: calls a use outside cancer not medically necessary."""
    decision = decide(case)
    if _is_decision(decision) and "INO-INV-NONCANCER" in decision["clauses"]:
        return _not_covered(
            decision, "not-medically-necessary", ["INO-INV-NONCANCER", "INO-NOT-MET"]
        )
    return decision


def accepts_lexi_b(case: Case) -> Decision:
    """INO-COMPENDIA: counts Lexi-Drugs evidence level B as strong support."""
    return _decide_edited(case, lambda c: _rerate(c, "lexi-drugs", "B", "A"))


def nccn_only(case: Case) -> Decision:
    """INO-COMPENDIA: reads only NCCN, ignoring the other recognised compendia."""

    def edit(c: Case) -> None:
        listings = c.get("evidence", {}).get("compendia")
        if listings is not None:
            c["evidence"]["compendia"] = [item for item in listings if item["compendium"] == "nccn"]

    return _decide_edited(case, edit)


def nccn_1_not_strong(case: Case) -> Decision:
    """INO-COMPENDIA: takes "category 2A" literally and misses NCCN category 1 as strong support."""
    return _decide_edited(case, lambda c: _rerate(c, "nccn", "1", "2B"))


def letter_as_compendium(case: Case) -> Decision:
    """INO-RECORDS: takes a letter of support as strong compendium support."""

    def edit(c: Case) -> None:
        if any(doc["kind"] == "letter-of-support" for doc in c.get("documentation", [])):
            listings = c.setdefault("evidence", {}).setdefault("compendia", [])
            listings.append({"compendium": "nccn", "rating": "2A"})

    return _decide_edited(case, edit)


def _recode(c: Case, listed: set[str], unlisted: str) -> None:
    codes = [unlisted if code in listed else code for code in c["drug"]["hcpcs_codes"]]
    c["drug"]["hcpcs_codes"] = list(dict.fromkeys(codes))


def misses_j9999(case: Case) -> Decision:
    """INO-CODES: leaves J9999, a listed unclassified code, off its list of the policy's codes."""
    return _decide_edited(case, lambda c: _recode(c, {"J9999"}, "J9039"))


def misses_s_codes(case: Case) -> Decision:
    """INO-CODES: leaves the payer's S-codes S0353 and S0354 off its list of the policy's codes."""
    return _decide_edited(case, lambda c: _recode(c, {"S0353", "S0354"}, "J9039"))


def _unmatched_name(case: Case, name: str) -> Decision:
    def edit(c: Case) -> None:
        if c["drug"]["name"] == name:
            c["drug"]["name"] = "gemtuzumab ozogamicin"

    return _decide_edited(case, edit)


def brand_name_unmatched(case: Case) -> Decision:
    """INO-CODES: does not know the brand name Besponsa as the policy's drug."""
    return _unmatched_name(case, "besponsa")


def stem_name_unmatched(case: Case) -> Decision:
    """INO-CODES: does not know the stem "inotuzumab" as the policy's drug (reading drug-names)."""
    return _unmatched_name(case, "inotuzumab")


def j9229_from_the_second_day(case: Case) -> Decision:
    """INO-CODE-DATES: starts J9229's window a day late, on 2019-01-02."""

    def edit(c: Case) -> None:
        if c["date_of_service"] == "2019-01-01":
            _recode(c, {"J9229"}, "J9039")

    return _decide_edited(case, edit)


def c9028_through_new_year(case: Case) -> Decision:
    """INO-CODE-DATES: keeps C9028 one day too long, through 2019-01-01."""

    def edit(c: Case) -> None:
        if c["date_of_service"] == "2019-01-01":
            _recode(c, {"C9028"}, "J3490")

    return _decide_edited(case, edit)


def cites_code_dates_for_any_code(case: Case) -> Decision:
    """INO-CODES: cites the code-date clause too when no billed code has a date window."""
    decision = decide(case)
    if _is_decision(decision) and decision["outcome"] == "not-applicable":
        decision["clauses"] = ["INO-CODES", "INO-CODE-DATES"]
    return decision


def benefit_unstated_as_no(case: Case) -> Decision:
    """INO-RECORDS: takes unstated clinical benefit of a labeled use as not established."""

    def edit(c: Case) -> None:
        labeling = c.get("evidence", {}).get("fda_labeling")
        if labeling is not None and labeling["within_label"]:
            labeling.setdefault("clinical_benefit_established", False)

    return _decide_edited(case, edit)


def lineage_unstated_as_other(case: Case) -> Decision:
    """INO-RECORDS: takes an unstated lineage as not B-cell precursor instead of asking for it."""

    def edit(c: Case) -> None:
        c["clinical"].setdefault("lineage", "other")

    return _decide_edited(case, edit)


def compendia_unstated_as_none(case: Case) -> Decision:
    """INO-RECORDS: takes a request that gives no compendium evidence as having no support."""

    def edit(c: Case) -> None:
        c.setdefault("evidence", {}).setdefault("compendia", [])

    return _decide_edited(case, edit)


def pends_for_moot_compendia(case: Case) -> Decision:
    """INO-RECORDS: asks for compendium evidence whenever none is given, even when it is moot."""
    decision = decide(case)
    if not _is_decision(decision) or decision["outcome"] not in {"covered", "not-covered"}:
        return decision
    if "compendia" in case.get("evidence", {}):
        return decision
    return _pended(decision, ["compendia"])


def missing_facts_in_snake_case(case: Case) -> Decision:
    """CON-VALID-DECISION: names missing facts in its own vocabulary (disease_status)."""
    decision = decide(case)
    if _is_decision(decision) and decision["outcome"] == "pended":
        decision["missing_facts"] = [f.replace("-", "_") for f in decision["missing_facts"]]
    return decision
