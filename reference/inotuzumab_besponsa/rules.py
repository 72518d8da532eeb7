"""The policy's criteria as the clause catalogue reads them, and the contract's grading rules.

A verdict is a function of complete facts (:func:`verdict`). A case rarely states every fact, so
each fact is read as the set of values it may still take (:func:`read_facts`); the decision is
then settled by enumerating every completion of those small abstract domains:

- every completion gives the same outcome and determination: that is the decision, and it cites
  the clauses that every completion cites;
- otherwise the request is pended, and a fact is missing exactly when some completion exists in
  which changing that fact alone changes the outcome or the determination.

Supplying every missing fact, with any values, then settles the decision (any two completions
that agree on the missing facts are joined by single-fact steps that change nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from policy_conformance import contract
from policy_conformance.reference import completions
from policy_conformance.reference.completions import Judgement, Verdict

__all__ = [
    "ALL_CODES",
    "CLAUSE_ORDER",
    "DRUG_NAMES",
    "MISSING_FACT_ORDER",
    "Facts",
    "Judgement",
    "Verdict",
    "codes_valid_on",
    "dated_codes",
    "in_catalogue_order",
    "judge",
    "read_facts",
    "verdict",
]

POLICY_ID: Final = "inotuzumab_besponsa"
ALL: Final = "acute-lymphoblastic-leukemia"

#: Reading drug-names: the generic name, its stem and the brand name all name the policy's drug.
DRUG_NAMES: Final = frozenset({"inotuzumab ozogamicin", "inotuzumab", "besponsa"})

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

#: The pack's vocabulary and order for missing facts, read from its facts schema so the two
#: cannot drift.
MISSING_FACT_ORDER: Final[tuple[str, ...]] = tuple(contract.missing_fact_titles(POLICY_ID))

#: Codes the policy lists with no date limit: the unclassified codes and the payer S-codes.
_UNDATED_CODES: Final = frozenset({"J3490", "J3590", "J9999", "S0353", "S0354"})

#: Codes valid only inside a window of dates of service (inclusive; ``None`` is open-ended).
#: C9028 was the 2018 pass-through code; J9229 replaced it from 2019-01-01.
_DATED_CODES: Final[Mapping[str, tuple[date | None, date | None]]] = {
    "C9028": (date(2018, 1, 1), date(2018, 12, 31)),
    "J9229": (date(2019, 1, 1), None),
}

#: Reading icd-status-conflict: the statuses each ALL code agrees with. Refractory disease has
#: not achieved remission, hence C91.00.
ALL_CODES: Final[Mapping[str, frozenset[str]]] = {
    "C91.00": frozenset({"newly-diagnosed", "refractory"}),
    "C91.01": frozenset({"in-remission"}),
    "C91.02": frozenset({"relapsed"}),
}

_RELAPSED_OR_REFRACTORY: Final = frozenset({"relapsed", "refractory"})

#: Reading strong-compendia-ratings: the ratings that are strong support, by compendium. Anything
#: else (NCCN 2B or 3, DrugDex IIb or III, Lexi B or C, any non-supportive narrative) is not.
_STRONG_RATINGS: Final[Mapping[str, frozenset[str]]] = {
    "nccn": frozenset({"1", "2A"}),
    "micromedex-drugdex": frozenset({"I", "IIa"}),
    "ahfs-di": frozenset({"supportive"}),
    "clinical-pharmacology": frozenset({"supportive"}),
    "lexi-drugs": frozenset({"A"}),
}

#: The abstract values of FDA labeling: benefit is part of the labeling evidence, so supplying
#: the labeling with any value can never leave benefit unknown.
NOT_WITHIN: Final = "not-within"
WITH_BENEFIT: Final = "within-with-benefit"
WITHOUT_BENEFIT: Final = "within-without-benefit"
_LABELINGS: Final = (NOT_WITHIN, WITH_BENEFIT, WITHOUT_BENEFIT)


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
    return completions.in_order(clauses, CLAUSE_ORDER)


@dataclass(frozen=True)
class Facts:
    """Every value each fact the criteria read may still take, given what the case states.

    A stated fact has one value; an unstated one its whole abstract domain; a status that an ALL
    diagnosis code contradicts, the stated status and the statuses the code agrees with.
    """

    cancer: tuple[bool, ...]
    is_all: tuple[bool, ...]
    b_cell_precursor: tuple[bool, ...]
    relapsed_or_refractory: tuple[bool, ...]
    labeling: tuple[str, ...]
    strong_compendia: tuple[bool, ...]
    #: The missing-fact name for the labeling: ``clinical-benefit`` when only benefit is open.
    labeling_name: str
    #: The status was stated but an ALL diagnosis code contradicts it.
    status_conflict: bool

    def by_name(self) -> dict[str, tuple[Any, ...]]:
        """The facts under their contract names, in the contract's order."""
        return {
            "cancer": self.cancer,
            "disease": self.is_all,
            "lineage": self.b_cell_precursor,
            "disease-status": self.relapsed_or_refractory,
            self.labeling_name: self.labeling,
            "compendia": self.strong_compendia,
        }


_BOTH: Final = (False, True)


def _known(value: Any) -> tuple[Any, ...]:
    return (value,)


def read_facts(case: Mapping[str, Any]) -> Facts:
    """Read the facts the criteria turn on from a case that conforms to the contract."""
    clinical: Mapping[str, Any] = case["clinical"]
    evidence: Mapping[str, Any] = case.get("evidence", {})
    lineage = clinical.get("lineage")
    status = clinical.get("disease_status")

    statuses: set[str] = set()
    conflict = False
    if status is not None:
        statuses.add(status)
        # Reading icd-status-conflict: each contradicting code adds the statuses it agrees with;
        # a code never supplies a status the request leaves out.
        for code in case["diagnosis_codes"]:
            agreeing = ALL_CODES.get(code)
            if agreeing is not None and status not in agreeing:
                conflict = True
                statuses |= agreeing

    labeling: Mapping[str, Any] | None = evidence.get("fda_labeling")
    labeling_name = "fda-labeling"
    if labeling is None:
        labelings: tuple[str, ...] = _LABELINGS
    elif not labeling["within_label"]:
        labelings = _known(NOT_WITHIN)
    elif "clinical_benefit_established" not in labeling:
        labelings, labeling_name = (WITH_BENEFIT, WITHOUT_BENEFIT), "clinical-benefit"
    else:
        benefit = labeling["clinical_benefit_established"]
        labelings = _known(WITH_BENEFIT if benefit else WITHOUT_BENEFIT)

    listings = evidence.get("compendia")
    return Facts(
        cancer=_BOTH if clinical.get("cancer") is None else _known(clinical["cancer"]),
        # Reading all-by-its-code: an ALL diagnosis code is on the request exactly when the disease
        # is ALL (the contract refuses any other pairing), so this fact is never open.
        is_all=_known(any(code in ALL_CODES for code in case["diagnosis_codes"])),
        b_cell_precursor=_BOTH if lineage is None else _known(lineage == "b-cell-precursor"),
        relapsed_or_refractory=(
            _BOTH
            if status is None
            else tuple(sorted({s in _RELAPSED_OR_REFRACTORY for s in statuses}))
        ),
        labeling=labelings,
        strong_compendia=(
            _BOTH
            if listings is None
            else _known(
                # Reading conflicting-compendia: one strong listing is enough.
                any(item["rating"] in _STRONG_RATINGS[item["compendium"]] for item in listings)
            )
        ),
        labeling_name=labeling_name,
        status_conflict=conflict,
    )


def verdict(
    *,
    cancer: bool,
    is_all: bool,
    b_cell_precursor: bool,
    relapsed_or_refractory: bool,
    labeling: str,
    strong_compendia: bool,
) -> Verdict:
    """The decision that complete facts make, with every clause it rests on."""
    # Reading all-is-a-cancer: ALL is a cancer, whatever (or whether) the flag says.
    cancer = cancer or is_all
    routes = {
        "INO-RR-BALL": is_all and b_cell_precursor and relapsed_or_refractory,
        "INO-FDA-LABEL": cancer and labeling == WITH_BENEFIT,
        "INO-COMPENDIA": cancer and strong_compendia,
    }
    met = frozenset(clause for clause, holds in routes.items() if holds)
    if met:
        return Verdict("covered", "medically-necessary", met)
    if not cancer:
        return Verdict(
            "not-covered", "investigational", frozenset({"INO-INV-NONCANCER", "INO-NOT-MET"})
        )
    if labeling == WITHOUT_BENEFIT:
        # Reading nmn-or-investigational: Policy Guidelines forbid calling a labeled cancer use
        # investigational.
        return Verdict("not-covered", "not-medically-necessary", frozenset({"INO-NOT-MET"}))
    return Verdict(
        "not-covered", "investigational", frozenset({"INO-INV-UNSUPPORTED", "INO-NOT-MET"})
    )


_FIELDS: Final = (
    "cancer",
    "is_all",
    "b_cell_precursor",
    "relapsed_or_refractory",
    "labeling",
    "strong_compendia",
)


def judge(facts: Facts) -> Judgement:
    """Settle the decision over every completion of the facts, or name the missing facts."""
    named = facts.by_name()
    fields = dict(zip(named, _FIELDS, strict=True))
    return completions.judge(
        named,
        lambda values: verdict(**{fields[name]: value for name, value in values.items()}),
        MISSING_FACT_ORDER,
    )
