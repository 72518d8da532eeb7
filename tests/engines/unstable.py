"""Engines that each break one invariant of the pack, to prove ``conformance fuzz`` catches it.

Every engine is the reference engine, except in how it answers a pair of related cases, so
that fuzzing it against itself finds no disagreement and only the invariant can catch it.
``BROKEN_INVARIANTS`` maps each engine to the invariant that must catch it.
"""

from __future__ import annotations

import copy
import json
import zlib
from typing import Any, Final

from policy_conformance.reference import decide

__all__ = [
    "BROKEN_INVARIANTS",
    "answers_by_case_id",
    "asks_more_once_told",
    "bills_by_first_code",
    "changes_its_mind",
    "last_listing_decides",
    "letter_denies_pending",
    "month_end_is_outside",
    "primary_code_decides",
    "weak_listing_defeats",
]

Case = dict[str, Any]
Decision = dict[str, Any]

_ALL_CODES: Final = ("C91.00", "C91.01", "C91.02")
_STRONG: Final = {
    ("nccn", "1"),
    ("nccn", "2A"),
    ("micromedex-drugdex", "I"),
    ("micromedex-drugdex", "IIa"),
    ("ahfs-di", "supportive"),
    ("clinical-pharmacology", "supportive"),
    ("lexi-drugs", "A"),
}


def _pended(case: Case, facts: list[str]) -> Decision:
    return {
        "case_id": case["case_id"],
        "policy": {"id": "inotuzumab_besponsa", "version": "2020-11"},
        "outcome": "pended",
        "clauses": ["INO-RECORDS"],
        "missing_facts": facts,
    }


def _not_applicable(case: Case) -> Decision:
    return {
        "case_id": case["case_id"],
        "policy": {"id": "inotuzumab_besponsa", "version": "2020-11"},
        "outcome": "not-applicable",
        "clauses": ["INO-CODES"],
    }


def _investigational(case: Case) -> Decision:
    return {
        "case_id": case["case_id"],
        "policy": {"id": "inotuzumab_besponsa", "version": "2020-11"},
        "outcome": "not-covered",
        "determination": "investigational",
        "clauses": ["INO-NOT-MET"],
    }


def primary_code_decides(case: Case) -> Decision:
    """Reads an ALL code only as the primary diagnosis; elsewhere it asks for the status."""
    codes = case["diagnosis_codes"]
    if codes[0] not in _ALL_CODES and any(code in _ALL_CODES for code in codes):
        return _pended(case, ["disease-status"])
    return decide(case)


def bills_by_first_code(case: Case) -> Decision:
    """Judges the billing by the first HCPCS code alone."""
    first = copy.deepcopy(case)
    first["drug"]["hcpcs_codes"] = case["drug"]["hcpcs_codes"][:1]
    decision = decide(first)
    decision["case_id"] = case["case_id"]
    return decision


def last_listing_decides(case: Case) -> Decision:
    """Reads only the last compendium listing, as if a later listing overrode the others."""
    listings = case.get("evidence", {}).get("compendia")
    if not listings:
        return decide(case)
    last = copy.deepcopy(case)
    last["evidence"]["compendia"] = listings[-1:]
    return decide(last)


class changes_its_mind:
    """Answers a case it has seen before as pended for the lineage."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def decide(self, case: Case) -> Decision:
        key = json.dumps(case, sort_keys=True)
        if key in self.seen:
            return _pended(case, ["lineage"])
        self.seen.add(key)
        return decide(case)


def answers_by_case_id(case: Case) -> Decision:
    """Lets the case id decide: every other id is outside the policy."""
    if zlib.crc32(case["case_id"].encode()) % 2:
        return _not_applicable(case)
    return decide(case)


def letter_denies_pending(case: Case) -> Decision:
    """Denies a request it would pend when a letter of support comes with it."""
    decision = decide(case)
    letter = any(d["kind"] == "letter-of-support" for d in case.get("documentation", []))
    if letter and decision["outcome"] == "pended":
        return _investigational(case)
    return decision


def weak_listing_defeats(case: Case) -> Decision:
    """Takes coverage away when any compendium listing is not strong support."""
    decision = decide(case)
    listings = case.get("evidence", {}).get("compendia", [])
    weak = any((x["compendium"], x["rating"]) not in _STRONG for x in listings)
    if weak and decision["outcome"] == "covered":
        return _investigational(case)
    return decision


def asks_more_once_told(case: Case) -> Decision:
    """Once a request for ALL states the lineage, also asks whether the condition is a cancer."""
    decision = decide(case)
    is_all = any(code in _ALL_CODES for code in case["diagnosis_codes"])
    if decision["outcome"] == "pended" and is_all and "lineage" in case["clinical"]:
        decision["missing_facts"] = sorted({*decision["missing_facts"], "cancer"})
    return decision


def month_end_is_outside(case: Case) -> Decision:
    """Treats the last days of a month as outside the policy."""
    if int(case["date_of_service"][8:]) > 28:
        return _not_applicable(case)
    return decide(case)


#: Engine name -> the invariant that must catch it.
BROKEN_INVARIANTS: Final[dict[str, str]] = {
    "primary_code_decides": "diagnosis-code-order",
    "bills_by_first_code": "hcpcs-code-order",
    "last_listing_decides": "compendium-order",
    "changes_its_mind": "same-case-again",
    "answers_by_case_id": "another-case-id",
    "letter_denies_pending": "letter-of-support",
    "weak_listing_defeats": "weaker-listing",
    "asks_more_once_told": "named-fact-supplied",
    "month_end_is_outside": "date-within-window",
}
