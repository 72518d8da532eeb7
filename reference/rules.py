"""The policy's criteria as the clause catalogue reads them, in three-valued logic.

A fact the request leaves out is unknown, never guessed; a criterion is met, not met or unknown
(Kleene logic), and an unknown criterion remembers which facts it still needs so that a pended
decision can name them all at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from policy_conformance import contract

__all__ = [
    "CLAUSE_ORDER",
    "DRUG_NAME",
    "MISSING_FACT_ORDER",
    "ClauseResult",
    "Facts",
    "codes_valid_on",
    "compendia_clause",
    "dated_codes",
    "fda_label_clause",
    "in_catalogue_order",
    "read_facts",
    "rr_ball_clause",
]

#: Three-valued truth: ``None`` is unknown.
Truth = bool | None

DRUG_NAME: Final = "inotuzumab ozogamicin"
ALL: Final = "acute-lymphoblastic-leukemia"

#: The catalogue's clause order. Kept here rather than read from features/ because the reference
#: must stand alone; a unit test holds it to the catalogue.
CLAUSE_ORDER: Final = (
    "INO-RR-BALL",
    "INO-FDA-LABEL",
    "INO-COMPENDIA",
    "INO-INV-NONCANCER",
    "INO-INV-UNSUPPORTED",
    "INO-NOT-MET",
    "INO-CODES",
    "INO-CODE-DATES",
    "INO-RECORDS",
)

#: The contract's own vocabulary and order for missing facts, read from the decision schema so the
#: two cannot drift.
MISSING_FACT_ORDER: Final[tuple[str, ...]] = tuple(
    contract.schema("decision")["properties"]["missing_facts"]["items"]["enum"]
)

#: Codes the policy lists with no date limit: the unclassified codes and the payer S-codes.
_UNDATED_CODES: Final = frozenset({"J3490", "J3590", "J9999", "S0353", "S0354"})

#: Codes valid only inside a window of dates of service (inclusive; ``None`` is open-ended).
#: C9028 was the 2018 pass-through code; J9229 replaced it from 2019-01-01.
_DATED_CODES: Final[Mapping[str, tuple[date | None, date | None]]] = {
    "C9028": (date(2018, 1, 1), date(2018, 12, 31)),
    "J9229": (date(2019, 1, 1), None),
}

#: Reading icd-status-conflict: the only pairs in which an ALL code agrees with a stated status.
#: Refractory disease has not achieved remission, hence C91.00.
_ICD_AGREES_WITH: Final[Mapping[str, frozenset[str]]] = {
    "C91.00": frozenset({"newly-diagnosed", "refractory"}),
    "C91.01": frozenset({"in-remission"}),
    "C91.02": frozenset({"relapsed"}),
}

#: Reading strong-compendia-ratings: the ratings that are strong support, by compendium. Anything
#: else (NCCN 2B or 3, DrugDex IIb or III, Lexi B or C, any non-supportive narrative) is not.
_STRONG_RATINGS: Final[Mapping[str, frozenset[str]]] = {
    "nccn": frozenset({"1", "2A"}),
    "micromedex-drugdex": frozenset({"I", "IIa"}),
    "ahfs-di": frozenset({"supportive"}),
    "clinical-pharmacology": frozenset({"supportive"}),
    "lexi-drugs": frozenset({"A"}),
}


def dated_codes() -> frozenset[str]:
    """The codes that count only inside a window of dates of service."""
    return frozenset(_DATED_CODES)


def codes_valid_on(day: date) -> frozenset[str]:
    """The policy's codes on a date of service (clauses INO-CODES and INO-CODE-DATES)."""
    dated = {
        code
        for code, (start, end) in _DATED_CODES.items()
        if (start is None or start <= day) and (end is None or day <= end)
    }
    return _UNDATED_CODES | dated


def in_catalogue_order(clauses: Iterable[str]) -> list[str]:
    """Clause ids without repeats, in the catalogue's order."""
    wanted = set(clauses)
    return [clause for clause in CLAUSE_ORDER if clause in wanted]


@dataclass(frozen=True)
class Facts:
    """The clinical facts of a well-formed case; ``None`` wherever the fact is unknown."""

    cancer: bool | None
    disease: str | None
    lineage: str | None
    status: str | None
    #: The status was stated but an ALL diagnosis code contradicts it, so it counts as unknown.
    status_conflict: bool
    within_label: bool | None
    benefit: bool | None
    #: ``None`` when the request says nothing about compendia; empty when none lists the use.
    compendia: tuple[tuple[str, str], ...] | None


def read_facts(case: Mapping[str, Any]) -> Facts:
    """Read the facts the criteria turn on from a case that conforms to the contract."""
    clinical: Mapping[str, Any] = case["clinical"]
    evidence: Mapping[str, Any] = case.get("evidence", {})
    labeling: Mapping[str, Any] | None = evidence.get("fda_labeling")
    listings: Sequence[Mapping[str, str]] | None = evidence.get("compendia")

    disease = clinical.get("disease")
    status = clinical.get("disease_status")
    conflict = (
        disease == ALL
        and status is not None
        and any(
            status not in _ICD_AGREES_WITH[code]
            for code in case["diagnosis_codes"]
            if code in _ICD_AGREES_WITH
        )
    )
    return Facts(
        cancer=clinical.get("cancer"),
        disease=disease,
        lineage=clinical.get("lineage"),
        # Neither the code nor the stated status can be preferred without records (INO-RECORDS).
        status=None if conflict else status,
        status_conflict=conflict,
        within_label=None if labeling is None else labeling["within_label"],
        benefit=None if labeling is None else labeling.get("clinical_benefit_established"),
        compendia=(
            None
            if listings is None
            else tuple((listing["compendium"], listing["rating"]) for listing in listings)
        ),
    )


@dataclass(frozen=True)
class ClauseResult:
    """A criterion's value, and when unknown, the facts whose absence leaves it unknown."""

    value: Truth
    missing: frozenset[str]


def _all_of(*conjuncts: tuple[Truth, str]) -> ClauseResult:
    """Kleene AND over (value, fact name) pairs: one false conjunct settles it."""
    if any(value is False for value, _ in conjuncts):
        return ClauseResult(False, frozenset())
    missing = frozenset(fact for value, fact in conjuncts if value is None)
    return ClauseResult(None if missing else True, missing)


def _equals(value: str | None, wanted: str) -> Truth:
    return None if value is None else value == wanted


def rr_ball_clause(facts: Facts) -> ClauseResult:
    """INO-RR-BALL: relapsed or refractory B-cell precursor ALL, at any age, CD22 or not."""
    return _all_of(
        (facts.cancer, "cancer"),
        (_equals(facts.disease, ALL), "disease"),
        (_equals(facts.lineage, "b-cell-precursor"), "lineage"),
        (
            None if facts.status is None else facts.status in {"relapsed", "refractory"},
            "disease-status",
        ),
    )


def fda_label_clause(facts: Facts) -> ClauseResult:
    """INO-FDA-LABEL: a cancer use within FDA labeling whose clinical benefit is established."""
    if facts.within_label is None:
        # Benefit is stated inside the labeling evidence, so asking for the labeling asks for it
        # too; naming clinical-benefit separately would ask twice for one document.
        return _all_of((facts.cancer, "cancer"), (None, "fda-labeling"))
    return _all_of(
        (facts.cancer, "cancer"),
        (facts.within_label, "fda-labeling"),
        (facts.benefit, "clinical-benefit"),
    )


def compendia_clause(facts: Facts) -> ClauseResult:
    """INO-COMPENDIA: a cancer use that at least one compendium strongly supports.

    Reading conflicting-compendia: a contrary listing elsewhere never defeats strong support.
    """
    strong: Truth = (
        None
        if facts.compendia is None
        else any(rating in _STRONG_RATINGS[name] for name, rating in facts.compendia)
    )
    return _all_of((facts.cancer, "cancer"), (strong, "compendia"))
