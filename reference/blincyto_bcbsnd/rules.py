"""The BCBS North Dakota Blinatumomab (Blincyto) criteria as the pack's catalogue reads them.

Each fact a criterion reads is taken as the tuple of abstract values it may still take (one when
the case states it, every value when it does not), and :func:`judge` settles the decision over
every completion with the shared :func:`policy_conformance.reference.completions.judge`. The
facts a case always carries (drug, codes, diagnosis codes, the member's age) are read once and
close over the verdict, so they are never named as missing.
"""

from __future__ import annotations

import calendar
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from policy_conformance.reference.completions import Judgement, Verdict, in_order
from policy_conformance.reference.completions import judge as judge_completions

__all__ = [
    "ALL_CODES",
    "CLAUSE_ORDER",
    "COVERED_DIAGNOSIS_CODES",
    "DRUG_NAMES",
    "HCPCS_CODES",
    "IN_REMISSION",
    "MISSING_FACT_ORDER",
    "MRD_THRESHOLD",
    "NCCN_CATEGORIES",
    "NEWLY_DIAGNOSED",
    "RELAPSED_OR_REFRACTORY",
    "Known",
    "in_catalogue_order",
    "judge",
    "known_facts",
    "one_month_old_on",
    "open_facts",
    "status_conflict",
    "verdict",
]

#: The catalogue's clause order. Kept here rather than read from features/ so that the reference
#: stands alone; a unit test holds it to the catalogue.
CLAUSE_ORDER: Final = (
    "BND-RR-BALL",
    "BND-MRD",
    "BND-CONSOLIDATION",
    "BND-AGE",
    "BND-COMPENDIA",
    "BND-DX-CODES",
    "BND-INVESTIGATIONAL",
    "BND-CODES",
    "BND-RECORDS",
)

#: The pack's missing facts, in the order of its facts schema's ``missing_fact`` list.
MISSING_FACT_ORDER: Final = (
    "lineage",
    "disease-status",
    "cd19-status",
    "complete-remission",
    "minimal-residual-disease",
    "philadelphia-chromosome",
    "therapy-phase",
    "compendia",
)

#: Reading drug-names-and-code: the generic and the brand name; the policy lists J9039 alone.
DRUG_NAMES: Final = frozenset({"blinatumomab", "blincyto"})
HCPCS_CODES: Final = frozenset({"J9039"})

#: The covered diagnosis codes for J9039 (clause BND-DX-CODES).
COVERED_DIAGNOSIS_CODES: Final = frozenset(
    {"C91.00", "C91.01", "C91.02", "C91.Z0", "C91.Z1", "C91.Z2"}
)

#: Reading icd-status-conflict: the ALL codes and the statuses each agrees with. C91.Z0-C91.Z2
#: are other lymphoid leukemias (reading other-lymphoid-leukemia), so they say nothing about ALL.
ALL_CODES: Final[Mapping[str, frozenset[str]]] = {
    "C91.00": frozenset({"newly-diagnosed", "refractory"}),
    "C91.01": frozenset({"in-remission"}),
    "C91.02": frozenset({"relapsed"}),
}

#: Reading mrd-threshold: MRD is a percentage of cells, and 0.1% itself qualifies.
MRD_THRESHOLD: Final = 0.1

#: Reading nccn-categories: NCCN categories 1, 2A and 2B count; no other compendium does.
NCCN_CATEGORIES: Final = frozenset({"1", "2A", "2B"})

#: Reading which-remissions: the first and the second complete remission count.
_COUNTED_REMISSIONS: Final = frozenset({"first", "second"})

#: The abstract disease statuses: relapsed or refractory, in remission, or newly diagnosed.
RELAPSED_OR_REFRACTORY: Final = "relapsed-or-refractory"
IN_REMISSION: Final = "in-remission"
NEWLY_DIAGNOSED: Final = "newly-diagnosed"
_STATUS_VALUES: Final = (RELAPSED_OR_REFRACTORY, IN_REMISSION, NEWLY_DIAGNOSED)
_ABSTRACT_STATUS: Final[Mapping[str, str]] = {
    "relapsed": RELAPSED_OR_REFRACTORY,
    "refractory": RELAPSED_OR_REFRACTORY,
    "in-remission": IN_REMISSION,
    "newly-diagnosed": NEWLY_DIAGNOSED,
}

_BOTH: Final = (False, True)


def in_catalogue_order(clauses: Iterable[str]) -> list[str]:
    """Clause ids without repeats, in the catalogue's order."""
    return in_order(clauses, CLAUSE_ORDER)


def one_month_old_on(birth: date) -> date:
    """The first day on which a member born on ``birth`` is one month old (reading age-in-months).

    The same day of the next calendar month; when that month is shorter and has no such day, its
    last day (born 31 January: one month old on 28 February, or 29 February in a leap year).
    """
    year, month = (birth.year + 1, 1) if birth.month == 12 else (birth.year, birth.month + 1)
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(birth.day, last))


@dataclass(frozen=True)
class Known:
    """The facts every conforming case states, read once."""

    #: An ALL code (C91.00, C91.01, C91.02) is on the request: the disease is ALL.
    is_all: bool
    #: One of the covered diagnosis codes for J9039 is on the request.
    covered_diagnosis: bool
    #: The member is one month old or older on the date of service.
    one_month_or_older: bool


def known_facts(case: Mapping[str, Any]) -> Known:
    """Read the facts a conforming case always carries."""
    codes = set(case["diagnosis_codes"])
    birth = date.fromisoformat(case["member"]["birth_date"])
    service = date.fromisoformat(case["date_of_service"])
    return Known(
        is_all=bool(codes & set(ALL_CODES)),
        covered_diagnosis=bool(codes & COVERED_DIAGNOSIS_CODES),
        one_month_or_older=service >= one_month_old_on(birth),
    )


def _stated(value: Any) -> tuple[Any, ...]:
    return (value,)


def _statuses(case: Mapping[str, Any]) -> tuple[str, ...]:
    status = case["clinical"].get("disease_status")
    if status is None:
        return _STATUS_VALUES
    # Reading icd-status-conflict: each ALL code that contradicts the stated status adds the
    # statuses it agrees with; a code never supplies a status the request leaves out.
    statuses = {status}
    for code in case["diagnosis_codes"]:
        agreeing = ALL_CODES.get(code)
        if agreeing is not None and status not in agreeing:
            statuses |= agreeing
    return tuple(v for v in _STATUS_VALUES if v in {_ABSTRACT_STATUS[s] for s in statuses})


def status_conflict(case: Mapping[str, Any]) -> bool:
    """Whether an ALL diagnosis code contradicts the stated disease status."""
    status = case["clinical"].get("disease_status")
    return status is not None and any(
        code in ALL_CODES and status not in ALL_CODES[code] for code in case["diagnosis_codes"]
    )


def open_facts(case: Mapping[str, Any]) -> dict[str, tuple[Any, ...]]:
    """Every value each criterion's fact may still take, under its missing-fact name."""
    clinical: Mapping[str, Any] = case["clinical"]
    evidence: Mapping[str, Any] = case.get("evidence", {})

    def flag(field: str, holds: Any) -> tuple[bool, ...]:
        value = clinical.get(field)
        return _BOTH if value is None else _stated(bool(holds(value)))

    listings = evidence.get("compendia")
    return {
        "lineage": flag("lineage", lambda v: v == "b-cell-precursor"),
        "disease-status": _statuses(case),
        "cd19-status": flag("cd19_positive", lambda v: v is True),
        "complete-remission": flag("complete_remission", lambda v: v in _COUNTED_REMISSIONS),
        "minimal-residual-disease": flag("mrd_percent", lambda v: v >= MRD_THRESHOLD),
        "philadelphia-chromosome": flag("philadelphia_chromosome", lambda v: v == "negative"),
        "therapy-phase": flag("therapy_phase", lambda v: v == "consolidation"),
        "compendia": (
            _BOTH
            if listings is None
            else _stated(
                any(
                    item["compendium"] == "nccn" and item["rating"] in NCCN_CATEGORIES
                    for item in listings
                )
            )
        ),
    }


def verdict(known: Known, facts: Mapping[str, Any]) -> Verdict:
    """The decision complete facts make, with every clause it rests on."""
    # The three listed indications share a frame: CD19-positive B-cell precursor ALL, in a member
    # one month or older, coded with a covered diagnosis code.
    listed = (
        known.covered_diagnosis
        and known.one_month_or_older
        and known.is_all
        and facts["lineage"]
        and facts["cd19-status"]
    )
    status = facts["disease-status"]
    routes = {
        "BND-RR-BALL": listed and status == RELAPSED_OR_REFRACTORY,
        "BND-MRD": (
            listed
            and status == IN_REMISSION
            and facts["complete-remission"]
            and facts["minimal-residual-disease"]
        ),
        "BND-CONSOLIDATION": (
            listed and facts["philadelphia-chromosome"] and facts["therapy-phase"]
        ),
        # Reading age-floor-scope: the age floor belongs to the listed indications only.
        "BND-COMPENDIA": known.covered_diagnosis and facts["compendia"],
    }
    met = frozenset(clause for clause, holds in routes.items() if holds)
    if met:
        return Verdict("covered", "medically-necessary", met)
    # Reading all-other-investigational: everything else is investigational, and the decision
    # names the limits that by themselves rule out the listed uses.
    cited = {"BND-INVESTIGATIONAL"}
    if not known.covered_diagnosis:
        cited.add("BND-DX-CODES")
    if not known.one_month_or_older:
        cited.add("BND-AGE")
    return Verdict("not-covered", "investigational", frozenset(cited))


def judge(case: Mapping[str, Any]) -> Judgement:
    """Settle the decision of a conforming case over every completion, or name what is missing."""
    known = known_facts(case)
    facts = open_facts(case)
    judgement = judge_completions(facts, lambda each: verdict(known, each), MISSING_FACT_ORDER)
    settled = judgement.verdict
    if settled is None or settled.clauses:
        return judgement
    # Reading icd-status-conflict: every reading of a contested status is covered, but by
    # different routes, so no route holds in all of them; the decision then cites each route
    # that covers some reading rather than none at all.
    names = list(facts)
    routes = frozenset().union(
        *(
            verdict(known, dict(zip(names, values, strict=True))).clauses
            for values in itertools.product(*facts.values())
        )
    )
    return Judgement(Verdict(settled.outcome, settled.determination, routes), ())
