"""Wrong engines that every pack's scenarios must catch, whatever the pack: each decides as the
reference does but for one habit, and declares every policy the reference implements.

``stale_cache`` remembers its answers by the case's facts and answers a case it has seen, sent
again under another case id, with the answer it gave first (its case id included).
``always_covered`` covers every well-formed case, citing the clause of each pack's first
indication; ``never_covered`` pends what the reference covers and denies what it pends.
``wrong_everywhere`` gets the outcome, the determination and the clauses wrong at once on every
case the reference does not cover.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Final

from policy_conformance.reference import engine as reference

__all__ = [
    "StaleCache",
    "always_covered",
    "metadata",
    "never_covered",
    "stale_cache",
    "wrong_everywhere",
]

#: The clause each policy's decisions cite when this module covers a case.
FIRST_INDICATION: Final = {
    "inotuzumab_besponsa": "INO-RR-BALL",
    "blincyto_bcbsnd": "BND-RR-BALL",
    "blincyto_qualchoice_bi477": "QC-PH-NEG-RR",
}


def metadata() -> dict[str, Any]:
    return reference.metadata() | {"name": "deliberately wrong engine"}


class StaleCache:
    """Answers a case it has answered before, whatever its case id, from its memory."""

    def __init__(self) -> None:
        self.seen: dict[str, dict[str, Any]] = {}

    def metadata(self) -> dict[str, Any]:
        return metadata() | {"name": "stale cache"}

    def decide(self, case: Any) -> dict[str, Any]:
        facts = {k: v for k, v in case.items() if k != "case_id"} if isinstance(case, dict) else {}
        key = json.dumps(facts, sort_keys=True, default=str)
        if key not in self.seen:
            self.seen[key] = reference.decide(case)
        return copy.deepcopy(self.seen[key])

    def close(self) -> None:
        self.seen.clear()


stale_cache = StaleCache()


def always_covered(case: Any) -> dict[str, Any]:
    """Covers every well-formed case, medically necessary."""
    answer = reference.decide(case)
    if "errors" in answer:
        return answer
    return {
        "case_id": answer["case_id"],
        "policy": answer["policy"],
        "outcome": "covered",
        "determination": "medically-necessary",
        "clauses": [FIRST_INDICATION.get(answer["policy"]["id"], "INO-RR-BALL")],
        "rationale": "covered whatever the case says",
    }


def wrong_everywhere(case: Any) -> dict[str, Any]:
    """Covers what the reference does not, citing every clause the policy has."""
    answer = reference.decide(case)
    if "errors" in answer or answer["outcome"] == "covered":
        return answer
    return {
        "case_id": answer["case_id"],
        "policy": answer["policy"],
        "outcome": "covered",
        "determination": "medically-necessary",
        "clauses": sorted({*FIRST_INDICATION.values()} - {"QC-PH-NEG-RR"}),
    }


def never_covered(case: Any) -> dict[str, Any]:
    """Pends for the disease status what the reference covers; denies what it pends."""
    answer = reference.decide(case)
    if "errors" in answer or answer["outcome"] not in ("covered", "pended"):
        return answer
    shared = {"case_id": answer["case_id"], "policy": answer["policy"]}
    if answer["outcome"] == "covered":
        records = {"inotuzumab_besponsa": "INO-RECORDS", "blincyto_bcbsnd": "BND-RECORDS"}
        clause = records.get(answer["policy"]["id"], "QC-PRIOR-AUTH")
        return shared | {
            "outcome": "pended",
            "clauses": [clause],
            "missing_facts": ["disease-status"],
        }
    return shared | {
        "outcome": "not-covered",
        "determination": "investigational",
        "clauses": answer["clauses"],
    }
