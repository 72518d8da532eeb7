"""Metamorphic relations: how two decisions of related cases must compare, with no oracle.

Each relation turns a case (and the engine's decision of it) into a follow-up case, and says how
the two decisions must compare. The pack's catalogue (``invariants:`` in ``clauses.yaml``) names
each one with the clause it follows from; here is only how it is checked. No relation knows a
pack's facts: those that change one take the pack's own phrases from its case space (its weak
listings, the fact groups labelled with the missing fact they supply), and a follow-up case that
would break the contract is not sent.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import KitError
from .grading import graded
from .packs import Pack, display
from .strategies import CaseSpace, Choices, Phrase, conforms, given

__all__ = ["RELATIONS", "Relation", "check_case_space"]

Case = dict[str, Any]
Decision = dict[str, Any]


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
    return _followed_by(case, [choose.one(space.weak_listings)])


def _keeps_coverage(first: Decision, second: Decision) -> bool:
    return bool(first["outcome"] != "covered" or second["outcome"] == "covered")


def _with_named_fact(
    case: Case, decision: Decision, choose: Choices, space: CaseSpace
) -> Case | None:
    named = sorted(decision.get("missing_facts", []))
    if decision["outcome"] != "pended" or not named:
        return None
    fact = choose.one(named)
    # A value that contradicts a code on the request opens a reading of its own, with facts of
    # its own to ask for: it supplies the fact without settling it.
    codes = set(case["diagnosis_codes"])
    phrases = [p for p in space.phrases_supplying(fact) if not codes & set(p.contradicts)]
    if fact == "compendia" and space.compendia:
        # The compendia are the envelope's evidence: the kit writes them for every pack.
        listings = tuple(
            f"{name} rates the use {choose.one(ratings)}"
            for name, ratings in (choose.one(space.compendia) for _ in range(choose.number(1, 2)))
        )
        phrases += [Phrase(("no compendium lists the use",), (fact,)), Phrase(listings, (fact,))]
    # A phrase that would make the case break the contract ("not a cancer" beside a leukemia's
    # code) supplies nothing a request could send.
    followed = [again for p in phrases if (again := _followed_by(case, p.steps)) is not None]
    return choose.one(followed) if followed else None


def _followed_by(case: Case, steps: Sequence[str]) -> Case | None:
    """A copy of ``case`` changed by ``steps``, with its own id; None if it breaks the contract."""
    again = _copy(case)
    for step in steps:
        given(again, step)
    return again if conforms(again) else None


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

#: What each relation takes from the case space, and how to say it is not there.
_NEEDS: dict[str, tuple[Callable[[CaseSpace], bool], str]] = {
    "weaker-listing": (lambda s: bool(s.weak_listings), "weak_listings"),
    "named-fact-supplied": (
        lambda s: any(g.facts for g in s.facts),
        "a fact group labelled with the missing fact it supplies (fact:)",
    ),
    "date-within-window": (lambda s: bool(s.windows), "dates.windows"),
    "compendium-order": (lambda s: bool(s.compendia), "compendia"),
}


def check_case_space(pack: Pack, space: CaseSpace) -> None:
    """A KitError naming the case space when a relation the pack's catalogue names lacks data."""
    for invariant in pack.invariants:
        if invariant not in RELATIONS:
            raise KitError(
                f"{display(pack.directory / 'clauses.yaml')}: no relation checks invariant "
                f"{invariant}"
            )
        has, what = _NEEDS.get(invariant, (lambda s: True, ""))
        if not has(space):
            raise KitError(
                f"{display(space.path)}: invariant {invariant} (named in clauses.yaml) needs "
                f"{what}, which the case space lacks"
            )
