"""Metamorphic relations: how two decisions of related cases must compare, with no oracle.

Each relation turns a case (and the engine's decision of it) into a follow-up case, and says how
the two decisions must compare. The pack's catalogue (``invariants:`` in ``clauses.yaml``) names
each one with the clause it follows from; here is only how it is checked.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .grading import graded
from .strategies import CaseSpace, Choices

__all__ = ["RELATIONS", "Relation"]

Case = dict[str, Any]
Decision = dict[str, Any]

#: Listings that are not strong support (reading strong-compendia-ratings), one per compendium.
_WEAK_LISTINGS = (
    {"compendium": "nccn", "rating": "2B"},
    {"compendium": "nccn", "rating": "3"},
    {"compendium": "micromedex-drugdex", "rating": "IIb"},
    {"compendium": "micromedex-drugdex", "rating": "III"},
    {"compendium": "ahfs-di", "rating": "not-supportive"},
    {"compendium": "clinical-pharmacology", "rating": "not-supportive"},
    {"compendium": "lexi-drugs", "rating": "C"},
    {"compendium": "lexi-drugs", "rating": "unsupported"},
)
_ANY_LISTINGS = (*_WEAK_LISTINGS, {"compendium": "nccn", "rating": "1"})
#: The ALL code's own disease status (reading icd-status-conflict): a status that agrees with it.
_AGREEING_STATUS = {"C91.00": "refractory", "C91.01": "in-remission", "C91.02": "relapsed"}


@dataclass(frozen=True)
class Relation:
    """A follow-up case for a case, and whether two decisions keep the relation."""

    follow_up: Callable[[Case, Decision, Choices, CaseSpace], Case | None]
    holds: Callable[[Decision, Decision], bool]


def _same(first: Decision, second: Decision) -> bool:
    return graded(first) == graded(second)


def _same_and_echoed(first: Decision, second: Decision) -> bool:
    return _same(first, second) and first["case_id"] == second["case_id"]


def _copy(case: Case) -> Case:
    again = copy.deepcopy(case)
    again["case_id"] = f"{case['case_id']}.follow-up"
    return again


def _reversed_at(*path: str) -> Callable[[Case, Decision, Choices, CaseSpace], Case | None]:
    def follow_up(case: Case, decision: Decision, choose: Choices, space: CaseSpace) -> Case | None:
        target: Any = case
        for key in path:
            if key not in target:
                return None
            target = target[key]
        if len(target) < 2:
            return None
        again = _copy(case)
        holder = again
        for key in path[:-1]:
            holder = holder[key]
        holder[path[-1]] = list(reversed(target))
        return again

    return follow_up


def _again(case: Case, decision: Decision, choose: Choices, space: CaseSpace) -> Case:
    return copy.deepcopy(case)


def _another_id(case: Case, decision: Decision, choose: Choices, space: CaseSpace) -> Case:
    return _copy(case)


def _with_letter(case: Case, decision: Decision, choose: Choices, space: CaseSpace) -> Case:
    again = _copy(case)
    again.setdefault("documentation", []).append(
        {"kind": "letter-of-support", "description": "a letter from the treating physician"}
    )
    return again


def _with_weaker_listing(
    case: Case, decision: Decision, choose: Choices, space: CaseSpace
) -> Case | None:
    # Only where the compendia are stated: adding a listing to unstated compendia states them.
    if "compendia" not in case.get("evidence", {}):
        return None
    again = _copy(case)
    again["evidence"]["compendia"].append(dict(choose.one(_WEAK_LISTINGS)))
    return again


def _keeps_coverage(first: Decision, second: Decision) -> bool:
    return bool(first["outcome"] != "covered" or second["outcome"] == "covered")


def _with_named_fact(
    case: Case, decision: Decision, choose: Choices, space: CaseSpace
) -> Case | None:
    named = sorted(decision.get("missing_facts", []))
    if decision["outcome"] != "pended" or not named:
        return None
    fact = choose.one(named)
    again = _copy(case)
    clinical = again["clinical"]
    evidence = again.setdefault("evidence", {})
    is_all = any(code in space.all_codes for code in again["diagnosis_codes"])
    if fact == "cancer":
        # ALL is a cancer: a request coded as ALL may only say so (reading all-is-a-cancer).
        clinical["cancer"] = True if is_all else choose.flip()
    elif fact == "lineage":
        clinical["lineage"] = choose.one(["b-cell-precursor", "t-cell", "mixed-phenotype", "other"])
    elif fact == "disease-status":
        codes = [c for c in again["diagnosis_codes"] if c in _AGREEING_STATUS]
        statuses = ["relapsed", "refractory", "newly-diagnosed", "in-remission"]
        clinical["disease_status"] = _AGREEING_STATUS[codes[0]] if codes else choose.one(statuses)
    elif fact == "fda-labeling":
        labeling = {"within_label": choose.flip()}
        if labeling["within_label"]:
            labeling["clinical_benefit_established"] = choose.flip()
        evidence["fda_labeling"] = labeling
    elif fact == "clinical-benefit":
        evidence["fda_labeling"] = {
            "within_label": True,
            "clinical_benefit_established": choose.flip(),
        }
    elif fact == "compendia":
        evidence["compendia"] = [
            dict(choose.one(_ANY_LISTINGS)) for _ in range(choose.number(0, 2))
        ]
    else:
        return None
    return again


def _asks_nothing_new(first: Decision, second: Decision) -> bool:
    if second["outcome"] != "pended":
        return True
    return set(second.get("missing_facts", [])) <= set(first.get("missing_facts", []))


def _moved_within_window(
    case: Case, decision: Decision, choose: Choices, space: CaseSpace
) -> Case | None:
    day = dt.date.fromisoformat(case["date_of_service"])
    start, end = space.window_of(day)
    moved = choose.day(start, end)
    if moved == day:
        return None
    again = _copy(case)
    again["date_of_service"] = moved.isoformat()
    return again


#: Every relation ``conformance fuzz`` can check, by the id the catalogue names it with.
RELATIONS: dict[str, Relation] = {
    "diagnosis-code-order": Relation(_reversed_at("diagnosis_codes"), _same),
    "hcpcs-code-order": Relation(_reversed_at("drug", "hcpcs_codes"), _same),
    "compendium-order": Relation(_reversed_at("evidence", "compendia"), _same),
    "same-case-again": Relation(_again, _same_and_echoed),
    "another-case-id": Relation(_another_id, _same),
    "letter-of-support": Relation(_with_letter, _same),
    "weaker-listing": Relation(_with_weaker_listing, _keeps_coverage),
    "named-fact-supplied": Relation(_with_named_fact, _asks_nothing_new),
    "date-within-window": Relation(_moved_within_window, _same),
}
